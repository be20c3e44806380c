"""`casegraph serve`: the seed store served by the real Oxigraph server, queried over HTTP.

The store is built from seeds/ with the real pipeline into a folder of this module, and closed
before any server starts: the server process is its only reader. Expected answers are computed
from that store with pyoxigraph before the server starts, then compared with what the server
answers in each result format.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import signal
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import psutil
import pytest
import rdflib
from conftest import SEEDS
from oxigraph_server import free_port, start_sparql_server
from SPARQLWrapper import CSV, JSON, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import EndPointInternalError, QueryBadFormed
from typer.testing import CliRunner

from graph.cli import app
from graph.errors import StoreError
from graph.ontology import competency_queries
from graph.serve import DEFAULT_HOST, ServerError, SparqlServer
from graph.store import CaseStore

CG = "https://w3id.org/casegraph/ontology#"
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


def query_01() -> str:
    return next(q for q in competency_queries() if q.name.startswith("01")).sparql


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
    return {"columns": columns, "rows": rows, "triples": triples, "quads": count}


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


def test_serve_query_page(server: SparqlServer) -> None:
    with urllib.request.urlopen(server.url, timeout=30) as response:
        assert response.status == 200
        assert response.headers.get_content_type() == "text/html"
        assert b"yasgui" in response.read().lower()


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


def test_serve_query_time_limit(store_path: Path, expected: dict) -> None:
    with start_sparql_server(store_path, timeout=1) as server:
        with pytest.raises(EndPointInternalError) as raised:
            sparql(server, EXPENSIVE_ASK, JSON).query()
        assert "cancelled" in str(raised.value)
        # A SELECT's answer starts before the limit strikes: the status may already be 200,
        # but the body is cut short by the error, so a client never takes it for a result.
        request = urllib.request.Request(
            server.query_url + "?" + urllib.parse.urlencode({"query": EXPENSIVE_SELECT}),
            headers={"Accept": "application/sparql-results+json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                body = response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            assert error.code >= 400
        else:
            assert "cancelled" in body
            with pytest.raises(json.JSONDecodeError):
                json.loads(body)


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


def test_serve_defaults_to_loopback(server: SparqlServer) -> None:
    assert DEFAULT_HOST == "127.0.0.1"
    assert server.host == "127.0.0.1"  # start_sparql_server gives no host
    listening = [
        c.laddr for c in psutil.Process(server.pid).net_connections() if c.status == "LISTEN"
    ]
    assert [(address.ip, address.port) for address in listening] == [("127.0.0.1", server.port)]


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
        listening = [c.laddr for c in child.net_connections() if c.status == "LISTEN"]
        assert [(a.ip, a.port) for a in listening] == [("127.0.0.1", port)]  # default: loopback
        url = f"http://127.0.0.1:{port}/query?" + urllib.parse.urlencode({"query": "ASK {}"})
        with urllib.request.urlopen(url, timeout=30) as response:
            assert json.loads(response.read())["boolean"] is True
        with pytest.raises(StoreError, match="open for reading"):
            CaseStore.open(store_copy)  # a build is refused while serving
        process.send_signal(signum)
        assert process.wait(60) == 0
        assert process.stderr.read() == ""  # no traceback, no error line
        assert not child.is_running()  # the server stopped with its parent
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    with CaseStore.open(store_copy) as store:  # the lock is released: a build can write
        assert store.document_iris()
