"""Draw the entity graph: organisations, people, groups and places, joined by the facts about them.

:func:`entity_graph` reads the store into a :class:`networkx.MultiDiGraph` (one edge per fact, keyed
by the fact IRI, carrying the sentence it came from); :func:`draw_graph` draws such a graph with
matplotlib; :func:`draw_store` does both and writes a PNG, SVG or PDF file.

Edges, by fact family:

- ``cg:Membership``: member → organisation, kind ``"member of"``, label the role as worded.
- ``cg:Investigation``: investigator → subject, kind ``"investigated"``.
- ``cg:Allegation``: every ``cg:madeBy`` → every ``cg:against``, kind ``"alleged against"``
  (allegations without ``cg:madeBy`` give no edge).
- ``cg:Outcome``: every ``cg:decidedBy`` → every ``cg:appliesTo``, kind the outcome type's
  ``skos:notation`` (e.g. ``"dismissal"``). Every outcome type is also listed in the ``outcomes``
  attribute of the entities it applies to, so outcomes nobody is said to have decided still show.
- ``cg:Statement``: no edge.

networkx and matplotlib are imported inside the functions, so importing this module is cheap.
"""

from __future__ import annotations

import textwrap
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph.errors import CasegraphError

if TYPE_CHECKING:
    import networkx as nx
    from matplotlib.axes import Axes

    from graph.store import CaseStore

__all__ = ["DRAW_SUFFIXES", "NODE_STYLES", "draw_graph", "draw_store", "entity_graph"]

#: File suffixes :func:`draw_store` can write.
DRAW_SUFFIXES = (".png", ".svg", ".pdf")

#: Colour (Okabe-Ito, colour-blind safe) and matplotlib marker of each entity type, in legend order.
NODE_STYLES: dict[str, tuple[str, str]] = {
    "Organisation": ("#0072B2", "s"),
    "Person": ("#E69F00", "o"),
    "Group": ("#009E73", "^"),
    "Place": ("#CC79A7", "D"),
}

_CG = "https://w3id.org/casegraph/ontology#"
_WRAP = 18

_ENTITIES_QUERY = """
SELECT DISTINCT ?entity ?type ?label WHERE {
  VALUES ?type { cg:Organisation cg:Person cg:Group cg:Place }
  ?entity a ?type .
  OPTIONAL { ?entity rdfs:label ?label }
}
"""

# Each query yields ?fact ?source ?target and optionally ?label (edge label) and ?evidence.
_EDGE_QUERIES: dict[str, str] = {
    "member of": """
SELECT DISTINCT ?fact ?source ?target ?label ?evidence WHERE {
  ?fact a cg:Membership ; cg:member ?source ; cg:organisation ?target .
  OPTIONAL { ?fact cg:role ?label }
  OPTIONAL { ?fact prov:wasDerivedFrom/nif:anchorOf ?evidence }
}""",
    "investigated": """
SELECT DISTINCT ?fact ?source ?target ?evidence WHERE {
  ?fact a cg:Investigation ; cg:investigator ?source ; cg:subject ?target .
  OPTIONAL { ?fact prov:wasDerivedFrom/nif:anchorOf ?evidence }
}""",
    "alleged against": """
SELECT DISTINCT ?fact ?source ?target ?evidence WHERE {
  ?fact a cg:Allegation ; cg:madeBy ?source ; cg:against ?target .
  OPTIONAL { ?fact prov:wasDerivedFrom/nif:anchorOf ?evidence }
}""",
    # The kind of an outcome edge is its type's notation, returned as ?kind.
    "outcome": """
SELECT DISTINCT ?fact ?source ?target ?kind ?evidence WHERE {
  ?fact a cg:Outcome ; cg:decidedBy ?source ; cg:appliesTo ?target ;
        cg:outcomeType/skos:notation ?kind .
  OPTIONAL { ?fact prov:wasDerivedFrom/nif:anchorOf ?evidence }
}""",
}

_OUTCOME_TYPES_QUERY = """
SELECT DISTINCT ?entity ?notation WHERE {
  ?fact a cg:Outcome ; cg:appliesTo ?entity ; cg:outcomeType/skos:notation ?notation .
}
"""


def _value(solution: Any, name: str) -> str | None:
    """The lexical value of a variable in a query solution, or None when it is unbound."""
    term = solution[name]
    return None if term is None else term.value


