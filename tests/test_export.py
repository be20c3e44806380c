"""Round trips of every export format on the seed store: GraphML, GEXF and CSV read back with
networkx and the csv module; Turtle, TriG, N-Quads and JSON-LD read back with rdflib."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest
import rdflib
from rdflib.compare import isomorphic
from typer.testing import CliRunner

from graph.analysis import entity_graph
from graph.cli import app
from graph.errors import CasegraphError
from graph.export import (
    EDGE_COLUMNS,
    INT_COLUMNS,
    NODE_COLUMNS,
    export_store,
    flat_graph,
    graph_bytes,
    write_csv,
)

SYP = "https://w3id.org/casegraph/id/organisation/south-yorkshire-police"


@pytest.fixture(scope="module")
def seed_graph(seed_store) -> nx.MultiDiGraph:
    return entity_graph(seed_store)


def _export(seed_store, tmp_path: Path, fmt: str, name: str) -> Path:
    output = tmp_path / name
    result = CliRunner().invoke(
        app, ["export", "--format", fmt, "-o", str(output), "--store", str(seed_store.path)]
    )
    assert result.exit_code == 0, result.output
    return output


def _nodes(graph: nx.MultiDiGraph) -> dict[str, dict]:
    return {node: dict(data) for node, data in graph.nodes(data=True)}


def _edges(graph: nx.MultiDiGraph) -> dict[tuple[str, str, str], dict]:
    return {(u, v, k): dict(d) for u, v, k, d in graph.edges(keys=True, data=True)}


def _assert_same_as_entity_graph(read: nx.MultiDiGraph, graph: nx.MultiDiGraph) -> None:
    """The file holds the in-memory graph: same nodes, facts, labels and evidence."""
    assert set(read.nodes) == set(graph.nodes)
    for node, data in graph.nodes(data=True):
        assert read.nodes[node]["iri"] == node
        assert read.nodes[node]["type"] == data["type"]
        assert read.nodes[node]["label"] == data["label"]
        if data.get("count") is not None:
            assert read.nodes[node]["count"] == data["count"]
    expected = Counter((u, v, k) for u, v, k in graph.edges(keys=True))
    assert Counter((u, v, d["fact"]) for u, v, d in read.edges(data=True)) == expected
    for u, v, data in read.edges(data=True):
        original = graph.edges[u, v, data["fact"]]
        for name in EDGE_COLUMNS:
            assert data[name] == original[name], name


# -- the flattened graph ------------------------------------------------------------------------


def test_export_flat_graph_only_strings_and_ints(seed_graph):
    flat = flat_graph(seed_graph)
    assert list(flat.nodes) == sorted(seed_graph.nodes)
    for _, data in flat.nodes(data=True):
        assert set(data) <= set(NODE_COLUMNS)
        for name, value in data.items():
            assert isinstance(value, int if name in INT_COLUMNS else str), name
    for _, _, key, data in flat.edges(keys=True, data=True):
        assert key.startswith("e")
        assert set(data) == set(EDGE_COLUMNS)
    # Lists become "; "-joined strings; unknown numbers are left out, not written as 0.
    officers = next(n for n, d in seed_graph.nodes(data=True) if d["label"] == "47 officers")
    assert "officers" in flat.nodes[officers]["alt_labels"].split("; ")
    unknown = [n for n, d in seed_graph.nodes(data=True) if d.get("count") is None]
    assert unknown and all("count" not in flat.nodes[n] for n in unknown)
    assert len({k for _, _, k in flat.edges(keys=True)}) == flat.number_of_edges()  # unique ids


# -- GraphML, GEXF, CSV ------------------------------------------------------------------------


def test_export_graphml_round_trip(seed_store, seed_graph, tmp_path):
    path = _export(seed_store, tmp_path, "graphml", "casegraph.graphml")
    read = nx.read_graphml(path, force_multigraph=True)
    assert isinstance(read, nx.MultiDiGraph)
    flat = flat_graph(seed_graph)
    assert _nodes(read) == _nodes(flat)
    assert _edges(read) == _edges(flat)
    _assert_same_as_entity_graph(read, seed_graph)


def test_export_gexf_round_trip(seed_store, seed_graph, tmp_path):
    path = _export(seed_store, tmp_path, "gexf", "casegraph.gexf")
    text = path.read_text(encoding="utf-8")
    assert "lastmodifieddate" not in text  # no date: the same store gives the same file
    read = nx.read_gexf(path)
    flat = flat_graph(seed_graph)
    assert _nodes(read) == _nodes(flat)
    edges = _edges(read)
    for (_, _, key), data in edges.items():
        assert data.pop("id") == key  # the GEXF edge id is the key
    assert edges == _edges(flat)
    _assert_same_as_entity_graph(read, seed_graph)


def test_export_csv_round_trip(seed_store, seed_graph, tmp_path):
    folder = _export(seed_store, tmp_path, "csv", "new/folder")  # created
    with (folder / "nodes.csv").open(encoding="utf-8", newline="") as file:
        nodes = list(csv.DictReader(file))
    with (folder / "edges.csv").open(encoding="utf-8", newline="") as file:
        edges = list(csv.DictReader(file))
    assert list(nodes[0]) == ["id", *NODE_COLUMNS]
    assert list(edges[0]) == ["source", "target", "key", *EDGE_COLUMNS]

    def typed(row: dict[str, str], columns) -> dict:
        return {
            name: int(row[name]) if name in INT_COLUMNS else row[name]
            for name in columns
            if not (name in INT_COLUMNS and row[name] == "")
        }

    read = nx.MultiDiGraph()
    for row in nodes:
        read.add_node(row["id"], **typed(row, NODE_COLUMNS))
    for row in edges:
        read.add_edge(row["source"], row["target"], key=row["key"], **typed(row, EDGE_COLUMNS))
    flat = flat_graph(seed_graph)
    assert [row["id"] for row in nodes] == list(flat.nodes)
    assert _nodes(read) == _nodes(flat)
    assert _edges(read) == _edges(flat)
    _assert_same_as_entity_graph(read, seed_graph)


def test_export_graph_bytes_deterministic(seed_graph):
    for fmt in ("graphml", "gexf"):
        assert graph_bytes(seed_graph, fmt) == graph_bytes(entity_graph_copy(seed_graph), fmt)
    with pytest.raises(ValueError, match="dot"):
        graph_bytes(seed_graph, "dot")


def entity_graph_copy(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The same graph with nodes and edges inserted in reverse order."""
    copy = nx.MultiDiGraph()
    copy.add_nodes_from(reversed(list(graph.nodes(data=True))))
    copy.add_edges_from(reversed(list(graph.edges(keys=True, data=True))))
    return copy


