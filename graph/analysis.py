"""Network analysis of a store: the entity graph, centrality, connections, accountability funnel.

:func:`entity_graph` reads a :class:`~graph.store.CaseStore` into a :class:`networkx.MultiDiGraph`.
Its nodes are the entities (organisations, people, groups, places) and, by default, the allegation
and outcome facts, so that an allegation nobody is said to have made still links to the accused.
Every edge carries the fact it comes from and the sentence that states it.

Nodes (keyed by IRI), with the attribute ``type``:

- ``Organisation``, ``Person``, ``Group``, ``Place``: ``label``, ``alt_labels`` (other names seen,
  sorted), ``count`` (how many people a group is, or None), ``outcomes`` (sorted notations of the
  outcomes that apply to the entity), ``statements`` (how many quotations it made).
- ``Allegation`` and ``Outcome`` (only with ``facts=True``): ``label`` (the allegation's short
  description, or the outcome type's preferred label), ``count`` (the fact's ``cg:count`` or None),
  ``notation`` and ``group`` (an outcome's type and its top concept, e.g.
  ``"final-written-warning"``, ``"sanctions"``), ``detail``, and the evidence attributes below.

Edges, keyed by fact IRI, with ``kind`` and ``label`` (the role as worded for memberships, else the
kind) and the evidence attributes ``fact`` (the fact IRI), ``evidence`` (the sentence text),
``document`` (document IRI), ``sentence`` (sentence IRI), ``char_begin`` and ``char_end`` (character
offsets of the sentence in the document, end exclusive; -1 when unknown):

=====================  ===============================  ==========================================
kind                   edge                             from
=====================  ===============================  ==========================================
``member of``          member → organisation            ``cg:Membership``
``investigated``       investigator → subject           ``cg:Investigation``
``against``            allegation → accused             ``cg:Allegation`` ``cg:against``
``alleged against``    maker → accused                  ``cg:Allegation`` with ``cg:madeBy``
``applies to``         outcome → entity                 ``cg:Outcome`` ``cg:appliesTo``
``decided``            decider → outcome                ``cg:Outcome`` ``cg:decidedBy``
``concerns``           outcome → allegation             ``cg:Outcome`` ``cg:concerns``
=====================  ===============================  ==========================================

With ``facts=False`` the graph holds entities only: allegations give only ``alleged against``
edges and outcomes give decider → entity edges whose kind is the outcome's notation. Statements give
no edge: the model records who said something (``cg:saidBy``), not whom it is about, so they are
counted on the speaker (``statements``).

Every node and edge also has ``corrected``: the reasons (``rdfs:comment``) of the editor's
corrections (:mod:`graph.correct`) that changed or added it, joined by ``"; "``, or ``""``.

Nodes and edges are added in sorted order, so the same store always gives the same graph.
networkx is imported inside the functions, so importing this module is cheap.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from graph.errors import CasegraphError

if TYPE_CHECKING:
    import networkx as nx

    from graph.store import CaseStore

__all__ = [
    "CLASS_NAMES",
    "ENTITY_TYPES",
    "FACT_TYPES",
    "FUNNEL_STAGES",
    "Connection",
    "Funnel",
    "FunnelStage",
    "Step",
    "accountability_funnel",
    "centrality",
    "class_counts",
    "components",
    "ego_graph",
    "entity_graph",
    "find_node",
    "funnel",
    "shortest_connection",
]

#: Node types of entities, in legend order.
ENTITY_TYPES = ("Organisation", "Person", "Group", "Place")
#: Node types of facts that :func:`entity_graph` adds as nodes.
FACT_TYPES = ("Allegation", "Outcome")
#: The classes :func:`class_counts` counts, in display order.
CLASS_NAMES = (
    *ENTITY_TYPES,
    "Membership",
    "Investigation",
    "Allegation",
    "Outcome",
    "Statement",
    "Document",
    "Sentence",
    "Mention",
)

#: The stages of :func:`funnel`: (name, label), from the widest to the narrowest.
FUNNEL_STAGES = (
    ("allegations", "Allegations"),
    ("investigated", "People investigated"),
    ("case-to-answer", "Cases to answer"),
    ("proven", "Proven"),
    ("sanctions", "Sanctions"),
    ("dismissals", "Dismissals"),
)

# Outcome stages of the funnel, by notation of the outcome scheme (ontology/outcomes.ttl). The
# sanctions stage is every concept under cgo:sanctions except those that are no sanction imposed
# on the person; a concept added under cgo:sanctions later is counted without a change here.
_CASE_TO_ANSWER = frozenset({"case-to-answer-misconduct", "case-to-answer-gross-misconduct"})
_PROVEN = frozenset({"misconduct-proven", "gross-misconduct-proven", "sustained"})
# A finding of not proven is a decided case that counts 0 in "Proven" ("0 of 1").
_NOT_PROVEN = frozenset({"not-proven"})
_SANCTIONS_GROUP = "sanctions"
_NOT_IMPOSED = frozenset({"no-sanction", "suspension", "resignation", "retirement"})
_DISMISSALS = frozenset({"dismissal"})
# "The text says explicitly that nobody was sanctioned, disciplined or lost their job": with no
# sanction or dismissal stated, this makes those stages 0 rather than unknown.
_NO_SANCTION = "no-sanction"

_CG = "https://w3id.org/casegraph/ontology#"

# Entity triples are repeated in every document that names the entity; pyoxigraph 0.5 repeats
# them once per graph in the union default graph, so joins on them are made inside one graph.
_ENTITIES_QUERY = """
SELECT DISTINCT ?entity ?type ?label ?count WHERE {
  VALUES ?type { cg:Organisation cg:Person cg:Group cg:Place }
  GRAPH ?g {
    ?entity a ?type .
    OPTIONAL { ?entity rdfs:label ?label }
    OPTIONAL { ?entity cg:count ?count }
  }
}"""

_ALT_LABELS_QUERY = """
SELECT DISTINCT ?entity ?alt WHERE {
  VALUES ?type { cg:Organisation cg:Person cg:Group cg:Place }
  ?entity a ?type ; skos:altLabel ?alt .
}"""

# The sentence holding the mention that gave a counted group its label ("38 officers").
_COUNT_SENTENCE_QUERY = """
SELECT DISTINCT ?entity ?sentence ?text ?doc ?begin ?end WHERE {
  GRAPH ?g {
    ?entity a cg:Group ; cg:count ?count ; rdfs:label ?label ; cg:mention ?mention .
    ?mention nif:anchorOf ?anchor ; nif:beginIndex ?at ; nif:referenceContext ?doc .
    FILTER(STR(?anchor) = STR(?label))
    ?sentence a cg:Sentence ; nif:referenceContext ?doc ; nif:beginIndex ?begin ;
              nif:endIndex ?end ; nif:anchorOf ?text .
    FILTER(?begin <= ?at && ?at < ?end)
  }
}"""

_FACTS_QUERY = """
SELECT DISTINCT ?fact ?class ?label ?count ?range ?role ?type ?detail WHERE {
  VALUES ?class { cg:Membership cg:Investigation cg:Allegation cg:Outcome cg:Statement }
  ?fact a ?class .
  OPTIONAL { ?fact rdfs:label ?label }
  OPTIONAL { ?fact cg:count ?count }
  OPTIONAL { ?fact cg:rangeCount ?range }
  OPTIONAL { ?fact cg:role ?role }
  OPTIONAL { ?fact cg:outcomeType ?type }
  OPTIONAL { ?fact cg:detail ?detail }
}"""

_LINKS_QUERY = """
SELECT DISTINCT ?fact ?property ?entity WHERE {
  VALUES ?property { cg:member cg:organisation cg:investigator cg:subject cg:against cg:madeBy
                     cg:appliesTo cg:decidedBy cg:concerns cg:saidBy }
  ?fact ?property ?entity .
}"""

# Facts and entities an editor's correction changed or added (graph/correct.py), with its reason.
_CORRECTED_QUERY = """
SELECT DISTINCT ?node ?correction ?why WHERE {
  ?node cg:correctedBy ?correction .
  OPTIONAL { ?correction rdfs:comment ?why }
}"""

_EVIDENCE_QUERY = """
SELECT DISTINCT ?fact ?sentence ?text ?doc ?begin ?end WHERE {
  ?fact prov:wasDerivedFrom ?sentence .
  OPTIONAL { ?sentence nif:anchorOf ?text }
  OPTIONAL { ?sentence nif:referenceContext ?doc }
  OPTIONAL { ?sentence nif:beginIndex ?begin }
  OPTIONAL { ?sentence nif:endIndex ?end }
}"""

_CLASS_COUNT_QUERY = """
SELECT ?class (COUNT(DISTINCT ?node) AS ?n) WHERE {
  VALUES ?class { %s }
  ?node a ?class .
} GROUP BY ?class"""


# -- reading the store ----------------------------------------------------------------------------


def _value(solution: Any, name: str) -> str | None:
    """The lexical value of a variable in a query solution, or None when it is unbound."""
    term = solution[name]
    return None if term is None else term.value


def _int(text: str | None) -> int | None:
    try:
        return None if text is None else int(text)
    except ValueError:
        return None


def _local(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _evidence(solution: Any) -> dict[str, Any]:
    """Evidence attributes from a solution binding ?sentence ?text ?doc ?begin ?end."""
    begin, end = _int(_value(solution, "begin")), _int(_value(solution, "end"))
    return {
        "evidence": _value(solution, "text") or "",
        "document": _value(solution, "doc") or "",
        "sentence": _value(solution, "sentence") or "",
        "char_begin": -1 if begin is None else begin,
        "char_end": -1 if end is None else end,
    }


def _no_evidence() -> dict[str, Any]:
    return {"evidence": "", "document": "", "sentence": "", "char_begin": -1, "char_end": -1}


def _smallest(previous: dict[str, Any] | None, candidate: dict[str, Any]) -> dict[str, Any]:
    """Of two evidence records, the one with the smaller sentence IRI (for determinism)."""
    if previous is None or candidate["sentence"] < previous["sentence"]:
        return candidate
    return previous


def _outcome_types() -> dict[str, tuple[str, str, str]]:
    """Outcome concept IRI -> (notation, preferred label, top concept), from the bundled scheme."""
    from graph.ontology import outcome_scheme  # rdflib: only analysis pays for it

    return {
        str(outcome.iri): (outcome.slug, outcome.pref_label, outcome.group)
        for outcome in outcome_scheme().values()
    }


def entity_graph(store: CaseStore, *, facts: bool = True) -> nx.MultiDiGraph:
    """Read the entities of a store and the facts between them into a directed multigraph.

    Parameters
    ----------
    store
        An open :class:`~graph.store.CaseStore`.
    facts
        Also add allegations and outcomes as nodes (see the module documentation). With False,
        nodes are entities only.

    Returns
    -------
    networkx.MultiDiGraph
        Nodes and edges as described in :mod:`graph.analysis`, in sorted order.

    See Also
    --------
    graph.draw.draw_graph : draw the graph this function returns.
    graph.export.write_graph : write it as GraphML, GEXF or CSV.
    """
    import networkx as nx

    entities: dict[str, dict[str, Any]] = {}
    for solution in store.query(_ENTITIES_QUERY):
        iri = _value(solution, "entity")
        label = _value(solution, "label") or _local(iri)
        data = {
            "type": _value(solution, "type").removeprefix(_CG),
            "label": label,
            "count": _int(_value(solution, "count")),
        }
        previous = entities.get(iri)
        # An entity has one label; should two graphs disagree, keep the smallest for determinism.
        if previous is None or (label, data["count"] or 0) < (
            previous["label"],
            previous["count"] or 0,
        ):
            entities[iri] = data
    alt_labels: dict[str, set[str]] = defaultdict(set)
    for solution in store.query(_ALT_LABELS_QUERY):
        alt_labels[_value(solution, "entity")].add(_value(solution, "alt"))
    count_sentences: dict[str, dict[str, Any]] = {}
    for solution in store.query(_COUNT_SENTENCE_QUERY):
        entity = _value(solution, "entity")
        count_sentences[entity] = _smallest(count_sentences.get(entity), _evidence(solution))

    records: dict[str, dict[str, Any]] = {}
    for solution in store.query(_FACTS_QUERY):
        fact = _value(solution, "fact")
        record = {
            "class": _value(solution, "class").removeprefix(_CG),
            "label": _value(solution, "label") or _value(solution, "role") or "",
            "count": _int(_value(solution, "count")),
            "range_count": _int(_value(solution, "range")),
            "type": _value(solution, "type") or "",
            "detail": _value(solution, "detail") or "",
        }
        previous = records.get(fact)
        if previous is None or tuple(map(str, record.values())) < tuple(
            map(str, previous.values())
        ):
            records[fact] = record
    links: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for solution in store.query(_LINKS_QUERY):
        prop = _value(solution, "property").removeprefix(_CG)
        links[_value(solution, "fact")][prop].add(_value(solution, "entity"))
    corrected: dict[str, set[str]] = defaultdict(set)
    for solution in store.query(_CORRECTED_QUERY):
        why = _value(solution, "why") or _local(_value(solution, "correction"))
        corrected[_value(solution, "node")].add(why)
    evidence: dict[str, dict[str, Any]] = {}
    for solution in store.query(_EVIDENCE_QUERY):
        fact = _value(solution, "fact")
        evidence[fact] = _smallest(evidence.get(fact), _evidence(solution))

    types = _outcome_types() if any(r["class"] == "Outcome" for r in records.values()) else {}
    outcomes: dict[str, set[str]] = defaultdict(set)
    statements: dict[str, int] = defaultdict(int)
    fact_nodes: dict[str, dict[str, Any]] = {}
    edges: dict[tuple[str, str, str], dict[str, Any]] = {}

    def add_edge(source: str, target: str, fact: str, kind: str, label: str = "") -> None:
        if source not in entities and source not in fact_nodes:
            return  # not a typed entity (nor a fact drawn as a node): nothing to link
        if target not in entities and target not in fact_nodes:
            return
        edges[(source, target, fact)] = {
            "kind": kind,
            "label": label or kind,
            "fact": fact,
            **evidence.get(fact, _no_evidence()),
            "corrected": "; ".join(sorted(corrected.get(fact, ()))),
        }

    for fact, record in records.items():
        if record["class"] == "Outcome":
            notation, pref_label, group = types.get(record["type"], ("", "", ""))
            notation = notation or _local(record["type"])
            record.update(notation=notation, group=group, pref_label=pref_label or notation)
            for target in links[fact]["appliesTo"]:
                outcomes[target].add(notation)
        if facts and record["class"] in FACT_TYPES:
            fact_nodes[fact] = {
                "type": record["class"],
                "label": record["label"]
                if record["class"] == "Allegation"
                else record["pref_label"],
                "count": record["count"],
                "range_count": record["range_count"],
                "notation": record.get("notation", ""),
                "group": record.get("group", ""),
                "detail": record["detail"],
                **evidence.get(fact, _no_evidence()),
                "corrected": "; ".join(sorted(corrected.get(fact, ()))),
            }
        if record["class"] == "Statement":
            for speaker in links[fact]["saidBy"]:
                statements[speaker] += 1

    for fact, record in records.items():
        role = links[fact]
        if record["class"] == "Membership":
            for member in role["member"]:
                for organisation in role["organisation"]:
                    add_edge(member, organisation, fact, "member of", record["label"])
        elif record["class"] == "Investigation":
            for investigator in role["investigator"]:
                for subject in role["subject"]:
                    add_edge(investigator, subject, fact, "investigated")
        elif record["class"] == "Allegation":
            for accused in role["against"]:
                if facts:
                    add_edge(fact, accused, fact, "against")
                for maker in role["madeBy"]:
                    add_edge(maker, accused, fact, "alleged against")
        elif record["class"] == "Outcome":
            if facts:
                for target in role["appliesTo"]:
                    add_edge(fact, target, fact, "applies to")
                for decider in role["decidedBy"]:
                    add_edge(decider, fact, fact, "decided")
                for allegation in role["concerns"]:
                    add_edge(fact, allegation, fact, "concerns")
            else:
                for decider in role["decidedBy"]:
                    for target in role["appliesTo"]:
                        add_edge(decider, target, fact, record["notation"])

    graph = nx.MultiDiGraph()
    nodes = {iri: dict(data) for iri, data in entities.items()}
    for iri, data in nodes.items():
        data["alt_labels"] = sorted(alt_labels.get(iri, ()))
        data["outcomes"] = sorted(outcomes.get(iri, ()))
        data["statements"] = statements.get(iri, 0)
        data["corrected"] = "; ".join(sorted(corrected.get(iri, ())))
        if iri in count_sentences and data["count"] is not None:
            data["count_evidence"] = count_sentences[iri]["evidence"]
            data["count_sentence"] = count_sentences[iri]["sentence"]
    nodes.update(fact_nodes)
    for iri in sorted(nodes):
        graph.add_node(iri, **nodes[iri])
    for source, target, fact in sorted(edges):
        graph.add_edge(source, target, key=fact, **edges[(source, target, fact)])
    return graph


def class_counts(store: CaseStore, classes: Iterable[str] = CLASS_NAMES) -> dict[str, int]:
    """Count the distinct nodes of each ``cg:`` class in a store.

    Parameters
    ----------
    store
        An open :class:`~graph.store.CaseStore`.
    classes
        Local names of ``cg:`` classes.

    Returns
    -------
    dict
        Class name -> number of distinct nodes, in the order of ``classes`` (0 when absent).

    Examples
    --------
    >>> from graph.store import CaseStore
    >>> with CaseStore.open(None) as store:
    ...     _ = store.replace_documents([("https://w3id.org/casegraph/id/doc/a",
    ...         b'<http://x/a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> '
    ...         b'<https://w3id.org/casegraph/ontology#Person> .\\n')])
    ...     class_counts(store, ["Person", "Group"])
    {'Person': 1, 'Group': 0}
    """
    names = list(classes)
    counts = dict.fromkeys(names, 0)
    values = " ".join(f"cg:{name}" for name in names)
    for solution in store.query(_CLASS_COUNT_QUERY % values):
        counts[_value(solution, "class").removeprefix(_CG)] = int(_value(solution, "n"))
    return counts


# -- measures -------------------------------------------------------------------------------------


def _is_entity(graph: nx.Graph, node: str) -> bool:
    return graph.nodes[node].get("type") in ENTITY_TYPES


def centrality(
    G: nx.MultiDiGraph,
    top: int | None = 10,
    *,
    by: str = "pagerank",
    samples: int | None = None,
) -> dict[str, dict[str, float]]:
    """Rank the entities of a graph by degree, betweenness and PageRank.

    Measures are computed over the whole graph (fact nodes connect the entities they link) and
    only entities are ranked.

    - ``degree``: the number of fact edges at the entity, in and out.
    - ``betweenness``: normalised betweenness on the undirected simple graph (how often the entity
      lies on a shortest connection between two others). With ``samples`` (default: all nodes up
      to 1,000, else 100), an estimate from that many seeded source nodes.
    - ``pagerank``: PageRank (alpha 0.85) on the directed multigraph, parallel facts adding weight:
      high for entities that many facts point at (the accused, the investigated, employers).

    Parameters
    ----------
    G
        A graph as returned by :func:`entity_graph`.
    top
        How many entities to return (all when None).
    by
        The measure to rank by: ``"pagerank"``, ``"degree"`` or ``"betweenness"``. Ties are broken
        by the other measures, then by label and IRI.
    samples
        Source nodes for betweenness; None for the default above.

    Returns
    -------
    dict
        Entity IRI -> ``{"degree": ..., "betweenness": ..., "pagerank": ...}``, best first.

    Raises
    ------
    ValueError
        When ``by`` is not a measure.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph([("a", "hub"), ("b", "hub"), ("hub", "c")])
    >>> nx.set_node_attributes(G, "Person", "type")
    >>> list(centrality(G, top=2, by="degree"))
    ['hub', 'c']
    >>> centrality(G)["hub"]["degree"]
    3
    """
    import networkx as nx

    measures = ("pagerank", "degree", "betweenness")
    if by not in measures:
        raise ValueError(f"Unknown measure {by!r}; expected one of {list(measures)}")
    entities = [node for node in G if _is_entity(G, node)]
    if not entities:
        return {}
    undirected = nx.Graph(G.to_undirected(as_view=True))
    n = undirected.number_of_nodes()
    k = samples if samples is not None else (None if n <= 1000 else 100)
    betweenness = nx.betweenness_centrality(
        undirected, k=None if k is None or k >= n else k, seed=0, normalized=True
    )
    pagerank = nx.pagerank(G, alpha=0.85) if G.number_of_edges() else dict.fromkeys(G, 1 / n)
    scores = {
        node: {
            "degree": G.degree(node),
            "betweenness": float(betweenness.get(node, 0.0)),
            "pagerank": float(pagerank.get(node, 0.0)),
        }
        for node in entities
    }
    order = [by, *(m for m in measures if m != by)]

    def rank(node: str) -> tuple[Any, ...]:
        return (
            *(-round(scores[node][m], 12) for m in order),
            G.nodes[node].get("label", ""),
            node,
        )

    ranked = sorted(entities, key=rank)
    return {node: scores[node] for node in ranked[:top] if top is None or top > 0}


def components(G: nx.Graph) -> list[list[str]]:
    """The connected components of a graph, ignoring edge direction.

    Returns
    -------
    list of list of str
        Each component as a sorted list of nodes; the largest component first, ties in the order
        of their first node.

    Examples
    --------
    >>> import networkx as nx
    >>> components(nx.MultiDiGraph([("b", "a"), ("c", "d"), ("d", "e")]))
    [['c', 'd', 'e'], ['a', 'b']]
    """
    import networkx as nx

    undirected = G.to_undirected(as_view=True) if G.is_directed() else G
    found = [sorted(map(str, part)) for part in nx.connected_components(undirected)]
    return sorted(found, key=lambda part: (-len(part), part[0]))


# -- finding nodes and connections ----------------------------------------------------------------


def find_node(G: nx.Graph, name: str, types: Iterable[str] | None = ENTITY_TYPES) -> str:
    """The node a user means by a label or an IRI.

    An exact IRI wins; otherwise the label is matched case-insensitively, then the other names
    (``alt_labels``, such as an acronym).

    Parameters
    ----------
    G
        A graph as returned by :func:`entity_graph`.
    name
        An IRI, a label (``"westshire police"``) or another name (``"WSP"``).
    types
        Node types to search (default the entity types); None for every node.

    Returns
    -------
    str
        The node.

    Raises
    ------
    CasegraphError
        When nothing matches, or when several nodes match equally well.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("id:o/wsp", type="Organisation", label="Westshire Police",
    ...            alt_labels=["WSP"])
    >>> find_node(G, "wsp")
    'id:o/wsp'
    """
    wanted = None if types is None else set(types)
    candidates = [
        node for node, data in G.nodes(data=True) if wanted is None or data.get("type") in wanted
    ]
    if name in candidates:
        return name
    key = name.strip().casefold()
    for names in (
        lambda data: [data.get("label") or ""],
        lambda data: list(data.get("alt_labels") or ()),
    ):
        matches = sorted(
            node
            for node in candidates
            if any(key == str(n).strip().casefold() for n in names(G.nodes[node]))
        )
        if len(matches) == 1:
            return matches[0]
        if matches:
            shown = ", ".join(matches[:5]) + (" ..." if len(matches) > 5 else "")
            raise CasegraphError(
                f"{name!r} is ambiguous: {len(matches)} nodes match ({shown}); give an IRI"
            )
    similar = sorted(
        {
            str(G.nodes[node].get("label"))
            for node in candidates
            if key and key in str(G.nodes[node].get("label", "")).casefold()
        }
    )
    hint = f"; did you mean {', '.join(repr(s) for s in similar[:5])}?" if similar else ""
    what = "entity"
    if wanted is not None and len(wanted) == 1:
        what = next(iter(wanted)).lower()
        others = sorted(
            str(data.get("type"))
            for node, data in G.nodes(data=True)
            if node not in candidates
            and (node == name or key == str(data.get("label", "")).strip().casefold())
        )
        if others:
            hint = f" (it is a {others[0]})"
    raise CasegraphError(f"No {what} named {name!r} in the graph{hint}")


@dataclass(frozen=True)
class Step:
    """One step of a :class:`Connection`: two adjacent nodes and the facts that join them.

    ``facts`` holds one dict per edge between the two nodes, in either direction, with the edge's
    attributes plus ``source`` and ``target`` (the edge's own direction).
    """

    source: str
    target: str
    facts: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class Connection:
    """A shortest connection between two nodes, as returned by :func:`shortest_connection`."""

    nodes: tuple[str, ...]
    steps: tuple[Step, ...]
    labels: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict: the nodes with their labels, and each step with its facts."""
        return {
            "nodes": [{"iri": node, "label": self.labels.get(node, "")} for node in self.nodes],
            "steps": [
                {"source": s.source, "target": s.target, "facts": list(s.facts)} for s in self.steps
            ],
        }


def shortest_connection(G: nx.MultiDiGraph, a: str, b: str) -> Connection | None:
    """The shortest chain of facts between two entities, ignoring direction.

    Parameters
    ----------
    G
        A graph as returned by :func:`entity_graph`.
    a, b
        Labels (case-insensitive), other names or IRIs, resolved by :func:`find_node`.

    Returns
    -------
    Connection or None
        The nodes of the path and, for every step, the facts with their sentences; None when the
        two are not connected. Among paths of equal length the first in sorted node order wins.

    Raises
    ------
    CasegraphError
        When ``a`` or ``b`` names no entity, or several.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_nodes_from(["x", "y", "z"], type="Person")
    >>> G.add_edge("x", "y", key="f1", kind="member of", evidence="X works with Y.")
    'f1'
    >>> G.add_edge("z", "y", key="f2", kind="investigated", evidence="Z investigated Y.")
    'f2'
    >>> connection = shortest_connection(G, "x", "z")
    >>> connection.nodes
    ('x', 'y', 'z')
    >>> [fact["evidence"] for step in connection.steps for fact in step.facts]
    ['X works with Y.', 'Z investigated Y.']
    """
    import networkx as nx

    source, target = find_node(G, a), find_node(G, b)
    undirected = G.to_undirected(as_view=True)
    try:
        path = nx.shortest_path(undirected, source, target)
    except nx.NetworkXNoPath:
        return None
    steps = []
    for u, v in itertools.pairwise(path):
        facts = [
            {"source": s, "target": t, "key": key, **data}
            for s, t in ((u, v), (v, u))
            if G.has_edge(s, t)
            for key, data in sorted(G[s][t].items())
        ]
        steps.append(Step(u, v, tuple(facts)))
    labels = {node: str(G.nodes[node].get("label", node)) for node in path}
    return Connection(tuple(path), tuple(steps), labels)


def ego_graph(G: nx.MultiDiGraph, center: str, radius: int = 1) -> nx.MultiDiGraph:
    """The subgraph within ``radius`` steps of an entity, ignoring edge direction.

    Parameters
    ----------
    G
        A graph as returned by :func:`entity_graph`.
    center
        A label, other name or IRI (see :func:`find_node`).
    radius
        Steps from the centre (0 gives the centre alone).

    Returns
    -------
    networkx.MultiDiGraph
        A copy with the attributes of ``G``; ``graph["center"]`` is the centre node.

    Raises
    ------
    CasegraphError
        When ``center`` names no entity or several, or ``radius`` is negative.
    """
    import networkx as nx

    if radius < 0:
        raise CasegraphError(f"Depth must be 0 or more, not {radius}")
    node = find_node(G, center)
    sub = nx.ego_graph(G, node, radius=radius, undirected=True).copy()
    ordered = nx.MultiDiGraph(center=node)
    ordered.add_nodes_from(sorted(sub.nodes(data=True)))
    ordered.add_edges_from(sorted(sub.edges(keys=True, data=True), key=lambda e: e[:3]))
    return ordered


# -- the accountability funnel --------------------------------------------------------------------


@dataclass(frozen=True)
class FunnelStage:
    """One stage of a :class:`Funnel`.

    Attributes
    ----------
    name, label
        The stage, as in :data:`FUNNEL_STAGES`.
    count
        How many, or None when the graph does not say.
    breakdown
        Counts by outcome notation (outcome stages), None where unknown; the two ends of a range
        are one entry, ``"management-action to final-written-warning"``.
    facts
        The facts counted, each a dict with ``fact``, ``type``, ``notation``, ``label``, ``count``,
        ``about`` (the entity it is about) and the evidence attributes (``evidence``,
        ``document``, ``sentence``, ``char_begin``, ``char_end``), and ``counted``: True when
        its sentence states a number the stage's count adds up.
    detail
        For the allegations stage, who made them ("made by 51 complainants"), when the graph
        says; else empty.
    out_of
        For the proven stage, the cases decided, proven or not ("0 of 1" when one hearing found
        the case not proven); None elsewhere and when no case was found not proven.
    """

    name: str
    label: str
    count: int | None
    breakdown: dict[str, int | None] = field(default_factory=dict)
    facts: tuple[dict[str, Any], ...] = ()
    out_of: int | None = None
    detail: str = ""

    @property
    def cited(self) -> list[str]:
        """The sentences that state the stage's numbers, in document order, each once."""
        cited = {
            (f["document"], f["char_begin"], f["evidence"]) for f in self.facts if f["counted"]
        }
        return [evidence for *_, evidence in sorted(cited) if evidence]

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict of the stage."""
        return {
            "name": self.name,
            "label": self.label,
            "count": self.count,
            "out_of": self.out_of,
            "detail": self.detail,
            "breakdown": dict(self.breakdown),
            "facts": [dict(fact) for fact in self.facts],
        }


@dataclass(frozen=True)
class Funnel:
    """The accountability funnel of an organisation, as returned by :func:`funnel`."""

    organisation: str
    label: str
    members: tuple[str, ...]
    stages: tuple[FunnelStage, ...]

    def stage(self, name: str) -> FunnelStage:
        """The stage called ``name`` (see :data:`FUNNEL_STAGES`)."""
        for stage in self.stages:
            if stage.name == name:
                return stage
        raise KeyError(name)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict of the funnel."""
        return {
            "organisation": self.organisation,
            "label": self.label,
            "members": list(self.members),
            "stages": [stage.to_json() for stage in self.stages],
        }


_EVIDENCE_KEYS = ("evidence", "document", "sentence", "char_begin", "char_end")


def _fact_record(G: nx.MultiDiGraph, fact: str, about: str, **extra: Any) -> dict[str, Any]:
    data = G.nodes[fact] if fact in G else {}
    record = {
        "fact": fact,
        "type": data.get("type", ""),
        "notation": data.get("notation", ""),
        "label": data.get("label", ""),
        "count": data.get("count"),
        "range_count": data.get("range_count"),
        "about": about,
        "counted": False,
    }
    record.update({key: data.get(key, "") for key in _EVIDENCE_KEYS})
    record.update(extra)
    return record


def _offsets(sentence: str) -> dict[str, int]:
    """``char_begin`` and ``char_end`` from a sentence IRI ``...#char={begin},{end}``."""
    _, _, span = sentence.rpartition("#char=")
    begin, _, end = span.partition(",")
    if begin.isdecimal() and end.isdecimal():
        return {"char_begin": int(begin), "char_end": int(end)}
    return {"char_begin": -1, "char_end": -1}


def _sum(values: Iterable[int | None]) -> int | None:
    """The sum, or None when any value is unknown or there is nothing to add."""
    items = list(values)
    if not items or any(value is None for value in items):
        return None
    return sum(items)  # type: ignore[arg-type]


def _range_name(G: nx.MultiDiGraph, facts: Iterable[str]) -> str:
    """``"management-action to final-written-warning"``: the notations of a range's ends, in the
    order the sentence names them (by preferred label; notation order where a label is not found).
    """
    evidence = ""
    ends = []
    for fact in facts:
        data = G.nodes[fact]
        evidence = data.get("evidence", "").lower()
        at = evidence.find(str(data.get("label", "")).lower())
        ends.append((at if at >= 0 else len(evidence), data.get("notation", "")))
    return " to ".join(dict.fromkeys(notation for _, notation in sorted(ends)))


def _outcome_stage(
    G: nx.MultiDiGraph,
    name: str,
    label: str,
    found: list[tuple[str, str]],
    zero_by: list[tuple[str, str]],
    unproven: frozenset[str] = frozenset(),
) -> FunnelStage:
    """A stage counted from outcome facts ``found`` ((fact, entity) pairs).

    An outcome counts its ``cg:count``; without one, 1 per person it applies to, else unknown.
    The two ends of a range ("five received sanctions ranging from A to B") share a
    ``cg:rangeCount`` and count it once, under the name "A to B". Within one document, the
    reports of one outcome type count as one event, the largest report. Outcomes whose notation
    is in ``unproven`` (not proven) count 0 towards the stage and are the rest of its
    ``out_of``. With no outcome found, the stage is 0 if an explicit no-sanction outcome
    (``zero_by``) applies, else unknown. A fact record is ``counted`` when its sentence states the
    number the stage adds up.
    """
    if not found:
        if zero_by:
            facts = tuple(_fact_record(G, fact, about, counted=True) for fact, about in zero_by)
            return FunnelStage(name, label, 0, {}, facts)
        return FunnelStage(name, label, None)
    # A news story restates its main outcome ("Three constables dismissed" in the headline,
    # "all three constables were dismissed" in the body): within one document, the reports of one
    # outcome type are one event, counted by its largest report (named persons counted apart).
    groups: dict[tuple[str, ...], list[tuple[int | None, str]]] = defaultdict(list)
    persons: dict[tuple[str, ...], set[str]] = defaultdict(set)
    counted: set[str] = set()
    for fact, _ in sorted(set(found)):
        data = G.nodes[fact]
        count = data.get("count")
        if count is None and data.get("range_count") is not None:
            key = (data.get("document", ""), "range", data.get("sentence", ""))
            groups[key].append((data["range_count"], fact))
            continue
        key = (data.get("document", ""), data.get("notation", ""))
        targets = [t for t in G.successors(fact) if _is_entity(G, t)]
        if count is None and targets and all(G.nodes[t].get("type") == "Person" for t in targets):
            persons[key].update(targets)  # without a count, each person it applies to is one
            counted.add(fact)
        else:
            groups[key].append((count, fact))  # a group of unknown size is unknown
    breakdown: dict[str, list[int | None]] = defaultdict(list)
    for key in sorted(set(groups) | set(persons)):
        reports = [count for count, _ in groups.get(key, [])]
        if key in persons:
            reports.append(len(persons[key]))
        largest = None if None in reports else max(reports)
        counted.update(f for c, f in groups.get(key, []) if largest is not None and c == largest)
        ends = [f for _, f in groups[key]]  # a range's key is (document, "range", sentence)
        notation = _range_name(G, ends) if len(key) == 3 else key[1]
        breakdown[notation].append(largest)
    totals = {notation: _sum(counts) for notation, counts in sorted(breakdown.items())}
    count = _sum(totals.values())
    out_of = None
    if unproven & set(totals):
        proven = [n for notation, n in totals.items() if notation not in unproven]
        out_of = count
        count = _sum(proven) if proven else 0
    facts = tuple(_fact_record(G, fact, about, counted=fact in counted) for fact, about in found)
    return FunnelStage(name, label, count, totals, facts, out_of)


def accountability_funnel(G: nx.MultiDiGraph, organisation: str) -> Funnel:
    """The accountability funnel of an organisation, from an entity graph with fact nodes.

    See :func:`funnel`, which builds the graph from a store and calls this.

    Parameters
    ----------
    G
        A graph as returned by :func:`entity_graph` with ``facts=True``.
    organisation
        A label, other name or IRI of an organisation.

    Returns
    -------
    Funnel

    Raises
    ------
    CasegraphError
        When ``organisation`` names no organisation, or several.
    """
    org = find_node(G, organisation, types=["Organisation"])
    members = sorted(
        {
            source
            for source, _, data in G.in_edges(org, data=True)
            if data.get("kind") == "member of" and _is_entity(G, source)
        }
    )
    scope = {org, *members}

    def facts_about(kind: str, fact_type: str) -> list[tuple[str, str]]:
        return sorted(
            {
                (source, target)
                for target in scope
                for source, _, data in G.in_edges(target, data=True)
                if data.get("kind") == kind and G.nodes[source].get("type") == fact_type
            }
        )

    stages = []

    # Allegations: per document, the sum of the counts the text gives (a counted summary, such
    # as "312 allegations", covers the allegations it also describes one by one), else the number
    # of allegation facts.
    allegations = facts_about("against", "Allegation")
    by_document: dict[str, list[str]] = defaultdict(list)
    for fact, _ in allegations:
        by_document[G.nodes[fact].get("document", "")].append(fact)
    total: int | None = None
    stating: set[str] = set()  # the facts whose sentences give the number
    for document_facts in by_document.values():
        counted = {
            f: G.nodes[f]["count"] for f in document_facts if G.nodes[f].get("count") is not None
        }
        total = (total or 0) + (sum(counted.values()) if counted else len(set(document_facts)))
        stating.update(counted or document_facts)
    makers = sorted(
        {
            maker
            for maker, _, fact, data in G.edges(keys=True, data=True)
            if data.get("kind") == "alleged against" and fact in stating
        }
    )
    made_by = "made by " + ", ".join(str(G.nodes[m].get("label", m)) for m in makers[:3])
    stages.append(
        FunnelStage(
            *FUNNEL_STAGES[0],
            total,
            {},
            tuple(
                _fact_record(G, fact, about, counted=fact in stating) for fact, about in allegations
            ),
            detail=made_by if makers else "",
        )
    )

    # People investigated: members (not the organisation itself) that are the subject of an
    # investigation; a person is one, a group is its count (unknown when not given).
    investigated: dict[str, list[tuple[str, str, dict[str, Any]]]] = defaultdict(list)
    for member in members:
        for source, _, key, data in G.in_edges(member, keys=True, data=True):
            if data.get("kind") == "investigated":
                investigated[member].append((source, key, data))
    people: list[int | None] = []
    records = []
    for member in sorted(investigated):
        node = G.nodes[member]
        people.append(1 if node.get("type") == "Person" else node.get("count"))
        for investigator, key, data in sorted(investigated[member], key=lambda i: i[1]):
            records.append(
                {
                    "fact": key,
                    "type": "Investigation",
                    "notation": "",
                    "label": f"{G.nodes[investigator].get('label', investigator)} investigated "
                    f"{node.get('label', member)}",
                    "count": node.get("count") if node.get("type") != "Person" else 1,
                    "about": member,
                    **{k: data.get(k, "") for k in _EVIDENCE_KEYS},
                    # a person counts 1 here; a group's number is in its count sentence
                    "counted": node.get("type") == "Person" or not node.get("count_sentence"),
                }
            )
        if node.get("count_sentence"):
            records.append(
                {
                    "fact": "",
                    "type": "Group",
                    "notation": "",
                    "label": node.get("label", member),
                    "count": node.get("count"),
                    "about": member,
                    "evidence": node.get("count_evidence", ""),
                    "document": node["count_sentence"].split("#", 1)[0],
                    "sentence": node["count_sentence"],
                    **_offsets(node["count_sentence"]),
                    "counted": True,
                }
            )
    stages.append(FunnelStage(*FUNNEL_STAGES[1], _sum(people), {}, tuple(records)))

    outcomes = facts_about("applies to", "Outcome")

    def with_notation(notations: Iterable[str]) -> list[tuple[str, str]]:
        wanted = set(notations)
        return [(f, a) for f, a in outcomes if G.nodes[f].get("notation") in wanted]

    sanctions = [
        (f, a)
        for f, a in outcomes
        if G.nodes[f].get("group") == _SANCTIONS_GROUP
        and G.nodes[f].get("notation") not in _NOT_IMPOSED
    ]
    none_imposed = with_notation([_NO_SANCTION])
    stages.append(_outcome_stage(G, *FUNNEL_STAGES[2], with_notation(_CASE_TO_ANSWER), []))
    stages.append(
        _outcome_stage(G, *FUNNEL_STAGES[3], with_notation(_PROVEN | _NOT_PROVEN), [], _NOT_PROVEN)
    )
    stages.append(_outcome_stage(G, *FUNNEL_STAGES[4], sanctions, none_imposed))
    stages.append(_outcome_stage(G, *FUNNEL_STAGES[5], with_notation(_DISMISSALS), none_imposed))
    return Funnel(org, str(G.nodes[org].get("label", org)), tuple(members), tuple(stages))


def funnel(store: CaseStore, organisation: str) -> Funnel:
    """The accountability funnel of an organisation: how many allegations led to what.

    Stages (:data:`FUNNEL_STAGES`), over the facts about the organisation and its members (people
    and groups with a membership of it):

    1. **allegations**: the allegations against them. Per document, the sum of the ``cg:count``
       the text gives; a document that counts none adds its number of allegation facts.
    2. **investigated**: members that are the subject of an investigation; a person counts 1, a
       group its ``cg:count``.
    3. **case-to-answer**: outcomes ``case-to-answer-misconduct`` and
       ``case-to-answer-gross-misconduct``.
    4. **proven**: ``misconduct-proven``, ``gross-misconduct-proven``, ``sustained``.
    5. **sanctions**: outcomes under ``cgo:sanctions`` that are imposed on someone (not
       ``no-sanction``, ``suspension``, ``resignation`` or ``retirement``).
    6. **dismissals**: ``dismissal``.

    An outcome counts its ``cg:count``, or 1 per person it applies to; within one document, the
    reports of one outcome type are one event, counted by the largest. A count the graph does not
    give is None (unknown), never guessed: an outcome applying to a group of unknown size makes
    its stage unknown, and so does a stage no fact speaks of. The exception is an explicit
    ``no-sanction`` outcome ("no officer lost their job"), which makes the sanctions and
    dismissals stages 0 when no sanction, or no dismissal, is stated.

    Parameters
    ----------
    store
        An open :class:`~graph.store.CaseStore`.
    organisation
        A label (case-insensitive), other name (``"WSP"``) or IRI of an organisation.

    Returns
    -------
    Funnel
        Every stage with its count, its breakdown by outcome type and the facts and sentences it
        was counted from.

    Raises
    ------
    CasegraphError
        When ``organisation`` names no organisation, or several.
    """
    return accountability_funnel(entity_graph(store, facts=True), organisation)