def entity_graph(store: CaseStore) -> nx.MultiDiGraph:
    """Read the entities of a store and the facts between them into a directed multigraph.

    Parameters
    ----------
    store
        An open :class:`~graph.store.CaseStore`.

    Returns
    -------
    networkx.MultiDiGraph
        Nodes are entity IRIs with attributes ``label`` (the ``rdfs:label``), ``type``
        (``"Organisation"``, ``"Person"``, ``"Group"`` or ``"Place"``) and ``outcomes`` (sorted
        outcome notations that apply to the entity). Edges are keyed by fact IRI and carry
        ``kind``, ``label`` (the role for memberships, otherwise the kind) and ``evidence`` (the
        text of the sentence the fact was derived from, or ``""``). Nodes and edges are added in
        sorted order, so the same store always gives the same graph.

    See Also
    --------
    draw_graph : draw the graph this function returns.
    """
    import networkx as nx

    entities: dict[str, dict[str, Any]] = {}
    for solution in store.query(_ENTITIES_QUERY):
        iri = _value(solution, "entity")
        kind = _value(solution, "type").removeprefix(_CG)
        label = _value(solution, "label") or iri.rstrip("/").rsplit("/", 1)[-1]
        previous = entities.get(iri)
        # An entity has one label; should two graphs disagree, keep the smallest for determinism.
        if previous is None or label < previous["label"]:
            entities[iri] = {"label": label, "type": kind}

    outcomes: dict[str, set[str]] = defaultdict(set)
    for solution in store.query(_OUTCOME_TYPES_QUERY):
        outcomes[_value(solution, "entity")].add(_value(solution, "notation"))

    edges: dict[tuple[str, str, str], dict[str, str]] = {}
    for family, sparql in _EDGE_QUERIES.items():
        for solution in store.query(sparql):
            source, target = _value(solution, "source"), _value(solution, "target")
            if source not in entities or target not in entities:
                continue  # a fact about something that is not a typed entity: nothing to draw
            kind = _value(solution, "kind") if family == "outcome" else family
            label = _value(solution, "label") or kind
            evidence = _value(solution, "evidence") or ""
            key = (source, target, _value(solution, "fact"))
            previous = edges.get(key)
            if previous is None or (label, evidence) < (previous["label"], previous["evidence"]):
                edges[key] = {"kind": kind, "label": label, "evidence": evidence}

    graph = nx.MultiDiGraph()
    for iri in sorted(entities):
        graph.add_node(iri, **entities[iri], outcomes=sorted(outcomes.get(iri, ())))
    for source, target, fact in sorted(edges):
        graph.add_edge(source, target, key=fact, **edges[(source, target, fact)])
    return graph


def _wrap(text: str, width: int = _WRAP) -> str:
    """Wrap a label onto lines of about ``width`` characters."""
    return "\n".join(textwrap.wrap(text, width=width, break_long_words=False)) or text


def _figure_size(n_nodes: int) -> tuple[float, float]:
    """A square figure that grows with the number of nodes, so labels keep their size."""
    side = min(40.0, max(7.0, 2.2 * n_nodes**0.5 + 3.0))
    return (side, side)


def _drawn_nodes(graph: nx.MultiDiGraph) -> list[str]:
    """Nodes worth drawing: all organisations and people, others only when some fact names them."""
    return [
        node
        for node, data in graph.nodes(data=True)
        if data.get("type") in {"Organisation", "Person"}
        or graph.degree(node) > 0
        or data.get("outcomes")
    ]


def _layout(graph: nx.DiGraph) -> dict[str, tuple[float, float]]:
    """Deterministic positions: linked entities by a seeded spring layout, loners in rows below.

    A force layout pushes unconnected nodes far out and squeezes the facts into a corner, so nodes
    without edges are laid out apart, on a grid under the connected part.
    """
    import networkx as nx

    linked = sorted(node for node in graph if graph.degree(node) > 0)
    alone = sorted(node for node in graph if graph.degree(node) == 0)
    positions: dict[str, tuple[float, float]] = {}
    if len(linked) == 1:
        positions[linked[0]] = (0.0, 0.0)
    elif linked:
        undirected = nx.Graph(graph.subgraph(linked).to_undirected())
        spread = 2.0 / len(linked) ** 0.5
        placed = nx.spring_layout(undirected, seed=7, k=spread, iterations=300, scale=1.0)
        positions.update({node: (float(x), float(y)) for node, (x, y) in placed.items()})
    if alone:
        columns = max(3, round(len(alone) ** 0.5 + 0.5))
        top = -1.5 if linked else 1.0
        for i, node in enumerate(alone):
            row, column = divmod(i, columns)
            x = -1.0 + 2.0 * (column + 0.5) / columns
            positions[node] = (x, top - 0.6 * row)
    return positions


