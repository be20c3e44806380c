"""Tests of graph/draw.py on a small store written by hand (no spaCy model needed)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest

from graph.draw import NODE_STYLES, draw_graph, draw_store, entity_graph
from graph.errors import CasegraphError
from graph.store import CaseStore

CG = "https://w3id.org/casegraph/ontology#"
CGO = "https://w3id.org/casegraph/outcomes#"
ID = "https://w3id.org/casegraph/id/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
PROV = "http://www.w3.org/ns/prov#wasDerivedFrom"
NIF = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"
NOTATION = "http://www.w3.org/2004/02/skos/core#notation"

DOC = f"{ID}doc/t"
IOPC = f"{ID}organisation/iopc"
SYP = f"{ID}organisation/south-yorkshire-police"
SMITH = f"{ID}person/jane-smith"
OFFICERS = f"{ID}group/t/officers"
PLACE = f"{ID}place/rotherham"

SENTENCES = {
    "s1": "Jane Smith, a chief inspector at South Yorkshire Police, was questioned.",
    "s2": "The IOPC investigated South Yorkshire Police.",
    "s3": "The IOPC dismissed the officers.",
}


def _triples() -> str:
    lines = []

    def add(s: str, p: str, o: str) -> None:
        lines.append(f"<{s}> <{p}> {o} .")

    def literal(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    add(DOC, RDF_TYPE, f"<{CG}Document>")
    for iri, kind, label in [
        (IOPC, "Organisation", "Independent Office for Police Conduct"),
        (SYP, "Organisation", "South Yorkshire Police"),
        (SMITH, "Person", "Jane Smith"),
        (OFFICERS, "Group", "three officers"),
        (PLACE, "Place", "Rotherham"),
    ]:
        add(iri, RDF_TYPE, f"<{CG}{kind}>")
        add(iri, LABEL, literal(label))
    offset = 0
    sentence = {}
    for key, text in SENTENCES.items():
        iri = f"{DOC}#char={offset},{offset + len(text)}"
        sentence[key] = iri
        add(iri, RDF_TYPE, f"<{CG}Sentence>")
        add(iri, f"{NIF}anchorOf", literal(text))
        add(iri, f"{NIF}referenceContext", f"<{DOC}>")
        offset += len(text) + 1
    membership, investigation, outcome = (f"{ID}fact/t/{k}-1" for k in ("membership", "inv", "out"))
    add(membership, RDF_TYPE, f"<{CG}Membership>")
    add(membership, f"{CG}member", f"<{SMITH}>")
    add(membership, f"{CG}organisation", f"<{SYP}>")
    add(membership, f"{CG}role", literal("chief inspector"))
    add(membership, PROV, f"<{sentence['s1']}>")
    add(investigation, RDF_TYPE, f"<{CG}Investigation>")
    add(investigation, f"{CG}investigator", f"<{IOPC}>")
    add(investigation, f"{CG}subject", f"<{SYP}>")
    add(investigation, PROV, f"<{sentence['s2']}>")
    add(outcome, RDF_TYPE, f"<{CG}Outcome>")
    add(outcome, f"{CG}outcomeType", f"<{CGO}dismissal>")
    add(f"{CGO}dismissal", NOTATION, literal("dismissal"))
    add(outcome, f"{CG}appliesTo", f"<{OFFICERS}>")
    add(outcome, f"{CG}decidedBy", f"<{IOPC}>")
    add(outcome, PROV, f"<{sentence['s3']}>")
    return "\n".join(lines) + "\n"


@pytest.fixture
def store():
    with CaseStore.open(None) as case_store:
        case_store.replace_documents([(DOC, _triples().encode())])
        yield case_store


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def test_draw_entity_graph_nodes(store):
    graph = entity_graph(store)
    assert sorted(graph.nodes) == sorted([IOPC, SYP, SMITH, OFFICERS, PLACE])
    assert graph.nodes[SMITH]["label"] == "Jane Smith"
    assert graph.nodes[SMITH]["type"] == "Person"
    assert graph.nodes[OFFICERS]["type"] == "Group"
    assert graph.nodes[PLACE]["type"] == "Place"
    assert graph.nodes[OFFICERS]["outcomes"] == ["dismissal"]
    assert graph.nodes[SYP]["outcomes"] == []


def test_draw_entity_graph_edges(store):
    graph = entity_graph(store)
    edges = {(u, v): data for u, v, data in graph.edges(data=True)}
    assert set(edges) == {(SMITH, SYP), (IOPC, SYP), (IOPC, OFFICERS)}
    assert edges[(SMITH, SYP)]["kind"] == "member of"
    assert edges[(SMITH, SYP)]["label"] == "chief inspector"
    assert edges[(SMITH, SYP)]["evidence"] == SENTENCES["s1"]
    assert edges[(IOPC, SYP)]["kind"] == "investigated"
    assert edges[(IOPC, SYP)]["evidence"] == SENTENCES["s2"]
    assert edges[(IOPC, OFFICERS)]["kind"] == "dismissal"
    assert edges[(IOPC, OFFICERS)]["evidence"] == SENTENCES["s3"]


def test_draw_graph_legend_and_labels(store):
    graph = entity_graph(store)
    ax = draw_graph(graph, title="test")
    legend = ax.get_legend()
    assert legend is not None
    # The unlinked place is dropped from the drawing; the other types are in the legend.
    assert [text.get_text() for text in legend.get_texts()] == ["Organisation", "Person", "Group"]
    node_labels = [t for t in ax.texts if str(t.get_gid()).startswith("node:")]
    assert len(node_labels) == graph.number_of_nodes() - 1
    assert sorted(t.get_gid() for t in node_labels) == sorted(
        f"node:{iri}" for iri in (IOPC, SYP, SMITH, OFFICERS)
    )
    shown = " ".join(t.get_text().replace("\n", " ") for t in node_labels)
    assert "South Yorkshire Police" in shown
    assert "[dismissal]" in shown
    edge_labels = {t.get_text() for t in ax.texts if str(t.get_gid()).startswith("edge:")}
    assert edge_labels == {"chief inspector", "investigated", "dismissal"}


def test_draw_store_png(store, tmp_path):
    from PIL import Image

    path = draw_store(store, tmp_path / "graph.png")
    assert path == tmp_path / "graph.png"
    assert path.stat().st_size > 10_000
    with Image.open(path) as image:
        assert image.format == "PNG"
        assert min(image.size) >= 600


def test_draw_store_svg_has_text(store, tmp_path):
    svg = draw_store(store, tmp_path / "graph.svg").read_text()
    assert "<text" in svg
    for label in ("Jane Smith", "three officers", "chief inspector"):
        assert label in svg


def test_draw_store_pdf(store, tmp_path):
    assert draw_store(store, tmp_path / "graph.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize("name", ["graph.gif", "graph", "graph.jpeg"])
def test_draw_store_bad_suffix(store, tmp_path, name):
    with pytest.raises(CasegraphError, match=name.replace(".", r"\.")):
        draw_store(store, tmp_path / name)
    assert not (tmp_path / name).exists()


def test_draw_store_missing_folder(store, tmp_path):
    with pytest.raises(CasegraphError, match="missing"):
        draw_store(store, tmp_path / "missing" / "graph.png")


def test_draw_graph_deterministic(store):
    def positions():
        ax = draw_graph(entity_graph(store))
        labels = [t for t in ax.texts if str(t.get_gid()).startswith("node:")]
        return sorted((t.get_gid(), tuple(t.xy)) for t in labels)

    assert positions() == positions()


def test_draw_graph_empty():
    import networkx as nx

    ax = draw_graph(nx.MultiDiGraph())
    assert any("No entities" in t.get_text() for t in ax.texts)


def test_draw_node_styles_distinct():
    colours = [colour for colour, _ in NODE_STYLES.values()]
    markers = [marker for _, marker in NODE_STYLES.values()]
    assert len(set(colours)) == len(set(markers)) == len(NODE_STYLES) == 4
