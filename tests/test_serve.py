"""`casegraph serve`: the seed store served by the real Oxigraph server, queried over HTTP.

The store is built from seeds/ with the real pipeline into a folder of this module, and closed
before any server starts: the server process is its only reader. Expected answers are computed
from that store with pyoxigraph before the server starts, then compared with what the server
answers in each result format.

The query page at ``/`` and the graph view at ``/view`` are opened in headless Chromium
(``/usr/bin/chromium``, installed by ``make browser``), which runs their scripts against the
served store; the tests read back the DOM it dumps (``--dump-dom``) and the requests it made
(``--log-net-log``).
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import psutil
import pytest
import rdflib
from conftest import ROOT, SEEDS, run_chromium
from oxigraph_server import free_port, start_sparql_server
from SPARQLWrapper import CSV, JSON, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed
from typer.testing import CliRunner

from graph.cli import app
from graph.errors import StoreError
from graph.ontology import competency_queries
from graph.query import PREFIXES
from graph.serve import DEFAULT_HOST, ServerError, SparqlServer, prefix_declarations, query_page
from graph.store import CaseStore

CG = "https://w3id.org/casegraph/ontology#"
ID = "https://w3id.org/casegraph/id/"
IOPC_IRI = f"{ID}organisation/independent-office-for-police-conduct"
IOPC = "Independent Office for Police Conduct"
SYP = "South Yorkshire Police"

INVESTIGATIONS = f"""
PREFIX cg: <{CG}>
CONSTRUCT {{ ?inv cg:investigator ?investigator ; cg:subject ?subject }}
WHERE {{ ?inv a cg:Investigation ; cg:investigator ?investigator ; cg:subject ?subject }}
"""
#: Three times all triples: billions of rows, which the 1 s time limit cancels. As an ASK, the
#: whole result is known before the answer starts, so the cancellation is an HTTP error status.
EXPENSIVE_ASK = (
    "ASK { { SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } } FILTER(?n < 0) }"
)
EXPENSIVE_SELECT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


QUESTION_01 = "01-who-investigated-whom"


def query_01() -> str:
    return next(q for q in competency_queries() if q.name == QUESTION_01).sparql


def first_query() -> str:
    """The query in the page's box when it opens: the prefix declarations and a SELECT."""
    match = re.search(r'<textarea id="query"[^>]*>(.*?)</textarea>', query_page(), re.S)
    assert match, "no query box on the page"
    return html.unescape(match[1])


@pytest.fixture(scope="module")
def store_path(tmp_path_factory, nlp) -> Path:
    """The seed store on disk, closed (no lock held by this process)."""
    from graph.ingest import read_documents
    from graph.pipeline import build_documents

    path = tmp_path_factory.mktemp("serve") / "casegraph.store"
    docs = [d for d in read_documents([SEEDS]) if not isinstance(d, Exception)]
    with CaseStore.open(path) as store:
        build_documents(docs, store, nlp)
    return path


@pytest.fixture(scope="module")
def expected(store_path: Path) -> dict:
    """Answers computed in process with pyoxigraph, before any server opens the store."""
    with CaseStore.open(store_path, read_only=True) as store:
        solutions = store.query(query_01())
        columns = [v.value for v in solutions.variables]
        rows = [tuple(s[c].value for c in columns) for s in solutions]
        triples = {
            (t.subject.value, t.predicate.value, t.object.value)
            for t in store.query(INVESTIGATIONS)
        }
        count = len(store.oxigraph)
        organisations = [
            tuple(s[c].value for c in ("organisation", "name")) for s in store.query(first_query())
        ]
        sources = {
            s["s"].value
            for s in store.query("SELECT ?s WHERE { ?d a cg:Document ; dcterms:source ?s }")
        }
    return {
        "columns": columns,
        "rows": rows,
        "triples": triples,
        "quads": count,
        "organisations": organisations,
        "sources": sources,
    }


@pytest.fixture(scope="module")
def server(store_path: Path, expected: dict):
    with start_sparql_server(store_path) as running:
        yield running


@pytest.fixture
def store_copy(store_path: Path, expected: dict, tmp_path: Path) -> Path:
    """A copy of the seed store that no server serves (nobody writes the original)."""
    return Path(shutil.copytree(store_path, tmp_path / "copy.store"))


