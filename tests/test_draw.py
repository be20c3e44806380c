"""Tests of graph/draw.py: what the pictures contain, on a small store written by hand and on the
seed store."""

from __future__ import annotations

import re
import zlib
from xml.etree import ElementTree

import matplotlib

matplotlib.use("Agg")

import networkx as nx
import pytest
from typer.testing import CliRunner

from graph.analysis import ego_graph, funnel
from graph.cli import app
from graph.draw import (
    NODE_STYLES,
    draw_funnel,
    draw_funnel_store,
    draw_graph,
    draw_store,
    entity_graph,
    figure_size,
)
from graph.errors import CasegraphError
from graph.store import CaseStore

CG = "https://w3id.org/casegraph/ontology#"
CGO = "https://w3id.org/casegraph/outcomes#"
ID = "https://w3id.org/casegraph/id/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
PROV = "http://www.w3.org/ns/prov#wasDerivedFrom"
NIF = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"
SVG = "{http://www.w3.org/2000/svg}"

DOC = f"{ID}doc/t"
IOPC = f"{ID}organisation/iopc"
SYP = f"{ID}organisation/south-yorkshire-police"
SMITH = f"{ID}person/jane-smith"
OFFICERS = f"{ID}group/t/officers"
PLACE = f"{ID}place/rotherham"
OUTCOME = f"{ID}fact/t/out-1"

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
    membership, investigation = (f"{ID}fact/t/{k}-1" for k in ("membership", "inv"))
    add(membership, RDF_TYPE, f"<{CG}Membership>")
    add(membership, f"{CG}member", f"<{SMITH}>")
    add(membership, f"{CG}organisation", f"<{SYP}>")
    add(membership, f"{CG}role", literal("chief inspector"))
    add(membership, PROV, f"<{sentence['s1']}>")
    add(investigation, RDF_TYPE, f"<{CG}Investigation>")
    add(investigation, f"{CG}investigator", f"<{IOPC}>")
    add(investigation, f"{CG}subject", f"<{SYP}>")
    add(investigation, PROV, f"<{sentence['s2']}>")
    add(OUTCOME, RDF_TYPE, f"<{CG}Outcome>")
    add(OUTCOME, f"{CG}outcomeType", f"<{CGO}dismissal>")
    add(OUTCOME, f"{CG}appliesTo", f"<{OFFICERS}>")
    add(OUTCOME, f"{CG}decidedBy", f"<{IOPC}>")
    add(OUTCOME, PROV, f"<{sentence['s3']}>")
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


def _drawn(ax) -> dict[str, int]:
    """Number of node markers drawn per node type (one collection per type)."""
    return {
        collection.get_gid().removeprefix("nodes:"): len(collection.get_offsets())
        for collection in ax.collections
        if str(collection.get_gid()).startswith("nodes:")
    }


def _texts(ax, prefix: str) -> dict[str, str]:
    return {
        str(t.get_gid()).removeprefix(prefix): t.get_text()
        for t in ax.texts
        if str(t.get_gid()).startswith(prefix)
    }


def _svg_texts(svg: str) -> str:
    """All the text of an SVG's <text> elements, one line each."""
    root = ElementTree.fromstring(svg)
    return "\n".join("".join(element.itertext()) for element in root.iter(f"{SVG}text"))


def _unescape(raw: bytes) -> bytes:
    """The bytes of a PDF literal string body (``\\(``, ``\\)``, ``\\\\``, octal escapes)."""
    named = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}

    def one(match: re.Match) -> bytes:
        escaped = match[1]
        if escaped[:1].isdigit():
            return bytes([int(escaped, 8)])
        return named.get(escaped, escaped)

    return re.sub(rb"\\([0-7]{1,3}|.)", one, raw, flags=re.S)


