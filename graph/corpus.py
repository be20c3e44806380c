"""The annotated corpus: mention-level annotations, their checker, and the gold derived from them.

An annotator writes ``NAME.ann.json`` beside ``NAME.txt`` (``corpus/GUIDE.md``): entities with the
strings that mention them, and facts (membership, investigation, allegation, outcome, statement)
whose evidence, trigger and other spans are strings copied from the text. Nobody counts
characters: :func:`resolve` finds every span in the text and checks every id, type and argument,
and :func:`to_gold` derives the document-level gold of ``../shared/eval/GOLD_SCHEMA.md`` that
``casegraph evaluate`` scores against. :func:`agreement` compares two annotations of one text.

Run as a module::

    python -m graph.corpus check corpus/train/NAME.ann.json   # or a folder; exit 1 on problems
    python -m graph.corpus show corpus/train/NAME.txt "the force"
    python -m graph.corpus gold corpus                        # write every NAME.gold.json
    python -m graph.corpus agree corpus                       # inter-annotator agreement
    python -m graph.corpus stats corpus                       # the tables of corpus/README.md

This module reads JSON and text only; it imports neither spaCy nor the pipeline.
"""

from __future__ import annotations

import csv
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.evaluate import normalise_name, normalise_person

__all__ = [
    "ENTITY_TYPES",
    "FACT_KINDS",
    "AnnotatedDoc",
    "Fact",
    "Mention",
    "Span",
    "agreement",
    "annotation_files",
    "check_file",
    "corpus_stats",
    "find_spans",
    "load",
    "resolve",
    "shared_ngrams",
    "split_documents",
    "to_gold",
]

ENTITY_TYPES = ("Organisation", "Person", "Group", "Place")

#: Per fact kind: its argument fields (``True`` when the field is a list) and its other fields.
FACT_KINDS: dict[str, dict[str, Any]] = {
    "membership": {"args": {"member": False, "org": False}, "required": ("member", "org")},
    "investigation": {
        "args": {"investigator": False, "subject": False},
        "required": ("investigator", "subject", "trigger"),
    },
    "allegation": {
        "args": {"against": True, "made_by": True},
        "required": ("against", "trigger"),
    },
    "outcome": {
        "args": {"applies_to": True, "decided_by": True},
        "required": ("type", "trigger"),
    },
    "statement": {"args": {"speaker": False}, "required": ("speaker", "quote")},
}
_FACT_FIELDS = {"kind", "id", "evidence", "trigger", "time", "role", "summary", "count", "type"}
_FACT_FIELDS |= {"quote", "note"}
_ENTITY_FIELDS = {"id", "type", "name", "mentions", "count", "victim", "corpus_id", "note"}
#: Outcome types a victim may receive (everything else about a victim would accuse them).
_VICTIM_OUTCOMES = ("compensation",)