def sparql(server: SparqlServer, query: str, fmt: str) -> SPARQLWrapper:
    client = SPARQLWrapper(server.query_url)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setTimeout(120)  # a hung server fails the test instead of hanging it
    return client


def test_serve_select_json(server: SparqlServer, expected: dict) -> None:
    result = sparql(server, query_01(), JSON).queryAndConvert()
    assert result["head"]["vars"] == expected["columns"]
    rows = [
        tuple(b[c]["value"] for c in expected["columns"]) for b in result["results"]["bindings"]
    ]
    assert rows == expected["rows"]  # same rows, same ORDER BY
    pairs = {(r[0], r[1]) for r in rows}
    assert (IOPC, SYP) in pairs


def test_serve_select_xml(server: SparqlServer, expected: dict) -> None:
    document = sparql(server, query_01(), XML).queryAndConvert()  # xml.dom.minidom
    rows = []
    for result in document.getElementsByTagName("result"):
        values = {}
        for binding in result.getElementsByTagName("binding"):
            node = next(n for n in binding.childNodes if n.nodeType == n.ELEMENT_NODE)
            values[binding.getAttribute("name")] = node.firstChild.data
        rows.append(tuple(values[c] for c in expected["columns"]))
    assert rows == expected["rows"]


def test_serve_select_csv(server: SparqlServer, expected: dict) -> None:
    data = sparql(server, query_01(), CSV).queryAndConvert().decode("utf-8")
    table = list(csv.reader(io.StringIO(data)))
    assert table[0] == expected["columns"]
    assert expected["columns"][-1] == "sentence"
    # Oxigraph 0.5.13 does not quote an IRI that holds a comma, as the sentence IRIs do
    # (".../doc/rotherham-iopc#char=1865,1960"): the last column may come split in two.
    rows = [(*row[:6], ",".join(row[6:])) for row in table[1:]]
    assert rows == expected["rows"]
    assert (IOPC, SYP) in {row[:2] for row in rows}


def test_serve_select_tsv(server: SparqlServer, expected: dict) -> None:
    data = sparql(server, query_01(), TSV).queryAndConvert().decode("utf-8")
    lines = data.rstrip("\n").split("\n")
    assert lines[0].split("\t") == [f"?{c}" for c in expected["columns"]]
    cells = [line.split("\t") for line in lines[1:]]
    assert len(cells) == len(expected["rows"])
    # TSV writes RDF terms: labels as quoted literals, IRIs in angle brackets
    assert [f'"{IOPC}"', f'"{SYP}"'] in [row[:2] for row in cells]
    assert all(row[3].startswith("<") and row[3].endswith(">") for row in cells)


def test_serve_construct_turtle(server: SparqlServer, expected: dict) -> None:
    data = sparql(server, INVESTIGATIONS, TURTLE).query().response.read()
    graph = rdflib.Graph().parse(data=data, format="turtle")
    triples = {(str(s), str(p), str(o)) for s, p, o in graph}
    assert triples == expected["triples"]
    assert len(triples) >= 2
    assert {p for _, p, _ in triples} == {f"{CG}investigator", f"{CG}subject"}


def test_serve_union_default_graph_and_named_graphs(server: SparqlServer, expected: dict) -> None:
    result = sparql(
        server, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", JSON
    ).queryAndConvert()
    assert int(result["results"]["bindings"][0]["n"]["value"]) == expected["quads"]
    result = sparql(server, f"ASK {{ ?s a <{CG}Document> }}", JSON).queryAndConvert()
    assert result["boolean"] is True  # without GRAPH: the union of the graphs


