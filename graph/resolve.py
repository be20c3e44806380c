"""Resolution: mentions to entities, within one document.

- Organisations: mentions whose names agree once "the", legal suffixes ("Limited") and a leading
  nationality word are dropped are one organisation; an acronym joins the organisation that it
  follows in brackets ("Name (ACRONYM)") or else whose initials it spells; a definite
  description ("the force", "our force") joins its antecedent: the nearest organisation before
  it whose head is compatible ("the force" -> a police force);
  "our ..." the document's most mentioned compatible organisation. The canonical name is the
  longest full name; every other surface form becomes an alias.
- Persons: a bare surname or a shorter form joins the one person with that surname and the same
  first name; two persons who only share a surname are never merged.
- Groups: mentions with the same head noun (and organisation) in one document are one group.
- Safeguarding: a named person becomes a node only when they have a role or take part in a fact
  (victims named only in passing never do; the extractors never name victims at all).

Entity keys are deterministic: ``{type}/{slug}``, and ``group/{doc_id}/{slug}`` for groups.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import replace

from .extract.lexicon import initials, number_value
from .ingest import slugify
from .model import (
    Allegation,
    Entity,
    Extraction,
    Fact,
    Investigation,
    Membership,
    Mention,
    Outcome,
    ResolvedDocument,
    fact_arguments,
)

__all__ = ["resolve"]

_LEGAL = {"limited", "ltd", "plc", "inc", "llc", "llp", "co", "corp"}
_NATIONALITY = {"british", "american", "english", "scottish", "welsh", "irish", "us", "u.s.", "uk"}
#: Head words a definite description may refer to.
_COMPATIBLE = {
    "force": {"police", "constabulary", "force", "department"},
    "constabulary": {"police", "constabulary"},
    "police": {"police", "constabulary", "department"},
    "department": {"department", "police"},
    "watchdog": {"office", "commission", "authority", "ombudsman", "inspectorate", "agency"},
    "council": {"council", "authority"},
    "authority": {"council", "authority"},
    "corporation": {"corporation", "company", "limited", "ltd", "plc"},
    "company": {"company", "limited", "ltd", "plc", "corporation"},
    "inquiry": {"inquiry", "review", "commission"},
    "review": {"review", "inquiry"},
    "school": {"school", "academy", "college"},
    "hospital": {"hospital", "trust"},
    "charity": {"charity", "trust", "foundation"},
    "church": {"church", "diocese"},
    "unit": {"unit", "squad", "team"},
    "squad": {"unit", "squad", "team"},
}


def _org_core(name: str) -> tuple[str, ...]:
    words = [w.lower().strip(".,") for w in name.replace("’", "'").split()]
    while words and words[0] in {"the", *_NATIONALITY}:
        words = words[1:]
    while words and words[-1] in _LEGAL:
        words = words[:-1]
    return tuple(words)


def _org_head(core: tuple[str, ...]) -> str:
    """The head word of an organisation name: the last word before "of" / "for".

    >>> _org_head(("regional", "office", "for", "fire", "safety"))
    'office'
    """
    words = list(core)
    for i, w in enumerate(words):
        if w in {"of", "for"} and i > 0:
            words = words[:i]
            break
    return words[-1] if words else ""


def _group_key(m: Mention) -> str:
    words = re.findall(r"[A-Za-z]+", m.name)
    head = words[-1].lower() if words else m.name.lower()
    if head.endswith("sses") or head.endswith("xes") or head.endswith("ches"):
        head = head[:-2]  # "witnesses" -> "witness"
    elif head.endswith("s") and not head.endswith("ss") and len(head) > 3:
        head = head[:-1]
    orgish = [
        w
        for w in words[:-1]
        if w[:1].isupper() and w.lower() not in {"the", "a", "an"} and number_value(w) is None
    ]
    # "One survivor", "a woman": one unnamed person, not the set the plural names
    individual = m.count == 1 and bool(words) and words[0].lower() in {"one", "a", "an", "another"}
    suffix = f"-{m.span.start}" if individual else ""
    return slugify(" ".join([*orgish, head])) + suffix


def _resolve_orgs(mentions: list[Mention]) -> dict[Mention, str]:
    named = [m for m in mentions if not m.generic]
    clusters: dict[tuple[str, ...], list[Mention]] = {}
    acronyms: list[Mention] = []
    for m in named:
        if m.name.isupper() and " " not in m.name and len(m.name) <= 6:
            acronyms.append(m)
            continue
        core = _org_core(m.name)
        # merge with an existing cluster whose core is the same or ends the same way
        for key in list(clusters):
            if key == core or (
                len(core) < len(key) and key[-len(core) :] == core and len(core) > 1
            ):
                clusters[key].append(m)
                break
            if len(key) < len(core) and core[-len(key) :] == key and len(key) > 1:
                clusters[core] = [*clusters.pop(key), m]
                break
        else:
            clusters[core] = [m]
    rep: dict[Mention, tuple[str, ...]] = {}
    for key, ms in clusters.items():
        for m in ms:
            rep[m] = key
    defined: dict[str, tuple[str, ...]] = {}
    for a in sorted(acronyms, key=lambda m: m.span.start):
        match = [
            k for k, ms in clusters.items() if any(initials(m.name.split()) == a.name for m in ms)
        ]
        # "Name (ACRONYM)": the acronym in brackets right after a name is that organisation's,
        # here and wherever it recurs
        defines = [rep[m] for m in named if m in rep and 0 < a.span.start - m.span.end <= 2]
        if defines:
            defined.setdefault(a.name, defines[0])
        if a.name in defined:
            match.insert(0, defined[a.name])
        if match:
            rep[a] = match[0]
        else:
            clusters[(a.name.lower(),)] = [a]
            rep[a] = (a.name.lower(),)
    # definite descriptions
    counts = Counter(rep.values())
    for g in (m for m in mentions if m.generic):
        heads = _COMPATIBLE.get(g.name, {g.name})
        compatible = [m for m in named if m in rep and (_org_head(rep[m]) in heads)]
        if not compatible:
            continue
        if g.text.lower().startswith(("our", "we")):
            best = max(compatible, key=lambda m: (counts[rep[m]], -m.span.start))
        else:
            before = [m for m in compatible if m.span.end <= g.span.start]
            if not before:
                continue
            best = before[-1]
        rep[g] = rep[best]
    return {m: " ".join(k) for m, k in rep.items()}


def _resolve_persons(mentions: list[Mention]) -> dict[Mention, str]:
    full = [m for m in mentions if len(m.name.split()) > 1]
    out: dict[Mention, str] = {}
    canon: list[Mention] = []
    for m in full:
        words = m.name.split()
        same = [
            c for c in canon if c.name.split()[-1] == words[-1] and c.name.split()[0] == words[0]
        ]
        if same:
            out[m] = same[0].name
        else:
            canon.append(m)
            out[m] = m.name
    for m in mentions:
        if m in out:
            continue
        owners = {c.name for c in canon if c.name.split()[-1] == m.name.split()[-1]}
        out[m] = owners.pop() if len(owners) == 1 else m.name
    return out


def resolve(extraction: Extraction) -> ResolvedDocument:
    """Resolve an extraction's mentions into entities and map its facts onto them.

    Facts whose arguments do not resolve are dropped; duplicate facts (same kind, same
    arguments, same sentence) are kept once; an investigation of oneself is dropped.
    """
    doc_id = extraction.document.doc_id
    mentions = list(extraction.mentions)
    by_type: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        by_type[m.type].append(m)

    key_of: dict[Mention, str] = {}
    for m, name in _resolve_orgs(by_type["Organisation"]).items():
        key_of[m] = f"organisation/{slugify(name)}"
    for m, name in _resolve_persons(by_type["Person"]).items():
        key_of[m] = f"person/{slugify(name)}"
    for m in by_type["Place"]:
        key_of[m] = f"place/{slugify(m.name)}"
    for m in by_type["Group"]:
        key_of[m] = f"group/{doc_id}/{_group_key(m)}"

    # facts onto entities; drop what does not resolve
    facts: list[Fact] = []
    seen: set[tuple] = set()
    for f in extraction.facts:
        if any(a not in key_of for a in fact_arguments(f)):
            f = _trim(f, key_of)  # unresolved optional arguments go; a required one drops f
            if f is None:
                continue
        if isinstance(f, Investigation) and key_of[f.investigator] == key_of[f.subject]:
            continue
        if isinstance(f, Membership) and key_of[f.member] == key_of[f.organisation]:
            continue
        sig = (
            type(f).__name__,
            tuple(key_of.get(a) for a in fact_arguments(f)),
            f.evidence,
            getattr(f, "type", None),
            getattr(f, "quote", None),
            getattr(f, "summary", None),
        )
        loose = (
            type(f).__name__,
            tuple(key_of.get(a) for a in fact_arguments(f)),
            getattr(f, "type", None),
            getattr(f, "role", None),
        )
        if sig in seen:
            continue
        if isinstance(f, Membership | Investigation) and loose in seen:
            continue
        if isinstance(f, Outcome) and f.type in {"criticised", "admission"} and loose in seen:
            continue
        # the same outcome of the same people, told twice ("sentenced ... to 18 months" in the
        # headline and the body), is one outcome; a different count is a different outcome
        counted = (*loose, getattr(f, "count", None))
        if isinstance(f, Outcome) and counted in seen:
            continue
        seen.add(sig)
        seen.add(loose)
        seen.add(counted)
        facts.append(f)

    # safeguarding: persons only with a role or a part in a fact
    involved = {key_of[a] for f in facts for a in fact_arguments(f) if a in key_of}
    keep_person = {k for m, k in key_of.items() if m.type == "Person"}

    groups: dict[str, list[Mention]] = defaultdict(list)
    for m, k in key_of.items():
        if m.type == "Person" and k not in keep_person:
            continue
        if m.type == "Group" and k not in involved:
            continue
        groups[k].append(m)

    entities = []
    for k in sorted(groups):
        ms = sorted(groups[k], key=lambda m: m.span)
        entities.append(_entity(k, ms))
    entity_keys = {e.key for e in entities}
    entity_of = {m: k for m, k in key_of.items() if k in entity_keys}
    facts = [f for f in facts if all(a in entity_of for a in fact_arguments(f))]
    return ResolvedDocument(
        document=extraction.document,
        sentences=extraction.sentences,
        entities=tuple(entities),
        facts=tuple(facts),
        entity_of=entity_of,
    )


def _trim(f: Fact, key_of: dict[Mention, str]) -> Fact | None:
    """Drop unresolved optional arguments; None when a required one is missing."""
    if isinstance(f, Outcome):
        if not all(a in key_of for a in f.applies_to):
            return None
        return replace(f, decided_by=tuple(a for a in f.decided_by if a in key_of))
    if isinstance(f, Allegation):
        against = tuple(a for a in f.against if a in key_of)
        if not against:
            return None
        return replace(f, against=against, made_by=tuple(a for a in f.made_by if a in key_of))
    return None


def _entity(key: str, mentions: list[Mention]) -> Entity:
    kind = mentions[0].type
    named = [m for m in mentions if not m.generic]
    if kind == "Organisation":
        full = [m for m in named if not (m.name.isupper() and " " not in m.name)] or named
        label = (
            max(full, key=lambda m: (len(_org_core(m.name)), -m.span.start)).name
            if full
            else (mentions[0].name)
        )
        label = re.sub(r"^(the|The)\s+", "", label)
    elif kind == "Person":
        label = min(
            (m.name for m in named if len(m.name.split()) > 1), key=len, default=named[0].name
        )
    elif kind == "Group":
        counted = [m for m in mentions if m.count]
        label = (counted or mentions)[0].name
    else:
        label = mentions[0].name
    alts = sorted({m.text for m in mentions} | {m.name for m in mentions} - {label})
    if kind == "Group":
        heads = {
            re.findall(r"[A-Za-z]+", m.name)[-1]
            for m in mentions
            if re.findall(r"[A-Za-z]+", m.name)
        }
        alts = sorted(set(alts) | heads - {label})
    count = None
    if kind == "Group":
        counted = [m.count for m in mentions if m.count is not None]
        count = counted[0] if counted else None
    return Entity(
        key=key,
        type=kind,
        label=label,
        alt_labels=tuple(a for a in alts if a != label),
        count=count,
        mentions=tuple(mentions),
    )
