"""Write the entity graph for network tools: GraphML (yEd, Cytoscape), GEXF (Gephi), CSV, and the
CSV files of Neo4j's bulk importer.

The graph is :func:`graph.analysis.entity_graph`, flattened by :func:`flat_graph` so that every
attribute is a string or an integer (the networkx writers reject None and lists):

- nodes keep their IRI as id and get the attributes :data:`NODE_COLUMNS` (``iri``, ``type``,
  ``label`` ...). Lists are joined with ``"; "``; a missing number (a group of unknown size) is
  left out rather than written as 0.
- edges get the key ``e0``, ``e1`` ... in sorted order (a fact can give two edges, and GraphML edge
  ids must be unique) and the attributes :data:`EDGE_COLUMNS`: ``kind``, ``label``, ``fact`` (the
  fact IRI), ``evidence`` (the sentence), ``document``, ``sentence``, ``char_begin``, ``char_end``.

CSV writes ``nodes.csv`` (``id`` then :data:`NODE_COLUMNS`) and ``edges.csv`` (``source``,
``target``, ``key`` then :data:`EDGE_COLUMNS`) into a folder, UTF-8 with a header row.

Neo4j (:func:`write_neo4j`) writes ``nodes.csv`` and ``relationships.csv`` in the format of
``neo4j-admin database import``, with the headers :data:`NEO4J_NODE_HEADER` and
:data:`NEO4J_RELATIONSHIP_HEADER`; see that function.

networkx is imported inside the functions, so importing this module is cheap.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph.errors import CasegraphError

if TYPE_CHECKING:
    import networkx as nx

    from graph.store import CaseStore

__all__ = [
    "EDGE_COLUMNS",
    "GRAPH_FORMATS",
    "INT_COLUMNS",
    "NEO4J_NODE_HEADER",
    "NEO4J_RELATIONSHIP_HEADER",
    "NODE_COLUMNS",
    "export_store",
    "flat_graph",
    "graph_bytes",
    "neo4j_labels",
    "neo4j_type",
    "write_csv",
    "write_neo4j",
]

#: Formats :func:`export_store` writes.
GRAPH_FORMATS = ("graphml", "gexf", "csv", "neo4j")

#: Node attributes of the flattened graph, in CSV column order.
NODE_COLUMNS = (
    "iri",
    "type",
    "label",
    "alt_labels",
    "count",
    "range_count",
    "outcomes",
    "statements",
    "notation",
    "group",
    "detail",
    "evidence",
    "document",
    "sentence",
    "char_begin",
    "char_end",
    "count_evidence",
    "count_sentence",
    "corrected",
)

#: Edge attributes of the flattened graph, in CSV column order.
EDGE_COLUMNS = (
    "kind",
    "label",
    "fact",
    "evidence",
    "document",
    "sentence",
    "char_begin",
    "char_end",
    "corrected",
)

#: Attributes that are integers; all others are strings.
INT_COLUMNS = frozenset({"count", "range_count", "statements", "char_begin", "char_end"})

#: Attributes that are lists (of strings); flattened, they are joined with ``"; "``.
LIST_COLUMNS = frozenset({"alt_labels", "outcomes"})

_SEPARATOR = "; "


def _flat(name: str, value: Any) -> str | int | None:
    """A value networkx can write: an int for :data:`INT_COLUMNS`, else a string; None if absent."""
    if value is None:
        return None
    if name in INT_COLUMNS:
        return int(value)
    if isinstance(value, list | tuple | set | frozenset):
        return _SEPARATOR.join(str(item) for item in value)
    return str(value)


def flat_graph(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of an entity graph whose attributes are all strings or integers.

    Parameters
    ----------
    G
        A graph as returned by :func:`graph.analysis.entity_graph`.

    Returns
    -------
    networkx.MultiDiGraph
        Nodes in sorted order with :data:`NODE_COLUMNS` (string attributes default to ``""``,
        integers are left out when unknown) and edges keyed ``e0``, ``e1`` ... in order of
        (source, target, fact) with :data:`EDGE_COLUMNS`.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("id:g", type="Group", label="officers", count=None, alt_labels=["police"])
    >>> flat_graph(G).nodes["id:g"]["alt_labels"], "count" in flat_graph(G).nodes["id:g"]
    ('police', False)
    """
    import networkx as nx

    flat = nx.MultiDiGraph()
    for node in sorted(G):
        data = {**G.nodes[node], "iri": node}
        attributes = {}
        for name in NODE_COLUMNS:
            value = _flat(name, data.get(name))
            if value is not None:
                attributes[name] = value
            elif name not in INT_COLUMNS:
                attributes[name] = ""
        flat.add_node(str(node), **attributes)
    edges = sorted(G.edges(keys=True, data=True), key=lambda edge: tuple(map(str, edge[:3])))
    for index, (source, target, key, data) in enumerate(edges):
        attributes = {}
        for name in EDGE_COLUMNS:
            value = _flat(name, data.get(name, key if name == "fact" else None))
            if value is not None:
                attributes[name] = value
            elif name not in INT_COLUMNS:
                attributes[name] = ""
        flat.add_edge(str(source), str(target), key=f"e{index}", **attributes)
    return flat