def fetch(url: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of a request (an HTTP error status is an answer too)."""
    request = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_serve_query_page(server: SparqlServer) -> None:
    """``/`` is casegraph's page: the prefixes of `casegraph query` declared in the query box,
    and every bundled competency question listed with its text, ready to run."""
    status, headers, body = fetch(server.url)
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert "connect-src 'self'" in headers["Content-Security-Policy"]
    page = body.decode("utf-8")
    assert page == query_page()
    box = first_query()
    assert box.startswith(prefix_declarations())
    for prefix, namespace in PREFIXES.items():
        assert re.search(rf"^PREFIX {prefix}:\s+<{re.escape(namespace)}>$", box, re.M), prefix
    questions = competency_queries()
    assert len(questions) >= 7
    assert page.count('<li class="question"') == len(questions)
    shown = {
        name: html.unescape(text)
        for name, text in re.findall(
            r'<li class="question" id="question-([\w-]+)".*?<pre class="sparql">(.*?)</pre>',
            page,
            re.S,
        )
    }
    assert shown == {q.name: q.sparql for q in questions}  # the query a click runs, whole
    for q in questions:
        assert f'data-name="{q.name}">{html.escape(q.question)}</button>' in page
        assert f"{q.name}.rq" in page


def test_serve_pages_answer_get_and_head_only(server: SparqlServer) -> None:
    status, headers, body = fetch(server.url, "HEAD")
    assert status == 200 and body == b""
    assert int(headers["Content-Length"]) == len(query_page().encode("utf-8"))
    status, headers, body = fetch(server.url, "POST")
    assert status == 405 and headers["Allow"] == "GET, HEAD"
    assert body == b"/ answers GET and HEAD only\n"
    status, _, body = fetch(server.url + "?query=" + urllib.parse.quote("INSERT DATA {}"))
    assert status == 200 and body.startswith(b"<!DOCTYPE html>")  # the page, not a query
    status, _, _ = fetch(server.url + "static/query.js", "PUT")
    assert status == 403  # read-only, as everywhere
    status, _, _ = fetch(server.url + "static/../serve.py")
    assert status == 404  # only the page's own files are served


def test_serve_view_page(server: SparqlServer, store_path: Path) -> None:
    """``/view`` is the interactive view of the served store, the page `export --format html`
    writes."""
    from graph.html import html_page

    status, headers, body = fetch(server.view_url + "?select=" + urllib.parse.quote(IOPC_IRI))
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    with CaseStore.open(store_path, read_only=True) as store:  # a second reader, beside it
        assert body == html_page(store).encode("utf-8")
    assert fetch(server.view_url)[2] == body  # made once, kept


# -- the query page in the browser -----------------------------------------------------------


class _Dom(HTMLParser):
    """The parts of a dumped DOM the tests read: body attributes, the result table, #error."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.body: dict[str, str] = {}
        self.header: list[str] = []
        self.rows: list[list[tuple[str, str | None]]] = []
        self.error: str | None = None
        self._row: list[tuple[str, str | None]] = []
        self._cell: list[str] | None = None
        self._href: str | None = None
        self._in_head = False
        self._in_error = False
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "body":
            self.body = attributes
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell, self._href = [], None
        elif tag == "a" and self._cell is not None:
            self._href = attributes.get("href")
        elif tag == "div" and attributes.get("id") == "error":
            self._in_error = "hidden" not in attributes
            self.error = "" if self._in_error else None

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(("".join(self._cell), self._href))
            self._cell = None
        elif tag == "thead":
            self._in_head = False
        elif tag == "tr" and self._in_head:
            self.header = [text for text, _ in self._row]
        elif tag == "tr":
            self.rows.append(self._row)
        elif tag == "div":
            self._in_error = False

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._in_error:
            self.error = (self.error or "") + data


def page_dom(tmp_path: Path, url: str, *args: str) -> _Dom:
    """The DOM of ``url`` once its scripts have run (and its query has been answered)."""
    return _Dom(
        run_chromium(tmp_path, "--virtual-time-budget=15000", *args, "--dump-dom", url).stdout
    )


def page_url(server: SparqlServer, **params: str) -> str:
    return server.url + "?" + urllib.parse.urlencode(params)


def linked_iri(href: str | None) -> str | None:
    """The IRI a result cell links to (``/view?select=IRI``), or None."""
    if href is None:
        return None
    parts = urllib.parse.urlsplit(href)
    assert parts.path == "/view" and not parts.netloc, href
    (iri,) = urllib.parse.parse_qs(parts.query)["select"]
    return iri


@pytest.fixture(scope="module")
def question_dom(server: SparqlServer, tmp_path_factory) -> _Dom:
    """The page after running the first bundled question, as a click on it does."""
    return page_dom(tmp_path_factory.mktemp("question"), page_url(server, question=QUESTION_01))


def test_browser_runs_a_bundled_question(question_dom: _Dom, expected: dict) -> None:
    dom = question_dom
    assert dom.body["data-state"] == "done", dom.error
    assert int(dom.body["data-rows"]) == len(expected["rows"]) > 0
    assert dom.header == expected["columns"]
    shown = [tuple(linked_iri(href) if href else text for text, href in row) for row in dom.rows]
    assert shown == expected["rows"]  # every row, every cell, in the query's order
    assert (IOPC, SYP) in {row[:2] for row in shown}
    assert dom.error is None


def test_browser_runs_the_query_in_the_box(server: SparqlServer, expected: dict, tmp_path):
    """The query the page opens with, run as the Run button runs it: the seed's organisations."""
    dom = page_dom(tmp_path, page_url(server, query=first_query()))
    assert dom.body["data-state"] == "done", dom.error
    assert dom.header == ["organisation", "name"]
    shown = [(linked_iri(row[0][1]), row[1][0]) for row in dom.rows]
    assert shown == expected["organisations"]
    assert {IOPC, SYP} <= {name for _, name in shown}


def test_browser_iri_opens_the_view_with_the_entity_selected(
    server: SparqlServer, question_dom: _Dom, tmp_path
):
    (href,) = {row[3][1] for row in question_dom.rows if row[0][0] == IOPC and row[1][0] == SYP}
    iri = linked_iri(href)
    assert iri == IOPC_IRI
    assert href == "/view?select=" + urllib.parse.quote(iri, safe="")
    dump = run_chromium(
        tmp_path, "--virtual-time-budget=15000", "--dump-dom", server.url.rstrip("/") + href
    ).stdout
    dom = _Dom(dump)
    assert dom.body["data-selected"] == iri
    assert int(dom.body["data-rendered"]) > 0
    panel = re.search(r'<div id="panel">(.*?)</aside>', dump, re.S)
    assert panel and IOPC in html.unescape(panel[1])


def test_browser_vocabulary_terms_are_not_linked(server: SparqlServer, tmp_path) -> None:
    query = "SELECT DISTINCT ?class WHERE { ?x a ?class } ORDER BY ?class"
    dom = page_dom(tmp_path, page_url(server, query=query))
    assert dom.body["data-state"] == "done", dom.error
    cells = [row[0] for row in dom.rows]
    assert ("cg:Organisation", None) in cells  # compacted, and no link to the view


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("SELECT ?x WHERE { ?x ?y }", "The query failed (400 Bad Request): error at 1:"),
        (
            "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
            "The query failed (400 Bad Request): SERVICE is not allowed",
        ),
        ("INSERT DATA { <a:s> <a:p> <a:o> }", "SPARQL Update (INSERT) is not allowed"),
    ],
    ids=["malformed", "service", "update"],
)
def test_browser_shows_an_error_on_one_line(
    server: SparqlServer, tmp_path, query: str, reason: str
) -> None:
    dom = page_dom(tmp_path, page_url(server, query=query))
    assert dom.body["data-state"] == "error"
    assert dom.error is not None and reason in dom.error, dom.error
    assert "\n" not in dom.error.strip() and len(dom.error) <= 300
    assert not dom.rows