@dataclass(frozen=True, order=True)
class Span:
    """Character offsets into the document text; ``text == doc_text[start:end]``."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, order=True)
class Mention:
    """One occurrence of an entity in the text."""

    span: Span
    entity: str


@dataclass(frozen=True)
class Fact:
    """A fact of the annotation with its spans found in the text."""

    kind: str
    raw: Mapping[str, Any]
    evidence: Span | None
    trigger: Span | None = None
    quote: Span | None = None
    role: Span | None = None
    time: Span | None = None

    def ids(self, arg: str) -> list[str]:
        """The entity ids of one argument, always as a list."""
        value = self.raw.get(arg)
        if value is None or value == "":
            return []
        return list(value) if isinstance(value, list) else [value]


@dataclass
class AnnotatedDoc:
    """An annotation resolved against its text."""

    name: str
    text: str
    entities: dict[str, dict[str, Any]]
    mentions: list[Mention]
    facts: list[Fact]
    problems: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.text.split("\n", 1)[0].strip()

    def is_victim(self, entity_id: str) -> bool:
        return bool(self.entities.get(entity_id, {}).get("victim"))


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def find_spans(text: str, needle: str, *, fold_first: bool = False) -> list[tuple[int, int]]:
    """Every occurrence of ``needle`` in ``text`` that stands between word boundaries.

    With ``fold_first`` a lower-case first letter also matches its capital ("the force" finds
    "The force" at the start of a sentence).

    Examples
    --------
    >>> find_spans("The force and the forces; the force.", "the force", fold_first=True)
    [(0, 9), (26, 35)]
    >>> find_spans("PC Hale and Halesworth", "Hale")
    [(3, 7)]
    """
    if not needle:
        return []
    needles = {needle}
    if fold_first and needle[0].islower():
        needles.add(needle[0].upper() + needle[1:])
    found = []
    for n in needles:
        i = text.find(n)
        while i >= 0:
            end = i + len(n)
            before_ok = i == 0 or not (_is_word(text[i - 1]) and _is_word(n[0]))
            after_ok = end == len(text) or not (_is_word(text[end]) and _is_word(n[-1]))
            if before_ok and after_ok:
                found.append((i, end))
            i = text.find(n, i + 1)
    return sorted(found)


def _span_ref(value: Any) -> tuple[str, Any]:
    """(text, occ) of a span reference: a string, or ``{"text": ..., "occ": ...}``."""
    if isinstance(value, Mapping):
        return str(value.get("text", "")), value.get("occ")
    return (value if isinstance(value, str) else ""), None


def _pick(
    spans: list[tuple[int, int]], occ: Any, what: str, problems: list[str], *, many: bool
) -> list[tuple[int, int]]:
    """The occurrences an ``occ`` field selects (1-based); a problem when one is out of range."""
    if occ is None:
        return spans
    wanted = occ if isinstance(occ, list) else [occ]
    if not many and len(wanted) != 1:
        problems.append(f"{what}: 'occ' must be one number")
        return []
    out = []
    for k in wanted:
        if not isinstance(k, int) or not 1 <= k <= len(spans):
            problems.append(f"{what}: occurrence {k!r} does not exist (found {len(spans)})")
        else:
            out.append(spans[k - 1])
    return out


def _one_span(
    text: str,
    value: Any,
    what: str,
    problems: list[str],
    *,
    within: Span | None = None,
    require_unique: bool = True,
) -> Span | None:
    """Find one span: inside ``within`` when given and found there, else in the whole text."""
    needle, occ = _span_ref(value)
    if not needle.strip():
        problems.append(f"{what}: empty or not a string")
        return None
    if within is not None and occ is None:
        local = find_spans(within.text, needle)
        if local:
            s, e = local[0]
            return Span(within.start + s, within.start + e, needle)
    spans = find_spans(text, needle)
    if not spans:
        where = " (nor in its evidence)" if within is not None else ""
        problems.append(f"{what}: {needle!r} is not in the text{where}")
        return None
    picked = _pick(spans, occ, what, problems, many=False)
    if occ is None and len(spans) > 1 and require_unique:
        problems.append(
            f"{what}: {needle!r} occurs {len(spans)} times; give {{'text': ..., 'occ': N}}"
        )
        return None
    if not picked:
        return None
    s, e = picked[0]
    return Span(s, e, text[s:e])


def _check_entities(raw: Any, problems: list[str]) -> dict[str, dict[str, Any]]:
    entities: dict[str, dict[str, Any]] = {}
    if not isinstance(raw, list):
        problems.append("'entities' must be a list")
        return entities
    for k, ent in enumerate(raw):
        if not isinstance(ent, Mapping):
            problems.append(f"entity #{k + 1} is not an object")
            continue
        eid = ent.get("id")
        what = f"entity {eid!r}"
        if not isinstance(eid, str) or not eid:
            problems.append(f"entity #{k + 1} has no id")
            continue
        if eid in entities:
            problems.append(f"{what}: id repeated")
            continue
        if unknown := set(ent) - _ENTITY_FIELDS:
            problems.append(f"{what}: unknown field(s) {', '.join(sorted(unknown))}")
        if ent.get("type") not in ENTITY_TYPES:
            problems.append(f"{what}: type {ent.get('type')!r} is not one of {ENTITY_TYPES}")
        if not isinstance(ent.get("name"), str) or not ent.get("name", "").strip():
            problems.append(f"{what}: no name")
        count = ent.get("count")
        if count is not None and (not isinstance(count, int) or count < 0):
            problems.append(f"{what}: count {count!r} is not a whole number")
        if not isinstance(ent.get("mentions"), list) or not ent.get("mentions"):
            problems.append(f"{what}: 'mentions' must be a non-empty list")
        cid = ent.get("corpus_id")
        if cid is not None and (not isinstance(cid, str) or ":" not in cid):
            problems.append(f"{what}: corpus_id {cid!r} must look like 'A:slug'")
        entities[eid] = dict(ent)
    return entities


def _resolve_mentions(
    text: str, entities: Mapping[str, Mapping[str, Any]], problems: list[str]
) -> list[Mention]:
    """Every occurrence of every mention string, the longest first; nested shorter ones drop."""
    wanted: list[tuple[str, str, list[tuple[int, int]]]] = []
    for eid, ent in entities.items():
        for ref in ent.get("mentions") or []:
            needle, occ = _span_ref(ref)
            what = f"entity {eid!r} mention {needle!r}"
            if not needle.strip():
                problems.append(f"entity {eid!r}: an empty mention")
                continue
            spans = find_spans(text, needle, fold_first=True)
            if not spans:
                problems.append(f"{what}: not in the text")
                continue
            wanted.append((eid, needle, _pick(spans, occ, what, problems, many=True)))
        name = ent.get("name")
        if isinstance(name, str) and name.strip() and not find_spans(text, name, fold_first=True):
            problems.append(f"entity {eid!r}: name {name!r} is not in the text")
    owner: dict[tuple[int, int], str] = {}
    for eid, needle, spans in wanted:
        for s in spans:
            if s in owner and owner[s] != eid:
                problems.append(
                    f"mention {needle!r} at occurrence {text[: s[0]].count(needle) + 1} is claimed "
                    f"by both {owner[s]!r} and {eid!r}; give 'occ' numbers"
                )
            owner.setdefault(s, eid)
    taken: list[tuple[int, int]] = []
    mentions = []
    for (s, e), eid in sorted(owner.items(), key=lambda kv: (kv[0][0] - kv[0][1], kv[0])):
        if any(s < te and ts < e for ts, te in taken):
            continue  # inside a longer mention ("Northmoor" in "Northmoor Police")
        taken.append((s, e))
        mentions.append(Mention(Span(s, e, text[s:e]), eid))
    kept = {(m.span.start, m.span.end, m.entity) for m in mentions}
    for eid, needle, spans in wanted:
        if spans and not any((s, e, eid) in kept for s, e in spans):
            problems.append(f"entity {eid!r} mention {needle!r}: found only inside longer mentions")
    return sorted(mentions)


def _check_fact(
    k: int,
    raw: Any,
    text: str,
    entities: Mapping[str, Mapping[str, Any]],
    outcome_types: set[str],
    problems: list[str],
) -> Fact | None:
    if not isinstance(raw, Mapping):
        problems.append(f"fact #{k} is not an object")
        return None
    kind = raw.get("kind")
    what = f"fact #{k} ({kind})"
    if kind not in FACT_KINDS:
        problems.append(f"fact #{k}: kind {kind!r} is not one of {', '.join(FACT_KINDS)}")
        return None
    spec = FACT_KINDS[kind]
    if unknown := set(raw) - _FACT_FIELDS - set(spec["args"]):
        problems.append(f"{what}: unknown field(s) {', '.join(sorted(unknown))}")
    for req in spec["required"]:
        if raw.get(req) in (None, "", []):
            problems.append(f"{what}: '{req}' is missing")
    for arg, is_list in spec["args"].items():
        value = raw.get(arg)
        if value is None:
            continue
        if is_list != isinstance(value, list):
            problems.append(f"{what}: '{arg}' must be {'a list of ids' if is_list else 'one id'}")
            continue
        for eid in value if is_list else [value]:
            if eid not in entities:
                problems.append(f"{what}: '{arg}' names {eid!r}, which is no entity id")
    if kind == "outcome":
        otype = raw.get("type")
        if isinstance(otype, str) and otype.startswith("other:"):
            if len(otype) <= len("other:"):
                problems.append(f"{what}: 'other:' needs a short slug")
        elif otype not in outcome_types:
            problems.append(f"{what}: type {otype!r} is not an outcome type of the guide")
    count = raw.get("count")
    if count is not None and (not isinstance(count, int) or count < 0):
        problems.append(f"{what}: count {count!r} is not a whole number")
    if kind in ("membership", "investigation", "allegation", "outcome") and not raw.get("evidence"):
        problems.append(f"{what}: 'evidence' is missing")
    evidence = None
    if raw.get("evidence"):
        evidence = _one_span(text, raw["evidence"], f"{what} evidence", problems)
        if evidence is not None and "\n" in evidence.text:
            problems.append(f"{what}: evidence runs over a line break; keep it in one sentence")
    quote = None
    if kind == "statement" and raw.get("quote"):
        quote = _one_span(text, raw["quote"], f"{what} quote", problems, require_unique=False)
        if evidence is None:
            evidence = quote
    spans: dict[str, Span | None] = {}
    for name in ("trigger", "role", "time"):
        if raw.get(name):
            spans[name] = _one_span(
                text,
                raw[name],
                f"{what} {name}",
                problems,
                within=evidence,
                require_unique=name == "trigger",
            )
    if spans.get("trigger") and evidence is not None:
        t = spans["trigger"]
        if not (evidence.start <= t.start and t.end <= evidence.end):
            problems.append(f"{what}: trigger {t.text!r} is not inside the evidence")
    # safeguarding: a victim is never accused, investigated or sanctioned
    accused = []
    if kind == "allegation":
        accused = list(raw.get("against") or [])
    elif kind == "investigation":
        accused = [raw.get("subject")]
    elif kind == "outcome" and raw.get("type") not in _VICTIM_OUTCOMES:
        accused = list(raw.get("applies_to") or [])
    for eid in accused:
        if isinstance(eid, str) and entities.get(eid, {}).get("victim"):
            problems.append(f"{what}: {eid!r} is marked as a victim but is accused here")
    return Fact(
        kind, dict(raw), evidence, spans.get("trigger"), quote, spans.get("role"), spans.get("time")
    )


def resolve(ann: Mapping[str, Any], text: str, name: str = "document") -> AnnotatedDoc:
    """Find every span of an annotation in its text and check every id, type and argument.

    Problems do not raise: they are listed in ``AnnotatedDoc.problems``, each naming the entity
    or fact and the reason, so an annotator sees them all at once.

    Examples
    --------
    >>> text = "Title\\n\\nPC Ann Lee of Elm Police was dismissed."
    >>> ann = {"doc": "x", "entities": [
    ...     {"id": "lee", "type": "Person", "name": "Ann Lee", "mentions": ["Ann Lee"]},
    ...     {"id": "elm", "type": "Organisation", "name": "Elm Police",
    ...      "mentions": ["Elm Police"]}],
    ...   "facts": [{"kind": "outcome", "type": "dismissal", "applies_to": ["lee"],
    ...              "trigger": "dismissed", "evidence": "was dismissed"}]}
    >>> doc = resolve(ann, text)
    >>> doc.problems, [m.span.text for m in doc.mentions], doc.facts[0].trigger.start
    ([], ['Ann Lee', 'Elm Police'], 36)
    """
    from graph.ontology import outcome_scheme

    problems: list[str] = []
    if not isinstance(ann, Mapping):
        return AnnotatedDoc(name, text, {}, [], [], ["the annotation is not a JSON object"])
    if unknown := set(ann) - {"doc", "annotator", "reviewer", "entities", "facts", "note"}:
        problems.append(f"unknown top-level field(s) {', '.join(sorted(unknown))}")
    entities = _check_entities(ann.get("entities", []), problems)
    mentions = _resolve_mentions(text, entities, problems)
    facts_raw = ann.get("facts", [])
    if not isinstance(facts_raw, list):
        problems.append("'facts' must be a list")
        facts_raw = []
    types = set(outcome_scheme())
    facts = [
        f
        for k, raw in enumerate(facts_raw, 1)
        if (f := _check_fact(k, raw, text, entities, types, problems)) is not None
    ]
    return AnnotatedDoc(name, text, entities, mentions, facts, problems)


def load(path: str | Path) -> AnnotatedDoc:
    """Read ``NAME.ann.json`` and the ``NAME.txt`` beside it (or, for a second annotation in
    ``corpus/iaa/``, the text of the same name anywhere under the corpus folder)."""
    path = Path(path)
    name = path.name.removesuffix(".ann.json")
    txt = path.with_name(name + ".txt")
    if not txt.exists():
        found = sorted(path.parent.parent.glob(f"*/{name}.txt"))
        if not found:
            return AnnotatedDoc(name, "", {}, [], [], [f"no text {name}.txt for {str(path)!r}"])
        txt = found[0]
    text = txt.read_text(encoding="utf-8")
    try:
        ann = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        return AnnotatedDoc(name, text, {}, [], [], [f"not valid JSON: {err}"])
    doc = resolve(ann, text, name)
    if ann.get("doc") not in (None, name):
        doc.problems.insert(0, f"'doc' is {ann.get('doc')!r}, the file is {name!r}")
    return doc


def check_file(path: str | Path) -> list[str]:
    """The problems of one annotation file, each prefixed with the file name."""
    doc = load(path)
    return [f"{Path(path).name}: {p}" for p in doc.problems]


def annotation_files(root: str | Path, *, second: bool = False) -> list[Path]:
    """The ``*.ann.json`` files under ``root`` (the primary ones, or those of ``iaa/``)."""
    root = Path(root)
    if root.is_file():
        return [root]
    files = sorted(root.rglob("*.ann.json"))
    return [f for f in files if (f.parent.name == "iaa") == second]


def _document_rows(root: Path) -> list[dict[str, str]]:
    """The rows of ``documents.tsv`` (name, split, genre, jurisdiction, series, writer, words)."""
    with (root / "documents.tsv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def split_documents(root: str | Path, split: str) -> list[AnnotatedDoc]:
    """The annotated documents of one split (``train``, ``dev``, ``test``), in the order of
    ``documents.tsv``; those whose annotation has problems are left out."""
    root = Path(root)
    docs = []
    for row in _document_rows(root):
        path = root / split / f"{row['name']}.ann.json"
        if row["split"] == split and path.exists():
            doc = load(path)
            if not doc.problems:
                docs.append(doc)
    return docs


def to_gold(doc: AnnotatedDoc) -> dict[str, Any]:
    """Derive the document-level gold of ``GOLD_SCHEMA.md`` from a resolved annotation.

    Safeguarding as casegraph applies it: a named victim is no entity but one of the
    ``victim_names``; facts that need a victim as an argument lose that argument. Outcomes are
    one per named person they apply to (``SCORING.md``).
    """
    surface: dict[str, list[str]] = defaultdict(list)
    for m in doc.mentions:
        if m.span.text not in surface[m.entity]:
            surface[m.entity].append(m.span.text)
    hidden = {eid for eid, e in doc.entities.items() if e.get("victim") and e["type"] == "Person"}
    entities, victim_names = [], []
    for eid, ent in doc.entities.items():
        forms = [ent["name"], *surface.get(eid, [])]
        if eid in hidden:
            victim_names += [f for f in dict.fromkeys(forms)]
            continue
        out = {"id": eid, "type": ent["type"], "name": ent["name"]}
        out["aliases"] = [f for f in dict.fromkeys(forms) if f != ent["name"]]
        if ent.get("count") is not None:
            out["count"] = ent["count"]
        if ent.get("victim"):
            out["victim"] = True
        if ent.get("corpus_id"):
            out["corpus_id"] = ent["corpus_id"]
        entities.append(out)

    def keep(ids: Iterable[str]) -> list[str]:
        return [i for i in ids if i in doc.entities and i not in hidden]

    gold: dict[str, Any] = {
        "id": doc.name,
        "title": doc.title,
        "url": f"corpus document {doc.name}",
        "publisher": "casegraph corpus (invented)",
        "licence": "other: invented for casegraph, MIT",
        "entities": entities,
        "affiliations": [],
        "investigations": [],
        "allegations": [],
        "outcomes": [],
        "statements": [],
        "victim_names": victim_names,
    }
    seen: set[Any] = set()
    for n, f in enumerate(doc.facts, 1):
        ev = f.evidence.text if f.evidence else None
        if f.kind == "membership":
            member, org = keep(f.ids("member")), keep(f.ids("org"))
            key = ("m", tuple(member), tuple(org))
            if member and org and key not in seen:
                seen.add(key)
                role = f.role.text if f.role else ""
                gold["affiliations"].append({"person": member[0], "org": org[0], "role": role})
        elif f.kind == "investigation":
            a, b = keep(f.ids("investigator")), keep(f.ids("subject"))
            key = ("i", tuple(a), tuple(b))
            if a and b and key not in seen:
                seen.add(key)
                gold["investigations"].append({"investigator": a[0], "subject": b[0]})
        elif f.kind == "allegation":
            against = keep(f.ids("against"))
            if not against:
                continue
            item = {"id": f"a{n}", "against": against, "made_by": keep(f.ids("made_by"))}
            if f.raw.get("count") is not None:
                item["count"] = f.raw["count"]
            item["summary"] = f.raw.get("summary", "")
            item["evidence"] = ev
            gold["allegations"].append(item)
        elif f.kind == "outcome":
            targets = keep(f.ids("applies_to"))
            persons = [t for t in targets if doc.entities[t]["type"] == "Person"]
            others = [t for t in targets if t not in persons]
            groups = [[p] for p in persons] or [others]
            deciders = keep(f.ids("decided_by"))
            for k, applies in enumerate(groups):
                item = {"id": f"o{n}" + (f".{k + 1}" if len(groups) > 1 else "")}
                item["type"] = f.raw["type"]
                if f.raw.get("count") is not None:
                    item["count"] = f.raw["count"]
                item["applies_to"] = applies if applies else None
                item["decided_by"] = deciders[0] if deciders else None
                item["evidence"] = ev
                gold["outcomes"].append(item)
        elif f.kind == "statement":
            speaker = keep(f.ids("speaker"))
            if speaker and f.quote is not None:
                gold["statements"].append({"speaker": speaker[0], "quote_start": f.quote.text})
    return gold


# --- agreement ------------------------------------------------------------------------------


def _entity_keys(doc: AnnotatedDoc) -> dict[str, set[str]]:
    """Each entity's normalised surface forms (persons also without titles)."""
    keys: dict[str, set[str]] = defaultdict(set)
    for eid, ent in doc.entities.items():
        forms = [ent.get("name", "")] + [m.span.text for m in doc.mentions if m.entity == eid]
        for form in forms:
            norm = normalise_person(form) if ent.get("type") == "Person" else normalise_name(form)
            if norm:
                keys[eid].add(norm)
    return keys