# networkx stamps GEXF files with today's date; the attribute is optional, so it is dropped to keep
# the output the same from one day to the next.
_GEXF_DATE = re.compile(rb'\s+lastmodifieddate="[^"]*"')


def graph_bytes(G: nx.MultiDiGraph, fmt: str) -> bytes:
    """Serialise an entity graph as GraphML or GEXF.

    Parameters
    ----------
    G
        A graph as returned by :func:`graph.analysis.entity_graph` (flattened here).
    fmt
        ``"graphml"`` or ``"gexf"`` (GEXF 1.2).

    Returns
    -------
    bytes
        UTF-8 XML.

    Raises
    ------
    ValueError
        For another format.
    """
    import networkx as nx

    flat = flat_graph(G)
    if fmt == "graphml":
        lines = nx.generate_graphml(flat, encoding="utf-8", named_key_ids=True)
        return ("\n".join(lines) + "\n").encode("utf-8")
    if fmt == "gexf":
        for _, _, key, attributes in flat.edges(keys=True, data=True):
            attributes["id"] = key  # the GEXF edge id; networkx also keeps the key as networkx_key
        data = "\n".join(nx.generate_gexf(flat, encoding="utf-8", version="1.2draft")) + "\n"
        return _GEXF_DATE.sub(b"", data.encode("utf-8"), count=1)
    raise ValueError(f"Unknown graph format {fmt!r}; expected 'graphml' or 'gexf'")


def write_csv(G: nx.MultiDiGraph, folder: str | Path) -> tuple[Path, Path]:
    """Write an entity graph as ``nodes.csv`` and ``edges.csv`` into a folder (created if needed).

    Parameters
    ----------
    G
        A graph as returned by :func:`graph.analysis.entity_graph` (flattened here).
    folder
        The folder to write into.

    Returns
    -------
    tuple of pathlib.Path
        The node file and the edge file.

    Raises
    ------
    CasegraphError
        When the folder cannot be created or written (or is a file).
    """
    folder = Path(folder)
    flat = flat_graph(G)
    nodes_path, edges_path = folder / "nodes.csv", folder / "edges.csv"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with nodes_path.open("w", encoding="utf-8", newline="") as file:
            writer = csv.writer(file)
            writer.writerow(["id", *NODE_COLUMNS])
            for node, data in flat.nodes(data=True):
                writer.writerow([node, *(data.get(name, "") for name in NODE_COLUMNS)])
        with edges_path.open("w", encoding="utf-8", newline="") as file:
            writer = csv.writer(file)
            writer.writerow(["source", "target", "key", *EDGE_COLUMNS])
            for source, target, key, data in flat.edges(keys=True, data=True):
                writer.writerow(
                    [source, target, key, *(data.get(name, "") for name in EDGE_COLUMNS)]
                )
    except OSError as error:
        reason = error.strerror or str(error)
        raise CasegraphError(f"Cannot write CSV into '{folder}': {reason}") from None
    return nodes_path, edges_path


# -- Neo4j ---------------------------------------------------------------------------------------