def _page_requests(netlog: Path) -> list[str]:
    """The URLs the page asked for, from Chromium's NetLog: the page itself and what it
    loaded or fetched (the browser's own background requests have no initiator)."""
    log = json.loads(netlog.read_text(encoding="utf-8"))
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    urls = []
    for event in log["events"]:
        params = event.get("params") or {}
        if event["type"] != start or "url" not in params:
            continue
        initiator = params.get("initiator", "")
        if params.get("request_type") == "main frame" or initiator.startswith(
            ("http", "file", "null")
        ):
            urls.append(params["url"])
    return urls


@pytest.mark.parametrize("page", ["query", "view"])
def test_browser_pages_stay_on_loopback(server: SparqlServer, tmp_path, page: str) -> None:
    url = page_url(server, question=QUESTION_01) if page == "query" else server.view_url
    netlog = tmp_path / "net.json"
    dom = page_dom(tmp_path, url, f"--log-net-log={netlog}")
    assert dom.body.get("data-state", "done") == "done"
    urls = _page_requests(netlog)
    origin = server.url.rstrip("/")
    assert urls and all(u == origin or u.startswith(origin + "/") for u in urls), urls
    if page == "query":
        paths = {urllib.parse.urlsplit(u).path for u in urls}
        assert {"/", "/static/query.js", "/static/query.css", "/query"} <= paths