def _cmap(text: bytes) -> dict[int, str]:
    """Character code -> text, from a ToUnicode CMap (bfrange and bfchar entries)."""
    mapping: dict[int, str] = {}

    def utf16(hexes: bytes) -> str:
        return bytes.fromhex(hexes.decode()).decode("utf-16-be")

    for block in re.findall(rb"beginbfrange(.*?)endbfrange", text, re.S):
        for first, last, targets in re.findall(rb"<(\w+)> <(\w+)> (\[.*?\]|<\w+>)", block):
            start, stop = int(first, 16), int(last, 16)
            if targets.startswith(b"["):
                for code, target in enumerate(re.findall(rb"<(\w+)>", targets), start=start):
                    mapping[code] = utf16(target)
            else:
                base = utf16(targets[1:-1])
                for offset in range(stop - start + 1):
                    mapping[start + offset] = base[:-1] + chr(ord(base[-1]) + offset)
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", text, re.S):
        for code, target in re.findall(rb"<(\w+)> <(\w+)>", block):
            mapping[int(code, 16)] = utf16(target)
    return mapping


def _pdf_texts(data: bytes) -> str:
    """The text a PDF shows, read as a PDF reader does: through each font's ToUnicode CMap.

    Enough of PDF for matplotlib's output with Type 42 fonts: two-byte codes in TJ arrays, the
    font chosen by Tf, one line of text per BT ... ET block.
    """
    objects = {int(m[1]): m[2] for m in re.finditer(rb"(\d+) 0 obj\n(.*?)endobj", data, re.S)}

    def stream(body: bytes) -> bytes:
        found = re.search(rb"stream\r?\n(.*?)\r?\nendstream", body, re.S)
        if found is None:
            return b""
        return zlib.decompress(found[1]) if b"/FlateDecode" in body else found[1]

    fonts: dict[bytes, dict[int, str]] = {}
    for body in objects.values():
        for name, ref in re.findall(rb"/([\w.+-]+) (\d+) 0 R", body.split(b"stream")[0]):
            font = objects.get(int(ref), b"")
            to_unicode = re.search(rb"/ToUnicode (\d+) 0 R", font)
            if b"/Type /Font" in font and to_unicode:
                fonts[name] = _cmap(stream(objects[int(to_unicode[1])]))
    lines = []
    for body in objects.values():
        content = stream(body)
        if b" Tf" not in content:
            continue
        for block in re.findall(rb"BT(.*?)ET", content, re.S):
            font: dict[int, str] = {}
            line = []
            for name, array in re.findall(rb"/([\w.+-]+) [\d.]+ Tf|\[(.*?)\]\s*TJ", block, re.S):
                if name:
                    font = fonts.get(name, {})
                    continue
                for string in re.findall(rb"\(((?:\\.|[^\\)])*)\)", array, re.S):
                    raw = _unescape(string)
                    codes = [int.from_bytes(raw[i : i + 2], "big") for i in range(0, len(raw), 2)]
                    line.append("".join(font.get(code, "\ufffd") for code in codes))
            lines.append("".join(line))
    return "\n".join(lines)


# -- the entity graph -----------------------------------------------------------------------------


def test_draw_entity_graph_nodes(store):
    graph = entity_graph(store)
    assert sorted(graph.nodes) == sorted([IOPC, SYP, SMITH, OFFICERS, PLACE, OUTCOME])
    assert graph.nodes[SMITH]["label"] == "Jane Smith"
    assert graph.nodes[SMITH]["type"] == "Person"
    assert graph.nodes[OFFICERS]["type"] == "Group"
    assert graph.nodes[PLACE]["type"] == "Place"
    assert graph.nodes[OUTCOME]["type"] == "Outcome"
    assert graph.nodes[OUTCOME]["label"] == "Dismissal"
    assert graph.nodes[OFFICERS]["outcomes"] == ["dismissal"]
    assert graph.nodes[SYP]["outcomes"] == []


