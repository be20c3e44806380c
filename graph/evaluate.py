"""Score a built graph against gold annotations, and the pipeline against CoNLL04.

The rules are those of ``../shared/eval/SCORING.md`` (gold format: ``GOLD_SCHEMA.md``). A
document is scored from a store that holds the graph built from that document alone, read only
through the public vocabulary of ``docs/model.md`` with SPARQL, so the scorer checks what users
can query, not the pipeline's internals. Every figure keeps the counts behind it (tp, predicted,
gold) and totals are micro-averaged: counts are summed over documents before P, R and F1 are
computed.

Where SCORING.md leaves room, the reading chosen is written as a comment marked ``Reading:``.

This module imports neither spaCy nor the pipeline: callers pass a ``build`` (gold documents) or
``extract`` (CoNLL04) callable that produces the stores.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from graph.errors import IngestError

__all__ = [
    "CONLL04_METRICS",
    "METRICS",
    "Conll04Report",
    "Counts",
    "DocumentScore",
    "EvaluationReport",
    "Item",
    "evaluate_conll04",
    "evaluate_dir",
    "load_gold",
    "normalise_gold",
    "normalise_name",
    "normalise_person",
    "render_conll04",
    "render_conll04_misses",
    "render_misses",
    "render_table",
    "score_document",
    "surname",
    "trim_span",
]

#: The metrics of a gold document, in report order.
METRICS = (
    "ent.Organisation",
    "ent.Person",
    "ent.all",
    "affiliation",
    "investigation",
    "outcome.type",
    "outcome.type+count",
    "allegation",
    "statement",
    "provenance_valid",
)

#: The CoNLL04 metrics, in report order.
CONLL04_METRICS = (
    "ent.exact",
    "ent.trimmed",
    "ent.exact+Other",
    "ent.trimmed+Other",
    "ent.exact.Peop",
    "ent.exact.Org",
    "ent.exact.Loc",
    "ent.exact.Other",
    "ent.trimmed.Peop",
    "ent.trimmed.Org",
    "ent.trimmed.Loc",
    "ent.trimmed.Other",
    "Work_For.exact",
    "Work_For.trimmed",
)

_ENTITY_CLASSES = ("Organisation", "Person", "Group", "Place")
_FACT_CLASSES = ("Allegation", "Outcome", "Statement", "Membership", "Investigation")
_CGO = "https://w3id.org/casegraph/outcomes#"
_PREFIXES = """
PREFIX cg:   <https://w3id.org/casegraph/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX nif:  <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""


# --------------------------------------------------------------------------------------------
# Counts and reports
# --------------------------------------------------------------------------------------------


def _ratio(num: int, den: int, *, empty: float) -> float:
    return num / den if den else empty


@dataclass(frozen=True)
class Counts:
    """The counts behind one figure: true positives, predicted items and gold items.

    When there is nothing to find and nothing was predicted, P, R and F1 are all 1.0; when only one
    side is empty they are 0.0 (an empty prediction finds nothing, a prediction against empty gold
    is wrong).

    Examples
    --------
    >>> c = Counts(tp=3, predicted=4, gold=6)
    >>> (c.p, c.r, round(c.f1, 3))
    (0.75, 0.5, 0.6)
    >>> (Counts(0, 0, 0).f1, Counts(0, 2, 0).f1)
    (1.0, 0.0)
    """

    tp: int = 0
    predicted: int = 0
    gold: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.predicted + other.predicted, self.gold + other.gold)

    @property
    def empty(self) -> bool:
        """True when there was nothing to find and nothing was predicted."""
        return self.predicted == 0 and self.gold == 0

    @property
    def p(self) -> float:
        """Precision, ``tp / predicted``."""
        return _ratio(self.tp, self.predicted, empty=1.0 if self.gold == 0 else 0.0)

    @property
    def r(self) -> float:
        """Recall, ``tp / gold``."""
        return _ratio(self.tp, self.gold, empty=1.0 if self.predicted == 0 else 0.0)

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.p, self.r
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_json(self) -> dict[str, float | int]:
        """The counts and the rounded figures, as a JSON-ready dict."""
        return {
            "p": round(self.p, 4),
            "r": round(self.r, 4),
            "f1": round(self.f1, 4),
            "tp": self.tp,
            "predicted": self.predicted,
            "gold": self.gold,
        }


@dataclass(frozen=True, order=True)
class Item:
    """A missed gold item or a spurious predicted item, for ``--misses``.

    ``sentence`` is the text the item came from: the fact's source sentence for a prediction, the
    gold evidence (or the sentence around the first occurrence of a name) for a gold item.
    """

    description: str
    sentence: str | None = None