def test_serve_pages_name_no_other_host(server: SparqlServer) -> None:
    """The page and its files hold no URL but the IRIs of the vocabularies' namespaces."""
    page = fetch(server.url)[2].decode("utf-8")
    links = re.findall(r"""\b(?:src|href|action)\s*=\s*["']([^"']*)""", page, re.I)
    assert links and all(
        (link.startswith("/") and not link.startswith("//")) or link.startswith("data:")
        for link in links
    ), links
    texts = {"/": page}
    for link in links:
        if link.startswith("/") and link != "/view":
            status, _, body = fetch(server.url.rstrip("/") + link)
            assert status == 200, link
            texts[link] = body.decode("utf-8")
    assert {"/", "/static/query.js", "/static/query.css"} <= set(texts)
    for name, text in texts.items():
        for url in re.findall(r"(?:https?:)?//[^\s\"'<>)&\\]+", text):
            if url.startswith("//"):
                pytest.fail(f"{name}: protocol-relative URL {url}")
            if not any(url.startswith(ns) for ns in PREFIXES.values()):
                pytest.fail(f"{name}: URL {url} is not in a namespace of graph.store.PREFIXES")


def _readme_queries() -> list[str]:
    """The SPARQL of README.md: its ```sparql blocks and the query of its curl example."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    queries = re.findall(r"```sparql\n(.*?)```", readme, re.S)
    queries += re.findall(r"--data-urlencode 'query=(.*?)'", readme, re.S)
    return queries


def test_readme_queries_run_as_pasted(server: SparqlServer) -> None:
    """Every README example runs unchanged at /query, as the page sends it."""
    queries = _readme_queries()
    assert len(queries) >= 3
    for query in queries:
        request = urllib.request.Request(
            server.query_url,
            data=urllib.parse.urlencode({"query": query}).encode(),
            headers={"Accept": "application/sparql-results+json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                bindings = json.loads(response.read())["results"]["bindings"]
        except urllib.error.HTTPError as error:
            pytest.fail(f"README query failed ({error.code}): {error.read()!r}\n{query}")
        assert bindings, query


def test_query_page_without_its_template(monkeypatch, tmp_path) -> None:
    import graph.serve

    monkeypatch.setattr(graph.serve, "_TEMPLATES", tmp_path)
    with pytest.raises(ServerError) as raised:
        query_page()
    message = str(raised.value)
    assert message == (
        f"Cannot make the query page: template 'query.html' not found in '{tmp_path}'; "
        "reinstall casegraph"
    )


def test_serve_malformed_query_is_400(server: SparqlServer) -> None:
    with pytest.raises(QueryBadFormed) as raised:
        sparql(server, "SELECT ?x WHERE { ?x ?y }", JSON).query()
    assert "400" in str(raised.value) or "bad request" in str(raised.value).lower()
    assert "error at 1:" in str(raised.value)  # Oxigraph's parser message, with the position


def test_serve_update_is_refused(server: SparqlServer, expected: dict) -> None:
    update = "INSERT DATA { <http://example.org/s> <http://example.org/p> 'o' }"
    request = urllib.request.Request(
        server.url + "update",
        data=update.encode(),
        method="POST",
        headers={"Content-Type": "application/sparql-update"},
    )
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(request, timeout=30)
    assert raised.value.code == 403
    assert b"read-only" in raised.value.read()
    put = urllib.request.Request(
        server.url + "store?graph=" + urllib.parse.quote("http://example.org/g", safe=""),
        data=b"<http://example.org/s> <http://example.org/p> <http://example.org/o> .\n",
        method="PUT",
        headers={"Content-Type": "application/n-triples"},
    )
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(put, timeout=30)
    assert raised.value.code == 403
    result = sparql(server, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", JSON)
    count = result.queryAndConvert()["results"]["bindings"][0]["n"]["value"]
    assert int(count) == expected["quads"]  # nothing was written


def http_error(url: str, query: str) -> urllib.error.HTTPError:
    """The HTTP error a query gets (the test fails if it gets an answer)."""
    request = urllib.request.Request(
        url + "?" + urllib.parse.urlencode({"query": query}),
        headers={"Accept": "application/sparql-results+json"},
    )
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(request, timeout=120)
    return raised.value


@pytest.mark.issue(14)
def test_serve_query_time_limit(store_path: Path, expected: dict) -> None:
    """Past its time limit a query ends with 503 and a one-line message, never a 200 whose
    body is cut short (a SELECT's answer would otherwise start before the limit strikes)."""
    with start_sparql_server(store_path, timeout=1) as server:
        for query in (EXPENSIVE_ASK, EXPENSIVE_SELECT):
            error = http_error(server.query_url, query)
            assert error.code == 503
            assert error.read() == b"The query ran past the time limit of 1 s and was cancelled\n"
        assert sparql(server, "ASK {}", JSON).queryAndConvert()["boolean"] is True


@pytest.mark.issue(14)
def test_serve_result_size_cap(store_path: Path, expected: dict) -> None:
    with start_sparql_server(store_path, max_result_bytes=10_000) as server:
        error = http_error(server.query_url, "SELECT * WHERE { ?s ?p ?o }")
        assert error.code == 507
        message = error.read().decode()
        assert message.startswith("The result is larger than the limit of 10,000 bytes")
        assert message.count("\n") == 1
        small = sparql(server, "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3", JSON).queryAndConvert()
        assert len(small["results"]["bindings"]) == 3


@pytest.mark.issue(14)
@pytest.mark.parametrize("keyword", ["SERVICE", "service", "\\u0053ERVICE"])
def test_serve_federation_makes_no_connection(server: SparqlServer, keyword: str) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    listener.settimeout(0.2)
    port = listener.getsockname()[1]
    try:
        query = f"SELECT * WHERE {{ {keyword} <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
        error = http_error(server.query_url, query)
        assert error.code == 400
        assert b"SERVICE is not allowed" in error.read()
        with pytest.raises(TimeoutError):  # nobody connected to the listener
            listener.accept()
    finally:
        listener.close()


@pytest.mark.issue(14)
def test_serve_restarts_a_dead_oxigraph(store_copy: Path) -> None:
    with start_sparql_server(store_copy) as server:
        first = server.pid
        os.kill(first, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while server.restarts == 0 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert server.restarts == 1 and server.pid != first and server.poll() is None
        assert sparql(server, "ASK {}", JSON).queryAndConvert()["boolean"] is True


def test_serve_build_into_served_store_is_refused(
    server: SparqlServer, store_path: Path, nlp
) -> None:
    result = CliRunner().invoke(app, ["build", str(SEEDS), "--store", str(store_path)])
    assert result.exit_code == 1, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    assert f"Store '{store_path}' is open for reading by another process" in errors[0]
    assert "Traceback" not in result.output
    assert server.poll() is None  # still serving


def test_serve_refused_while_a_build_writes(tmp_path: Path) -> None:
    path = tmp_path / "being-built.store"
    writing = r"is being written by another process \(pid \d+\)"
    with CaseStore.open(path), pytest.raises(StoreError, match=writing):  # as a build holds it
        SparqlServer(path, port=free_port()).start()


def test_serve_not_a_store(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a store")
    with pytest.raises(StoreError, match="is not a casegraph store"):
        SparqlServer(tmp_path, port=free_port()).start()
    assert not (tmp_path / "casegraph.lock").exists()  # nothing written into a foreign folder


def test_serve_port_in_use(server: SparqlServer, store_copy: Path) -> None:
    with pytest.raises(ServerError, match="Address already in use") as raised:
        SparqlServer(store_copy, port=server.port).start()
    assert "\n" not in str(raised.value)
    with CaseStore.open(store_copy):  # the failed start released the reader lock
        pass


def listening(pid: int) -> list[tuple[str, int]]:
    connections = psutil.Process(pid).net_connections()
    return sorted((c.laddr.ip, c.laddr.port) for c in connections if c.status == "LISTEN")


def test_serve_defaults_to_loopback(server: SparqlServer) -> None:
    assert DEFAULT_HOST == "127.0.0.1"
    assert server.host == "127.0.0.1"  # start_sparql_server gives no host
    assert ("127.0.0.1", server.port) in listening(os.getpid())  # the gateway, in this process
    (private,) = listening(server.pid)  # Oxigraph: one private port, loopback only
    assert private[0] == "127.0.0.1" and private[1] != server.port


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_cli_serve_stops_cleanly(store_copy: Path, signum: int) -> None:
    port = free_port()
    casegraph = Path(sys.executable).parent / "casegraph"  # the installed command
    command = [str(casegraph), "serve", "--store", str(store_copy)]
    process = subprocess.Popen(
        [*command, "--port", str(port)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    try:
        ready = process.stderr.readline()
        assert ready.startswith(f"Serving {store_copy} at http://127.0.0.1:{port}/"), ready
        assert f"http://127.0.0.1:{port}/query" in ready
        (child,) = psutil.Process(process.pid).children()
        assert listening(process.pid) == [("127.0.0.1", port)]  # default: loopback
        assert [ip for ip, _ in listening(child.pid)] == ["127.0.0.1"]  # Oxigraph, private
        url = f"http://127.0.0.1:{port}/query?" + urllib.parse.urlencode({"query": "ASK {}"})
        with urllib.request.urlopen(url, timeout=30) as response:
            assert json.loads(response.read())["boolean"] is True
        with pytest.raises(StoreError, match="open for reading"):
            CaseStore.open(store_copy)  # a build is refused while serving
        process.send_signal(signum)
        assert process.wait(60) == 0
        rest = process.stderr.read()
        assert rest == "", rest  # no traceback, no error line
        assert not child.is_running()  # the server stopped with its parent
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    with CaseStore.open(store_copy) as store:  # the lock is released: a build can write
        assert store.document_iris()


@pytest.mark.issue(14)
def test_cli_serve_killed_leaves_no_server_behind(store_copy: Path) -> None:
    """SIGKILL of `casegraph serve` takes its Oxigraph child with it: the lock is free again."""
    port = free_port()
    casegraph = Path(sys.executable).parent / "casegraph"
    process = subprocess.Popen(
        [str(casegraph), "serve", "--store", str(store_copy), "--port", str(port)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr.readline().startswith(f"Serving {store_copy}")
        (child,) = psutil.Process(process.pid).children()
        process.kill()
        process.wait(30)
        child.wait(30)  # killed by the kernel with its parent (PR_SET_PDEATHSIG)
    finally:
        if process.poll() is None:
            process.kill()
    with CaseStore.open(store_copy) as store:  # a build can write again
        assert store.document_iris()


@pytest.mark.issue(14)
def test_serve_without_text_publishes_no_text_nor_paths(store_copy: Path, expected: dict) -> None:
    hidden = """PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
    PREFIX dcterms: <http://purl.org/dc/terms/>
    ASK { { ?d nif:isString ?t } UNION { ?d dcterms:source ?s } }"""
    anchors = """PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
    SELECT (COUNT(*) AS ?n) WHERE { ?s nif:anchorOf ?a }"""
    with start_sparql_server(store_copy, without_text=True) as server:
        assert sparql(server, hidden, JSON).queryAndConvert()["boolean"] is False
        n = sparql(server, anchors, JSON).queryAndConvert()["results"]["bindings"][0]["n"]
        assert int(n["value"]) > 0  # the cited sentences stay
        with CaseStore.open(store_copy):  # the original is not locked: a build could write
            pass
        view = fetch(server.view_url)[2].decode("utf-8")  # the view is made from the copy
        assert IOPC in view
        assert expected["sources"] and not any(source in view for source in expected["sources"])
    with start_sparql_server(store_copy) as server:
        assert sparql(server, hidden, JSON).queryAndConvert()["boolean"] is True
        view = fetch(server.view_url)[2].decode("utf-8")
        assert all(json.dumps(source)[1:-1] in view for source in expected["sources"])