#: The header of ``nodes.csv`` for ``neo4j-admin database import``: the IRI as the node id (and
#: the property ``iri``), the other :data:`NODE_COLUMNS` but ``type`` as properties (integers
#: ``:int``, lists ``:string[]``), then the labels.
NEO4J_NODE_HEADER = (
    "iri:ID",
    *(
        name + (":int" if name in INT_COLUMNS else ":string[]" if name in LIST_COLUMNS else "")
        for name in NODE_COLUMNS
        if name not in ("iri", "type")
    ),
    ":LABEL",
)
#: The header of ``relationships.csv``: start and end node IRIs, the type, then the
#: :data:`EDGE_COLUMNS` but ``kind`` (which the type says) as properties.
NEO4J_RELATIONSHIP_HEADER = (
    ":START_ID",
    ":END_ID",
    ":TYPE",
    *(name + (":int" if name in INT_COLUMNS else "") for name in EDGE_COLUMNS if name != "kind"),
)
#: neo4j-admin's default array delimiter (``--array-delimiter``).
_ARRAY_DELIMITER = ";"
#: The second label of each node type: what a Cypher query can match them all by.
_SUPER_LABELS = {
    **dict.fromkeys(("Organisation", "Person", "Group", "Place"), "Entity"),
    **dict.fromkeys(("Allegation", "Outcome"), "Fact"),
}
_LINE_BREAKS = str.maketrans("\r\n\v\f\x85\u2028\u2029", " " * 7)


def neo4j_labels(node_type: str) -> list[str]:
    """The Neo4j labels of a node of the entity graph: its type, and ``Entity`` or ``Fact``.

    >>> neo4j_labels("Organisation"), neo4j_labels("Outcome")
    (['Organisation', 'Entity'], ['Outcome', 'Fact'])
    """
    labels = [node_type]
    if node_type in _SUPER_LABELS:
        labels.append(_SUPER_LABELS[node_type])
    return labels


def neo4j_type(kind: str) -> str:
    """The Neo4j relationship type of an edge kind, in upper snake case.

    >>> neo4j_type("member of"), neo4j_type("final-written-warning")
    ('MEMBER_OF', 'FINAL_WRITTEN_WARNING')
    """
    return re.sub(r"[^0-9A-Za-z]+", "_", kind).strip("_").upper() or "RELATED_TO"


def _neo4j_value(header: str, value: Any) -> str:
    """One cell: empty when absent (neo4j-admin then sets no property); line breaks as spaces."""
    if value is None or value == "" or value == [] or value == ():
        return ""
    if header.endswith(":int"):
        return str(int(value))
    if header.endswith("[]"):
        items = [str(item).translate(_LINE_BREAKS) for item in value]
        return _ARRAY_DELIMITER.join(item.replace(_ARRAY_DELIMITER, ",") for item in items)
    return str(value).translate(_LINE_BREAKS)