def draw_graph(graph: nx.MultiDiGraph, ax: Axes | None = None, title: str | None = None) -> Axes:
    """Draw an entity graph: colour and marker by entity type, labelled nodes and edges, a legend.

    Groups and places that no fact names (and no outcome applies to) are left out; organisations
    and people are always drawn. The layout is seeded, so the same graph is drawn the same way.

    Parameters
    ----------
    graph
        A graph as returned by :func:`entity_graph`.
    ax
        The matplotlib Axes to draw on; a new figure sized to the graph when None.
    title
        Title of the Axes.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on. Node label texts have the gid ``"node:{iri}"``, edge label texts
        ``"edge:{source}|{target}"``.
    """
    import matplotlib.pyplot as plt
    import networkx as nx
    from matplotlib.lines import Line2D

    nodes = _drawn_nodes(graph)
    view = graph.subgraph(nodes)
    if ax is None:
        _, ax = plt.subplots(figsize=_figure_size(len(nodes)))

    # Parallel facts between the same two entities are drawn as one edge with all their labels.
    simple = nx.DiGraph()
    simple.add_nodes_from(sorted(nodes))
    labels: dict[tuple[str, str], set[str]] = defaultdict(set)
    for source, target, data in view.edges(data=True):
        labels[(source, target)].add((data.get("label") or data.get("kind") or "").lower())
    for source, target in sorted(labels):
        simple.add_edge(source, target)

    positions = _layout(simple)

    size = 700
    for kind, (colour, marker) in NODE_STYLES.items():
        of_kind = [node for node in simple if graph.nodes[node].get("type") == kind]
        if of_kind:
            nx.draw_networkx_nodes(
                simple,
                positions,
                nodelist=of_kind,
                node_color=colour,
                node_shape=marker,
                node_size=size,
                edgecolors="#222222",
                linewidths=0.8,
                ax=ax,
            )
    edge_style = "arc3,rad=0.12"
    nx.draw_networkx_edges(
        simple,
        positions,
        ax=ax,
        node_size=size,
        arrows=True,
        arrowstyle="-|>",
        arrowsize=16,
        edge_color="#555555",
        width=1.2,
        connectionstyle=edge_style,
    )
    edge_texts = nx.draw_networkx_edge_labels(
        simple,
        positions,
        edge_labels={edge: _wrap("; ".join(sorted(texts))) for edge, texts in labels.items()},
        font_size=8,
        font_color="#333333",
        rotate=False,
        bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8},
        connectionstyle=edge_style,
        ax=ax,
    )
    for (source, target), text in edge_texts.items():
        text.set_gid(f"edge:{source}|{target}")
        text.set_zorder(6)  # above the node labels, which may cross an edge

    # Node labels sit below the marker so they never hide it.
    for node in simple:
        data = graph.nodes[node]
        text = _wrap(data.get("label", str(node)))
        if data.get("outcomes"):
            text += "\n" + _wrap("[" + ", ".join(data["outcomes"]) + "]", 30)
        x, y = positions[node]
        ax.annotate(
            text,
            (x, y),
            xytext=(0, -16),
            textcoords="offset points",
            ha="center",
            va="top",
            fontsize=9,
            bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.75},
            gid=f"node:{node}",
            zorder=5,
        )

    present = {graph.nodes[node].get("type") for node in simple}
    handles = [
        Line2D(
            [],
            [],
            linestyle="none",
            marker=marker,
            markersize=10,
            markerfacecolor=colour,
            markeredgecolor="#222222",
            label=kind,
        )
        for kind, (colour, marker) in NODE_STYLES.items()
        if kind in present
    ]
    if handles:
        ax.legend(handles=handles, title="Entity type", loc="upper left", frameon=True)
    else:
        ax.text(0.5, 0.5, "No entities to draw", ha="center", va="center", transform=ax.transAxes)
    if title:
        ax.set_title(title)
    ax.margins(0.15)
    ax.set_axis_off()
    return ax


def draw_store(store: CaseStore, path: str | Path) -> Path:
    """Draw the entity graph of a store and write it to a ``.png``, ``.svg`` or ``.pdf`` file.

    Parameters
    ----------
    store
        An open :class:`~graph.store.CaseStore`.
    path
        The image file to write; its suffix chooses the format. SVG keeps the labels as text.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    CasegraphError
        When the suffix is not one of :data:`DRAW_SUFFIXES` or the folder does not exist.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in DRAW_SUFFIXES:
        raise CasegraphError(f"Cannot draw to {str(path)!r}: use .png, .svg or .pdf")
    if not path.parent.is_dir():
        raise CasegraphError(f"Cannot draw to {str(path)!r}: folder {str(path.parent)!r} not found")

    import matplotlib
    from matplotlib.figure import Figure

    graph = entity_graph(store)
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "casegraph"}):
        # A bare Figure is not registered with pyplot, so it needs no backend and is freed with
        # its last reference: nothing is left open after a save.
        figure = Figure(figsize=_figure_size(len(_drawn_nodes(graph))), layout="tight")
        ax = figure.add_subplot()
        draw_graph(
            graph,
            ax=ax,
            title=f"casegraph: {graph.number_of_nodes()} entities, {graph.number_of_edges()} facts",
        )
        metadata = {"Date": None} if suffix in {".svg", ".pdf"} else None
        figure.savefig(path, format=suffix[1:], dpi=120, metadata=metadata)
        figure.clear()
    return path
