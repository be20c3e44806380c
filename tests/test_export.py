"""Round trips of every export format on the seed store: GraphML, GEXF and CSV read back with
networkx and the csv module; Neo4j's import CSV read back by the header rules of neo4j-admin;
Turtle, TriG, N-Quads and JSON-LD read back with rdflib."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest
import rdflib
from rdflib.compare import isomorphic
from typer.testing import CliRunner

from graph.analysis import FACT_TYPES, entity_graph
from graph.cli import app
from graph.errors import CasegraphError
from graph.export import (
    EDGE_COLUMNS,
    INT_COLUMNS,
    NEO4J_NODE_HEADER,
    NEO4J_RELATIONSHIP_HEADER,
    NODE_COLUMNS,
    export_store,
    flat_graph,
    graph_bytes,
    write_csv,
    write_neo4j,
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


# -- Neo4j bulk import ----------------------------------------------------------------------------

#: neo4j-admin's property types (Neo4j 5 "CSV header format"), as Python conversions.
_NEO4J_TYPES = {
    "string": str,
    "int": int,
    "long": int,
    "short": int,
    "byte": int,
    "float": float,
    "double": float,
    "boolean": lambda value: {"true": True, "false": False}[value.lower()],
}
_NEO4J_KEYWORDS = {"ID", "LABEL", "START_ID", "END_ID", "TYPE", "IGNORE"}


def _neo4j_field(header: str) -> tuple[str, str, bool]:
    """``name:type`` -> (name, type, is array), by neo4j-admin's rules: no type means string."""
    name, colon, kind = header.rpartition(":")
    if not colon:
        name, kind = header, "string"
    kind = re.sub(r"\(.*\)$", "", kind)  # an id space: :ID(Group)
    array = kind.endswith("[]")
    kind = kind.removesuffix("[]")
    assert kind in _NEO4J_KEYWORDS or kind.lower() in _NEO4J_TYPES, header
    return name, kind, array


def _neo4j_read(path: Path) -> tuple[list[str], list[dict]]:
    """A neo4j-admin import file as records: ``{"ID"/"START_ID"/...: value, "props": {...}}``.

    Values convert by their column type (an int column that does not parse fails here), arrays
    split on neo4j-admin's default delimiter ``;``, an empty field sets no property, and
    ``:LABEL`` splits on ``;``.
    """
    with path.open(encoding="utf-8", newline="") as file:
        reader = csv.reader(file)  # neo4j-admin's defaults: "," and '"', a quote doubled inside
        header = next(reader)
        fields = [_neo4j_field(h) for h in header]
        records = []
        for row in reader:
            assert len(row) == len(header), row
            record: dict = {"props": {}}
            for (name, kind, array), value in zip(fields, row, strict=True):
                if kind in _NEO4J_KEYWORDS:
                    record[kind] = value.split(";") if kind == "LABEL" else value
                    if kind == "ID" and name:  # the id is also stored as the property `name`
                        record["props"][name] = value
                elif value != "":
                    convert = _NEO4J_TYPES[kind.lower()]
                    record["props"][name] = (
                        [convert(item) for item in value.split(";")] if array else convert(value)
                    )
            records.append(record)
    return header, records


@pytest.fixture(scope="module")
def neo4j_files(seed_store, tmp_path_factory) -> tuple[Path, list, list]:
    folder = tmp_path_factory.mktemp("neo4j") / "import"
    result = CliRunner().invoke(
        app, ["export", "--format", "neo4j", "-o", str(folder), "--store", str(seed_store.path)]
    )
    assert result.exit_code == 0, result.output
    assert result.stderr.endswith("relationships.csv (neo4j)\n")
    node_header, nodes = _neo4j_read(folder / "nodes.csv")
    relationship_header, relationships = _neo4j_read(folder / "relationships.csv")
    assert node_header == list(NEO4J_NODE_HEADER)
    assert relationship_header == list(NEO4J_RELATIONSHIP_HEADER)
    return folder, nodes, relationships


def test_export_neo4j_headers(neo4j_files):
    folder, _, _ = neo4j_files
    with (folder / "nodes.csv").open(encoding="utf-8", newline="") as file:
        nodes = next(csv.reader(file))
    with (folder / "relationships.csv").open(encoding="utf-8", newline="") as file:
        relationships = next(csv.reader(file))
    assert nodes[0] == "iri:ID" and nodes[1] == "label" and nodes[-1] == ":LABEL"
    for typed in ("count:int", "char_begin:int", "char_end:int", "alt_labels:string[]"):
        assert typed in nodes
    assert relationships[:3] == [":START_ID", ":END_ID", ":TYPE"]
    assert "char_begin:int" in relationships and "fact" in relationships