def _align(a: AnnotatedDoc, b: AnnotatedDoc) -> dict[str, str]:
    """Map entity ids of ``b`` to those of ``a`` sharing a surface form (and type when possible)."""
    ka, kb = _entity_keys(a), _entity_keys(b)
    out = {}
    for eb, forms in kb.items():
        cands = [ea for ea, fa in ka.items() if fa & forms]
        same = [c for c in cands if a.entities[c].get("type") == b.entities[eb].get("type")]
        if same or cands:
            out[eb] = (same or cands)[0]
    return out


def _prf(a: Counter, b: Counter) -> dict[str, float | int]:
    tp = sum((a & b).values())
    na, nb = sum(a.values()), sum(b.values())
    f1 = 2 * tp / (na + nb) if na + nb else 1.0
    return {"tp": tp, "a": na, "b": nb, "f1": round(f1, 3)}


def _fact_items(doc: AnnotatedDoc, kind: str, rename: Mapping[str, str]) -> Counter:
    """Comparable items of one fact kind, entity ids mapped through ``rename``."""

    def ids(f: Fact, arg: str) -> tuple[str, ...]:
        return tuple(sorted(rename.get(i, "?" + i) for i in f.ids(arg)))

    items: Counter = Counter()
    for f in doc.facts:
        if f.kind != kind:
            continue
        if kind == "membership":
            items[(ids(f, "member"), ids(f, "org"))] = 1
        elif kind == "investigation":
            items[(ids(f, "investigator"), ids(f, "subject"))] = 1
        elif kind == "allegation":
            # the sentence (by its start line) and the targets
            line = doc.text.count("\n", 0, f.evidence.start) if f.evidence else -1
            for t in ids(f, "against"):
                items[(line, t)] += 1
        elif kind == "outcome":
            for t in ids(f, "applies_to") or ("",):
                items[(f.raw.get("type"), t)] += 1
        elif kind == "statement":
            start = normalise_name(f.quote.text if f.quote else "")[:20]
            items[(ids(f, "speaker"), start)] = 1
    return items


