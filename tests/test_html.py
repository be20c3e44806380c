"""Tests of graph/html.py: the page's data, its self-containment, and the page in real Chromium.

The browser tests open the page from the seed store with headless Chromium (``/usr/bin/chromium``,
installed by ``make test``) and read back what the page wrote into the DOM (``--dump-dom``) or drew
(``--screenshot``). The page is driven by its URL parameters (``?select=``, ``?search=``,
``?hide=``, ``?hide-doc=``), which it applies on load as a click, typing or a check box would.
Without Chromium they fail, saying how to install it.
"""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from conftest import run_chromium

import graph.html
from graph.draw import NODE_STYLES, entity_graph
from graph.errors import CasegraphError
from graph.html import (
    CONTEXT_CHARS,
    EDGE_STYLES,
    HIGHLIGHT,
    MIN_LABEL_PIXELS,
    _script_json,
    html_data,
    html_page,
    write_html,
)
from graph.store import CaseStore

ID = "https://w3id.org/casegraph/id/"
CG = "https://w3id.org/casegraph/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
NIF = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"
LOCKWOOD = f"{ID}person/michael-lockwood"
SYP = f"{ID}organisation/south-yorkshire-police"


# -- Chromium (run_chromium, in conftest.py) --------------------------------------------------


def _url(page: Path, select: str | None = None, **params: str | list[str]) -> str:
    """The page's file URL with query parameters (``hide_doc`` is ``hide-doc``)."""
    url = page.resolve().as_uri()
    pairs = {} if select is None else {"select": select}
    pairs.update({name.replace("_", "-"): value for name, value in params.items()})
    return f"{url}?{urlencode(pairs, doseq=True, quote_via=quote)}" if pairs else url


def _dump_dom(page: Path, tmp_path: Path, select: str | None = None, fact: bool = False) -> str:
    url = _url(page, select)
    return run_chromium(
        tmp_path, "--dump-dom", url.replace("?select=", "?fact=") if fact else url
    ).stdout


def _open(page: Path, tmp_path: Path, select: str | None = None, **params: str | list[str]) -> str:
    """The DOM of the page opened with these URL parameters, once its script has run."""
    return run_chromium(tmp_path, "--dump-dom", _url(page, select, **params)).stdout


def _screenshot(page: Path, tmp_path: Path, name: str, select: str | None = None, **params) -> Path:
    shot = tmp_path / f"{name}.png"
    run_chromium(tmp_path, f"--screenshot={shot}", _url(page, select, **params))
    return shot


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
def seed_data(seed_store):
    return html_data(seed_store)


@pytest.fixture(scope="module")
def seed_texts(seed_store) -> dict[str, str]:
    """Document IRI -> its text, as the store holds it."""
    return {
        s["doc"].value: s["text"].value
        for s in seed_store.query(
            "SELECT ?doc ?text WHERE { ?doc a cg:Document ; nif:isString ?text }"
        )
    }