def test_draw_entity_graph_edges(store):
    graph = entity_graph(store)
    edges = {(u, v): data for u, v, data in graph.edges(data=True)}
    assert set(edges) == {(SMITH, SYP), (IOPC, SYP), (IOPC, OUTCOME), (OUTCOME, OFFICERS)}
    assert edges[(SMITH, SYP)]["kind"] == "member of"
    assert edges[(SMITH, SYP)]["label"] == "chief inspector"
    assert edges[(SMITH, SYP)]["evidence"] == SENTENCES["s1"]
    assert edges[(IOPC, SYP)]["kind"] == "investigated"
    assert edges[(IOPC, SYP)]["evidence"] == SENTENCES["s2"]
    assert edges[(IOPC, OUTCOME)]["kind"] == "decided"
    assert edges[(OUTCOME, OFFICERS)]["kind"] == "applies to"
    assert edges[(OUTCOME, OFFICERS)]["evidence"] == SENTENCES["s3"]


# -- draw_graph -----------------------------------------------------------------------------------


def test_draw_graph_nodes_legend_and_labels(store):
    graph = entity_graph(store)
    ax = draw_graph(graph, title="test")
    # The unlinked place is left out; every other node is one marker of its type.
    assert _drawn(ax) == {"Organisation": 2, "Person": 1, "Group": 1, "Outcome": 1}
    legend = ax.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == [
        "Organisation",
        "Person",
        "Group",
        "Outcome",
    ]
    nodes = _texts(ax, "node:")
    assert sorted(nodes) == sorted([IOPC, SYP, SMITH, OFFICERS, OUTCOME])
    assert nodes[SMITH] == "Jane Smith"
    assert nodes[OUTCOME] == "Dismissal"
    assert nodes[OFFICERS] == "three officers"  # the outcome is a node: not repeated here
    # "applies to" is said by the outcome's shape; the other edges are labelled.
    assert set(_texts(ax, "edge:").values()) == {"chief inspector", "investigated", "decided"}
    assert tuple(ax.figure.get_size_inches()) == figure_size(5)
    assert ax.get_title() == "test"


def test_draw_graph_without_fact_nodes_lists_outcomes(store):
    ax = draw_graph(entity_graph(store, facts=False))
    assert _drawn(ax) == {"Organisation": 2, "Person": 1, "Group": 1}
    assert _texts(ax, "node:")[OFFICERS] == "three officers\n[dismissal]"
    assert set(_texts(ax, "edge:").values()) == {"chief inspector", "investigated", "dismissal"}


def test_draw_graph_deterministic(store):
    def positions():
        ax = draw_graph(entity_graph(store))
        labels = [t for t in ax.texts if str(t.get_gid()).startswith("node:")]
        return sorted((t.get_gid(), tuple(t.xy)) for t in labels)

    assert positions() == positions()


def test_draw_graph_empty():
    ax = draw_graph(nx.MultiDiGraph())
    assert any("No entities" in t.get_text() for t in ax.texts)
    assert _drawn(ax) == {}


def test_draw_node_styles_distinct():
    colours = [colour for colour, _ in NODE_STYLES.values()]
    markers = [marker for _, marker in NODE_STYLES.values()]
    assert len(set(colours)) == len(set(markers)) == len(NODE_STYLES) == 6


def test_draw_figure_size_grows_with_nodes_and_is_capped():
    sides = [figure_size(n)[0] for n in (1, 10, 50, 100, 200, 400, 5000)]
    assert sides == sorted(sides)
    assert sides[0] == 7.0 and sides[-1] == 36.0
    assert figure_size(100)[0] > 20  # 100 nodes get about 4.6 square inches each