def test_export_special_characters_survive(tmp_path):
    graph = nx.MultiDiGraph()
    label = 'Smith & "Jones" <Ltd>, café; naïve'
    graph.add_node("id:a", type="Organisation", label=label, alt_labels=["S&J", "x;y"])
    graph.add_node("id:b", type="Person", label="Ann\nLee")
    graph.add_edge("id:b", "id:a", key="id:f", kind="member of", label="director", evidence="«»")
    flat = flat_graph(graph)
    for reader, fmt in ((nx.read_graphml, "graphml"), (nx.read_gexf, "gexf")):
        path = tmp_path / f"g.{fmt}"
        path.write_bytes(graph_bytes(graph, fmt))
        read = reader(path)
        assert read.nodes["id:a"]["label"] == label
        assert read.nodes["id:a"]["alt_labels"] == "S&J; x;y"
        assert read.nodes["id:b"]["label"] == "Ann\nLee"
        assert next(iter(read.edges(data=True)))[2]["evidence"] == "«»"
    nodes_path, _ = write_csv(graph, tmp_path / "csv")
    with nodes_path.open(encoding="utf-8", newline="") as file:
        rows = {row["id"]: row for row in csv.DictReader(file)}
    assert rows["id:a"]["label"] == label and rows["id:b"]["label"] == "Ann\nLee"
    assert flat.nodes["id:a"]["label"] == label