@dataclass
class DocumentScore:
    """The scores of one document.

    Attributes
    ----------
    name
        The document name (the ``.txt`` file stem).
    counts
        Metric name (one of :data:`METRICS`) -> :class:`Counts`. ``provenance_valid`` is a share:
        ``tp`` valid fact nodes out of ``predicted == gold`` fact nodes, so P = R = F1 = the share.
    victims_named
        Extracted Person nodes named as one of the gold ``victim_names`` (must be 0).
    accused_missing, accused
        Named gold persons that an allegation is against or an outcome applies to: how many no
        extracted Person node matches (an accused person hidden; must be 0), and how many there are.
    missed, spurious
        Metric name -> the gold items not found / the predicted items not matched, sorted.
    warnings
        Gold problems met while scoring (an evidence span not found in the text ...).
    """

    name: str
    counts: dict[str, Counts]
    victims_named: int = 0
    accused_missing: int = 0
    accused: int = 0
    missed: dict[str, list[Item]] = field(default_factory=dict)
    spurious: dict[str, list[Item]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def to_json(self, *, misses: bool = False) -> dict[str, Any]:
        """A JSON-ready dict; with ``misses`` also the missed and spurious items."""
        out: dict[str, Any] = {
            "metrics": {m: self.counts[m].to_json() for m in METRICS},
            "victims_named": self.victims_named,
            "accused_missing": self.accused_missing,
            "accused": self.accused,
            "warnings": list(self.warnings),
        }
        if misses:
            for key, table in (("missed", self.missed), ("spurious", self.spurious)):
                out[key] = {
                    m: [{"description": i.description, "sentence": i.sentence} for i in table[m]]
                    for m in METRICS
                    if table.get(m)
                }
        return out


@dataclass
class EvaluationReport:
    """Scores of a set of gold documents, micro-averaged.

    Attributes
    ----------
    totals
        Metric name -> :class:`Counts` summed over documents.
    documents
        Document name -> :class:`DocumentScore`, sorted by name.
    victims_named
        Sum of the documents' ``victims_named``.
    accused_missing, accused
        Sums of the documents' ``accused_missing`` and ``accused``.
    """

    totals: dict[str, Counts]
    documents: dict[str, DocumentScore]
    victims_named: int = 0
    accused_missing: int = 0
    accused: int = 0

    @classmethod
    def from_documents(cls, scores: Iterable[DocumentScore]) -> EvaluationReport:
        """Micro-average document scores: sum the counts of every metric.

        Examples
        --------
        >>> a = DocumentScore("a", {m: Counts(1, 1, 2) for m in METRICS})
        >>> b = DocumentScore("b", {m: Counts(1, 3, 2) for m in METRICS})
        >>> EvaluationReport.from_documents([a, b]).totals["statement"]
        Counts(tp=2, predicted=4, gold=4)
        """
        documents = {s.name: s for s in sorted(scores, key=lambda s: s.name)}
        totals = {m: Counts() for m in METRICS}
        for score in documents.values():
            for m in METRICS:
                totals[m] = totals[m] + score.counts.get(m, Counts())
        return cls(
            totals=totals,
            documents=documents,
            victims_named=sum(s.victims_named for s in documents.values()),
            accused_missing=sum(s.accused_missing for s in documents.values()),
            accused=sum(s.accused for s in documents.values()),
        )

    def to_json(self, *, misses: bool = False) -> dict[str, Any]:
        """A JSON-ready dict of the totals and of every document."""
        return {
            "totals": {m: self.totals[m].to_json() for m in METRICS},
            "victims_named": self.victims_named,
            "accused_missing": self.accused_missing,
            "accused": self.accused,
            "documents": {n: s.to_json(misses=misses) for n, s in self.documents.items()},
        }


@dataclass
class Conll04Report:
    """Scores of the pipeline on CoNLL04 sentences.

    Attributes
    ----------
    totals
        Metric name (one of :data:`CONLL04_METRICS`) -> :class:`Counts` over all sentences.
    sentences
        How many sentences were scored.
    missed, spurious
        For ``ent.exact``, ``ent.trimmed``, ``Work_For.exact`` and ``Work_For.trimmed``: the
        gold items not found and the predicted items not matched, with their sentence id.
    """

    totals: dict[str, Counts]
    sentences: int
    missed: dict[str, list[Item]] = field(default_factory=dict)
    spurious: dict[str, list[Item]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict of the totals."""
        return {
            "sentences": self.sentences,
            "totals": {m: self.totals[m].to_json() for m in CONLL04_METRICS},
        }


# --------------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------------

_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u00b4": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
    }
)
_POSSESSIVE = re.compile(r"(?<=\w)'s\b")
_PUNCT = re.compile(r"[^\w\s&]|_")
_SPACES = re.compile(r"\s+")


def normalise_name(s: str) -> str:
    """Normalise a name or quote for comparison, as SCORING.md says.

    Unicode NFKC, lower case, curly quotes made straight, possessive 's removed, punctuation
    (except &) turned into spaces, white space collapsed, a leading "the " removed.

    Parameters
    ----------
    s
        Any surface form.

    Returns
    -------
    str
        The normalised form (possibly empty).

    Examples
    --------
    >>> normalise_name("The  Eastbury’s Council")
    'eastbury council'
    >>> normalise_name("U.S. Marshals’ Office")
    'u s marshals office'
    >>> normalise_name("Marks & Spencer")
    'marks & spencer'
    """
    s = unicodedata.normalize("NFKC", s).lower().translate(_QUOTES)
    s = _POSSESSIVE.sub("", s)
    s = _PUNCT.sub(" ", s)
    s = _SPACES.sub(" ", s).strip()
    if s.startswith("the "):
        s = s[4:]
    return s


# Titles and ranks stripped from the front of a person's name (a reasonable general list, UK and
# US police, courts, politics, honorifics). Matched on whole normalised tokens, longest first.
# fmt: off
_TITLES_RAW = (
    # honorifics
    "Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Prof", "Professor", "Sir", "Dame", "Lord", "Lady",
    "Baroness", "Baron", "Rev", "Revd", "Reverend", "Father", "Fr", "Rabbi", "Imam", "Hon",
    "Rt Hon", "Right Honourable", "Former", "the late",
    # UK police
    "PC", "WPC", "SC", "DC", "DS", "DI", "DCI", "DSI", "DSupt", "Supt", "Ch Supt", "Sgt", "Insp",
    "Ch Insp", "Constable", "Police Constable", "Special Constable", "Sergeant", "Police Sergeant",
    "Inspector", "Chief Inspector", "Superintendent", "Chief Superintendent", "Detective",
    "Detective Constable", "Detective Sergeant", "Detective Inspector",
    "Detective Chief Inspector", "Detective Superintendent", "Detective Chief Superintendent",
    "Chief Constable", "Deputy Chief Constable", "Assistant Chief Constable",
    "Temporary Chief Constable", "Acting Chief Constable", "Commissioner", "Deputy Commissioner",
    "Assistant Commissioner", "Deputy Assistant Commissioner", "Commander", "Officer",
    "Police Officer",
    # US law enforcement and military
    "Chief", "Police Chief", "Chief of Police", "Sheriff", "Deputy", "Deputy Sheriff",
    "Lieutenant", "Lt", "Captain", "Capt", "Corporal", "Cpl", "Trooper", "Agent", "Special Agent",
    "Special Agent in Charge", "General", "Gen", "Colonel", "Col", "Major", "Maj", "Admiral",
    "Private", "Pte",
    # courts and prosecutors
    "Judge", "District Judge", "U.S. District Judge", "US District Judge", "Chief Judge",
    "Magistrate Judge", "U.S. Magistrate Judge", "Circuit Judge", "Justice", "Chief Justice",
    "Mr Justice", "Mrs Justice", "Lord Justice", "Lady Justice", "Attorney General",
    "Assistant Attorney General", "Deputy Attorney General", "U.S. Attorney",
    "United States Attorney", "Assistant U.S. Attorney", "Acting U.S. Attorney",
    "District Attorney", "Inspector General", "Coroner", "Senior Coroner",
    # politics and management
    "Senator", "Sen", "Rep", "Representative", "Congressman", "Congresswoman", "Governor", "Gov",
    "Mayor", "President", "Vice President", "Secretary", "Home Secretary", "Minister",
    "Prime Minister", "Councillor", "Cllr", "MP", "Director", "Director General",
    "Director-General", "Regional Director", "Deputy Director", "Executive Director",
    "Chief Executive", "Chairman", "Chairwoman", "Chair",
)
# fmt: on
_TITLES = sorted(
    {tuple(normalise_name(t).split()) for t in _TITLES_RAW}, key=lambda t: (-len(t), t)
)
_TITLE_SET = frozenset(_TITLES)
# Suffixes stripped from the end of a person's name.
_SUFFIXES = frozenset(
    (
        "jr",
        "sr",
        "ii",
        "iii",
        "iv",
        "qc",
        "kc",
        "mp",
        "cbe",
        "obe",
        "mbe",
        "dbe",
        "kbe",
        "phd",
        "esq",
    )
)


def normalise_person(name: str) -> str:
    """Normalise a person's name and strip titles, ranks, suffixes and middle initials.

    Titles are stripped only while a name remains ("Chief Constable" alone is kept).

    Examples
    --------
    >>> normalise_person("U.S. District Judge Ellen Marsh")
    'ellen marsh'
    >>> normalise_person("Chief Constable Hartley")
    'hartley'
    >>> normalise_person("Daniel R. Okafor")
    'daniel okafor'
    >>> normalise_person("Mr. Delgado")
    'delgado'
    """
    original = tokens = normalise_name(name).split()
    stripped = True
    while stripped:
        stripped = False
        for title in _TITLES:
            n = len(title)
            if len(tokens) > n and tuple(tokens[:n]) == title:
                tokens = tokens[n:]
                stripped = True
                break
    if tuple(tokens) in _TITLE_SET:  # only titles ("Chief Constable"): keep them all
        tokens = original
    while len(tokens) > 1 and tokens[-1] in _SUFFIXES:
        tokens.pop()
    # Reading: middle initials ("Daniel R. Okafor") are often left out of a later mention, so they
    # are dropped for persons; a first initial is kept.
    if len(tokens) > 2:
        tokens = [tokens[0], *(t for t in tokens[1:-1] if len(t) > 1), tokens[-1]]
    return " ".join(tokens)


def surname(name: str) -> str:
    """The surname of a person's name: the last token once titles are stripped.

    >>> surname("PC Anna Morley")
    'morley'
    """
    tokens = normalise_person(name).split()
    return tokens[-1] if tokens else ""


# --------------------------------------------------------------------------------------------
# Gold
# --------------------------------------------------------------------------------------------


def load_gold(path: str | Path) -> dict[str, Any]:
    """Read a ``NAME.gold.json`` file and fill in defaults (see :func:`normalise_gold`).

    Parameters
    ----------
    path
        The gold file.

    Returns
    -------
    dict
        The gold annotation, in the shape of GOLD_SCHEMA.md with every list present.

    Raises
    ------
    IngestError
        The file is missing, not JSON, or breaks the gold schema.
    """
    path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IngestError(f"Gold file {str(path)!r} does not exist") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IngestError(f"Gold file {str(path)!r} is not valid UTF-8 JSON: {exc}") from None
    return normalise_gold(raw, source=str(path))


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def normalise_gold(raw: Mapping[str, Any], *, source: str = "gold") -> dict[str, Any]:
    """Fill in the defaults of a gold dict and check its references.

    Every entity gets ``aliases`` (list), ``optional`` (bool) and ``count`` (int or None); every
    list (``affiliations`` ... ``victim_names``) is present; ``against`` and ``made_by`` are lists;
    ``applies_to`` is kept as given and ``applies_to_ids`` added as a list.

    Raises
    ------
    IngestError
        An entity id is repeated, an entity type is unknown, or an affiliation, investigation,
        allegation target, outcome target or speaker names no entity. (``made_by`` is not
        checked: it is not scored and may name a party that is not an entity.)
    """
    if not isinstance(raw, Mapping):
        raise IngestError(f"Gold file {source!r} is not a JSON object")
    gold: dict[str, Any] = {k: v for k, v in raw.items() if k not in _GOLD_LISTS}
    gold.setdefault("id", Path(source).name.removesuffix(".gold.json"))
    entities = []
    for ent in _as_list(raw.get("entities")):
        if ent.get("type") not in _ENTITY_CLASSES:
            raise IngestError(
                f"Gold file {source!r}: entity {ent.get('id')!r} has unknown type "
                f"{ent.get('type')!r}"
            )
        entities.append(
            {
                **ent,
                "aliases": [a for a in _as_list(ent.get("aliases")) if a],
                "optional": bool(ent.get("optional", False)),
                "count": ent.get("count"),
            }
        )
    ids = [e["id"] for e in entities]
    if len(ids) != len(set(ids)):
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        raise IngestError(f"Gold file {source!r}: entity ids repeated: {', '.join(dupes)}")
    gold["entities"] = entities
    gold["affiliations"] = [dict(a) for a in _as_list(raw.get("affiliations"))]
    gold["investigations"] = [dict(i) for i in _as_list(raw.get("investigations"))]
    gold["allegations"] = [
        {**a, "against": _as_list(a.get("against")), "made_by": _as_list(a.get("made_by"))}
        for a in _as_list(raw.get("allegations"))
    ]
    gold["outcomes"] = [
        {**o, "applies_to_ids": _as_list(o.get("applies_to"))}
        for o in _as_list(raw.get("outcomes"))
    ]
    gold["statements"] = [dict(s) for s in _as_list(raw.get("statements"))]
    gold["victim_names"] = [v for v in _as_list(raw.get("victim_names")) if v]

    known = set(ids)
    refs = [("affiliation person", a.get("person")) for a in gold["affiliations"]]
    refs += [("affiliation org", a.get("org")) for a in gold["affiliations"]]
    refs += [("investigator", i.get("investigator")) for i in gold["investigations"]]
    refs += [("investigation subject", i.get("subject")) for i in gold["investigations"]]
    refs += [("allegation target", t) for a in gold["allegations"] for t in a["against"]]
    refs += [("outcome target", t) for o in gold["outcomes"] for t in o["applies_to_ids"]]
    refs += [("speaker", s.get("speaker")) for s in gold["statements"]]
    for what, ref in refs:
        if ref not in known:
            raise IngestError(f"Gold file {source!r}: {what} {ref!r} is not an entity id")
    return gold


_GOLD_LISTS = frozenset(
    ("entities", "affiliations", "investigations", "allegations", "outcomes", "statements")
) | {"victim_names"}


@dataclass(frozen=True)
class _GoldEntity:
    index: int
    id: str
    type: str
    name: str
    optional: bool
    forms: frozenset[str]  # normalise_name of name and aliases
    person_forms: frozenset[str]  # normalise_person of name and aliases (persons only)
    surname: str  # persons only
    single_name: bool  # the person's name is a surname alone ("Hartley")


def _gold_entities(gold: Mapping[str, Any]) -> dict[str, _GoldEntity]:
    out = {}
    for i, ent in enumerate(gold["entities"]):
        raw_forms = [ent["name"], *ent["aliases"]]
        is_person = ent["type"] == "Person"
        person_name = normalise_person(ent["name"]) if is_person else ""
        out[ent["id"]] = _GoldEntity(
            index=i,
            id=ent["id"],
            type=ent["type"],
            name=ent["name"],
            optional=ent["optional"],
            forms=frozenset(f for f in map(normalise_name, raw_forms) if f),
            person_forms=frozenset(f for f in map(normalise_person, raw_forms) if f and is_person),
            surname=person_name.split()[-1] if person_name else "",
            single_name=len(person_name.split()) == 1,
        )
    return out


def _gold_orgs(gold: Mapping[str, Any]) -> dict[str, set[str]]:
    """Gold affiliations: member id -> the organisation ids it belongs to."""
    orgs: dict[str, set[str]] = defaultdict(set)
    for aff in gold["affiliations"]:
        orgs[aff["person"]].add(aff["org"])
    return orgs


# --------------------------------------------------------------------------------------------
# Reading the graph
# --------------------------------------------------------------------------------------------


def _key(term: Any) -> str:
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term)


def _int(term: Any) -> int | None:
    if not isinstance(term, ox.Literal):
        return None
    try:
        return int(term.value)
    except ValueError:
        try:
            as_float = float(term.value)
        except ValueError:
            return None
        return int(as_float) if as_float.is_integer() else None


def _select(store: ox.Store, query: str) -> list[dict[str, Any]]:
    result = store.query(_PREFIXES + query, use_default_graph_as_union=True)
    names = [v.value for v in result.variables]
    rows = []
    for solution in result:
        rows.append({n: solution[n] for n in names if solution[n] is not None})
    return rows


@dataclass
class _Node:
    key: str
    type: str
    label: str
    alts: tuple[str, ...]
    mentions: tuple[tuple[int, int], ...]


@dataclass
class _Graph:
    """What the scorer reads from one document's store, through the public vocabulary."""

    entities: dict[str, _Node]
    labels: dict[str, str]
    member_of: dict[str, set[str]]
    memberships: list[tuple[str, str]]  # (member, org) from cg:memberOf
    investigated: list[tuple[str, str]]
    fact_sentences: dict[str, list[tuple[int | None, int | None, str | None]]]
    fact_types: dict[str, set[str]]
    membership_facts: dict[tuple[str, str], list[str]]
    investigation_facts: dict[tuple[str, str], list[str]]
    allegations: dict[str, set[str]]  # allegation -> against
    outcomes: dict[str, tuple[str | None, int | None]]  # outcome -> (notation, count)
    outcome_persons: dict[str, set[str]]  # outcome -> cg:appliesTo targets typed cg:Person
    statements: dict[str, tuple[list[str], set[str]]]  # statement -> (quotes, speakers)
    sentences: list[tuple[int, int]]


def _read_graph(store: ox.Store) -> _Graph:
    classes = " ".join(f"cg:{c}" for c in _ENTITY_CLASSES)
    types: dict[str, set[str]] = defaultdict(set)
    labels: dict[str, list[str]] = defaultdict(list)
    alts: dict[str, set[str]] = defaultdict(set)
    mentions: dict[str, set[tuple[int, int]]] = defaultdict(set)
    for row in _select(store, f"SELECT ?e ?t WHERE {{ VALUES ?t {{ {classes} }} ?e a ?t }}"):
        types[_key(row["e"])].add(row["t"].value.rsplit("#", 1)[-1])
    for row in _select(store, "SELECT ?e ?l WHERE { ?e rdfs:label ?l }"):
        labels[_key(row["e"])].append(row["l"].value)
    for row in _select(store, "SELECT ?e ?l WHERE { ?e skos:altLabel ?l }"):
        alts[_key(row["e"])].add(row["l"].value)
    for row in _select(
        store,
        "SELECT ?e ?b ?x WHERE { ?e cg:mention ?m . ?m nif:beginIndex ?b ; nif:endIndex ?x }",
    ):
        b, x = _int(row["b"]), _int(row["x"])
        if b is not None and x is not None:
            mentions[_key(row["e"])].add((b, x))

    entities = {}
    for key in sorted(types):
        # Reading: a node typed with two entity classes is scored as the first of
        # Organisation, Person, Group, Place (the ontology makes them disjoint).
        etype = next(c for c in _ENTITY_CLASSES if c in types[key])
        node_labels = sorted(labels.get(key, []))
        label = node_labels[0] if node_labels else ""
        extra = set(node_labels[1:]) | alts.get(key, set())
        entities[key] = _Node(
            key=key,
            type=etype,
            label=label,
            alts=tuple(sorted(extra - {label})),
            mentions=tuple(sorted(mentions.get(key, ()))),
        )

    member_of: dict[str, set[str]] = defaultdict(set)
    memberships = []
    for row in _select(store, "SELECT ?p ?o WHERE { ?p cg:memberOf ?o }"):
        p, o = _key(row["p"]), _key(row["o"])
        member_of[p].add(o)
        memberships.append((p, o))
    investigated = sorted(
        {
            (_key(r["a"]), _key(r["b"]))
            for r in _select(store, "SELECT ?a ?b WHERE { ?a cg:investigated ?b }")
        }
    )

    fact_classes = " ".join(f"cg:{c}" for c in _FACT_CLASSES)
    fact_types: dict[str, set[str]] = defaultdict(set)
    fact_sentences: dict[str, list[tuple[int | None, int | None, str | None]]] = defaultdict(list)
    for row in _select(
        store,
        f"""SELECT ?f ?t ?s ?b ?x ?a WHERE {{
              VALUES ?t {{ {fact_classes} }}
              ?f a ?t .
              OPTIONAL {{ ?f prov:wasDerivedFrom ?s .
                         OPTIONAL {{ ?s nif:beginIndex ?b }} OPTIONAL {{ ?s nif:endIndex ?x }}
                         OPTIONAL {{ ?s nif:anchorOf ?a }} }} }}""",
    ):
        f = _key(row["f"])
        fact_types[f].add(row["t"].value.rsplit("#", 1)[-1])
        if "s" in row:
            anchor = row["a"].value if "a" in row else None
            entry = (_int(row.get("b")), _int(row.get("x")), anchor)
            if entry not in fact_sentences[f]:
                fact_sentences[f].append(entry)

    membership_facts: dict[tuple[str, str], list[str]] = defaultdict(list)
    for row in _select(
        store, "SELECT ?f ?p ?o WHERE { ?f a cg:Membership ; cg:member ?p ; cg:organisation ?o }"
    ):
        membership_facts[(_key(row["p"]), _key(row["o"]))].append(_key(row["f"]))
    investigation_facts: dict[tuple[str, str], list[str]] = defaultdict(list)
    for row in _select(
        store,
        "SELECT ?f ?a ?b WHERE { ?f a cg:Investigation ; cg:investigator ?a ; cg:subject ?b }",
    ):
        investigation_facts[(_key(row["a"]), _key(row["b"]))].append(_key(row["f"]))

    allegations: dict[str, set[str]] = {}
    for row in _select(
        store, "SELECT ?f ?t WHERE { ?f a cg:Allegation OPTIONAL { ?f cg:against ?t } }"
    ):
        allegations.setdefault(_key(row["f"]), set())
        if "t" in row:
            allegations[_key(row["f"])].add(_key(row["t"]))

    outcomes: dict[str, tuple[str | None, int | None]] = {}
    for row in _select(
        store,
        """SELECT ?f ?c ?n ?count WHERE { ?f a cg:Outcome
             OPTIONAL { ?f cg:outcomeType ?c OPTIONAL { ?c skos:notation ?n } }
             OPTIONAL { ?f cg:count ?count } }""",
    ):
        f = _key(row["f"])
        notation = row["n"].value if "n" in row else None
        if notation is None and "c" in row and _key(row["c"]).startswith(_CGO):
            # Reading: if the outcome scheme is not in the store, the concept IRI cgo:{slug}
            # still names the type.
            notation = _key(row["c"])[len(_CGO) :]
        count = _int(row["count"]) if "count" in row else None
        previous = outcomes.get(f)
        # several notations or counts on one node: keep the smallest, for determinism
        if previous is not None:
            notation = min(filter(None, (previous[0], notation)), default=None)
            counts = [c for c in (previous[1], count) if c is not None]
            count = min(counts) if counts else None
        outcomes[f] = (notation, count)
    outcome_persons: dict[str, set[str]] = defaultdict(set)
    for row in _select(
        store, "SELECT ?f ?p WHERE { ?f a cg:Outcome ; cg:appliesTo ?p . ?p a cg:Person }"
    ):
        outcome_persons[_key(row["f"])].add(_key(row["p"]))

    statements: dict[str, tuple[list[str], set[str]]] = {}
    for row in _select(
        store,
        """SELECT ?f ?q ?s WHERE { ?f a cg:Statement
             OPTIONAL { ?f cg:quote ?q } OPTIONAL { ?f cg:saidBy ?s } }""",
    ):
        quotes, speakers = statements.setdefault(_key(row["f"]), ([], set()))
        if "q" in row and row["q"].value not in quotes:
            quotes.append(row["q"].value)
        if "s" in row:
            speakers.add(_key(row["s"]))

    sentences = sorted(
        {
            (b, x)
            for r in _select(
                store,
                "SELECT ?b ?x WHERE { ?s a cg:Sentence ; nif:beginIndex ?b ; nif:endIndex ?x }",
            )
            if (b := _int(r["b"])) is not None and (x := _int(r["x"])) is not None
        }
    )
    return _Graph(
        entities=entities,
        labels={k: sorted(v)[0] for k, v in labels.items()},
        member_of=dict(member_of),
        memberships=sorted(set(memberships)),
        investigated=investigated,
        fact_sentences=dict(fact_sentences),
        fact_types=dict(fact_types),
        membership_facts=dict(membership_facts),
        investigation_facts=dict(investigation_facts),
        allegations=allegations,
        outcomes=outcomes,
        outcome_persons=dict(outcome_persons),
        statements=statements,
        sentences=sentences,
    )


# --------------------------------------------------------------------------------------------
# Entity matching
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class _Match:
    """How an extracted node matches a gold entity; smaller ``rank`` is a better match."""

    rank: tuple[int, int, int, int]  # (other type, level, from an altLabel, gold order)
    gold_id: str

    @property
    def same_type(self) -> bool:
        return self.rank[0] == 0


def _match_node(node: _Node, golds: Sequence[_GoldEntity]) -> _Match | None:
    """Match an extracted node to the best gold entity, or None.

    Levels: 1 a normalised surface form equals a normalised gold name or alias; for a Person node
    and a gold Person, 2 equal once titles are stripped, 3 a surname-only form matches the gold
    surname (or a gold name that is a surname alone matches the node's surname).

    Reading: a gold entity of the same type is preferred at any level over one of another type
    ("preferring a gold entity of the same type"); then the lower level, then a match through the
    rdfs:label over one through an altLabel, then the gold entity listed first. The loosened person
    comparison only applies between a Person node and a gold Person.
    """
    best: _Match | None = None
    forms = [(node.label, 0)] + [(a, 1) for a in node.alts]
    is_person = node.type == "Person"
    for form, is_alt in forms:
        norm = normalise_name(form)
        if not norm:
            continue
        person = normalise_person(form) if is_person else ""
        person_tokens = person.split()
        for g in golds:
            same = g.type == node.type
            level = None
            if norm in g.forms:
                level = 1
            elif same and is_person and person:
                if person in g.person_forms:
                    level = 2
                elif g.surname and (
                    (len(person_tokens) == 1 and person == g.surname)
                    or (g.single_name and person_tokens[-1] == g.surname)
                ):
                    level = 3
            if level is None:
                continue
            cand = _Match((0 if same else 1, level, is_alt, g.index), g.id)
            if best is None or cand < best:
                best = cand
    return best


def _is_victim(node: _Node, victim_names: Sequence[str]) -> bool:
    victims = {normalise_person(v) for v in victim_names} - {""}
    forms = {normalise_person(f) for f in (node.label, *node.alts)}
    return bool(victims & forms)


# --------------------------------------------------------------------------------------------
# Helpers for items and matching
# --------------------------------------------------------------------------------------------


def _context(text: str, start: int, end: int, sentences: Sequence[tuple[int, int]]) -> str:
    """The sentence around ``text[start:end]``: a graph sentence if one contains it, else the
    text cut at the nearest line break or full stop."""
    for b, e in sentences:
        if b <= start and end <= e and 0 <= b < e <= len(text):
            return text[b:e].strip()
    left = max(text.rfind("\n", 0, start), text.rfind(". ", 0, start) + 1)
    right_candidates = [i for i in (text.find("\n", end), text.find(". ", end)) if i >= 0]
    right = min(right_candidates) + 1 if right_candidates else len(text)
    return text[max(left, 0) : right].strip()[:400]


def _find_all(text: str, needle: str) -> list[tuple[int, int]]:
    spans, start = [], text.find(needle) if needle else -1
    while start >= 0:
        spans.append((start, start + len(needle)))
        start = text.find(needle, start + 1)
    return spans


def _max_matching(edges: Sequence[Sequence[int]]) -> dict[int, int]:
    """Maximum bipartite matching (Kuhn's augmenting paths): left index -> right index.

    Deterministic: left items are tried in order and their edges in the given order.
    """
    owner: dict[int, int] = {}

    def augment(u: int, seen: set[int]) -> bool:
        for v in edges[u]:
            if v in seen:
                continue
            seen.add(v)
            if v not in owner or augment(owner[v], seen):
                owner[v] = u
                return True
        return False

    for u in range(len(edges)):
        augment(u, set())
    return {u: v for v, u in owner.items()}


def _multiset(pred: Sequence[tuple[Any, Item]], gold: Sequence[tuple[Any, Item]]):
    """Multiset comparison of keys: (counts, missed gold items, spurious predicted items)."""
    pred_by: dict[Any, list[Item]] = defaultdict(list)
    gold_by: dict[Any, list[Item]] = defaultdict(list)
    for k, item in pred:
        pred_by[k].append(item)
    for k, item in gold:
        gold_by[k].append(item)
    tp, missed, spurious = 0, [], []
    for k in sorted(set(pred_by) | set(gold_by), key=repr):
        p, g = pred_by.get(k, []), gold_by.get(k, [])
        n = min(len(p), len(g))
        tp += n
        missed += g[n:]
        spurious += p[n:]
    return Counts(tp, len(pred), len(gold)), sorted(missed), sorted(spurious)


# --------------------------------------------------------------------------------------------
# Scoring one document
# --------------------------------------------------------------------------------------------


class _Scorer:
    def __init__(self, store: ox.Store, gold: Mapping[str, Any], text: str) -> None:
        self.gold = normalise_gold(gold)  # idempotent: fills defaults of a raw dict
        self.text = text
        self.graph = _read_graph(store)
        self.golds = _gold_entities(self.gold)
        self.gold_orgs = _gold_orgs(self.gold)
        self.warnings: list[str] = []
        ordered = sorted(self.golds.values(), key=lambda g: g.index)
        self.match: dict[str, _Match] = {}
        for key, node in self.graph.entities.items():
            m = _match_node(node, ordered)
            if m is not None:
                self.match[key] = m

    # -- keys and descriptions ----------------------------------------------------------------

    def keyof(self, node: str) -> str:
        """A node's gold id when it matches one, else ``node:<iri>`` (never equal to a gold id)."""
        m = self.match.get(node)
        return m.gold_id if m else f"node:{node}"

    def optional(self, key: str) -> bool:
        g = self.golds.get(key)
        return bool(g and g.optional)

    def describe_key(self, key: str) -> str:
        if key in self.golds:
            return f"{self.golds[key].name!r} [{key}]"
        node = key.removeprefix("node:")
        label = self.graph.labels.get(node) or node.rsplit("/", 1)[-1]
        return f"{label!r} <{node}>"

    def describe_node(self, node: str) -> str:
        label = self.graph.labels.get(node) or node.rsplit("/", 1)[-1]
        m = self.match.get(node)
        return f"{label!r}" + (f" (= gold {m.gold_id})" if m else "")

    def fact_sentence(self, facts: Iterable[str]) -> str | None:
        for fact in sorted(facts):
            for b, e, anchor in self.graph.fact_sentences.get(fact, []):
                if b is not None and e is not None and 0 <= b < e <= len(self.text):
                    return self.text[b:e].strip()
                if anchor:
                    return anchor.strip()
        return None

    def gold_entity_sentence(self, gid: str) -> str | None:
        ent = next(e for e in self.gold["entities"] if e["id"] == gid)
        for form in [ent["name"], *ent["aliases"]]:
            spans = _find_all(self.text, form)
            if spans:
                return _context(self.text, *spans[0], self.graph.sentences)
        return None

    def node_sentence(self, node: str) -> str | None:
        ent = self.graph.entities.get(node)
        if ent and ent.mentions:
            return _context(self.text, *ent.mentions[0], self.graph.sentences)
        return None

    def subject_orgs(self, node: str) -> set[str]:
        """The organisations a person or group node stands for, as keys (empty if none).

        An extracted group: its cg:memberOf; otherwise (and for a group without one) the gold
        affiliations of the gold person or group the node matches.
        """
        ent = self.graph.entities.get(node)
        if ent and ent.type == "Group" and self.graph.member_of.get(node):
            return {self.keyof(o) for o in self.graph.member_of[node]}
        key = self.keyof(node)
        if key in self.golds and self.golds[key].type in ("Person", "Group"):
            return set(self.gold_orgs.get(key, ()))
        return set()

    # -- metrics ------------------------------------------------------------------------------

    def entities(self, etype: str):
        nodes = [n for n in self.graph.entities.values() if n.type == etype]
        # the best-matching node claims its gold entity first; ties by IRI
        nodes.sort(key=lambda n: (self.match[n.key].rank if n.key in self.match else (9,), n.key))
        found: dict[str, str] = {}
        spurious, predicted = [], 0
        for node in nodes:
            m = self.match.get(node.key)
            if m and self.optional(m.gold_id):
                continue  # optional gold entities are neither required nor penalised
            predicted += 1
            if m and m.same_type and m.gold_id not in found:
                found[m.gold_id] = node.key
                continue
            if m is None:
                why = "matches no gold entity"
            elif not m.same_type:
                why = f"matches gold {self.golds[m.gold_id].type} {m.gold_id!r}"
            else:
                why = f"duplicate: gold {m.gold_id!r} is already matched by <{found[m.gold_id]}>"
            forms = ", ".join(repr(a) for a in node.alts)
            desc = f"{etype} {node.label!r}" + (f" (alt {forms})" if forms else "")
            spurious.append(Item(f"{desc} <{node.key}>: {why}", self.node_sentence(node.key)))
        wanted = [g for g in self.golds.values() if g.type == etype and not g.optional]
        missed = [
            Item(f"{etype} {g.name!r} [{g.id}]", self.gold_entity_sentence(g.id))
            for g in wanted
            if g.id not in found
        ]
        counts = Counts(len(found), predicted, len(wanted))
        return counts, sorted(missed), sorted(spurious)

    def affiliations(self):
        pred: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
        for p, o in self.graph.memberships:
            ent = self.graph.entities.get(p)
            if not ent or ent.type != "Person":
                continue  # persons only
            pair = (self.keyof(p), self.keyof(o))
            # Reading: a pair touching an optional gold entity is neither required nor penalised.
            if any(self.optional(k) for k in pair):
                continue
            # Reading: pairs are compared once mapped to gold, so two nodes of one person that
            # both point at the organisation make one prediction (the entity metric already
            # penalises the duplicate node).
            pred[pair].append((p, o))
        gold = {
            (a["person"], a["org"])
            for a in self.gold["affiliations"]
            if self.golds[a["person"]].type == "Person"
        }
        tp = len(set(pred) & gold)
        missed = [
            Item(
                f"{self.describe_key(p)} memberOf {self.describe_key(o)}",
                self.gold_entity_sentence(p),
            )
            for p, o in sorted(gold - set(pred))
        ]
        spurious = []
        for pair in sorted(set(pred) - gold):
            nodes = pred[pair]
            facts = [f for n in nodes for f in self.graph.membership_facts.get(n, [])]
            desc = " / ".join(
                f"{self.describe_node(p)} memberOf {self.describe_node(o)}" for p, o in nodes
            )
            spurious.append(Item(desc, self.fact_sentence(facts)))
        return Counts(tp, len(pred), len(gold)), sorted(missed), sorted(spurious)

    def investigations(self):
        def gold_subject(s: str) -> set[str]:
            if self.golds[s].type in ("Person", "Group") and self.gold_orgs.get(s):
                return set(self.gold_orgs[s])
            return {s}

        gold: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
        for inv in self.gold["investigations"]:
            a, s = inv["investigator"], inv["subject"]
            for target in sorted(gold_subject(s)):
                gold[(a, target)].append((a, s))
        pred: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
        for a, b in self.graph.investigated:
            targets = self.subject_orgs(b) or {self.keyof(b)}
            for target in sorted(targets):
                pair = (self.keyof(a), target)
                if any(self.optional(k) for k in pair):
                    continue
                pred[pair].append((a, b))
        # Reading: pairs are sets once mapped (a person with two organisations gives two pairs,
        # on both sides alike; two persons of one organisation investigated give one pair).
        tp = len(set(pred) & set(gold))
        missed = []
        for pair in sorted(set(gold) - set(pred)):
            origin = "; ".join(f"{a} investigated {s}" for a, s in gold[pair])
            missed.append(
                Item(
                    f"{self.describe_key(pair[0])} investigated {self.describe_key(pair[1])}"
                    f" (gold: {origin})",
                    self.gold_entity_sentence(gold[pair][0][1]),
                )
            )
        spurious = []
        for pair in sorted(set(pred) - set(gold)):
            facts = [f for n in pred[pair] for f in self.graph.investigation_facts.get(n, [])]
            origin = "; ".join(
                f"{self.describe_node(a)} investigated {self.describe_node(b)}"
                for a, b in pred[pair]
            )
            spurious.append(
                Item(
                    f"{self.describe_key(pair[0])} investigated {self.describe_key(pair[1])}"
                    f" (from {origin})",
                    self.fact_sentence(facts),
                )
            )
        return Counts(tp, len(pred), len(gold)), sorted(missed), sorted(spurious)

    def outcome_items(self):
        """Predicted and gold outcomes as (type, count, Item), expanded k times."""
        pred = []
        for node, (notation, count) in sorted(self.graph.outcomes.items()):
            otype = notation or "(no type)"
            if otype.startswith("other:"):
                continue  # `other:` types are not scored
            persons = {self.keyof(p) for p in self.graph.outcome_persons.get(node, ())}
            # Reading: k = distinct named persons (cg:Person targets, two nodes of one gold
            # person counted once); an outcome that applies to no person counts once.
            k = max(1, len(persons))
            applies = ", ".join(self.describe_key(p) for p in sorted(persons))
            for i in range(k):
                desc = f"{otype}" + (f" count={count}" if count is not None else "")
                desc += f" <{node}>" + (f" applies to {applies}" if applies else "")
                desc += f" ({i + 1}/{k})" if k > 1 else ""
                pred.append((otype, count, Item(desc, self.fact_sentence([node]))))
        gold = []
        for o in self.gold["outcomes"]:
            if o["type"].startswith("other:"):
                continue
            targets = ", ".join(self.describe_key(t) for t in o["applies_to_ids"])
            count = o.get("count")
            desc = f"{o['type']}" + (f" count={count}" if count is not None else "")
            desc += f" [{o.get('id', '?')}] applies to {targets}"
            gold.append((o["type"], count, Item(desc, o.get("evidence"))))
        return pred, gold

    def accused_persons(self) -> tuple[list[str], list[str]]:
        """Named gold persons an allegation is against or an outcome applies to, and those of
        them that no extracted Person node matches (SCORING.md: accused_missing)."""
        ids = {t for a in self.gold["allegations"] for t in a["against"]}
        ids |= {t for o in self.gold["outcomes"] for t in o["applies_to_ids"]}
        accused = sorted(
            i
            for i in ids
            if i in self.golds and self.golds[i].type == "Person" and not self.optional(i)
        )
        found = {
            m.gold_id
            for key, m in self.match.items()
            if m.same_type and self.graph.entities[key].type == "Person"
        }
        return accused, [i for i in accused if i not in found]

    def allegations(self):
        gold_items = self.gold["allegations"]
        gold_spans: list[list[tuple[int, int]]] = []
        gold_targets: list[set[str]] = []
        for g in gold_items:
            spans = _find_all(self.text, g.get("evidence") or "")
            if not spans:
                self.warnings.append(
                    f"allegation {g.get('id')!r}: evidence {g.get('evidence')!r} is not in the text"
                )
            gold_spans.append(spans)
            targets = set(g["against"])
            for t in g["against"]:  # "(or the organisation of one)"
                targets |= self.gold_orgs.get(t, set())
            gold_targets.append(targets)
        pred_nodes = sorted(self.graph.allegations)
        edges = []
        for node in pred_nodes:
            sents = [
                (b, e)
                for b, e, _ in self.graph.fact_sentences.get(node, [])
                if b is not None and e is not None
            ]
            targets = set()
            for t in self.graph.allegations[node]:
                targets.add(self.keyof(t))
                # Reading: an extracted group stands for its organisation (cg:memberOf), as in
                # the investigation rule, so "officers" of WSP match an allegation against WSP.
                ent = self.graph.entities.get(t)
                if ent and ent.type == "Group":
                    targets |= {self.keyof(o) for o in self.graph.member_of.get(t, ())}
            edges.append(
                [
                    j
                    for j in range(len(gold_items))
                    if targets & gold_targets[j]
                    and any(b < ge and gb < e for b, e in sents for gb, ge in gold_spans[j])
                ]
            )
        # Reading: one extracted allegation matches at most one gold allegation and vice versa
        # (maximum bipartite matching), so tp is the same for precision and recall.
        matching = _max_matching(edges)
        matched_gold = set(matching.values())
        missed = [
            Item(
                f"[{g.get('id', '?')}] against {', '.join(g['against'])}: {g.get('summary', '')}",
                g.get("evidence"),
            )
            for j, g in enumerate(gold_items)
            if j not in matched_gold
        ]
        spurious = []
        for i, node in enumerate(pred_nodes):
            if i in matching:
                continue
            against = ", ".join(sorted(self.describe_node(t) for t in self.graph.allegations[node]))
            label = self.graph.labels.get(node, "")
            spurious.append(
                Item(
                    f"{label!r} against {against or '(nobody)'} <{node}>",
                    self.fact_sentence([node]),
                )
            )
        counts = Counts(len(matching), len(pred_nodes), len(gold_items))
        return counts, sorted(missed), sorted(spurious)

    def statements(self):
        gold_items = self.gold["statements"]
        gold_quotes = [normalise_name(s.get("quote_start", "")) for s in gold_items]
        pred_nodes = sorted(self.graph.statements)
        edges = []
        for node in pred_nodes:
            quotes, speakers = self.graph.statements[node]
            keys = {self.keyof(s) for s in speakers}
            padded = [f" {normalise_name(q)} " for q in quotes]
            edges.append(
                [
                    j
                    for j, s in enumerate(gold_items)
                    if s["speaker"] in keys
                    and gold_quotes[j]
                    # containment on whole words of the normalised quote
                    and any(f" {gold_quotes[j]} " in q for q in padded)
                ]
            )
        matching = _max_matching(edges)
        matched_gold = set(matching.values())
        missed = [
            Item(f"{self.describe_key(s['speaker'])}: {s.get('quote_start')!r}", None)
            for j, s in enumerate(gold_items)
            if j not in matched_gold
        ]
        spurious = []
        for i, node in enumerate(pred_nodes):
            if i in matching:
                continue
            quotes, speakers = self.graph.statements[node]
            who = ", ".join(sorted(self.describe_node(s) for s in speakers)) or "(nobody)"
            quote = quotes[0] if quotes else ""
            quote = quote if len(quote) <= 80 else quote[:77] + "..."
            spurious.append(Item(f"{who}: {quote!r} <{node}>", self.fact_sentence([node])))
        counts = Counts(len(matching), len(pred_nodes), len(gold_items))
        return counts, sorted(missed), sorted(spurious)

    def provenance(self):
        valid, invalid = 0, []
        for node in sorted(self.graph.fact_types):
            sentences = self.graph.fact_sentences.get(node, [])
            problems = []
            if not sentences:
                problems.append("no prov:wasDerivedFrom sentence")
            for b, e, anchor in sentences:
                if b is None or e is None:
                    problems.append("sentence without nif:beginIndex/endIndex")
                elif not 0 <= b < e <= len(self.text):
                    problems.append(f"offsets {b},{e} outside the text (length {len(self.text)})")
                elif anchor != self.text[b:e]:
                    problems.append(f"nif:anchorOf differs from text[{b}:{e}]")
            if problems:
                kinds = "/".join(sorted(self.graph.fact_types[node]))
                invalid.append(
                    Item(f"{kinds} <{node}>: {'; '.join(problems)}", self.fact_sentence([node]))
                )
            else:
                valid += 1
        total = len(self.graph.fact_types)
        return Counts(valid, total, total), [], sorted(invalid)

    def score(self, name: str) -> DocumentScore:
        counts: dict[str, Counts] = {}
        missed: dict[str, list[Item]] = {}
        spurious: dict[str, list[Item]] = {}

        def put(metric, result):
            counts[metric], missed[metric], spurious[metric] = result

        put("ent.Organisation", self.entities("Organisation"))
        put("ent.Person", self.entities("Person"))
        put(
            "ent.all",
            (
                counts["ent.Organisation"] + counts["ent.Person"],
                sorted(missed["ent.Organisation"] + missed["ent.Person"]),
                sorted(spurious["ent.Organisation"] + spurious["ent.Person"]),
            ),
        )
        put("affiliation", self.affiliations())
        put("investigation", self.investigations())
        pred_outcomes, gold_outcomes = self.outcome_items()
        put(
            "outcome.type",
            _multiset([(t, i) for t, _, i in pred_outcomes], [(t, i) for t, _, i in gold_outcomes]),
        )
        # Reading: type+count compares the extracted outcomes that carry a cg:count with the gold
        # outcomes that state one; an extracted count the gold does not state is a false
        # positive, which is why this metric is read mainly for its recall.
        put(
            "outcome.type+count",
            _multiset(
                [((t, c), i) for t, c, i in pred_outcomes if c is not None],
                [((t, c), i) for t, c, i in gold_outcomes if c is not None],
            ),
        )
        put("allegation", self.allegations())
        put("statement", self.statements())
        put("provenance_valid", self.provenance())

        victims = [
            node
            for node in self.graph.entities.values()
            if node.type == "Person" and _is_victim(node, self.gold["victim_names"])
        ]
        if victims:
            spurious["victims_named"] = sorted(
                Item(f"Person {v.label!r} <{v.key}> is a victim", self.node_sentence(v.key))
                for v in victims
            )
        accused, hidden = self.accused_persons()
        if hidden:
            missed["accused_missing"] = sorted(
                Item(
                    f"accused {self.describe_key(g)} has no Person node",
                    self.gold_entity_sentence(g),
                )
                for g in hidden
            )
        return DocumentScore(
            name=name,
            counts=counts,
            victims_named=len(victims),
            accused_missing=len(hidden),
            accused=len(accused),
            missed={k: v for k, v in missed.items() if v},
            spurious={k: v for k, v in spurious.items() if v},
            warnings=sorted(self.warnings),
        )


def score_document(
    store: ox.Store, gold: Mapping[str, Any], text: str, *, name: str | None = None
) -> DocumentScore:
    """Score the graph of one document against its gold annotation.

    Parameters
    ----------
    store
        A store holding the graph built from this document only (other graphs, such as the
        ontology, may be there too; the scorer queries the union of all graphs).
    gold
        The gold annotation, as returned by :func:`load_gold` (a raw dict is normalised first).
    text
        The document text the graph was built from; offsets in the graph index it.
    name
        The name reported; defaults to the gold ``id``.

    Returns
    -------
    DocumentScore
        Counts of every metric of :data:`METRICS`, victims named, and the misses.

    Notes
    -----
    The rules are those of SCORING.md. Allegations and statements are matched one to one
    (maximum bipartite matching, as in the relation scoring of the ACE and CoNLL shared tasks);
    entity duplicates are penalised; outcome types are compared as multisets.
    """
    scorer = _Scorer(store, gold, text)
    return scorer.score(name or str(scorer.gold.get("id", "document")))


def evaluate_dir(
    gold_dir: str | Path,
    build: Callable[[Path], AbstractContextManager[ox.Store]],
) -> EvaluationReport:
    """Build and score every annotated document of a directory, then micro-average.

    Parameters
    ----------
    gold_dir
        A directory of ``NAME.txt`` files; those with a ``NAME.gold.json`` beside them are
        scored, in sorted order.
    build
        Called once per document with the path of ``NAME.txt``; returns a context manager that
        yields a :class:`pyoxigraph.Store` holding the graph built from that file alone (for
        example a fresh temporary store) and cleans it up on exit.

    Returns
    -------
    EvaluationReport
        Totals (counts summed over documents) and the score of every document.

    Raises
    ------
    IngestError
        The directory does not exist or has no annotated document, or a gold file is invalid.

    Examples
    --------
    >>> from contextlib import nullcontext
    >>> def build(txt):  # the lead's builder: a fresh store per document  # doctest: +SKIP
    ...     return temporary_store_built_from(txt)
    >>> report = evaluate_dir("../shared/eval/dev", build)  # doctest: +SKIP
    """
    gold_dir = Path(gold_dir)
    if not gold_dir.is_dir():
        raise IngestError(f"Gold directory {str(gold_dir)!r} does not exist")
    pairs = [
        (txt, txt.with_name(txt.name[: -len(".txt")] + ".gold.json"))
        for txt in sorted(gold_dir.glob("*.txt"))
    ]
    pairs = [(txt, g) for txt, g in pairs if g.is_file()]
    if not pairs:
        raise IngestError(f"Gold directory {str(gold_dir)!r} has no NAME.txt with NAME.gold.json")
    scores = []
    for txt, gold_path in pairs:
        gold = load_gold(gold_path)
        text = txt.read_text(encoding="utf-8")
        with build(txt) as store:
            scores.append(score_document(store, gold, text, name=txt.stem))
    return EvaluationReport.from_documents(scores)


# --------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------

_SHORT = {
    "ent.Organisation": "org",
    "ent.Person": "per",
    "ent.all": "ent",
    "affiliation": "aff",
    "investigation": "inv",
    "outcome.type": "out",
    "outcome.type+count": "out#",
    "allegation": "alg",
    "statement": "stm",
    "provenance_valid": "prov",
}


def _counts_rows(totals: Mapping[str, Counts], metrics: Sequence[str]) -> list[str]:
    width = max(len(m) for m in metrics)
    head = f"{'metric':<{width}}  {'P':>6} {'R':>6} {'F1':>6}  {'tp':>5} {'pred':>5} {'gold':>5}"
    rows = [head, "-" * len(head)]
    for m in metrics:
        c = totals[m]
        rows.append(
            f"{m:<{width}}  {c.p:6.3f} {c.r:6.3f} {c.f1:6.3f}  {c.tp:5d} {c.predicted:5d}"
            f" {c.gold:5d}"
        )
    return rows


def render_table(report: EvaluationReport) -> str:
    """Plain-text tables: the totals, then F1 of every metric per document.

    ``provenance_valid`` is a share (P = R = F1); in the document table "-" marks a metric with
    nothing to find and nothing predicted.
    """
    lines = [f"Micro-averaged over {len(report.documents)} documents", ""]
    lines += _counts_rows(report.totals, METRICS)
    lines += [
        f"victims_named: {report.victims_named} (must be 0)",
        f"accused_missing: {report.accused_missing} of {report.accused} (must be 0)",
        "",
    ]
    lines.append("F1 per document (" + ", ".join(f"{v}={k}" for k, v in _SHORT.items()) + ")")
    width = max([len("document"), *(len(n) for n in report.documents)])
    head = f"{'document':<{width}} " + " ".join(f"{_SHORT[m]:>5}" for m in METRICS) + "  vict"
    lines += [head, "-" * len(head)]
    for name, score in report.documents.items():
        cells = [
            "    -" if score.counts[m].empty else f"{score.counts[m].f1:5.2f}" for m in METRICS
        ]
        lines.append(f"{name:<{width}} " + " ".join(cells) + f"  {score.victims_named:4d}")
    return "\n".join(lines) + "\n"


def _render_items(kind: str, items: Sequence[Item]) -> list[str]:
    lines = []
    for item in items:
        lines.append(f"  {kind:<8} {item.description}")
        if item.sentence:
            sentence = " ".join(item.sentence.split())
            lines.append(f"           | {sentence[:300]}")
    return lines


def render_misses(report: EvaluationReport) -> str:
    """Plain text: per document and metric, the gold items missed and the spurious predictions."""
    lines = []
    for name, score in report.documents.items():
        lines.append(f"== {name}")
        lines += [f"  warning  {w}" for w in score.warnings]
        # ent.all is the union of ent.Organisation and ent.Person: not repeated
        for metric in [*(m for m in METRICS if m != "ent.all"), "victims_named", "accused_missing"]:
            missed, spurious = score.missed.get(metric, []), score.spurious.get(metric, [])
            if not missed and not spurious:
                continue
            lines.append(f"-- {metric}")
            lines += _render_items("missed", missed)
            lines += _render_items("spurious", spurious)
        lines.append("")
    return "\n".join(lines)


def render_conll04(report: Conll04Report) -> str:
    """Plain-text table of the CoNLL04 figures."""
    lines = [f"CoNLL04: {report.sentences} sentences", ""]
    lines += _counts_rows(report.totals, CONLL04_METRICS)
    return "\n".join(lines) + "\n"


def render_conll04_misses(report: Conll04Report) -> str:
    """Each missed and spurious CoNLL04 entity and Work_For pair, one per line, by metric."""
    lines: list[str] = []
    for metric in sorted(set(report.missed) | set(report.spurious)):
        lines.append(f"-- {metric}")
        lines += [f"  missed   {item.description}" for item in report.missed.get(metric, [])]
        lines += [f"  spurious {item.description}" for item in report.spurious.get(metric, [])]
    return "\n".join(lines) + "\n" if lines else ""


# --------------------------------------------------------------------------------------------
# CoNLL04
# --------------------------------------------------------------------------------------------

_END = object()
_CONLL_TYPES = {"Person": "Peop", "Organisation": "Org", "Place": "Loc"}
_TRAILING = re.compile(r"(?:['\u2019]s|[\s\.,;:!?'\"\u2019\u201d)\]-])$", re.IGNORECASE)


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop a leading "the ", a trailing "'s" and trailing punctuation from a span.

    Examples
    --------
    >>> s = "The Acme Corp.'s chief"
    >>> trim_span(s, 0, 16), s[slice(*trim_span(s, 0, 16))]
    ((4, 13), 'Acme Corp')
    """
    while start < end and text[start].isspace():
        start += 1
    if text[start:end].lower().startswith("the ") and end - start > 4:
        start += 4
    while start < end:
        m = _TRAILING.search(text, start, end)
        if not m:
            break
        end = m.start()
    return start, end


def _conll_predictions(
    store: ox.Store | None, text: str
) -> tuple[set[tuple[int, int, str]], list[tuple[str, str]], dict[str, set[tuple[int, int]]]]:
    """Typed mention spans, memberOf pairs (person, org) and each node's mention spans."""
    if store is None:
        return set(), [], {}
    shift = 0
    docs = _select(store, "SELECT ?s WHERE { ?d a cg:Document ; nif:isString ?s }")
    if len(docs) == 1 and docs[0]["s"].value != text:
        # Reading: if the pipeline wrapped the sentence (a title line ...), offsets are moved
        # back onto the sentence; if the sentence is not found they are used as they are.
        found = docs[0]["s"].value.find(text)
        shift = found if found > 0 else 0
    graph = _read_graph(store)
    spans: set[tuple[int, int, str]] = set()
    mentions: dict[str, set[tuple[int, int]]] = {}
    for key, node in graph.entities.items():
        mentions[key] = {(b - shift, e - shift) for b, e in node.mentions}
        if node.type in _CONLL_TYPES:  # cg:Group is not scored
            spans |= {(b, e, _CONLL_TYPES[node.type]) for b, e in mentions[key]}
    pairs = [
        (p, o)
        for p, o in graph.memberships
        if p in graph.entities and graph.entities[p].type == "Person"
    ]
    return spans, pairs, mentions


def evaluate_conll04(
    path: str | Path,
    extract: Callable[[list[str]], Iterable[ox.Store | None]],
    *,
    limit: int | None = None,
) -> Conll04Report:
    """Score the pipeline's entities and Work_For relations on CoNLL04 sentences.

    Parameters
    ----------
    path
        ``dev.jsonl`` of ``../shared/eval/conll04`` (one sentence per line).
    extract
        Called once with the list of sentence texts; yields, in the same order, one store per
        sentence holding the graph built from that sentence as a document (``None`` for a
        sentence that produced nothing). A generator is fine: each store is scored and dropped
        before the next is requested.
    limit
        Score only the first ``limit`` sentences.

    Returns
    -------
    Conll04Report
        P, R and F1 with counts for entities (exact span and type, and trimmed spans; overall
        and per type) and for Work_For (exact and trimmed).

    Raises
    ------
    IngestError
        The file is missing or not JSON lines.
    ValueError
        ``extract`` returned a different number of stores than sentences.

    Notes
    -----
    Entities come from ``?entity cg:mention ?m`` with the mention's ``nif:beginIndex`` /
    ``nif:endIndex``, typed by the entity's class: cg:Person -> Peop, cg:Organisation -> Org,
    cg:Place -> Loc; cg:Group is not scored. ``ent.exact`` and ``ent.trimmed`` score the three
    mapped types, as the zero-shot spaCy baseline in the data's README does (casegraph has no
    counterpart of "Other": dates, works, events). ``ent.exact+Other`` and ``ent.trimmed+Other``
    keep the 118 "Other" gold entities in the gold count, as in the strict evaluation of models
    trained on all four types (Roth & Yih 2004; SpERT, Eberts & Ulges 2020), so figures can be
    set beside published ones. A predicted Work_For is a
    ``?person cg:memberOf ?org`` pair (person typed cg:Person), counted once; it matches a gold
    Work_For when a mention of the person has the head span and a mention of the organisation the
    tail span (types are not compared for relations). Predicted and gold relations are matched
    one to one.
    """
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
        records = [json.loads(line) for line in lines if line.strip()]
    except FileNotFoundError:
        raise IngestError(f"CoNLL04 file {str(path)!r} does not exist") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IngestError(f"CoNLL04 file {str(path)!r} is not JSON lines: {exc}") from None
    if limit is not None:
        records = records[:limit]
    texts = [r["text"] for r in records]

    totals = {m: Counts() for m in CONLL04_METRICS}
    missed: dict[str, list[Item]] = defaultdict(list)
    spurious: dict[str, list[Item]] = defaultdict(list)
    n = 0
    stores = iter(extract(texts))
    for record in records:
        try:
            store = next(stores)
        except StopIteration:
            raise ValueError(f"extract returned {n} stores for {len(records)} sentences") from None
        n += 1
        text, sid = record["text"], record.get("id", str(n - 1))
        pred_spans, pred_pairs, node_mentions = _conll_predictions(store, text)
        gold_ents = [(e["start_char"], e["end_char"], e["type"]) for e in record["entities"]]

        for variant in ("exact", "trimmed"):

            def span(b: int, e: int, variant: str = variant, text: str = text) -> tuple[int, int]:
                return trim_span(text, b, e) if variant == "trimmed" else (b, e)

            pred = {(*span(b, e), t) for b, e, t in pred_spans}
            gold = {(*span(b, e), t) for b, e, t in gold_ents}
            metric = f"ent.{variant}"
            totals[f"{metric}+Other"] += Counts(len(pred & gold), len(pred), len(gold))
            mapped = {s for s in gold if s[2] != "Other"}
            totals[metric] += Counts(len(pred & mapped), len(pred), len(mapped))
            for etype in ("Peop", "Org", "Loc", "Other"):
                p = {s for s in pred if s[2] == etype}
                g = {s for s in gold if s[2] == etype}
                totals[f"{metric}.{etype}"] += Counts(len(p & g), len(p), len(g))
            for b, e, t in sorted(mapped - pred):
                missed[metric].append(Item(f"{sid} {t} {text[b:e]!r} [{b}:{e}]", text))
            for b, e, t in sorted(pred - gold):
                spurious[metric].append(Item(f"{sid} {t} {text[b:e]!r} [{b}:{e}]", text))

            gold_rel = [
                (span(*gold_ents[r["head"]][:2]), span(*gold_ents[r["tail"]][:2]))
                for r in record.get("relations", [])
                if r["type"] == "Work_For"
            ]
            pairs = sorted(set(pred_pairs))
            edges = []
            for p, o in pairs:
                p_spans = {span(b, e) for b, e in node_mentions.get(p, ())}
                o_spans = {span(b, e) for b, e in node_mentions.get(o, ())}
                edges.append(
                    [j for j, (h, t) in enumerate(gold_rel) if h in p_spans and t in o_spans]
                )
            matching = _max_matching(edges)
            metric = f"Work_For.{variant}"
            totals[metric] += Counts(len(matching), len(pairs), len(gold_rel))
            matched = set(matching.values())
            for j, (h, t) in enumerate(gold_rel):
                if j not in matched:
                    missed[metric].append(
                        Item(f"{sid} {text[slice(*h)]!r} Work_For {text[slice(*t)]!r}", text)
                    )
            for i, (p, o) in enumerate(pairs):
                if i not in matching:
                    p_text = sorted(text[b:e] for b, e in node_mentions.get(p, ()))
                    o_text = sorted(text[b:e] for b, e in node_mentions.get(o, ()))
                    spurious[metric].append(
                        Item(f"{sid} {p_text or p} memberOf {o_text or o}", text)
                    )
    if next(stores, _END) is not _END:
        raise ValueError(f"extract returned more stores than the {len(records)} sentences")
    return Conll04Report(totals=totals, sentences=n, missed=dict(missed), spurious=dict(spurious))
