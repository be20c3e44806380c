"""Pictures of a store: the entity graph, the graph around one entity, the accountability funnel.

:func:`draw_graph` draws a graph from :func:`graph.analysis.entity_graph` (re-exported here as
:func:`entity_graph`) with matplotlib: one colour and marker per node type, labelled nodes and
edges, a legend, a seeded layout. :func:`draw_funnel` draws a :class:`graph.analysis.Funnel` as a
horizontal bar chart. :func:`draw_store` and :func:`draw_funnel_store` read a store and write a
PNG, SVG or PDF file.

Files keep their text as text: SVG text elements (``svg.fonttype = "none"``) and embedded TrueType
fonts in PDF (``pdf.fonttype = 42``), in matplotlib's bundled DejaVu Sans. The canvas grows with the
number of nodes (:func:`figure_size`) so labels keep their size up to a few hundred nodes.

networkx and matplotlib are imported inside the functions, so importing this module is cheap.
"""

from __future__ import annotations

import os
import textwrap
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph.analysis import ENTITY_TYPES, ego_graph, entity_graph, funnel
from graph.errors import CasegraphError

if TYPE_CHECKING:
    import networkx as nx
    from matplotlib.axes import Axes

    from graph.analysis import Funnel
    from graph.store import CaseStore

__all__ = [
    "DRAW_SUFFIXES",
    "NODE_STYLES",
    "RC_PARAMS",
    "draw_funnel",
    "draw_funnel_store",
    "draw_graph",
    "draw_store",
    "entity_graph",
    "figure_size",
]

#: File suffixes the ``draw_*_store`` functions can write.
DRAW_SUFFIXES = (".png", ".svg", ".pdf")

#: Colour (Okabe-Ito, colour-blind safe) and matplotlib marker of each node type, in legend order.
NODE_STYLES: dict[str, tuple[str, str]] = {
    "Organisation": ("#0072B2", "s"),
    "Person": ("#E69F00", "o"),
    "Group": ("#009E73", "^"),
    "Place": ("#CC79A7", "D"),
    "Allegation": ("#D55E00", "v"),
    "Outcome": ("#56B4E9", "h"),
}

#: matplotlib settings of every written picture: text stays text, in the bundled DejaVu Sans.
RC_PARAMS: dict[str, Any] = {
    "svg.fonttype": "none",
    "pdf.fonttype": 42,
    "ps.fonttype": 42,
    "svg.hashsalt": "casegraph",
    "font.family": "DejaVu Sans",
}

_WRAP = 18
# Edge kinds left unlabelled: the shape of the fact node at their source already says it.
_UNLABELLED = frozenset({"against", "applies to"})
_FACT_LABEL = 60  # characters of an allegation's description shown on its node
_NODE_SIZE = 700
_FOCUS_COLOUR = "#000000"
_KNOWN_COLOUR = "#0072B2"
_ZERO_OR_UNKNOWN = "#777777"


def _wrap(text: str, width: int = _WRAP) -> str:
    """Wrap a label onto lines of about ``width`` characters."""
    return "\n".join(textwrap.wrap(text, width=width, break_long_words=False)) or text


def _shorten(text: str, width: int = _FACT_LABEL) -> str:
    return textwrap.shorten(text, width=width, placeholder=" …") if len(text) > width else text


def figure_size(n_nodes: int) -> tuple[float, float]:
    """A square figure, in inches, that grows with the number of nodes so labels keep their size.

    The side grows with the square root of the node count (the area per node stays about the
    same), from 7 inches up to a cap of 36 inches (4,320 pixels at the 120 dpi of the PNGs),
    reached at about 230 nodes.

    Examples
    --------
    >>> figure_size(4)
    (7.5, 7.5)
    >>> figure_size(10_000)
    (36.0, 36.0)
    """
    side = min(36.0, max(7.0, round(2.2 * n_nodes**0.5 + 3.1, 1)))
    return (side, side)


def _drawn_nodes(graph: nx.MultiDiGraph) -> list[str]:
    """Nodes worth drawing: organisations, people and facts, others only when a fact names them."""
    return [
        node
        for node, data in graph.nodes(data=True)
        if data.get("type") in {"Organisation", "Person", "Allegation", "Outcome"}
        or graph.degree(node) > 0
        or data.get("outcomes")
        or node == graph.graph.get("center")
    ]