def test_draw_graph_a_few_hundred_nodes():
    tree = nx.random_labeled_tree(180, seed=3)
    graph = nx.MultiDiGraph()
    for node in sorted(tree):
        kind = ("Organisation", "Person", "Group", "Outcome")[node % 4]
        graph.add_node(f"n{node:03d}", type=kind, label=f"Entity number {node}")
    for u, v in sorted(tree.edges()):
        graph.add_edge(f"n{u:03d}", f"n{v:03d}", key=f"f{u}-{v}", kind="member of", label="x")
    ax = draw_graph(graph)
    assert sum(_drawn(ax).values()) == 180
    assert tuple(ax.figure.get_size_inches()) == figure_size(180)
    assert all(t.get_fontsize() == 9 for t in ax.texts if str(t.get_gid()).startswith("node:"))
    # Every node is inside the axes, so every label is on the canvas.
    xs, ys = zip(*(t.xy for t in ax.texts if str(t.get_gid()).startswith("node:")), strict=True)
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    assert x0 < min(xs) and max(xs) < x1 and y0 < min(ys) and max(ys) < y1


# -- files ----------------------------------------------------------------------------------------


def test_draw_store_png(store, tmp_path):
    from PIL import Image

    path = draw_store(store, tmp_path / "graph.png")
    assert path == tmp_path / "graph.png"
    with Image.open(path) as image:
        assert image.format == "PNG"
        side = round(figure_size(5)[0] * 120)
        assert image.size == (side, side)
        assert len(image.convert("RGB").getcolors(1_000_000)) > 50  # not a blank canvas


def test_draw_store_svg_has_text(store, tmp_path):
    texts = _svg_texts(draw_store(store, tmp_path / "graph.svg").read_text())
    for label in ("Jane Smith", "three officers", "chief inspector", "Dismissal", "Organisation"):
        assert label in texts
    assert "South Yorkshire" in texts


def test_draw_store_pdf_has_text(store, tmp_path):
    data = draw_store(store, tmp_path / "graph.pdf").read_bytes()
    assert data.startswith(b"%PDF")
    assert b"/FontFile2" in data and b"DejaVuSans" in data  # embedded TrueType (Type 42)
    assert b"/Type3" not in data
    texts = _pdf_texts(data)
    for label in ("Jane Smith", "three officers", "chief inspector", "Dismissal"):
        assert label in texts


def test_draw_store_same_file_twice(store, tmp_path):
    first = draw_store(store, tmp_path / "a.svg").read_bytes()
    assert draw_store(store, tmp_path / "b.svg").read_bytes() == first
    first = draw_store(store, tmp_path / "a.pdf").read_bytes()
    assert draw_store(store, tmp_path / "b.pdf").read_bytes() == first


@pytest.mark.parametrize("name", ["graph.gif", "graph", "graph.jpeg"])
def test_draw_store_bad_suffix(store, tmp_path, name):
    with pytest.raises(CasegraphError, match=name.replace(".", r"\.")):
        draw_store(store, tmp_path / name)
    assert not (tmp_path / name).exists()


def test_draw_store_missing_folder(store, tmp_path):
    with pytest.raises(CasegraphError, match="missing"):
        draw_store(store, tmp_path / "missing" / "graph.png")


# -- focus ----------------------------------------------------------------------------------------


def test_draw_focus_depth(store, tmp_path):
    graph = entity_graph(store)
    one = ego_graph(graph, "jane smith", 1)
    assert set(one) == {SMITH, SYP}
    ax = draw_graph(one)
    assert _drawn(ax) == {"Organisation": 1, "Person": 1}
    person = next(c for c in ax.collections if c.get_gid() == "nodes:Person")
    organisation = next(c for c in ax.collections if c.get_gid() == "nodes:Organisation")
    assert person.get_sizes()[0] == 2 * organisation.get_sizes()[0]  # the centre stands out
    assert set(ego_graph(graph, "Jane Smith", 2)) == {SMITH, SYP, IOPC}
    texts = _svg_texts(draw_store(store, tmp_path / "f.svg", focus="JANE SMITH").read_text())
    assert "Jane Smith and everything within 1 step" in texts
    assert "South Yorkshire" in texts and "three officers" not in texts
    texts = _svg_texts(draw_store(store, tmp_path / "g.svg", focus=SMITH, depth=4).read_text())
    assert "three officers" in texts and "within 4 steps" in texts