def write_neo4j(G: nx.MultiDiGraph, folder: str | Path) -> tuple[Path, Path]:
    """Write an entity graph as the CSV files of Neo4j's bulk importer, into a folder.

    ``nodes.csv`` has the header :data:`NEO4J_NODE_HEADER`: ``iri:ID`` (the node IRI, also kept
    as the property ``iri``), the node attributes as properties, integers typed ``:int`` and the
    lists ``alt_labels`` and ``outcomes`` typed ``:string[]`` with ``;`` between items, then
    ``:LABEL``: the node type and ``Entity`` (Organisation, Person, Group, Place) or ``Fact``
    (Allegation, Outcome), separated by ``;``. ``relationships.csv`` has the header
    :data:`NEO4J_RELATIONSHIP_HEADER`: ``:START_ID``, ``:END_ID``, ``:TYPE`` (the edge kind in
    upper snake case: ``MEMBER_OF``, ``INVESTIGATED``, ``AGAINST``, ``ALLEGED_AGAINST``,
    ``APPLIES_TO``, ``DECIDED``, ``CONCERNS``), then the fact IRI, label, sentence and offsets.

    Nodes are in IRI order, relationships in order of (start, end, fact), so the same graph gives
    the same files. Values are quoted as neo4j-admin reads them (``"`` around a value holding a
    comma or a quote, a quote doubled); an absent value (a group of unknown size, an empty list
    or string) is an empty cell, which sets no property. So that the files import with
    neo4j-admin's defaults (no ``--multiline-fields``), each line break inside a value is written
    as one space (lengths, and so character offsets, are kept), and a ``;`` inside an item of a
    list as ``,``. Import with::

        neo4j-admin database import full --nodes=nodes.csv --relationships=relationships.csv neo4j

    Parameters
    ----------
    G
        A graph as returned by :func:`graph.analysis.entity_graph`.
    folder
        The folder to write into (created if needed).

    Returns
    -------
    tuple of pathlib.Path
        The node file and the relationship file.

    Raises
    ------
    CasegraphError
        When the folder cannot be created or written (or is a file).
    """
    folder = Path(folder)
    nodes_path, relationships_path = folder / "nodes.csv", folder / "relationships.csv"
    node_names = [header.split(":", 1)[0] for header in NEO4J_NODE_HEADER[1:-1]]
    edge_names = [header.split(":", 1)[0] for header in NEO4J_RELATIONSHIP_HEADER[3:]]
    edges = sorted(G.edges(keys=True, data=True), key=lambda edge: tuple(map(str, edge[:3])))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with nodes_path.open("w", encoding="utf-8", newline="") as file:
            writer = csv.writer(file, lineterminator="\n")
            writer.writerow(NEO4J_NODE_HEADER)
            for node in sorted(G, key=str):
                data = G.nodes[node]
                writer.writerow(
                    [
                        _neo4j_value("iri", str(node)),
                        *(
                            _neo4j_value(header, data.get(name))
                            for name, header in zip(
                                node_names, NEO4J_NODE_HEADER[1:-1], strict=True
                            )
                        ),
                        _ARRAY_DELIMITER.join(neo4j_labels(str(data.get("type") or "Node"))),
                    ]
                )
        with relationships_path.open("w", encoding="utf-8", newline="") as file:
            writer = csv.writer(file, lineterminator="\n")
            writer.writerow(NEO4J_RELATIONSHIP_HEADER)
            for source, target, key, data in edges:
                values = {**data, "fact": data.get("fact", key)}
                writer.writerow(
                    [
                        _neo4j_value("start", str(source)),
                        _neo4j_value("end", str(target)),
                        neo4j_type(str(data.get("kind") or "")),
                        *(
                            _neo4j_value(header, values.get(name))
                            for name, header in zip(
                                edge_names, NEO4J_RELATIONSHIP_HEADER[3:], strict=True
                            )
                        ),
                    ]
                )
    except OSError as error:
        reason = error.strerror or str(error)
        raise CasegraphError(
            f"Cannot write the Neo4j CSV files into '{folder}': {reason}"
        ) from None
    return nodes_path, relationships_path


def export_store(store: CaseStore, fmt: str, output: str | Path) -> list[Path]:
    """Write the entity graph of a store as GraphML, GEXF, CSV or Neo4j's import CSV.

    Parameters
    ----------
    store
        An open :class:`~graph.store.CaseStore`.
    fmt
        One of :data:`GRAPH_FORMATS`.
    output
        The file to write (``graphml``, ``gexf``) or the folder to write into (``csv``,
        ``neo4j``).

    Returns
    -------
    list of pathlib.Path
        The files written.

    Raises
    ------
    CasegraphError
        When the format is unknown or the output cannot be written.
    """
    from graph.analysis import entity_graph

    if fmt not in GRAPH_FORMATS:
        raise CasegraphError(f"Unknown graph format {fmt!r}; use one of {', '.join(GRAPH_FORMATS)}")
    graph = entity_graph(store)
    if fmt == "csv":
        return list(write_csv(graph, output))
    if fmt == "neo4j":
        return list(write_neo4j(graph, output))
    path = Path(output)
    try:
        path.write_bytes(graph_bytes(graph, fmt))
    except OSError as error:
        raise CasegraphError(f"Cannot write '{output}': {error.strerror or error}") from None
    return [path]