@pytest.fixture(scope="module")
def seed_page(seed_store, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("html") / "graph.html"
    assert write_html(seed_store, path) == path
    return path


def _literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


HAND_FACT = f"{ID}fact/h/membership-1"


def _hand_made_store(
    org_label: str,
    sentence: str,
    *,
    before: str = "Intro. ",
    after: str = "",
    anchor_text: str | None = None,
) -> CaseStore:
    """An in-memory store: a person, member of an organisation, stated by one sentence.

    The document's text is ``before + sentence + after``; the sentence's ``nif:anchorOf`` is
    ``anchor_text`` when given (offsets that do not point at it), else the sentence.
    """
    doc = f"{ID}doc/h"
    org, person, fact = f"{ID}organisation/o", f"{ID}person/p", HAND_FACT
    text = f"{before}{sentence}{after}"
    begin, end = len(before), len(before) + len(sentence)
    anchor = f"{doc}#char={begin},{end}"
    lines = [
        f"<{doc}> <{RDF_TYPE}> <{CG}Document> .",
        f"<{doc}> <{NIF}isString> {_literal(text)} .",
        f"<{org}> <{RDF_TYPE}> <{CG}Organisation> .",
        f"<{org}> <{LABEL}> {_literal(org_label)} .",
        f"<{person}> <{RDF_TYPE}> <{CG}Person> .",
        f"<{person}> <{LABEL}> {_literal('Pat Example')} .",
        f"<{anchor}> <{RDF_TYPE}> <{CG}Sentence> .",
        f"<{anchor}> <{NIF}anchorOf> {_literal(anchor_text or sentence)} .",
        f'<{anchor}> <{NIF}beginIndex> "{begin}"^^<http://www.w3.org/2001/XMLSchema#integer> .',
        f'<{anchor}> <{NIF}endIndex> "{end}"^^<http://www.w3.org/2001/XMLSchema#integer> .',
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


def test_html_data_passages_are_the_document_text(seed_store, seed_data, seed_texts):
    """The page carries the text around each cited sentence, cut from the document exactly."""
    cited = {e["doc"] for f in seed_data["facts"].values() for e in f["evidence"]}
    assert cited and set(seed_data["documents"]) >= cited
    for doc, info in seed_data["documents"].items():
        assert bool(info["spans"]) == (doc in cited)  # text only of documents with facts
        assert info["title"] and info["facts"] == sum(
            any(e["doc"] == doc for e in f["evidence"]) for f in seed_data["facts"].values()
        )
        text = seed_texts[doc]
        ends = [-1]
        for span in info["spans"]:
            assert span["begin"] > ends[-1]  # in order, apart
            ends.append(span["begin"] + len(span["text"]))
            assert text[span["begin"] : ends[-1]] == span["text"]
    for fact in seed_data["facts"].values():
        for evidence in fact["evidence"]:
            window = evidence["window"]
            assert window and evidence["note"] == ""
            assert window["begin"] <= evidence["begin"] < evidence["end"] <= window["end"]
            assert evidence["begin"] - window["begin"] <= CONTEXT_CHARS
            assert window["end"] - evidence["end"] <= CONTEXT_CHARS
            (span,) = [
                span
                for span in seed_data["documents"][evidence["doc"]]["spans"]
                if span["begin"] <= window["begin"]
                and window["end"] <= span["begin"] + len(span["text"])
            ]
            at = evidence["begin"] - span["begin"]
            assert span["text"][at : at + evidence["end"] - evidence["begin"]] == evidence["text"]
    # No document text at all when asked for none.
    bare = html_data(seed_store, context=0)
    assert all(not info["spans"] for info in bare["documents"].values())
    assert all(e["window"] is None for f in bare["facts"].values() for e in f["evidence"])


def test_html_data_nodes_carry_names_and_documents(seed_data, seed_graph):
    for node in seed_data["nodes"]:
        assert node["altLabels"] == seed_graph.nodes[node["id"]].get("alt_labels", [])
        assert node["docs"] and set(node["docs"]) <= set(seed_data["documents"])
    syp = next(node for node in seed_data["nodes"] if node["id"] == SYP)
    assert "SYP" in syp["altLabels"]


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


def test_html_page_comes_from_the_template(monkeypatch, tmp_path):
    with CaseStore.open(None) as store:
        page = html_page(store, title="Checks <&> co")
        assert "<title>Checks &lt;&amp;&gt; co</title>" in page  # the title is escaped
        # The style and the app script are copied as they are, and no template syntax is left.
        templates = Path(graph.html.__file__).parent / "templates"
        style = (templates / "view.css").read_text(encoding="utf-8")
        script = (templates / "view.js").read_text(encoding="utf-8")
        script = script.replace("{% raw %}", "").replace("{% endraw %}", "")
        assert style in page and script in page
        app = page.rsplit("<script>", 1)[1]
        assert "{%" not in app and "{{" not in app and "{#" not in app
        monkeypatch.setattr(graph.html, "_TEMPLATES", tmp_path / "nowhere")
        with pytest.raises(CasegraphError, match=r"template 'view\.html' not found.*reinstall"):
            html_page(store)


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
    run_chromium(tmp_path, f"--screenshot={shot}", _url(seed_page))
    spread, counts = _colour_counts(shot)
    assert spread > 10  # not a blank page
    # The same page without entities shows only the legend's icons in these colours; the seed
    # page has a filled shape per entity on the canvas on top of that.
    with CaseStore.open(None) as store:
        empty_page = write_html(store, tmp_path / "empty.html")
    empty_shot = tmp_path / "empty.png"
    run_chromium(tmp_path, f"--screenshot={empty_shot}", _url(empty_page))
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


# -- checking facts: search, filters, the sentence in its document, the link ------------------


def _search_results(dom: str) -> list[str]:
    """The node IRIs the search list offers, in order; fails when the list is hidden."""
    match = re.search(r'<div id="search-results"([^>]*)>(.*?)</div>', dom, re.S)
    assert match, "no search results in the DOM"
    assert "hidden" not in match[1], "the search results are hidden"
    return [html.unescape(iri) for iri in re.findall(r'<button[^>]*data-id="([^"]*)"', match[2])]


def _folded(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


@pytest.mark.parametrize("query", ["Lockwood", "lOCKWOOD", "iopc", "Police", "officer"])
def test_browser_search_lists_matching_names(seed_page, seed_graph, tmp_path, query):
    """Typing part of a label or of another name, in any case, lists those entities."""
    dom = _open(seed_page, tmp_path, search=query)
    expected = {
        node
        for node, data in seed_graph.nodes(data=True)
        if any(
            _folded(query) in _folded(name)
            for name in [data.get("label") or data["type"], *data.get("alt_labels", [])]
        )
    }
    results = _search_results(dom)
    assert results and set(results) == expected
    assert len(results) == len(expected)  # each once
    assert _body_attributes(dom)["data-search-results"] == str(len(expected))
    # Entities come before allegations and outcomes.
    kinds = [seed_graph.nodes[node]["type"] in ("Allegation", "Outcome") for node in results]
    assert kinds == sorted(kinds)
    if query.lower() == "lockwood":
        assert results == [LOCKWOOD]
        assert "Michael Lockwood" in dom
    if query == "iopc":  # found by its other name, which the list shows
        assert f"{ID}organisation/independent-office-for-police-conduct" in results
        assert "also IOPC" in dom


def test_browser_search_without_match(seed_page, tmp_path):
    dom = _open(seed_page, tmp_path, search="zzqx")
    assert _search_results(dom) == []
    assert _body_attributes(dom)["data-search-results"] == "0"
    assert "No name contains \u201czzqx\u201d." in html.unescape(dom)


def _visible(data: dict, hide: set[str], hide_docs: set[str] = frozenset()) -> tuple[int, int]:
    """How many nodes and edges the filters leave, counted from the data in Python."""
    facts = data["facts"]

    def fact_shown(iri: str) -> bool:
        docs = {e["doc"] for e in facts[iri]["evidence"]}
        return facts[iri]["class"] not in hide and (not docs or bool(docs - hide_docs))

    shown = {
        node["id"]
        for node in data["nodes"]
        if (
            fact_shown(node["id"])
            if node["id"] in facts
            else node["type"] not in hide and (not node["docs"] or set(node["docs"]) - hide_docs)
        )
    }
    edges = sum(
        1
        for e in data["edges"]
        if fact_shown(e["fact"]) and e["source"] in shown and e["target"] in shown
    )
    return len(shown), edges


def _checkboxes(dom: str) -> dict[str, bool]:
    """Filter check box value -> checked, as the DOM shows them."""
    boxes = {}
    for tag in re.findall(r"<input[^>]*data-filter=[^>]*>", dom):
        value = html.unescape(re.search(r'value="([^"]*)"', tag)[1])
        boxes[value] = bool(re.search(r"\schecked(?:=|\s|>)", tag))
    return boxes


@pytest.mark.parametrize(
    "hide",
    [["Person"], ["Group", "place"], ["Allegation"], ["Outcome", "Membership"], ["Statement"]],
)
def test_browser_filters_hide_types_and_fact_classes(
    seed_page, seed_data, seed_graph, tmp_path, hide
):
    dom = _open(seed_page, tmp_path, hide=hide)
    body = _body_attributes(dom)
    hidden = {name.capitalize() for name in hide}
    nodes, edges = _visible(seed_data, hidden)
    # Counted against entity_graph: the nodes of the types not hidden.
    of_types = sum(1 for _, kind in seed_graph.nodes(data="type") if kind not in hidden)
    assert nodes == of_types
    assert body["data-visible-nodes"] == str(nodes)
    assert body["data-visible-edges"] == str(edges)
    assert int(body["data-rendered"]) == seed_graph.number_of_nodes()  # hidden, not removed
    if hidden & {"Person", "Group", "Place", "Allegation", "Outcome"}:
        assert nodes < seed_graph.number_of_nodes()
    if hidden & {"Allegation", "Outcome", "Membership"}:
        assert edges < seed_graph.number_of_edges()
    boxes = _checkboxes(dom)
    assert {name for name, checked in boxes.items() if not checked} == hidden
    for name in sorted(hidden):
        assert f"hide={name}" in body["data-link"]


def test_browser_filters_hide_facts_in_the_panel(seed_page, seed_data, tmp_path):
    """A hidden fact class leaves the side panel too, which says how many it hides."""
    listed = seed_data["entityFacts"][LOCKWOOD]
    statements = [f for f in listed if seed_data["facts"][f]["class"] == "Statement"]
    assert statements and len(statements) < len(listed)
    dom = _open(seed_page, tmp_path, select=LOCKWOOD, hide="Statement")
    panel = _squash(_panel_text(dom))
    shown = len(listed) - len(statements)
    assert f"{shown} fact{'s' if shown != 1 else ''} " in panel
    assert f"{len(statements)} fact{'s' if len(statements) != 1 else ''} hidden by the filters" in (
        panel
    )
    for fact in statements:
        assert f'data-fact="{fact}"' not in dom


def test_browser_filter_by_document(seed_page, seed_data, tmp_path):
    (doc,) = seed_data["documents"]  # the seed is one article
    dom = _open(seed_page, tmp_path)
    assert f'data-doc="{doc}"' in dom
    assert _checkboxes(dom)[doc] is True
    dom = _open(seed_page, tmp_path, select=LOCKWOOD, hide_doc=doc)
    body = _body_attributes(dom)
    assert (int(body["data-visible-nodes"]), int(body["data-visible-edges"])) == _visible(
        seed_data, set(), {doc}
    )
    assert body["data-visible-nodes"] == "0"  # every entity is named in that article only
    assert _checkboxes(dom)[doc] is False
    assert "hidden by the filters" in _panel_text(dom)
    assert f"hide-doc={quote(doc, safe='')}" in body["data-link"]


def _marks(dom: str) -> list[tuple[dict[str, str], str]]:
    """The ``<mark>`` elements of the side panel: attributes and text."""
    panel = re.search(r'<div id="panel">(.*?)</aside>', dom, re.S)[1]
    return [
        (dict((k, html.unescape(v)) for k, v in re.findall(r'([\w-]+)="([^"]*)"', attrs)), text)
        for attrs, text in (
            (m[1], html.unescape(m[2]))
            for m in re.finditer(r"<mark([^>]*)>(.*?)</mark>", panel, re.S)
        )
    ]


def _contexts(dom: str) -> list[str]:
    """The text of each passage shown around a sentence, ellipses of a cut paragraph removed."""
    panel = re.search(r'<div id="panel">(.*?)</aside>', dom, re.S)[1]
    texts = []
    for inner in re.findall(r'<blockquote class="context">(.*?)</blockquote>', panel, re.S):
        text = html.unescape(re.sub(r"<[^>]+>", "", inner))
        texts.append(text.removeprefix("\u2026 ").removesuffix(" \u2026"))
    return texts


def _membership_of_lockwood(seed_graph) -> str:
    (fact,) = [
        key
        for _, _, key, kind in seed_graph.out_edges(LOCKWOOD, keys=True, data="kind")
        if kind == "member of"
    ]
    return fact


@pytest.mark.parametrize("what", ["entity", "fact", "fact node"])
def test_browser_select_marks_the_sentence_in_its_document(
    seed_page, seed_data, seed_graph, seed_texts, tmp_path, what
):
    """``?select=`` shows each cited sentence marked in its passage, at the exact offsets."""
    if what == "entity":
        iri = LOCKWOOD
        facts = seed_data["entityFacts"][LOCKWOOD]
    elif what == "fact":  # a membership: a fact that is no node
        iri = _membership_of_lockwood(seed_graph)
        assert iri not in seed_graph
        facts = [iri]
    else:
        iri = next(n["id"] for n in seed_data["nodes"] if n["type"] == "Outcome")
        facts = seed_data["entityFacts"][iri]
    dom = _open(seed_page, tmp_path, select=iri)
    assert _body_attributes(dom)["data-selected"] == iri
    marks = _marks(dom)
    expected = [
        (e["doc"], e["begin"], e["end"]) for f in facts for e in seed_data["facts"][f]["evidence"]
    ]
    assert marks and len(marks) == len(expected)
    assert [(a["data-doc"], int(a["data-begin"]), int(a["data-end"])) for a, _ in marks] == expected
    windows = {
        (e["doc"], e["begin"], e["end"]): e["window"]
        for f in facts
        for e in seed_data["facts"][f]["evidence"]
    }
    for (attrs, text), context in zip(marks, _contexts(dom), strict=True):
        document = seed_texts[attrs["data-doc"]]
        begin, end = int(attrs["data-begin"]), int(attrs["data-end"])
        assert text == document[begin:end]  # the marked string is the text at the offsets
        window = windows[attrs["data-doc"], begin, end]
        assert context == document[window["begin"] : window["end"]]
        assert text in context


def test_browser_marks_exact_characters_beyond_the_basic_plane(tmp_path):
    """Offsets count code points, as Python does: emoji before the sentence shift nothing."""
    before = "Emoji \U0001f600 and \U0001d4b3 first.\n\nSame paragraph, \U0001f600 caf\u00e9: "
    sentence = "The board of \U0001d4b3 \U0001f600 met."
    after = " After \U0001f600.\n\n" + "Far " * 100 + "away."
    with _hand_made_store("Board \U0001f600", sentence, before=before, after=after) as store:
        page = write_html(store, tmp_path / "graph.html")
    dom = _open(page, tmp_path, select=HAND_FACT)
    ((attrs, text),) = _marks(dom)
    assert text == sentence
    assert (int(attrs["data-begin"]), int(attrs["data-end"])) == (
        len(before),
        len(before) + len(sentence),
    )
    # The sentence's paragraph and the one before, within reach; not the long one after.
    assert _contexts(dom) == [before + sentence + " After \U0001f600."]


def test_browser_offsets_that_miss_the_sentence_are_not_marked(tmp_path):
    """When the text at the offsets is not the sentence, nothing is marked and the panel says so."""
    with _hand_made_store("Board", "The board met.", anchor_text="The board did not meet.") as s:
        page = write_html(s, tmp_path / "graph.html")
    dom = _open(page, tmp_path, select=HAND_FACT)
    assert _marks(dom) == []
    panel = _squash(_panel_text(dom))
    assert "The board did not meet." in panel
    assert "is not this sentence" in panel


def test_browser_link_holds_selection_and_filters(seed_page, seed_data, tmp_path):
    """The page's link (``data-link``, what "Copy link" copies) opens the same view."""
    dom = _open(seed_page, tmp_path, select=LOCKWOOD, hide=["person", "Statement"], search="x")
    body = _body_attributes(dom)
    link = body["data-link"]
    assert link == (
        f"{seed_page.resolve().as_uri()}?select={quote(LOCKWOOD, safe='')}"
        "&hide=Person&hide=Statement"
    )
    assert 'id="copy-link"' in dom
    again = _body_attributes(run_chromium(tmp_path, "--dump-dom", link).stdout)
    for name in ("data-selected", "data-visible-nodes", "data-visible-edges", "data-link"):
        assert again[name] == body[name]
    assert again["data-visible-nodes"] == str(_visible(seed_data, {"Person", "Statement"})[0])


def _highlight_pixels(shot: Path, right: int) -> list[tuple[int, int]]:
    """The pixels of the selection's highlight colour left of x = ``right`` (the graph area)."""
    from PIL import Image

    colour = tuple(int(HIGHLIGHT[i : i + 2], 16) for i in (1, 3, 5))
    with Image.open(shot) as image:
        rgb = image.convert("RGB")
    width, height = rgb.size
    pixels = rgb.load()
    return [
        (x, y) for x in range(min(right, width)) for y in range(height) if pixels[x, y] == colour
    ]


@pytest.mark.parametrize("what", ["entity", "fact"])
def test_browser_screenshot_shows_the_selection(seed_page, seed_graph, tmp_path, what):
    """The selected node (or a fact's edge) is drawn in the highlight colour, where the page
    says it is."""
    iri = LOCKWOOD if what == "entity" else _membership_of_lockwood(seed_graph)
    graph_right = 1400 - 400  # the side panel is 400 px wide
    plain = _highlight_pixels(_screenshot(seed_page, tmp_path, "plain"), graph_right)
    chosen = _highlight_pixels(_screenshot(seed_page, tmp_path, "chosen", select=iri), graph_right)
    assert len(plain) < 10  # the colour is the selection's only
    assert len(chosen) > 150, len(chosen)
    body = _body_attributes(_open(seed_page, tmp_path, select=iri))
    x, y = (int(v) for v in body["data-selected-at"].split(","))
    assert 0 < x < graph_right and 0 < y < 900
    mean_x = sum(p[0] for p in chosen) / len(chosen)
    mean_y = sum(p[1] for p in chosen) / len(chosen)
    assert abs(mean_x - x) < 40 and abs(mean_y - y) < 40, ((mean_x, mean_y), (x, y))


def test_browser_labels_are_readable_at_first_view(seed_page, seed_graph, tmp_path):
    """At the first view, fitted to the window, labels are at least 12 px on screen."""
    body = _body_attributes(_open(seed_page, tmp_path))
    zoom = float(body["data-zoom"])
    assert zoom < 1  # the seed graph is fitted by zooming out, so fonts had to grow
    for name in ("data-node-font-size", "data-edge-font-size"):
        assert zoom * float(body[name]) >= MIN_LABEL_PIXELS - 0.01, (name, body)
    # And the picture is the graph: not blank, every type drawn (cf. the screenshot test above).
    spread, counts = _colour_counts(_screenshot(seed_page, tmp_path, "first"))
    assert spread > 10
    for kind in {kind for _, kind in seed_graph.nodes(data="type")}:
        assert counts[kind] > 0, kind


_INTERACTION = """<script>
window.addEventListener("load", function () {
  var body = document.body, input = document.getElementById("search");
  input.value = "lockw";  // typed: the list opens
  input.dispatchEvent(new Event("input"));
  body.dataset.typed = body.dataset.searchResults + " " +
    !document.getElementById("search-results").hidden;
  input.dispatchEvent(new KeyboardEvent("keydown", {key: "ArrowDown"}));
  input.dispatchEvent(new KeyboardEvent("keydown", {key: "Enter"}));  // chosen
  body.dataset.chosen = body.dataset.selected + " " +
    document.getElementById("search-results").hidden;
  document.querySelector('#legend input[value="Group"]').click();  // a filter unchecked
  body.dataset.unchecked = body.dataset.visibleNodes;
  document.querySelector("#panel button.entity").click();  // a participant of a fact
});
</script>"""


def test_browser_typing_choosing_and_clicking(seed_page, seed_data, tmp_path):
    """The page's own handlers: typing lists, Enter chooses, a check box filters, a link selects.

    A copy of the page gets one more script that types and clicks once the page has loaded.
    """
    page = tmp_path / "interaction.html"
    text = seed_page.read_text(encoding="utf-8")
    page.write_text(text.replace("</body>", _INTERACTION + "</body>"), encoding="utf-8")
    body = _body_attributes(_open(page, tmp_path))
    assert body["data-typed"] == "1 true"
    assert body["data-chosen"] == f"{LOCKWOOD} true"
    assert body["data-unchecked"] == str(_visible(seed_data, {"Group"})[0])
    organisation = f"{ID}organisation/independent-office-for-police-conduct"
    assert body["data-selected"] == organisation  # Lockwood's membership names it
    assert body["data-link"] == (
        f"{page.resolve().as_uri()}?select={quote(organisation, safe='')}&hide=Group"
    )


@pytest.mark.issue(15)
def test_export_html_sentences_only_leaves_the_text_around_out(seed_store, tmp_path):
    """`export --format html --sentences-only` (a page shared outside the newsroom) carries the
    cited sentences but none of the document text around them."""
    from typer.testing import CliRunner

    from graph.cli import app

    pages = {}
    for name, extra in (("full", []), ("short", ["--sentences-only"])):
        out = tmp_path / f"{name}.html"
        result = CliRunner().invoke(
            app,
            ["export", "--format", "html", "-o", str(out), "--store", str(seed_store.path), *extra],
        )
        assert result.exit_code == 0, result.output
        pages[name] = out.read_text(encoding="utf-8")
    cited = "Of the 47 officers investigated"
    around = "more than 1,400 girls as young as 11"  # beside a cited sentence, not cited
    assert cited in pages["full"] and cited in pages["short"]
    assert around in pages["full"] and around not in pages["short"]


_MARK_WRONG = """<script>
window.addEventListener("load", function () {
  var body = document.body;
  document.getElementById("editor").value = "A. Editor";
  document.getElementById("editor").dispatchEvent(new Event("input"));
  body.dataset.before = String(document.getElementById("download-corrections").hidden);
  document.querySelector("#panel button.mark-wrong").click();
  var why = document.querySelector("#panel input.why");
  why.value = "the panel said the opposite";
  why.dispatchEvent(new Event("input"));
  body.dataset.after = String(document.getElementById("download-corrections").hidden);
  body.dataset.href = document.getElementById("download-corrections").getAttribute("href");
});
</script>"""


@pytest.mark.issue(15)
def test_browser_marks_a_fact_wrong_and_exports_a_corrections_file(
    seed_page, seed_store, seed_data, tmp_path
):
    """A journalist checking a fact marks it wrong, says why, and downloads a corrections file
    that `casegraph build --corrections` reads: one drop decision for that fact."""
    import json
    from urllib.parse import unquote

    from graph.correct import Corrections, load_corrections

    fact = next(iri for iri, f in seed_data["facts"].items() if f["class"] == "Outcome")
    page = tmp_path / "mark.html"
    text = seed_page.read_text(encoding="utf-8")
    page.write_text(text.replace("</body>", _MARK_WRONG + "</body>"), encoding="utf-8")
    body = _body_attributes(_open(page, tmp_path, select=fact))
    assert (body["data-before"], body["data-after"]) == ("true", "false")
    (line,) = body["data-corrections"].splitlines()
    decision = json.loads(line)
    assert {k: decision[k] for k in ("op", "target", "by", "why")} == {
        "op": "drop",
        "target": fact,
        "by": "A. Editor",
        "why": "the panel said the opposite",
    }
    assert body["data-href"].startswith("data:application/x-ndjson;charset=utf-8,")
    downloaded = tmp_path / "corrections.jsonl"
    downloaded.write_text(unquote(body["data-href"].split(",", 1)[1]), encoding="utf-8")
    (correction,) = load_corrections(downloaded)
    assert correction.target == fact
    assert Corrections([correction]).concerning("rotherham-iopc") == [correction]
