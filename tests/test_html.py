"""Tests of graph/html.py: the page's data, its self-containment, and the page in real Chromium.

The browser tests open the page from the seed store with headless Chromium (``/usr/bin/chromium``,
installed by ``make test``) and read back what the page wrote into the DOM (``--dump-dom``) or drew
(``--screenshot``). Without Chromium they fail, saying how to install it.
"""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest

from graph.draw import NODE_STYLES, entity_graph
from graph.errors import CasegraphError
from graph.html import EDGE_STYLES, _script_json, html_data, html_page, write_html
from graph.store import CaseStore

CHROMIUM = Path("/usr/bin/chromium")
ID = "https://w3id.org/casegraph/id/"
CG = "https://w3id.org/casegraph/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
NIF = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"
LOCKWOOD = f"{ID}person/michael-lockwood"
SYP = f"{ID}organisation/south-yorkshire-police"


# -- Chromium --------------------------------------------------------------------------------


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium with a throwaway profile; fail the test when it is not installed."""
    if not CHROMIUM.is_file():
        pytest.fail(
            f"{CHROMIUM} not found: the HTML view is tested in headless Chromium; install it with "
            "`make browser` (`make test` does this)"
        )
    profile = tmp_path / "chromium-profile"
    command = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--window-size=1400,900",
        *args,
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=180, cwd=tmp_path)
    assert result.returncode == 0, f"chromium failed ({result.returncode}): {result.stderr[-2000:]}"
    return result


def _url(page: Path, select: str | None = None) -> str:
    url = page.resolve().as_uri()
    return url if select is None else f"{url}?select={quote(select, safe='')}"


def _dump_dom(page: Path, tmp_path: Path, select: str | None = None, fact: bool = False) -> str:
    url = _url(page, select)
    return _chromium(
        tmp_path, "--dump-dom", url.replace("?select=", "?fact=") if fact else url
    ).stdout


def _body_attributes(dom: str) -> dict[str, str]:
    tag = re.search(r"<body([^>]*)>", dom)
    assert tag, dom[:500]
    return {name: html.unescape(value) for name, value in re.findall(r'([\w-]+)="([^"]*)"', tag[1])}


def _panel_text(dom: str) -> str:
    """The text of the side panel, tags stripped and entities decoded."""
    match = re.search(r'<div id="panel">(.*?)</aside>', dom, re.S)
    assert match, "no side panel in the DOM"
    return html.unescape(re.sub(r"<[^>]+>", " ", match[1]))


def _squash(text: str) -> str:
    return " ".join(text.split())


# -- fixtures --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_graph(seed_store):
    return entity_graph(seed_store)


@pytest.fixture(scope="module")
def seed_page(seed_store, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("html") / "graph.html"
    assert write_html(seed_store, path) == path
    return path


def _literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _hand_made_store(org_label: str, sentence: str) -> CaseStore:
    """An in-memory store: a person, member of an organisation, stated by one sentence."""
    doc = f"{ID}doc/h"
    org, person, fact = f"{ID}organisation/o", f"{ID}person/p", f"{ID}fact/h/membership-1"
    text = f"Intro. {sentence}"
    begin = len("Intro. ")
    anchor = f"{doc}#char={begin},{len(text)}"
    lines = [
        f"<{doc}> <{RDF_TYPE}> <{CG}Document> .",
        f"<{doc}> <{NIF}isString> {_literal(text)} .",
        f"<{org}> <{RDF_TYPE}> <{CG}Organisation> .",
        f"<{org}> <{LABEL}> {_literal(org_label)} .",
        f"<{person}> <{RDF_TYPE}> <{CG}Person> .",
        f"<{person}> <{LABEL}> {_literal('Pat Example')} .",
        f"<{anchor}> <{RDF_TYPE}> <{CG}Sentence> .",
        f"<{anchor}> <{NIF}anchorOf> {_literal(sentence)} .",
        f'<{anchor}> <{NIF}beginIndex> "{begin}"^^<http://www.w3.org/2001/XMLSchema#integer> .',
        f'<{anchor}> <{NIF}endIndex> "{len(text)}"^^<http://www.w3.org/2001/XMLSchema#integer> .',
        f"<{anchor}> <{NIF}referenceContext> <{doc}> .",
        f"<{fact}> <{RDF_TYPE}> <{CG}Membership> .",
        f"<{fact}> <{CG}member> <{person}> .",
        f"<{fact}> <{CG}organisation> <{org}> .",
        f"<{fact}> <{CG}role> {_literal('chair')} .",
        f"<{fact}> <http://www.w3.org/ns/prov#wasDerivedFrom> <{anchor}> .",
    ]
    store = CaseStore.open(None)
    store.replace_documents([(doc, ("\n".join(lines) + "\n").encode())])
    return store


# -- the data --------------------------------------------------------------------------------


def test_html_data_matches_entity_graph(seed_store, seed_graph):
    data = html_data(seed_store)
    assert [node["id"] for node in data["nodes"]] == sorted(seed_graph.nodes)
    assert len(data["edges"]) == seed_graph.number_of_edges() > 0
    for node in data["nodes"]:
        assert node["type"] in NODE_STYLES
        assert node["label"] == (seed_graph.nodes[node["id"]]["label"] or node["type"])
        assert {"x", "y"} == set(node["position"])
    positions = {(n["position"]["x"], n["position"]["y"]) for n in data["nodes"]}
    assert len(positions) == len(data["nodes"])  # no two entities on top of each other
    for edge in data["edges"]:
        assert edge["family"] in EDGE_STYLES
        assert seed_graph.has_edge(edge["source"], edge["target"], key=edge["fact"])
        # every edge's fact is listed under both its entities
        assert edge["fact"] in data["entityFacts"][edge["source"]]
        assert edge["fact"] in data["entityFacts"][edge["target"]]
    families = {edge["family"] for edge in data["edges"]}
    assert families == set(EDGE_STYLES)


def test_html_data_evidence_offsets_point_into_documents(seed_store):
    texts = {
        s["doc"].value: s["text"].value
        for s in seed_store.query(
            "SELECT ?doc ?text WHERE { ?doc a cg:Document ; nif:isString ?text }"
        )
    }
    facts = html_data(seed_store)["facts"]
    assert facts
    for fact in facts.values():
        assert fact["evidence"], fact
        for evidence in fact["evidence"]:
            document = texts[evidence["doc"]]
            assert document[evidence["begin"] : evidence["end"]] == evidence["text"]
            assert evidence["title"]


def test_html_data_lists_outcomes_without_edges(seed_store, seed_graph):
    """Outcomes nobody is said to have decided give no edge, but are facts of their entity."""
    data = html_data(seed_store)
    for node in data["nodes"]:
        listed = [data["facts"][fact] for fact in data["entityFacts"][node["id"]]]
        outcome_summaries = " ".join(f["summary"] for f in listed if f["class"] == "Outcome")
        for notation in seed_graph.nodes[node["id"]].get("outcomes", []):
            assert f"Outcome {notation}" in outcome_summaries


def test_html_page_is_self_contained(seed_page):
    page = seed_page.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    # Nothing is loaded from anywhere: no external src/href, no fetch, no CSS import or url().
    assert not re.search(r"""\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", page, re.I)
    assert not re.search(r"""\bfetch\s*\(\s*["'`]?\s*(?:https?:)?//""", page, re.I)
    assert not re.search(r"""@import|url\(\s*["']?\s*(?:https?:)?//""", page, re.I)
    assert not re.search(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=", page, re.I)
    # Four inline scripts (config, data, Cytoscape.js, the app), each closed once.
    assert len(re.findall(r"<script\b", page, re.I)) == 4
    assert len(re.findall(r"</script", page, re.I)) == 4
    assert "Content-Security-Policy" in page  # and the browser refuses anything else
    # IRIs inside the data are fine, and they are there.
    assert SYP in page


def test_script_json_escapes_markup():
    text = _script_json({"label": "</script><!-- & -->"})
    assert "<" not in text and ">" not in text and "&" not in text
    import json

    assert json.loads(text) == {"label": "</script><!-- & -->"}


def test_html_page_is_deterministic_across_processes(seed_store, tmp_path):
    """Same store, same bytes: exported twice by the CLI, with different hash seeds."""
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"graph-{seed}.html"
        result = subprocess.run(
            [
                sys.executable,
                "-c",
                "from graph.cli import main; main()",
                "export",
                "--format",
                "html",
                "-o",
                str(out),
                "--store",
                str(seed_store.path),
            ],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            timeout=300,
        )
        assert result.returncode == 0, result.stderr
        assert f"Wrote {out} (html," in " ".join(result.stderr.split())
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    assert outputs[0] == html_page(seed_store).encode("utf-8")


def test_write_html_missing_folder(seed_store, tmp_path):
    with pytest.raises(CasegraphError, match="missing"):
        write_html(seed_store, tmp_path / "missing" / "graph.html")


# -- in the browser --------------------------------------------------------------------------


def test_browser_renders_every_entity(seed_page, seed_graph, tmp_path):
    dom = _dump_dom(seed_page, tmp_path)
    body = _body_attributes(dom)
    assert int(body["data-rendered"]) == seed_graph.number_of_nodes() > 0
    assert int(body["data-edges"]) == seed_graph.number_of_edges()
    # The legend lists every entity type and edge family.
    for kind in NODE_STYLES:
        assert f'data-type="{kind}"' in dom
    for family in EDGE_STYLES:
        assert f'data-family="{family}"' in dom


def test_browser_select_shows_facts_and_sentences(seed_page, seed_store, seed_graph, tmp_path):
    dom = _dump_dom(seed_page, tmp_path, select=LOCKWOOD)
    assert _body_attributes(dom)["data-selected"] == LOCKWOOD
    panel = _squash(_panel_text(dom))
    assert "Michael Lockwood" in panel
    facts = html_data(seed_store)["facts"]
    (membership,) = [
        key
        for key in seed_graph.out_edges(LOCKWOOD, keys=True)
        if seed_graph.edges[key]["kind"] == "member of"
    ]
    sentence = seed_graph.edges[membership]["evidence"]
    assert sentence and _squash(sentence) in panel
    assert "Independent Office for Police Conduct" in panel
    (evidence,) = facts[membership[2]]["evidence"]
    assert f"Document {evidence['doc']}" in panel
    assert f"characters {evidence['begin']}\u2013{evidence['end']}" in panel


def test_browser_select_fact_node(seed_page, seed_store, seed_graph, tmp_path):
    """Allegations and outcomes are nodes too: selecting one shows the fact and its sentence."""
    data = html_data(seed_store)
    fact_nodes = [node["id"] for node in data["nodes"] if node["id"] in data["facts"]]
    assert fact_nodes, "the seed graph has allegation or outcome nodes"
    outcome = next(n for n in fact_nodes if data["facts"][n]["class"] == "Outcome")
    dom = _dump_dom(seed_page, tmp_path, select=outcome)
    panel = _squash(_panel_text(dom))
    assert data["entityFacts"][outcome][0] == outcome
    summary = data["facts"][outcome]["summary"]
    assert summary in panel
    for evidence in data["facts"][outcome]["evidence"]:
        assert _squash(evidence["text"]) in panel


def test_browser_click_on_edge_shows_its_fact(seed_page, seed_store, seed_graph, tmp_path):
    """``?fact=`` runs what a click on an edge runs: the panel shows that one fact."""
    source, target, fact = next(
        key
        for key in seed_graph.edges(keys=True)
        if seed_graph.edges[key]["kind"] == "investigated"
    )
    dom = _dump_dom(seed_page, tmp_path, select=fact, fact=True)
    assert _body_attributes(dom)["data-selected"] == fact
    panel = _squash(_panel_text(dom))
    summary = html_data(seed_store)["facts"][fact]["summary"]
    assert summary.startswith(seed_graph.nodes[source]["label"] + " investigated")
    assert summary in panel
    assert _squash(seed_graph.edges[source, target, fact]["evidence"]) in panel
    assert panel.count("Investigation") == 1  # that fact only


def test_browser_select_unknown_entity(seed_page, tmp_path):
    dom = _dump_dom(seed_page, tmp_path, select=f"{ID}person/nobody")
    assert "No entity" in _panel_text(dom)
    assert _body_attributes(dom)["data-selected"] == ""


def _colour_counts(shot: Path) -> tuple[float, dict[str, int]]:
    """The grey-level standard deviation of a screenshot and its pixel count per type colour."""
    from PIL import Image, ImageStat

    with Image.open(shot) as image:
        rgb = image.convert("RGB")
    assert rgb.size == (1400, 900)
    wanted = {
        tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5)): kind
        for kind, (colour, _) in NODE_STYLES.items()
    }
    counts = dict.fromkeys(NODE_STYLES, 0)
    for count, pixel in rgb.getcolors(maxcolors=1 << 21):
        if pixel in wanted:
            counts[wanted[pixel]] += count
    return ImageStat.Stat(rgb.convert("L")).stddev[0], counts