def test_export_store_errors(seed_store, tmp_path):
    with pytest.raises(CasegraphError, match="Unknown graph format 'dot'"):
        export_store(seed_store, "dot", tmp_path / "x.dot")
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(CasegraphError, match="Cannot write CSV into"):
        export_store(seed_store, "csv", blocker)
    with pytest.raises(CasegraphError, match="Cannot write"):
        export_store(seed_store, "graphml", tmp_path / "missing" / "g.graphml")


def test_export_cli_csv_needs_folder(seed_store):
    result = CliRunner().invoke(
        app, ["export", "--format", "csv", "-o", "-", "--store", str(seed_store.path)]
    )
    assert result.exit_code == 1
    assert result.stderr.startswith("error: The csv export writes two files")


def test_export_cli_graphml_to_stdout(seed_store, seed_graph):
    result = CliRunner().invoke(
        app, ["export", "--format", "graphml", "-o", "-", "--store", str(seed_store.path)]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == graph_bytes(seed_graph, "graphml")


# -- RDF formats ----------------------------------------------------------------------------------


def _store_dataset(seed_store) -> rdflib.Dataset:
    """The store's quads, read from pyoxigraph one by one (not through an export)."""
    dataset = rdflib.Dataset()
    for quad in seed_store.oxigraph:
        terms = []
        for term in (quad.subject, quad.predicate, quad.object):
            if type(term).__name__ == "Literal":
                if term.language:
                    terms.append(rdflib.Literal(term.value, lang=term.language))
                elif term.datatype.value == str(rdflib.XSD.string):
                    terms.append(rdflib.Literal(term.value))  # rdflib's simple literal
                else:
                    terms.append(rdflib.Literal(term.value, datatype=term.datatype.value))
            elif type(term).__name__ == "BlankNode":
                terms.append(rdflib.BNode(term.value))
            else:
                terms.append(rdflib.URIRef(term.value))
        dataset.graph(rdflib.URIRef(quad.graph_name.value)).add(tuple(terms))
    return dataset


def _graphs(dataset: rdflib.Dataset) -> dict[str, rdflib.Graph]:
    return {
        str(g.identifier): g
        for g in dataset.graphs()
        if len(g) and str(g.identifier) != str(rdflib.graph.DATASET_DEFAULT_GRAPH_ID)
    }


@pytest.mark.parametrize(
    ("fmt", "rdflib_format"), [("trig", "trig"), ("nquads", "nquads"), ("jsonld", "json-ld")]
)
def test_export_rdf_datasets_round_trip(seed_store, tmp_path, fmt, rdflib_format):
    path = _export(seed_store, tmp_path, fmt, f"casegraph.{fmt}")
    read = rdflib.Dataset()
    read.parse(path, format=rdflib_format)
    expected = _graphs(_store_dataset(seed_store))
    got = _graphs(read)
    assert set(got) == set(expected)
    assert len(expected) == 2  # the document and the ontology
    for name, graph in expected.items():
        assert isomorphic(got[name], graph), name


def test_export_turtle_is_the_union(seed_store, tmp_path):
    path = _export(seed_store, tmp_path, "turtle", "casegraph.ttl")
    read = rdflib.Graph().parse(path, format="turtle")
    union = rdflib.Graph()
    for graph in _graphs(_store_dataset(seed_store)).values():
        union += graph
    assert len(read) == len(union)
    assert isomorphic(read, union)
    assert (rdflib.URIRef(SYP), rdflib.RDFS.label, rdflib.Literal("South Yorkshire Police")) in read
