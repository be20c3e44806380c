"""Generate a large, varied benchmark corpus from the development documents.

Usage::

    python bench/corpus.py --size N [--out DIR] [--seed S] [--dev ../shared/eval/dev]

The templates are the ``*.txt`` files of the development folder (``../shared/eval/dev``) and of
``seeds/`` (a file whose text equals another template's is used once). Document ``i`` is template
``i mod T`` with its own variation, drawn from a random generator seeded with ``(seed, i)``:

- **people**: every person the template names (the ``Person`` entities and ``victim_names`` of
  its ``.gold.json``; spaCy ``PERSON`` entities when it has none) gets a made-up name, combined
  from a generic list of common given names and surnames (never a name from the documents).
  Given names, surnames and middle initials are swapped token by token, so "Walter Young",
  "Young" and "Mr Young" stay one person;
- **places and organisations**: each place (gold ``Place`` entities, and the place part of local
  bodies such as "South Yorkshire Police", "Rotherham council", "Folkestone Magistrates Court")
  becomes a generic UK/US-style place name ("Ashbury", "North Millford"); the head words
  ("Police", "council", "Police Department") are kept, and an acronym in brackets after a renamed
  organisation ("(SYP)") is replaced by the new name's initials everywhere;
- **numbers**: counts (digits and the words two to twenty) are scaled by a factor between 0.6
  and 1.8; years and the day of a date are kept;
- **sentence order**: sentences are shuffled within each paragraph, except the first paragraph
  (the headline), which stays first; a quotation that spans sentences moves as one piece.

So no two documents are identical (a duplicate is drawn again) and caching cannot help, and the
corpus is deterministic: the same seed always gives the same files, and the first ``N`` documents
of a larger corpus are the documents of a corpus of size ``N``.

The folder gets ``doc-00000-TEMPLATE.txt`` ... and ``manifest.json`` (size, seed, words). It must
lie outside the repository (default ``/tmp/casegraph-bench/corpus-N-sS``); a folder that already
holds the same corpus is reused. Prints words per document and the total.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import statistics
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "eval" / "dev"
SEEDS = ROOT / "seeds"
WORK = Path("/tmp/casegraph-bench")
#: Bump when the generator changes, so that a cached corpus is not reused.
VERSION = 2

GIVEN = (
    "James John Robert Michael William David Richard Joseph Thomas Charles Christopher Daniel "
    "Matthew Anthony Mark Paul Steven Andrew Kenneth Joshua Kevin Brian George Edward Ronald "
    "Timothy Jason Jeffrey Ryan Gary Peter Stephen Simon Ian Neil Martin Alan Colin Graham "
    "Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Nancy Lisa Margaret "
    "Sandra Ashley Emily Donna Michelle Carol Amanda Melissa Deborah Rebecca Laura Helen Anne "
    "Claire Emma Louise Joanne Nicola Rachel Catherine Fiona Alison Julie Gillian Victoria"
).split()
SURNAMES = (
    "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Martin "
    "Jackson Thompson White Harris Clark Lewis Robinson Walker Hall Allen Wright King Scott "
    "Baker Adams Nelson Hill Campbell Mitchell Roberts Carter Phillips Evans Turner Parker "
    "Collins Edwards Stewart Morris Murphy Cook Rogers Morgan Cooper Peterson Reed Bailey Bell "
    "Kelly Howard Ward Cox Richardson Wood Watson Brooks Bennett Gray Hughes Price Sanders "
    "Myers Long Ross Foster Powell Jenkins Perry Russell Sullivan Fisher Henderson Coleman "
    "Patterson Jordan Reynolds Hamilton Graham Wallace Marshall Owens Harrison Gibson Kennedy"
).split()
PLACE_STARTS = (
    "Ash Oak Elm Brook Stone Mill Bridge Kings Fair Green Red Black White Wood Marsh Bram Thorn "
    "Hazel Clay Church Holm Lang Nor Sal Wes Bar Col Dun"
).split()
PLACE_ENDS = (
    "ford field ton bury ham wood dale port ley borough wick stead mouth ridge well by".split()
)
COMPASS = ("North", "South", "East", "West")
#: Places never renamed: countries and other names a local variation would make odd.
NATIONAL = {
    "UK",
    "U.K.",
    "Britain",
    "BRITAIN",
    "England",
    "Scotland",
    "Wales",
    "United Kingdom",
    "United States",
    "U.S.",
    "US",
    "America",
    "Washington",
    "WASHINGTON",
    "Caribbean",
    "British Empire",
}
#: Head words of local bodies; the words before them name a place.
HEADS = (
    "Police Department",
    "Police Service",
    "Police",
    "Constabulary",
    "County Council",
    "Borough Council",
    "Council",
    "council",
    "Magistrates Court",
    "Crown Court",
    "Field Office",
    "Sheriff's Office",
)
#: Words before a head word that are not places ("Metropolitan Police").
NOT_PLACES = {"Metropolitan", "Civil Nuclear", "British Transport", "National", "Royal"}
HONORIFICS = {"Mr", "Mr.", "Mrs", "Mrs.", "Ms", "Ms.", "Dr", "Dr.", "Dame", "Sir", "Lord", "Lady"}
MONTHS = (
    "January February March April May June July August September October November December "
    "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec"
).split()
NUMBER_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty"
).split()
_NUMBER = re.compile(
    r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)(?![\w]|[.,]\d)"
    r"|\b(" + "|".join(w for w in NUMBER_WORDS[2:]) + r")\b",
    re.IGNORECASE,
)
_MONTH_BEFORE = re.compile(r"(?:" + "|".join(MONTHS) + r")\.?\s+$")
_MONTH_AFTER = re.compile(r"^\s+(?:" + "|".join(MONTHS) + r")\b")
#: A sentence ends at . ! or ? (and closing quotes or brackets) before a space and a capital,
#: digit or opening quote; not after a title or an initial.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’')]*\s+(?=[\"“‘]?[A-Z0-9])")
_NO_BREAK_AFTER = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|St|No|Nos|Gen|Col|Lt|Sgt|vs)\.|\b[A-Z]\.)$")


@dataclass
class Template:
    """One source document and what varies in it."""

    name: str
    text: str
    given: list[str] = field(default_factory=list)
    surnames: list[str] = field(default_factory=list)
    initials: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    #: ``(organisation name, acronym)`` pairs whose name contains a place.
    acronyms: list[tuple[str, str]] = field(default_factory=list)


# -- templates --------------------------------------------------------------------------------


def load_templates(dev: Path) -> list[Template]:
    """Read the template documents of ``dev`` and ``seeds/`` (each distinct text once)."""
    files = sorted(dev.glob("*.txt")) if dev.is_dir() else []
    files += sorted(SEEDS.glob("*.txt"))
    seen: set[str] = set()
    templates = []
    for path in files:
        text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
        digest = hashlib.sha256(text.encode()).hexdigest()
        if digest in seen:
            continue
        seen.add(digest)
        gold = path.with_name(path.stem + ".gold.json")
        info = json.loads(gold.read_text(encoding="utf-8")) if gold.is_file() else None
        templates.append(_analyse(path.stem, text, info))
    if not templates:
        sys.exit(f"No template documents in {dev} or {SEEDS}")
    return templates


def _analyse(name: str, text: str, gold: dict | None) -> Template:
    if gold is not None:
        entities = gold.get("entities", [])
        people = [e["name"] for e in entities if e.get("type") == "Person"]
        people += [
            _name_part(a, e["name"])
            for e in entities
            if e.get("type") == "Person"
            for a in e.get("aliases", [])
        ]
        people += gold.get("victim_names") or []
        places = [e["name"] for e in entities if e.get("type") == "Place"]
        places += [a for e in entities if e.get("type") == "Place" for a in e.get("aliases", [])]
        places = [p.removeprefix("the ") for p in places]
        orgs = [e["name"] for e in entities if e.get("type") == "Organisation"]
        orgs += [a for e in entities if e.get("type") == "Organisation" for a in e["aliases"]]
    else:  # no annotation: ask spaCy (slower, less exact)
        from graph.nlp import load_pipeline

        doc = load_pipeline()(text)
        people = [e.text for e in doc.ents if e.label_ == "PERSON"]
        places = [e.text for e in doc.ents if e.label_ == "GPE"]
        orgs = [e.text for e in doc.ents if e.label_ == "ORG"]
    template = Template(name, text)
    given: set[str] = set()
    surnames: set[str] = set()
    initials: set[str] = set()
    singles: set[str] = set()
    for person in people:
        tokens = [t for t in person.split() if t[:1].isupper() and t not in HONORIFICS]
        tokens = [t.removesuffix("’s").removesuffix("'s") for t in tokens]
        if len(tokens) == 1:
            singles.add(tokens[0])
        elif len(tokens) >= 2:
            surnames.add(tokens[-1])
            given.add(tokens[0])
            initials.update(t for t in tokens[1:-1] if re.fullmatch(r"[A-Z]\.", t))
            given.update(t for t in tokens[1:-1] if not re.fullmatch(r"[A-Z]\.", t))
    # A lone name is a surname unless it is someone's given name (gold lists such lone names;
    # spaCy's are kept only when they are the surname of a full name, as "Failures" is not).
    surnames |= {s for s in singles if s not in given and (gold is not None or s in surnames)}
    local: set[str] = {p for p in places if p not in NATIONAL and p in text}
    for org in orgs:
        for head in HEADS:
            stem = org.removesuffix(" " + head)
            if stem != org:
                stem = stem.removesuffix("’s").removesuffix("'s").strip()
                words = stem.split()
                if (
                    words
                    and stem not in NOT_PLACES
                    and all(w[0].isupper() and w.isalpha() for w in words)
                ):
                    local.add(stem)
                break
    template.given = sorted(g for g in given if g in text)
    template.surnames = sorted(s for s in surnames if s in text and s not in local)
    template.initials = sorted(initials)
    template.places = sorted(p for p in local if p in text)
    for org in orgs:
        match = re.search(re.escape(org) + r" \(([A-Z]{2,6})\)", text)
        if match and any(p in org for p in template.places):
            template.acronyms.append((org, match.group(1)))
    return template


def _name_part(alias: str, name: str) -> str:
    """The words of a person's ``alias`` from the name's first word on, titles dropped.

    "PC Deborah Sands" -> "Deborah Sands"; "Paula Anne Vennells" (for "Paula Vennells") stays;
    "Chief Constable Chesterman" (for "Chesterman") -> "Chesterman".
    """
    words = alias.split()
    first = name.split()[0]
    if first in words:
        return " ".join(words[words.index(first) :])
    return " ".join(w for w in words if w in name.split())


# -- variation --------------------------------------------------------------------------------


def _place_name(rng: random.Random) -> str:
    return rng.choice(PLACE_STARTS) + rng.choice(PLACE_ENDS)


def _substitutions(template: Template, rng: random.Random) -> dict[str, str]:
    """Old string -> new string for every name, place and acronym of one document."""
    subs: dict[str, str] = {}
    given = rng.sample(GIVEN, len(template.given))
    surnames = rng.sample(SURNAMES, len(template.surnames))
    subs.update(zip(template.given, given, strict=True))
    subs.update(zip(template.surnames, surnames, strict=True))
    for initial in template.initials:
        subs[initial] = rng.choice("ABCDEFGHJKLMNPRSTW") + "."
    used: set[str] = set()
    # Single-word places first, so that "East Sussex" can become "East <new Sussex>".
    for place in sorted(template.places, key=lambda p: (len(p.split()), p)):
        words = place.split()
        if len(words) > 1 and words[0] in COMPASS and " ".join(words[1:]) in subs:
            subs[place] = f"{words[0]} {subs[' '.join(words[1:])]}"
            continue
        new = _place_name(rng)
        while new in used:
            new = _place_name(rng)
        used.add(new)
        subs[place] = f"{rng.choice(COMPASS)} {new}" if len(words) > 1 else new
    for org, acronym in template.acronyms:
        renamed = _replace(org, subs)
        subs[acronym] = "".join(w[0] for w in renamed.split() if w[0].isupper())
    return subs


def _replace(text: str, subs: dict[str, str]) -> str:
    if not subs:
        return text
    keys = sorted(subs, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w])(" + "|".join(map(re.escape, keys)) + r")(?![\w])")
    return pattern.sub(lambda m: subs[m.group(1)], text)


def _scale_numbers(text: str, factor: float) -> str:
    def scale(match: re.Match[str]) -> str:
        digits, word = match.group(1), match.group(2)
        if digits is not None:
            value = int(digits.replace(",", ""))
            before, after = text[: match.start()], text[match.end() :]
            is_year = "," not in digits and len(digits) == 4 and 1800 <= value <= 2099
            is_day = value <= 31 and (_MONTH_BEFORE.search(before) or _MONTH_AFTER.match(after))
            if is_year or is_day or value == 0:
                return digits
            new = max(1, round(value * factor))
            return f"{new:,}" if "," in digits else str(new)
        value = NUMBER_WORDS.index(word.lower())
        new = max(2, round(value * factor))
        out = NUMBER_WORDS[new] if new < len(NUMBER_WORDS) else str(new)
        return out.capitalize() if word[0].isupper() else out

    return _NUMBER.sub(scale, text)


def _sentences(line: str) -> list[str]:
    """Split a line into sentences; a quotation spanning sentences stays one piece."""
    pieces: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(line):
        candidate = line[start : match.start()] + line[match.start() : match.end()].rstrip()
        if _NO_BREAK_AFTER.search(line[start : match.start()]):
            continue
        pieces.append(candidate)
        start = match.end()
    pieces.append(line[start:])
    merged: list[str] = []
    for piece in pieces:
        if merged and not _balanced(merged[-1]):
            merged[-1] += " " + piece
        else:
            merged.append(piece)
    return [p for p in merged if p.strip()]


def _balanced(text: str) -> bool:
    return text.count("“") == text.count("”") and text.count('"') % 2 == 0


def _shuffle(text: str, rng: random.Random) -> str:
    paragraphs = text.split("\n\n")
    out = paragraphs[:1]
    for paragraph in paragraphs[1:]:
        lines = []
        for line in paragraph.split("\n"):
            sentences = _sentences(line)
            rng.shuffle(sentences)
            lines.append(" ".join(sentences))
        out.append("\n".join(lines))
    return "\n\n".join(out)


def vary(template: Template, rng: random.Random) -> str:
    """One variation of ``template``: shuffled, renamed, renumbered."""
    text = _shuffle(template.text, rng)
    text = _replace(text, _substitutions(template, rng))
    return _scale_numbers(text, rng.uniform(0.6, 1.8))


# -- the corpus -------------------------------------------------------------------------------


def generate(size: int, out: Path, seed: int = 0, dev: Path = DEV) -> dict:
    """Write a corpus of ``size`` documents into ``out`` (reused when already there).

    Returns
    -------
    dict
        The manifest: size, seed, templates, words per document (mean, min, max), total words.
    """
    out = out.resolve()
    if out == ROOT or ROOT in out.parents:
        sys.exit(f"{out} is inside the repository: write the corpus elsewhere (e.g. /tmp)")
    manifest_path = out / "manifest.json"
    if manifest_path.is_file():
        manifest = json.loads(manifest_path.read_text())
        if (manifest.get("version"), manifest.get("size"), manifest.get("seed")) == (
            VERSION,
            size,
            seed,
        ) and len(list(out.glob("doc-*.txt"))) == size:
            return manifest
    if out.exists() and any(p.name != "manifest.json" for p in out.iterdir()):
        if not manifest_path.is_file():
            sys.exit(f"{out} is a non-empty folder that is not a generated corpus")
        for old in out.glob("doc-*.txt"):
            old.unlink()
    out.mkdir(parents=True, exist_ok=True)
    templates = load_templates(dev)
    seen: set[str] = set()
    words: list[int] = []
    for i in range(size):
        template = templates[i % len(templates)]
        attempt = 0
        while True:
            text = vary(template, random.Random(f"{seed}-{i}-{attempt}"))
            digest = hashlib.sha256(text.encode()).hexdigest()
            if digest not in seen:
                break
            attempt += 1
        seen.add(digest)
        (out / f"doc-{i:05d}-{template.name}.txt").write_text(text, encoding="utf-8")
        words.append(len(text.split()))
    manifest = {
        "version": VERSION,
        "size": size,
        "seed": seed,
        "templates": [t.name for t in templates],
        "words_total": sum(words),
        "words_per_doc_mean": round(statistics.mean(words), 1),
        "words_per_doc_min": min(words),
        "words_per_doc_max": max(words),
    }
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def default_out(size: int, seed: int) -> Path:
    """The default corpus folder for ``size`` and ``seed``."""
    return WORK / f"corpus-{size}-s{seed}"


def main() -> None:
    """Generate the corpus and print its size in words."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, required=True, help="number of documents")
    parser.add_argument("--out", type=Path, help="output folder (default under /tmp)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dev", type=Path, default=DEV, help="folder of template .txt files")
    options = parser.parse_args()
    if options.size < 1:
        parser.error("--size must be at least 1")
    out = options.out or default_out(options.size, options.seed)
    m = generate(options.size, out, options.seed, options.dev)
    print(f"{m['size']} documents from {len(m['templates'])} templates in {out}")
    print(
        f"words per document: mean {m['words_per_doc_mean']}, min {m['words_per_doc_min']}, "
        f"max {m['words_per_doc_max']}; total {m['words_total']:,} words"
    )


if __name__ == "__main__":
    main()