def agreement(a: AnnotatedDoc, b: AnnotatedDoc) -> dict[str, dict[str, float | int]]:
    """F1 of annotation ``b`` against annotation ``a`` of the same text, per kind.

    Entities match on a shared normalised surface form; facts compare their arguments through
    that alignment (allegations by paragraph line and target, outcomes by type and target,
    statements by speaker and the start of the quote). Symmetric in F1.
    """
    rename_b = _align(a, b)
    rename_a = {e: e for e in a.entities}
    ents_a = Counter({e: 1 for e in a.entities})
    # an unmatched entity of b keeps an id of its own ("?id", as in _fact_items): it counts on
    # b's side only
    ents_b = Counter({rename_b.get(e, "?" + e): 1 for e in b.entities})
    scores = {"entities": _prf(ents_a, ents_b)}
    for kind in FACT_KINDS:
        scores[kind] = _prf(_fact_items(a, kind, rename_a), _fact_items(b, kind, rename_b))
    return scores


# --- near duplicates -----------------------------------------------------------------------


def shared_ngrams(
    texts: Mapping[str, str], n: int = 8, top: int = 5
) -> list[tuple[float, str, str]]:
    """The pairs of texts that share the largest part of their ``n``-word sequences.

    The share of a pair is the number of distinct word ``n``-grams both contain divided by the
    number in the smaller text. Returns the ``top`` pairs, largest share first.

    Examples
    --------
    >>> a = "one two three four five six seven eight nine ten"
    >>> shared_ngrams({"a": a, "b": a + " eleven", "c": "something else entirely"}, n=8)
    [(1.0, 'a', 'b')]
    """
    import itertools
    import re

    grams: dict[str, set[tuple[str, ...]]] = {}
    for name, text in texts.items():
        words = re.findall(r"\w+", text.lower())
        grams[name] = {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}
    holders: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for name in sorted(grams):
        for g in grams[name]:
            holders[g].append(name)
    common: Counter = Counter()
    for names in holders.values():
        if len(names) > 1:
            common.update(itertools.combinations(names, 2))
    shares = [
        (round(k / max(1, min(len(grams[a]), len(grams[b]))), 3), a, b)
        for (a, b), k in common.items()
    ]
    return sorted(shares, key=lambda t: (-t[0], t[1], t[2]))[:top]