def test_draw_focus_unknown_entity(store, tmp_path):
    with pytest.raises(CasegraphError, match="No entity named 'Nobody'"):
        draw_store(store, tmp_path / "f.png", focus="Nobody")
    assert not (tmp_path / "f.png").exists()


# -- the funnel chart -----------------------------------------------------------------------------


def test_draw_funnel_seed_bars_and_labels(seed_store):
    result = funnel(seed_store, "South Yorkshire Police")
    ax = draw_funnel(result)
    bars = ax.containers[0]
    assert len(bars) == 6
    assert [bar.get_width() for bar in bars] == [265, 47, 14, 0, 5, 0]
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "Allegations",
        "People investigated",
        "Cases to answer",
        "Proven",
        "Sanctions",
        "Dismissals",
    ]
    counts = _texts(ax, "count:")
    assert counts["allegations"] == "265 (made by 51 complainants)"
    assert counts["investigated"] == "47"
    assert counts["case-to-answer"] == "14 (6 gross misconduct, 8 misconduct)"
    assert counts["proven"] == "0 of 1 (1 not proven)"
    assert counts["sanctions"] == "5 (management action to final written warning)"
    assert counts["dismissals"] == "0"
    assert ax.get_title() == "Accountability funnel: South Yorkshire Police"
    assert ax.yaxis_inverted()  # allegations on top


def test_draw_funnel_store_files(seed_store, tmp_path):
    from PIL import Image

    png = draw_funnel_store(seed_store, "SYP", tmp_path / "funnel.png")
    with Image.open(png) as image:
        assert image.size == (9 * 120, round(4.5 * 120))
    texts = _svg_texts(draw_funnel_store(seed_store, "SYP", tmp_path / "funnel.svg").read_text())
    for text in ("Accountability funnel: South Yorkshire Police", "265", "0 of 1", "Dismissals"):
        assert text in texts


def test_draw_seed_graph(seed_store):
    graph = entity_graph(seed_store)
    ax = draw_graph(graph)
    expected = [
        node
        for node, data in graph.nodes(data=True)
        if data["type"] in ("Organisation", "Person", "Allegation", "Outcome")
        or graph.degree(node) > 0
    ]
    assert sum(_drawn(ax).values()) == len(expected)
    assert "South Yorkshire Police" in _texts(ax, "node:")[
        "https://w3id.org/casegraph/id/organisation/south-yorkshire-police"
    ].replace("\n", " ")


# -- CLI ------------------------------------------------------------------------------------------


def test_draw_cli_focus_and_funnel(seed_store, tmp_path):
    runner = CliRunner()
    store = str(seed_store.path)
    result = runner.invoke(
        app,
        ["draw", "--focus", "SYP", "--depth", "2", "-o", str(tmp_path / "f.svg"), "--store", store],
    )
    assert result.exit_code == 0, result.output
    assert "South Yorkshire Police and everything within 2 steps" in _svg_texts(
        (tmp_path / "f.svg").read_text()
    )
    result = runner.invoke(
        app,
        [
            "draw",
            "--funnel",
            "South Yorkshire Police",
            "-o",
            str(tmp_path / "funnel.pdf"),
            "--store",
            store,
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Accountability funnel" in _pdf_texts((tmp_path / "funnel.pdf").read_bytes())
    both = runner.invoke(
        app,
        [
            "draw",
            "--focus",
            "SYP",
            "--funnel",
            "SYP",
            "-o",
            str(tmp_path / "x.png"),
            "--store",
            store,
        ],
    )
    assert both.exit_code == 2
    unknown = runner.invoke(
        app, ["draw", "--funnel", "Nobody", "-o", str(tmp_path / "x.png"), "--store", store]
    )
    assert unknown.exit_code == 1
    assert unknown.stderr.strip() == "error: No organisation named 'Nobody' in the graph"
    assert "Example:" in runner.invoke(app, ["draw", "--help"]).stdout