def test_browser_screenshot_shows_the_graph(seed_page, seed_graph, tmp_path):
    shot = tmp_path / "seed.png"
    _chromium(tmp_path, f"--screenshot={shot}", _url(seed_page))
    spread, counts = _colour_counts(shot)
    assert spread > 10  # not a blank page
    # The same page without entities shows only the legend's icons in these colours; the seed
    # page has a filled shape per entity on the canvas on top of that.
    with CaseStore.open(None) as store:
        empty_page = write_html(store, tmp_path / "empty.html")
    empty_shot = tmp_path / "empty.png"
    _chromium(tmp_path, f"--screenshot={empty_shot}", _url(empty_page))
    _, legend_only = _colour_counts(empty_shot)
    present = {kind for _, kind in seed_graph.nodes(data="type")}
    assert {"Organisation", "Person", "Group", "Place"} <= present
    for kind in present:
        nodes = sum(1 for _, t in seed_graph.nodes(data="type") if t == kind)
        assert counts[kind] - legend_only[kind] > 40 * nodes, (kind, counts, legend_only)


def test_browser_label_cannot_break_out_of_the_script(tmp_path):
    label = '</script><script>document.body.dataset.pwned = "1"</script><!-- & Co'
    sentence = "The board of </script> & Co met."
    with _hand_made_store(label, sentence) as store:
        page = write_html(store, tmp_path / "graph.html")
    text = page.read_text(encoding="utf-8")
    assert len(re.findall(r"</script", text, re.I)) == 4
    dom = _dump_dom(page, tmp_path, select=f"{ID}person/p")
    body = _body_attributes(dom)
    assert "data-pwned" not in body
    assert body["data-rendered"] == "2"
    assert body["data-edges"] == "1"
    panel = _panel_text(dom)
    assert label in panel  # shown as text, in the fact's summary
    assert sentence in panel


def test_browser_empty_store(tmp_path):
    with CaseStore.open(None) as store:
        page = write_html(store, tmp_path / "empty.html")
    dom = _dump_dom(page, tmp_path)
    assert _body_attributes(dom)["data-rendered"] == "0"
    assert re.search(r'<div id="empty">No entities in this store.</div>', dom)