def _component_layout(graph: nx.Graph, nodes: list[str]) -> dict[str, tuple[float, float]]:
    """Positions of one connected component in a box of side about ``1.6 * sqrt(len(nodes))``."""
    import networkx as nx

    side = 1.6 * len(nodes) ** 0.5
    if len(nodes) == 1:
        return {nodes[0]: (0.0, 0.0)}
    if len(nodes) == 2:
        return {nodes[0]: (0.0, 0.0), nodes[1]: (side, 0.0)}
    sub = nx.Graph()
    sub.add_nodes_from(nodes)
    sub.add_edges_from(sorted(graph.subgraph(nodes).edges()))
    if len(nodes) <= 150:
        placed = nx.kamada_kawai_layout(sub)  # deterministic: starts from a circle
    else:
        placed = nx.spring_layout(sub, seed=7, k=2.0 / len(nodes) ** 0.5, iterations=200)
    xs = [float(x) for x, _ in placed.values()]
    ys = [float(y) for _, y in placed.values()]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    return {
        node: ((float(x) - min(xs)) * side / span, (float(y) - min(ys)) * side / span)
        for node, (x, y) in placed.items()
    }


def _layout(graph: nx.DiGraph) -> dict[str, tuple[float, float]]:
    """Deterministic positions: each connected component laid out alone, then packed in rows.

    A force layout of the whole graph pushes small components and loners far out and squeezes
    the main component into the middle, so each component gets its own box (Kamada-Kawai, or a
    seeded spring layout above 150 nodes), largest first, packed left to right in rows.
    """
    import networkx as nx

    undirected = graph.to_undirected(as_view=True)
    parts = sorted(
        (sorted(part) for part in nx.connected_components(undirected)),
        key=lambda part: (-len(part), part[0]),
    )
    boxes = [_component_layout(undirected, part) for part in parts]
    sizes = []
    for box in boxes:
        xs = [x for x, _ in box.values()]
        ys = [y for _, y in box.values()]
        sizes.append((max(xs) - min(xs), max(ys) - min(ys)))
    gap = 1.6
    row_width = max(
        [sizes[0][0] if sizes else 0.0, (sum((w + gap) * (h + gap) for w, h in sizes)) ** 0.5]
    )
    positions: dict[str, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for box, (width, height) in zip(boxes, sizes, strict=True):
        if x > 0 and x + width > row_width:
            x, y, row_height = 0.0, y - row_height - gap, 0.0
        for node, (bx, by) in box.items():
            positions[node] = (x + bx, y - height + by)  # the box hangs below the row's top
        x += width + gap
        row_height = max(row_height, height)
    return positions


def _node_text(data: dict[str, Any], show_outcomes: bool) -> str:
    """The label drawn under a node."""
    label = str(data.get("label") or "")
    if data.get("type") == "Allegation":
        text = _wrap(_shorten(label), 24)
        if data.get("count") is not None and str(data["count"]) not in label:
            text += f"\n({data['count']})"
        return text
    if data.get("type") == "Outcome":
        count = data.get("count")
        return _wrap(label + ("" if count is None else f" ({count})"))
    text = _wrap(label)
    if show_outcomes and data.get("outcomes"):
        text += "\n" + _wrap("[" + ", ".join(data["outcomes"]) + "]", 30)
    return text


def draw_graph(graph: nx.MultiDiGraph, ax: Axes | None = None, title: str | None = None) -> Axes:
    """Draw an entity graph: colour and marker by node type, labelled nodes and edges, a legend.

    Groups and places that no fact names are left out; organisations, people and fact nodes are
    always drawn. When the graph has no outcome nodes (``entity_graph(store, facts=False)``), the
    outcomes that apply to an entity are listed under its label. ``graph.graph["center"]``, set
    by :func:`graph.analysis.ego_graph`, is drawn larger with a thick outline. The layout is
    seeded, so the same graph is drawn the same way.

    Parameters
    ----------
    graph
        A graph as returned by :func:`entity_graph` or :func:`graph.analysis.ego_graph`.
    ax
        The matplotlib Axes to draw on; a new figure of :func:`figure_size` when None.
    title
        Title of the Axes.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on. The nodes of each type are one collection with the gid
        ``"nodes:{type}"``; node label texts have the gid ``"node:{iri}"``, edge label texts
        ``"edge:{source}|{target}"``.
    """
    import matplotlib.pyplot as plt
    import networkx as nx
    from matplotlib.lines import Line2D

    nodes = _drawn_nodes(graph)
    view = graph.subgraph(nodes)
    if ax is None:
        _, ax = plt.subplots(figsize=figure_size(len(nodes)))
    center = graph.graph.get("center")
    show_outcomes = not any(data.get("type") == "Outcome" for _, data in graph.nodes(data=True))

    # Parallel facts between the same two nodes are drawn as one edge with all their labels.
    simple = nx.DiGraph()
    simple.add_nodes_from(sorted(nodes))
    labels: dict[tuple[str, str], set[str]] = defaultdict(set)
    for source, target, data in view.edges(data=True):
        labels[(source, target)]  # every edge is drawn, but not every edge is labelled
        if data.get("kind") not in _UNLABELLED:
            labels[(source, target)].add((data.get("label") or data.get("kind") or "").lower())
    for source, target in sorted(labels):
        simple.add_edge(source, target)

    positions = _layout(simple)

    for kind, (colour, marker) in NODE_STYLES.items():
        of_kind = [node for node in simple if graph.nodes[node].get("type") == kind]
        if of_kind:
            collection = nx.draw_networkx_nodes(
                simple,
                positions,
                nodelist=of_kind,
                node_color=colour,
                node_shape=marker,
                node_size=[_NODE_SIZE * (2 if node == center else 1) for node in of_kind],
                edgecolors=[_FOCUS_COLOUR if node == center else "#222222" for node in of_kind],
                linewidths=[3.0 if node == center else 0.8 for node in of_kind],
                ax=ax,
            )
            collection.set_gid(f"nodes:{kind}")
    edge_style = "arc3,rad=0.12"
    nx.draw_networkx_edges(
        simple,
        positions,
        ax=ax,
        nodelist=list(simple),
        node_size=[_NODE_SIZE * (2 if node == center else 1) for node in simple],
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
        edge_labels={
            edge: _wrap("; ".join(sorted(texts))) for edge, texts in labels.items() if texts
        },
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
        x, y = positions[node]
        ax.annotate(
            _node_text(data, show_outcomes),
            (x, y),
            xytext=(0, -25 if node == center else -16),
            textcoords="offset points",
            ha="center",
            va="top",
            fontsize=9,
            fontweight="bold" if node == center else "normal",
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
        ax.legend(handles=handles, title="Node type", loc="upper left", frameon=True)
    else:
        ax.text(0.5, 0.5, "No entities to draw", ha="center", va="center", transform=ax.transAxes)
    if title:
        ax.set_title(title)
    ax.margins(0.15)
    ax.set_axis_off()
    return ax


def _breakdown_text(stage: Any) -> str:
    """``"5 misconduct, 3 gross misconduct"`` from a stage's breakdown by outcome type.

    Each outcome type is named by its preferred label, less the words all of them share at the
    start ("Case to answer for ..."); a range is named by its ends ("management action to final
    written warning"). One outcome type alone is named only when it is a range or the stage
    counts it apart ("0 of 1 (1 not proven)"); the allegations stage gives who made them.
    """
    if stage.detail:
        return stage.detail
    names = {fact["notation"]: fact["label"] or fact["notation"] for fact in stage.facts}
    words = [
        " to ".join(names.get(end, end) for end in notation.split(" to ")).split()
        for notation in stage.breakdown
    ]
    if len(stage.breakdown) == 1:
        ((notation, count),) = stage.breakdown.items()
        name = " ".join(words[0]).lower()
        if " to " in notation:
            return name
        return f"{count} {name}" if stage.out_of is not None and count is not None else ""
    shared = 0
    while all(len(w) > shared + 1 for w in words) and len({w[shared].lower() for w in words}) == 1:
        shared += 1
    parts = []
    for (_notation, count), split in zip(stage.breakdown.items(), words, strict=True):
        name = " ".join(split[shared:]).lower()
        parts.append(name if count is None else f"{count} {name}")
    return ", ".join(parts)


def draw_funnel(result: Funnel, ax: Axes | None = None) -> Axes:
    """Draw an accountability funnel as a horizontal bar chart, widest stage on top.

    Each stage is a bar as long as its count, labelled with the count (and its breakdown by
    outcome type, when there are several); a stage whose count the sources do not give has no bar
    and is labelled ``unknown``.

    Parameters
    ----------
    result
        A funnel from :func:`graph.analysis.funnel`.
    ax
        The matplotlib Axes to draw on; a new 9 × 4.5 inch figure when None.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on: one bar per stage in ``ax.containers[0]``, the stage labels as y tick
        labels, and the count texts with the gid ``"count:{stage name}"``.
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(9, 4.5))
    stages = list(result.stages)
    counts = [stage.count for stage in stages]
    known = [count for count in counts if count is not None]
    widest = max(known, default=0) or 1
    positions = list(range(len(stages)))
    ax.barh(
        positions,
        [count or 0 for count in counts],
        color=[_KNOWN_COLOUR if count else _ZERO_OR_UNKNOWN for count in counts],
        height=0.6,
    )
    for position, stage in zip(positions, stages, strict=True):
        detail = _breakdown_text(stage)
        if stage.count is None:
            text = "unknown" + (f" ({detail})" if detail else "")
            style = "italic"
        else:
            of = f" of {stage.out_of:,}" if stage.out_of is not None else ""
            text = f"{stage.count:,}{of}" + (f" ({detail})" if detail else "")
            style = "normal"
        ax.text(
            (stage.count or 0) + widest * 0.01,
            position,
            text,
            va="center",
            ha="left",
            fontsize=10,
            fontstyle=style,
            color="#222222" if stage.count is not None else _ZERO_OR_UNKNOWN,
            gid=f"count:{stage.name}",
        )
    ax.set_yticks(positions, [stage.label for stage in stages])
    ax.invert_yaxis()  # the widest stage, allegations, on top
    ax.set_xlim(0, widest * 1.45)
    ax.set_xlabel("count, as stated in the sources (unknown: not stated)")
    ax.set_title(f"Accountability funnel: {result.label}")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return ax


# -- files ----------------------------------------------------------------------------------------


def _check_path(path: str | os.PathLike[str]) -> Path:
    path = Path(path)
    if path.suffix.lower() not in DRAW_SUFFIXES:
        raise CasegraphError(f"Cannot draw to {str(path)!r}: use .png, .svg or .pdf")
    if not path.parent.is_dir():
        raise CasegraphError(f"Cannot draw to {str(path)!r}: folder {str(path.parent)!r} not found")
    return path


def _save(path: Path, size: tuple[float, float], draw: Callable[[Axes], Any]) -> Path:
    """Draw on a new figure of ``size`` inches and write it to ``path``, text kept as text."""
    import matplotlib
    from matplotlib.figure import Figure

    suffix = path.suffix.lower()
    with matplotlib.rc_context(RC_PARAMS):
        # A bare Figure is not registered with pyplot, so it needs no backend and is freed with
        # its last reference: nothing is left open after a save.
        figure = Figure(figsize=size, layout="tight")
        draw(figure.add_subplot())
        # No dates in SVG and PDF, so the same graph gives the same file.
        metadata = {".svg": {"Date": None}, ".pdf": {"CreationDate": None}}.get(suffix)
        try:
            figure.savefig(path, format=suffix[1:], dpi=120, metadata=metadata)
        except OSError as error:
            raise CasegraphError(f"Cannot write {str(path)!r}: {error.strerror or error}") from None
        finally:
            figure.clear()
    return path


def draw_store(
    store: CaseStore, path: str | os.PathLike[str], *, focus: str | None = None, depth: int = 1
) -> Path:
    """Draw the entity graph of a store, or the part around one entity, to an image file.

    Parameters
    ----------
    store
        An open :class:`~graph.store.CaseStore`.
    path
        The image file to write; its suffix (``.png``, ``.svg``, ``.pdf``) chooses the format.
    focus
        Draw only the nodes within ``depth`` steps (either direction) of this entity: a label
        (case-insensitive), another name or an IRI.
    depth
        The radius around ``focus``.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    CasegraphError
        When the suffix is not one of :data:`DRAW_SUFFIXES`, the folder does not exist, or
        ``focus`` names no entity (or several).
    """
    path = _check_path(path)
    graph = entity_graph(store)
    if focus is None:
        entities = sum(1 for _, d in graph.nodes(data=True) if d.get("type") in ENTITY_TYPES)
        title = f"casegraph: {entities} entities, {graph.number_of_edges()} links"
    else:
        graph = ego_graph(graph, focus, depth)
        center = graph.graph["center"]
        steps = "step" if depth == 1 else "steps"
        title = f"{graph.nodes[center].get('label', center)} and everything within {depth} {steps}"
    size = figure_size(len(_drawn_nodes(graph)))
    return _save(path, size, lambda ax: draw_graph(graph, ax=ax, title=title))


def draw_funnel_store(store: CaseStore, organisation: str, path: str | os.PathLike[str]) -> Path:
    """Draw the accountability funnel of an organisation (see :func:`graph.analysis.funnel`).

    Parameters
    ----------
    store
        An open :class:`~graph.store.CaseStore`.
    organisation
        A label, other name or IRI of an organisation.
    path
        The image file to write (``.png``, ``.svg``, ``.pdf``).

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    CasegraphError
        When the suffix or folder is wrong, or ``organisation`` names no organisation.
    """
    path = _check_path(path)
    result = funnel(store, organisation)
    return _save(path, (9, 4.5), lambda ax: draw_funnel(result, ax=ax))