# --- command line ---------------------------------------------------------------------------


def _cmd_check(paths: Sequence[str]) -> int:
    problems = []
    n = 0
    for p in paths:
        for f in annotation_files(p) + (
            annotation_files(p, second=True) if Path(p).is_dir() else []
        ):
            n += 1
            problems += check_file(f)
    for line in problems:
        print(line)
    print(f"{n} annotation files, {len(problems)} problems" if problems else f"ok ({n} files)")
    return 1 if problems or n == 0 else 0


def _cmd_show(path: str, needle: str) -> int:
    text = Path(path).read_text(encoding="utf-8")
    spans = find_spans(text, needle, fold_first=True)
    for k, (s, e) in enumerate(spans, 1):
        left = text[max(0, s - 60) : s].replace("\n", " ")
        right = text[e : e + 60].replace("\n", " ")
        print(f"{k:3d}: …{left}[{text[s:e]}]{right}…")
    if not spans:
        print(f"{needle!r} is not in {path}")
    return 0 if spans else 1


def _cmd_gold(root: str) -> int:
    bad = 0
    for path in annotation_files(root):
        doc = load(path)
        if doc.problems:
            bad += 1
            print(f"{doc.name}: {len(doc.problems)} problems; run check")
            continue
        path.with_name(f"{doc.name}.gold.json").write_text(
            json.dumps(to_gold(doc), indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    return 1 if bad else 0


def _cmd_agree(root: str) -> int:
    totals: dict[str, Counter] = defaultdict(Counter)
    pairs = 0
    for second in annotation_files(root, second=True):
        first = [f for f in annotation_files(root) if f.name == second.name]
        if not first:
            continue
        a, b = load(first[0]), load(second)
        if a.problems or b.problems:
            continue
        pairs += 1
        for kind, s in agreement(a, b).items():
            totals[kind].update({"tp": s["tp"], "a": s["a"], "b": s["b"]})
    print(f"{pairs} doubly annotated documents")
    for kind, c in totals.items():
        f1 = 2 * c["tp"] / (c["a"] + c["b"]) if c["a"] + c["b"] else 1.0
        print(f"{kind:14s} F1 {f1:.3f}  (agreed {c['tp']}, first {c['a']}, second {c['b']})")
    return 0


def _table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return lines


def corpus_stats(root: str | Path) -> str:
    """Markdown tables of the corpus: documents and words, genres and jurisdictions per split,
    annotations and fact kinds per split, outcome types per split, agreement, near duplicates."""
    root = Path(root)
    rows = _document_rows(root)
    splits = ("train", "dev", "test")
    out: list[str] = []
    words = {s: sum(int(r["words"]) for r in rows if r["split"] == s) for s in splits}
    docs = {s: sum(1 for r in rows if r["split"] == s) for s in splits}
    series = {s: sum(1 for r in rows if r["split"] == s and r["series"]) for s in splits}
    out += ["### Documents", ""]
    out += _table(
        ["", *splits, "all"],
        [
            ["documents", *(docs[s] for s in splits), sum(docs.values())],
            ["of them in series", *(series[s] for s in splits), sum(series.values())],
            ["words", *(f"{words[s]:,}" for s in splits), f"{sum(words.values()):,}"],
        ],
    )
    for key, title in (("genre", "Genres"), ("jurisdiction", "Jurisdictions")):
        values = sorted({r[key] for r in rows})
        count = Counter((r[key], r["split"]) for r in rows)
        out += ["", f"### {title} (documents per split)", ""]
        out += _table(
            [key, *splits, "all"],
            [[v, *(count[v, s] for s in splits), sum(count[v, s] for s in splits)] for v in values],
        )
    kinds: dict[str, Counter] = {s: Counter() for s in splits}
    types: dict[str, Counter] = {s: Counter() for s in splits}
    annotated: Counter = Counter()
    for r in rows:
        path = root / r["split"] / f"{r['name']}.ann.json"
        if not path.exists():
            continue
        doc = load(path)
        if doc.problems:
            continue
        s = r["split"]
        annotated[s] += 1
        kinds[s]["entities"] += len(doc.entities)
        kinds[s]["mentions"] += len(doc.mentions)
        kinds[s]["victims"] += sum(1 for e in doc.entities.values() if e.get("victim"))
        for f in doc.facts:
            kinds[s][f.kind] += 1
            if f.kind == "outcome":
                otype = f.raw["type"]
                types[s]["other:*" if otype.startswith("other:") else otype] += 1
    out += ["", "### Annotations (documents annotated, and what they hold)", ""]
    names = ["entities", "mentions", "victims", *FACT_KINDS]
    out += _table(
        ["", *splits, "all"],
        [["annotated documents", *(annotated[s] for s in splits), sum(annotated.values())]]
        + [[k, *(kinds[s][k] for s in splits), sum(kinds[s][k] for s in splits)] for k in names],
    )
    all_types = sorted({t for s in splits for t in types[s]})
    out += ["", "### Outcome types", ""]
    out += _table(
        ["type", *splits, "all"],
        [[t, *(types[s][t] for s in splits), sum(types[s][t] for s in splits)] for t in all_types],
    )
    return "\n".join(out) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    usage = (
        "usage: python -m graph.corpus check PATH... | show TEXT STRING | gold DIR | agree DIR"
        " | stats DIR"
    )
    if not args:
        print(usage, file=sys.stderr)
        return 2
    cmd, rest = args[0], args[1:]
    if cmd == "check" and rest:
        return _cmd_check(rest)
    if cmd == "show" and len(rest) == 2:
        return _cmd_show(*rest)
    if cmd == "gold" and len(rest) == 1:
        return _cmd_gold(rest[0])
    if cmd == "agree" and len(rest) == 1:
        return _cmd_agree(rest[0])
    if cmd == "stats" and len(rest) == 1:
        print(corpus_stats(rest[0]), end="")
        return 0
    print(usage, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
