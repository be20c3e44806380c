"""Corrections an editor makes to the graph, kept in a file and applied on every build.

When the graph is wrong, a journalist records a decision, one JSON object a line, in a
corrections file (by default ``STORE/corrections.jsonl``; ``casegraph correct`` writes it, or it is
written by hand). ``casegraph build`` applies the file to each document's graph after extraction,
on every rebuild, so a correction survives the next build. Operations:

``drop``
    ``{"op": "drop", "target": FACT}``: the fact is removed.
``retype``
    ``{"op": "retype", "target": FACT, "type": "dismissal"}`` gives an outcome another type of the
    outcome scheme; ``{"op": "retype", "target": ENTITY, "type": "Person"}`` gives an entity
    another class (Organisation, Person, Group, Place).
``merge``
    ``{"op": "merge", "target": ENTITY, "into": ENTITY, "label": "its label"}``: the first entity
    becomes the second (every triple moves; its label becomes a ``skos:altLabel``).
``split``
    ``{"op": "split", "target": ENTITY, "document": DOC_ID, "forms": ["Mr Smith"],
    "label": "John Smith", "type": "Person"}``: in that document, the entity's mentions worded as
    one of ``forms`` become a new entity (``type`` defaults to the entity's class), and so do the
    facts stated in the sentences of those mentions (where no other mention of the entity is).
``set``
    ``{"op": "set", "target": FACT, "role": "appliesTo", "entities": [ENTITY, ...]}``: the fact's
    argument ``role`` points at these entities instead.
``add``
    ``{"op": "add", "document": DOC_ID, "fact": "Outcome", "type": "dismissal",
    "evidence": "exact words of the document", "args": {"appliesTo": [ENTITY]}}``: a new fact,
    derived from the evidence span (which must occur once in the document's text).

Every line also has ``by`` (who decided), ``when`` (ISO 8601) and ``why``. IRIs are full or
compact (``id:fact/seed/outcome-1a2b...``). Each applied correction is a ``cg:Correction`` node in
the document's graph (operation, target, who, when, why), and every fact or entity it changed or
added points at it with ``cg:correctedBy``, so corrections show in queries, views and exports as
what they are. A correction that no longer applies (its fact is not extracted any more) changes
nothing and is named on a note by ``build``.

A document's content hash includes the corrections that concern it, so changing a correction
rebuilds those documents, and only those.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.errors import CasegraphError
from graph.rdf import DEFAULT_BASE

__all__ = [
    "CORRECTIONS_FILE",
    "OPERATIONS",
    "Correction",
    "Corrections",
    "append_correction",
    "load_corrections",
]

#: The corrections file of a store, used by ``build`` and ``correct`` unless told otherwise.
CORRECTIONS_FILE = "corrections.jsonl"

#: The operations a correction line may have.
OPERATIONS = ("drop", "retype", "merge", "split", "set", "add")

_CG = "https://w3id.org/casegraph/ontology#"
_CGO = "https://w3id.org/casegraph/outcomes#"
_NIF = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_COMMENT = "http://www.w3.org/2000/01/rdf-schema#comment"
_ALT_LABEL = "http://www.w3.org/2004/02/skos/core#altLabel"
_CREATOR = "http://purl.org/dc/terms/creator"
_DATE = "http://purl.org/dc/terms/date"
_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"

ENTITY_CLASSES = ("Organisation", "Person", "Group", "Place")
FACT_CLASSES = ("Membership", "Investigation", "Allegation", "Outcome", "Statement")
#: The arguments of each fact class (the properties ``set`` and ``add`` may give).
ROLES = {
    "Membership": ("member", "organisation"),
    "Investigation": ("investigator", "subject"),
    "Allegation": ("against", "madeBy"),
    "Outcome": ("appliesTo", "decidedBy"),
    "Statement": ("saidBy",),
}
_ALL_ROLES = sorted({role for roles in ROLES.values() for role in roles})


@dataclass(frozen=True)
class Correction:
    """One line of a corrections file, checked (see the module documentation)."""

    op: str
    line: int
    data: dict[str, Any] = field(compare=False)

    @property
    def target(self) -> str:
        return str(self.data.get("target", ""))

    @property
    def digest(self) -> str:
        """SHA-256 of the decision (its JSON, keys sorted): names it and enters content hashes."""
        text = json.dumps(self.data, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def iri(self, base: str = DEFAULT_BASE) -> str:
        return f"{base}correction/{self.digest[:16]}"

    def document(self, base: str = DEFAULT_BASE) -> str | None:
        """The document a fact correction is about (from the fact's IRI), or None."""
        if self.op in ("add", "split"):
            return str(self.data["document"])
        prefix = f"{base}fact/"
        if self.target.startswith(prefix):
            return self.target[len(prefix) :].split("/", 1)[0]
        return None

    def entities(self) -> set[str]:
        """The entities an entity correction (retype of an entity, merge) is about."""
        if self.op == "merge" or (self.op == "retype" and self.document() is None):
            return {self.target}
        return set()


def _expand(value: str, where: str, base: str) -> str:
    from graph.store import PREFIXES

    value = value.strip().removeprefix("<").removesuffix(">")
    prefix, colon, rest = value.partition(":")
    if colon and prefix in PREFIXES and not rest.startswith("//"):
        return PREFIXES[prefix] + rest
    if not value.startswith(("http://", "https://")):
        raise CasegraphError(f"{where}: '{value}' is not an IRI (full, or compact as id:...)")
    return value


def _check(data: Any, where: str, base: str) -> dict[str, Any]:
    """The decision with its IRIs expanded, or a one-line error saying what is wrong."""
    if not isinstance(data, dict):
        raise CasegraphError(f"{where}: a correction is a JSON object")
    op = data.get("op")
    if op not in OPERATIONS:
        raise CasegraphError(f"{where}: unknown op {op!r}; expected one of {', '.join(OPERATIONS)}")
    for key in ("by", "when", "why"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise CasegraphError(f"{where}: '{key}' is missing (who decided, when and why)")
    data = dict(data)
    if op != "add":
        if not isinstance(data.get("target"), str):
            raise CasegraphError(f"{where}: '{op}' needs a 'target' IRI")
        data["target"] = _expand(data["target"], where, base)
    is_fact = data.get("target", "").startswith(f"{base}fact/")
    if op in ("drop", "set") and not is_fact:
        raise CasegraphError(f"{where}: '{op}' needs a fact IRI ({base}fact/...) as 'target'")
    if op == "retype":
        kind = data.get("type")
        if is_fact:
            from graph.ontology import outcome_scheme

            if kind not in outcome_scheme():
                raise CasegraphError(f"{where}: {kind!r} is no outcome type of the outcome scheme")
        elif kind not in ENTITY_CLASSES:
            raise CasegraphError(
                f"{where}: an entity is retyped as one of {', '.join(ENTITY_CLASSES)}, not {kind!r}"
            )
    if op == "merge":
        if not isinstance(data.get("into"), str) or not isinstance(data.get("label"), str):
            raise CasegraphError(f"{where}: 'merge' needs 'into' (an entity IRI) and its 'label'")
        data["into"] = _expand(data["into"], where, base)
        if data["into"] == data["target"]:
            raise CasegraphError(f"{where}: an entity cannot be merged into itself")
    if op == "split":
        for key in ("document", "label"):
            if not isinstance(data.get(key), str) or not data[key].strip():
                raise CasegraphError(f"{where}: 'split' needs '{key}'")
        data["forms"] = _strings(data, "forms", where, what="the words of the mentions")
        if data.get("type") is not None and data["type"] not in ENTITY_CLASSES:
            raise CasegraphError(
                f"{where}: 'type' is one of {', '.join(ENTITY_CLASSES)}, not {data['type']!r}"
            )
    if op == "set":
        if data.get("role") not in _ALL_ROLES:
            raise CasegraphError(
                f"{where}: 'role' is one of {', '.join(_ALL_ROLES)}, not {data.get('role')!r}"
            )
        data["entities"] = [_expand(e, where, base) for e in _strings(data, "entities", where)]
    if op == "add":
        fact = data.get("fact")
        if fact not in FACT_CLASSES:
            raise CasegraphError(f"{where}: 'fact' is one of {', '.join(FACT_CLASSES)}")
        for key in ("document", "evidence"):
            if not isinstance(data.get(key), str) or not data[key].strip():
                raise CasegraphError(f"{where}: 'add' needs '{key}'")
        if fact == "Outcome":
            from graph.ontology import outcome_scheme

            if data.get("type") not in outcome_scheme():
                raise CasegraphError(f"{where}: an added Outcome needs a 'type' of the scheme")
        args = data.get("args") or {}
        if not isinstance(args, dict) or not args:
            raise CasegraphError(f"{where}: 'add' needs 'args', e.g. {{\"appliesTo\": [IRI]}}")
        bad = sorted(set(args) - set(ROLES[fact]))
        if bad:
            raise CasegraphError(
                f"{where}: a {fact} has the arguments {', '.join(ROLES[fact])}, not {bad[0]!r}"
            )
        data["args"] = {
            role: [_expand(e, where, base) for e in _strings(args, role, where)]
            for role in sorted(args)
        }
    return data


def _strings(data: dict[str, Any], key: str, where: str, what: str = "entity IRIs") -> list[str]:
    values = data.get(key)
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
        raise CasegraphError(f"{where}: '{key}' is a list of {what}")
    return values


def load_corrections(path: str | os.PathLike[str], base: str = DEFAULT_BASE) -> list[Correction]:
    """Read and check a corrections file (JSON Lines; blank lines and ``#`` comments skipped).

    Raises
    ------
    CasegraphError
        One line naming the file, the line and what is wrong with it.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or error
        raise CasegraphError(f"Corrections file '{path}' cannot be read: {reason}") from None
    corrections = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        where = f"Corrections file '{path}' line {number}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            raise CasegraphError(f"{where}: not JSON ({error.msg})") from None
        checked = _check(data, where, base)
        corrections.append(Correction(checked["op"], number, checked))
    return corrections


def append_correction(
    path: str | os.PathLike[str], decision: dict[str, Any], base: str = DEFAULT_BASE
) -> Correction:
    """Check one decision and append it to the corrections file (created when missing)."""
    path = Path(path)
    checked = _check(decision, f"Correction for '{path}'", base)
    line = json.dumps(checked, ensure_ascii=False, sort_keys=True)
    previous = path.read_text(encoding="utf-8") if path.exists() else ""
    with path.open("a", encoding="utf-8") as out:
        if previous and not previous.endswith("\n"):
            out.write("\n")
        out.write(line + "\n")
    number = previous.count("\n") + (1 if previous and not previous.endswith("\n") else 0) + 1
    return Correction(checked["op"], number, checked)


# -- applying ---------------------------------------------------------------------------------


class Corrections:
    """The corrections of one build: which concern a document, and applying them to its graph."""

    def __init__(self, corrections: Iterable[Correction], base: str = DEFAULT_BASE) -> None:
        self.items = list(corrections)
        self.base = base
        self.notes: list[str] = []
        self.applied = 0

    def __bool__(self) -> bool:
        return bool(self.items)

    def concerning(self, doc_id: str, present: set[str] = frozenset()) -> list[Correction]:
        """The corrections about document ``doc_id``: its facts, facts added to it, and entity
        corrections whose entity (or correction node) is in ``present``."""
        return [
            c
            for c in self.items
            if c.document(self.base) == doc_id
            or (c.entities() and (c.entities() | {c.iri(self.base)}) & present)
        ]

    def entity_iris(self) -> set[str]:
        """Every IRI whose presence in a stored graph makes an entity correction concern it."""
        return {
            iri for c in self.items if c.entities() for iri in (*c.entities(), c.iri(self.base))
        }

    def fingerprint(self, doc_id: str, present: set[str] = frozenset()) -> str:
        """What enters the content hash of ``doc_id``: the digests of its corrections."""
        return ",".join(c.digest[:16] for c in self.concerning(doc_id, present))

    def apply(self, doc_id: str, data: bytes) -> bytes:
        """The document's N-Triples with every correction that concerns it applied."""
        import pyoxigraph as ox

        # N-Triples writes every IRI whole: a byte search finds the entities named here
        present = {iri for iri in self.entity_iris() if f"<{iri}>".encode() in data}
        relevant = self.concerning(doc_id, present)
        if not relevant:
            return data  # most documents: not parsed at all
        triples = {
            (q.subject, q.predicate, q.object)
            for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)
        }
        doc = ox.NamedNode(f"{self.base}doc/{doc_id}")
        changed = False
        for correction in relevant:
            done = _APPLY[correction.op](self, correction, triples, doc)
            if done is None:
                continue
            changed = True
            self.applied += 1
            _record(correction, triples, self.base, done)
        if not changed:
            return data
        _shortcuts(triples)
        lines = {f"{s} {p} {o} .\n" for s, p, o in triples}
        return "".join(sorted(lines)).encode("utf-8")

    def note(self, correction: Correction, reason: str) -> None:
        self.notes.append(f"Correction on line {correction.line} does not apply: {reason}")


def _node(iri: str) -> Any:
    import pyoxigraph as ox

    return ox.NamedNode(iri)


def _literal(value: str, datatype: str | None = None) -> Any:
    import pyoxigraph as ox

    return ox.Literal(value, datatype=ox.NamedNode(datatype)) if datatype else ox.Literal(value)


def _record(correction: Correction, triples: set, base: str, changed: list[str]) -> None:
    """Add the correction node (what, on what, who, when, why) and ``cg:correctedBy`` links."""
    node = _node(correction.iri(base))
    data = correction.data
    triples.add((node, _node(_RDF_TYPE), _node(f"{_CG}Correction")))
    triples.add((node, _node(f"{_CG}operation"), _literal(correction.op)))
    targets = [data["target"]] if correction.op != "add" else changed
    for target in targets:
        triples.add((node, _node(f"{_CG}target"), _node(target)))
    triples.add((node, _node(_CREATOR), _literal(data["by"])))
    triples.add((node, _node(_DATE), _literal(data["when"])))
    triples.add((node, _node(_COMMENT), _literal(data["why"])))
    for iri in changed:
        triples.add((_node(iri), _node(f"{_CG}correctedBy"), node))


#: The entity-to-entity links rdf.py writes beside each fact of these classes.
_SHORTCUTS = {
    "memberOf": ("Membership", "member", "organisation"),
    "investigated": ("Investigation", "investigator", "subject"),
}


def _shortcuts(triples: set) -> None:
    """Derive ``cg:memberOf`` and ``cg:investigated`` again from the facts left in the graph."""
    for link, (kind, source, target) in _SHORTCUTS.items():
        triples.difference_update([t for t in triples if t[1].value == f"{_CG}{link}"])
        facts = {t[0] for t in triples if t[1].value == _RDF_TYPE and t[2].value == f"{_CG}{kind}"}
        args: dict[tuple[Any, str], list[Any]] = {}
        for s, p, o in triples:
            if s in facts and p.value in (f"{_CG}{source}", f"{_CG}{target}"):
                args.setdefault((s, p.value), []).append(o)
        for fact in facts:
            for a in args.get((fact, f"{_CG}{source}"), []):
                for b in args.get((fact, f"{_CG}{target}"), []):
                    triples.add((a, _node(f"{_CG}{link}"), b))


def _about(triples: set, iri: str) -> list[tuple]:
    return [t for t in triples if t[0].value == iri or getattr(t[2], "value", None) == iri]


def _drop(self: Corrections, c: Correction, triples: set, doc: Any) -> list[str] | None:
    about = _about(triples, c.target)
    if not any(t[0].value == c.target for t in about):
        self.note(c, f"fact <{c.target}> is not in the graph of {doc.value}")
        return None
    triples.difference_update(about)
    return []


def _retype(self: Corrections, c: Correction, triples: set, doc: Any) -> list[str] | None:
    kind = c.data["type"]
    if c.document(self.base) is not None:  # an outcome's type
        old = [t for t in triples if t[0].value == c.target and t[1].value == f"{_CG}outcomeType"]
        if not old:
            self.note(c, f"outcome <{c.target}> is not in the graph of {doc.value}")
            return None
        triples.difference_update(old)
        triples.add((_node(c.target), _node(f"{_CG}outcomeType"), _node(f"{_CGO}{kind}")))
        return [c.target]
    entity_classes = {f"{_CG}{name}" for name in ENTITY_CLASSES}
    old = [
        t
        for t in triples
        if t[0].value == c.target and t[1].value == _RDF_TYPE and t[2].value in entity_classes
    ]
    if not old:
        return None  # the entity is not named in this document
    triples.difference_update(old)
    triples.add((_node(c.target), _node(_RDF_TYPE), _node(f"{_CG}{kind}")))
    return [c.target]


def _merge(self: Corrections, c: Correction, triples: set, doc: Any) -> list[str] | None:
    gone, kept = c.target, c.data["into"]
    about = _about(triples, gone)
    if not about:
        return None  # not named in this document
    triples.difference_update(about)
    entity_classes = {f"{_CG}{name}" for name in ENTITY_CLASSES}
    has_type = any(
        t[0].value == kept and t[1].value == _RDF_TYPE and t[2].value in entity_classes
        for t in triples
    )
    for s, p, o in about:
        if s.value == gone and p.value == _LABEL:
            triples.add((_node(kept), _node(_ALT_LABEL), o))
        elif s.value == gone and p.value == _RDF_TYPE and o.value in entity_classes and has_type:
            continue  # the kept entity keeps its class
        else:
            s = _node(kept) if s.value == gone else s
            o = _node(kept) if getattr(o, "value", None) == gone else o
            triples.add((s, p, o))
    labels = [t for t in triples if t[0].value == kept and t[1].value == _LABEL]
    if not labels:
        triples.add((_node(kept), _node(_LABEL), _literal(c.data["label"])))
    triples.discard((_node(kept), _node(_ALT_LABEL), _literal(c.data["label"])))
    return [kept]


def _split(self: Corrections, c: Correction, triples: set, doc: Any) -> list[str] | None:
    from graph.ingest import slugify

    entity, forms = c.target, set(c.data["forms"])
    mention = f"{_CG}mention"
    anchors = {t[0]: t[2].value for t in triples if t[1].value == f"{_NIF}anchorOf"}
    begins = {t[0]: int(t[2].value) for t in triples if t[1].value == f"{_NIF}beginIndex"}
    ends = {t[0]: int(t[2].value) for t in triples if t[1].value == f"{_NIF}endIndex"}
    mentions = [t[2] for t in triples if t[0].value == entity and t[1].value == mention]
    worded = [m for m in mentions if anchors.get(m) in forms]
    if not worded:
        self.note(c, f"no mention of <{entity}> worded {sorted(forms)} in {doc.value}")
        return None
    # a mention nested in a moving one ("officers" in "Five of these officers") moves with it
    moving = [
        m for m in mentions if any(begins[w] <= begins[m] and ends[m] <= ends[w] for w in worded)
    ]
    staying = [m for m in mentions if m not in moving]
    old_type = next(
        (
            t[2].value.removeprefix(_CG)
            for t in triples
            if t[0].value == entity and t[1].value == _RDF_TYPE and t[2].value.startswith(_CG)
        ),
        "Group",
    )
    kind = c.data.get("type") or old_type
    slug = slugify(c.data["label"])
    path = f"group/{c.data['document']}/{slug}" if kind == "Group" else f"{kind.lower()}/{slug}"
    new = _node(f"{self.base}{path}")
    triples.add((new, _node(_RDF_TYPE), _node(f"{_CG}{kind}")))
    triples.add((new, _node(_LABEL), _literal(c.data["label"])))
    for m in moving:
        triples.discard((_node(entity), _node(mention), m))
        triples.add((new, _node(mention), m))
    for form in forms - {c.data["label"]}:
        if (_node(entity), _node(_ALT_LABEL), _literal(form)) in triples:
            triples.discard((_node(entity), _node(_ALT_LABEL), _literal(form)))
            triples.add((new, _node(_ALT_LABEL), _literal(form)))

    def inside(sentence: Any, ms: list[Any]) -> bool:
        return any(begins[sentence] <= begins[m] < ends[sentence] for m in ms)

    derived = {t[0]: t[2] for t in triples if t[1].value == _DERIVED}
    roles = {f"{_CG}{role}" for role in _ALL_ROLES}
    moved_facts = set()
    for s, p, o in list(triples):
        if p.value in roles and getattr(o, "value", None) == entity and s in derived:
            sentence = derived[s]
            if sentence in begins and inside(sentence, moving) and not inside(sentence, staying):
                triples.discard((s, p, o))
                triples.add((s, p, new))
                moved_facts.add(s.value)
    return [new.value, entity, *sorted(moved_facts)]


def _set(self: Corrections, c: Correction, triples: set, doc: Any) -> list[str] | None:
    if not any(t[0].value == c.target for t in triples):
        self.note(c, f"fact <{c.target}> is not in the graph of {doc.value}")
        return None
    role = f"{_CG}{c.data['role']}"
    triples.difference_update([t for t in triples if t[0].value == c.target and t[1].value == role])
    for entity in c.data["entities"]:
        triples.add((_node(c.target), _node(role), _node(entity)))
    return [c.target]


def _add(self: Corrections, c: Correction, triples: set, doc: Any) -> list[str] | None:
    text = next(
        (t[2].value for t in triples if t[0] == doc and t[1].value == f"{_NIF}isString"), None
    )
    evidence = c.data["evidence"]
    if text is None or text.count(evidence) != 1:
        found = "is not in" if text is None or evidence not in text else "occurs twice in"
        self.note(c, f"the evidence {evidence!r} {found} the text of {doc.value}")
        return None
    begin = text.index(evidence)
    end = begin + len(evidence)
    sentence = _node(f"{doc.value}#char={begin},{end}")
    integer = f"{_XSD}nonNegativeInteger"
    for p, o in (
        (_RDF_TYPE, _node(f"{_CG}Sentence")),
        (f"{_NIF}beginIndex", _literal(str(begin), integer)),
        (f"{_NIF}endIndex", _literal(str(end), integer)),
        (f"{_NIF}anchorOf", _literal(evidence)),
        (f"{_NIF}referenceContext", doc),
    ):
        triples.add((sentence, _node(p), o))
    kind = c.data["fact"]
    fact = _node(f"{self.base}fact/{c.data['document']}/{kind.lower()}-correction-{c.digest[:12]}")
    for p, o in (
        (_RDF_TYPE, _node(f"{_CG}{kind}")),
        (_DERIVED, sentence),
        (f"{_CG}extractor", _literal("correction")),
        (f"{_CG}confidence", _literal("1.0", f"{_XSD}decimal")),
    ):
        triples.add((fact, _node(p), o))
    if kind == "Outcome":
        triples.add((fact, _node(f"{_CG}outcomeType"), _node(f"{_CGO}{c.data['type']}")))
    if kind == "Allegation":
        triples.add((fact, _node(_LABEL), _literal(c.data.get("label") or evidence)))
    if kind == "Statement":
        triples.add((fact, _node(f"{_CG}quote"), _literal(evidence)))
    for role, entities in c.data["args"].items():
        for entity in entities:
            triples.add((fact, _node(f"{_CG}{role}"), _node(entity)))
    return [fact.value]


_APPLY = {
    "drop": _drop,
    "retype": _retype,
    "merge": _merge,
    "split": _split,
    "set": _set,
    "add": _add,
}