def test_export_neo4j_nodes_are_the_entity_graph(neo4j_files, seed_graph):
    _, nodes, _ = neo4j_files
    ids = [node["ID"] for node in nodes]
    assert ids == sorted(seed_graph.nodes)  # every node once, in IRI order
    for node in nodes:
        data, props = seed_graph.nodes[node["ID"]], node["props"]
        assert props["iri"] == node["ID"]
        assert node["LABEL"] == [data["type"], "Fact" if data["type"] in FACT_TYPES else "Entity"]
        assert props["label"] == data["label"]
        assert props.get("count") == data.get("count")  # absent when unknown, never 0
        assert props.get("alt_labels", []) == data.get("alt_labels", [])
        assert props.get("outcomes", []) == data.get("outcomes", [])
        for name in ("char_begin", "char_end", "statements", "range_count"):
            assert props.get(name) == data.get(name), name
            assert name not in props or isinstance(props[name], int)
    by_label = Counter(label for node in nodes for label in node["LABEL"])
    types = Counter(data["type"] for _, data in seed_graph.nodes(data=True))
    assert {label: by_label[label] for label in types} == types
    assert by_label["Entity"] + by_label["Fact"] == seed_graph.number_of_nodes()
    force = next(node for node in nodes if node["ID"] == SYP)
    assert force["LABEL"] == ["Organisation", "Entity"]
    assert "SYP" in force["props"]["alt_labels"]
    officers = next(node for node in nodes if node["props"]["label"] == "47 officers")
    assert officers["props"]["count"] == 47 and officers["LABEL"] == ["Group", "Entity"]


def test_export_neo4j_relationships_are_the_entity_graph(neo4j_files, seed_graph):
    _, nodes, relationships = neo4j_files
    ids = {node["ID"] for node in nodes}
    assert len(ids) == len(nodes)  # :ID values are unique
    assert len(relationships) == seed_graph.number_of_edges()
    for relationship in relationships:
        assert relationship["START_ID"] in ids and relationship["END_ID"] in ids
        assert re.fullmatch(r"[A-Z][A-Z0-9_]*", relationship["TYPE"])
    read = Counter((r["START_ID"], r["END_ID"], r["props"]["fact"]) for r in relationships)
    assert read == Counter((u, v, k) for u, v, k in seed_graph.edges(keys=True))
    order = [(r["START_ID"], r["END_ID"], r["props"]["fact"]) for r in relationships]
    assert order == sorted(order)
    for relationship in relationships:
        key = (relationship["START_ID"], relationship["END_ID"], relationship["props"]["fact"])
        data = seed_graph.edges[key]
        assert relationship["TYPE"] == data["kind"].upper().replace(" ", "_")
        for name in ("label", "evidence", "document", "sentence", "char_begin", "char_end"):
            assert relationship["props"][name] == data[name], name
        assert isinstance(relationship["props"]["char_begin"], int)
    kinds = Counter(r["TYPE"] for r in relationships)
    assert {"MEMBER_OF", "INVESTIGATED", "AGAINST", "APPLIES_TO"} <= set(kinds)
    assert kinds == Counter(
        d["kind"].upper().replace(" ", "_") for *_, d in seed_graph.edges(data=True)
    )
    iopc = next(
        n["ID"] for n in nodes if n["props"]["label"] == "Independent Office for Police Conduct"
    )
    assert any(
        r["START_ID"] == iopc and r["TYPE"] == "INVESTIGATED" and r["END_ID"] == SYP
        for r in relationships
    )


def test_export_neo4j_deterministic_and_special_characters(seed_graph, tmp_path):
    first = write_neo4j(seed_graph, tmp_path / "a")
    second = write_neo4j(entity_graph_copy(seed_graph), tmp_path / "b")
    for one, two in zip(first, second, strict=True):
        assert one.read_bytes() == two.read_bytes()
    graph = nx.MultiDiGraph()
    label = 'Smith & "Jones", café'
    graph.add_node("id:a", type="Organisation", label=label, alt_labels=["S&J", "x;y"], count=None)
    graph.add_node("id:b", type="Person", label="Ann\nLee", statements=2)
    graph.add_edge(
        "id:b", "id:a", key="id:f", kind="member of", label="director", evidence="a\r\nb"
    )
    nodes_path, relationships_path = write_neo4j(graph, tmp_path / "special")
    # One line per record: the files import without --multiline-fields.
    assert len(nodes_path.read_text(encoding="utf-8").splitlines()) == 3
    assert len(relationships_path.read_text(encoding="utf-8").splitlines()) == 2
    _, nodes = _neo4j_read(nodes_path)
    _, (relationship,) = _neo4j_read(relationships_path)
    a, b = nodes
    assert a["props"]["label"] == label  # quotes and commas survive
    assert a["props"]["alt_labels"] == ["S&J", "x,y"]  # an item's own ";" would split it
    assert "count" not in a["props"] and b["props"]["statements"] == 2
    assert b["props"]["label"] == "Ann Lee"
    assert relationship["TYPE"] == "MEMBER_OF" and relationship["props"]["fact"] == "id:f"
    assert relationship["props"]["evidence"] == "a  b"  # one space per character: same length
    assert relationship["props"]["label"] == "director"


def test_export_neo4j_errors(seed_store, tmp_path):
    result = CliRunner().invoke(
        app, ["export", "--format", "neo4j", "-o", "-", "--store", str(seed_store.path)]
    )
    assert result.exit_code == 1
    assert result.stderr == "error: The neo4j export writes two files: give a folder with -o DIR\n"
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(CasegraphError, match=r"^Cannot write the Neo4j CSV files into '.*file': "):
        export_store(seed_store, "neo4j", blocker)


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
