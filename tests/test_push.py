"""`casegraph push`: the seed store copied to a real read-write Oxigraph server over HTTP.

What the remote store holds is read back with SPARQL (SPARQLWrapper) and compared, quad by quad,
with the local store.
"""

from __future__ import annotations

import base64
import http.server
import threading
from pathlib import Path
from typing import ClassVar

import pytest
from conftest import SEEDS
from oxigraph_server import ReadWriteServer, free_port
from pyoxigraph import BlankNode, Literal, NamedNode, Quad
from SPARQLWrapper import JSON, SPARQLWrapper
from typer.testing import CliRunner

from graph.cli import app
from graph.ontology import ONTOLOGY_GRAPH
from graph.remote import PASSWORD_VARIABLE, USER_VARIABLE, RemoteError, push, push_store
from graph.store import CaseStore

ALL_QUADS = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
ID = "https://w3id.org/casegraph/id/"


@pytest.fixture
def remote(tmp_path: Path):
    with ReadWriteServer(tmp_path / "remote") as server:
        yield server


def _term(binding: dict):
    kind, value = binding["type"], binding["value"]
    if kind == "uri":
        return NamedNode(value)
    if kind == "bnode":
        return BlankNode(value)
    if "xml:lang" in binding:
        return Literal(value, language=binding["xml:lang"])
    if "datatype" in binding:
        return Literal(value, datatype=NamedNode(binding["datatype"]))
    return Literal(value)


def remote_quads(server: ReadWriteServer) -> set[str]:
    """Every quad of the remote store's named graphs, as N-Quads lines."""
    client = SPARQLWrapper(server.query_url)
    client.setQuery(ALL_QUADS)
    client.setReturnFormat(JSON)
    client.setTimeout(60)
    bindings = client.queryAndConvert()["results"]["bindings"]
    names = ("s", "p", "o", "g")
    return {str(Quad(*(_term(b[n]) for n in names))) for b in bindings}


def local_quads(store: CaseStore) -> set[str]:
    return {str(quad) for quad in store.oxigraph.quads_for_pattern(None, None, None, None)}


def document(doc_id: str, *labels: str) -> tuple[str, bytes]:
    iri = f"{ID}doc/{doc_id}"
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    return iri, "".join(f'<{iri}> {label} "{text}" .\n' for text in labels).encode()


def test_push_copies_every_graph(seed_store: CaseStore, remote: ReadWriteServer) -> None:
    report = push(seed_store, remote.store_url)
    expected = local_quads(seed_store)
    assert not any(line.startswith("_:") or " _:" in line for line in expected)  # no blank nodes
    assert remote_quads(remote) == expected
    graphs = dict(report.graphs)
    assert sorted(graphs) == sorted({*seed_store.document_iris(), ONTOLOGY_GRAPH})
    assert report.triples == len(expected) == seed_store.count_quads()
    for iri, count in graphs.items():
        assert count == sum(1 for line in expected if line.endswith(f" <{iri}>"))


def test_push_twice_replaces_graphs(seed_store: CaseStore, remote: ReadWriteServer) -> None:
    first = push(seed_store, remote.store_url)
    before = remote_quads(remote)
    second = push(seed_store, remote.store_url)
    assert second.graphs == first.graphs
    assert remote_quads(remote) == before  # PUT replaced each graph: nothing doubled
    assert len(before) == seed_store.count_quads()


def test_push_replaces_a_changed_document(remote: ReadWriteServer) -> None:
    with CaseStore.open(None) as store:
        store.replace_documents([document("a", "old one", "old two"), document("b", "kept")])
        push(store, remote.store_url)
        store.replace_documents([document("a", "new")])
        report = push(store, remote.store_url)
        assert remote_quads(remote) == local_quads(store)
    assert report.graphs == [(f"{ID}doc/a", 1), (f"{ID}doc/b", 1)]
    assert not any('"old' in line for line in remote_quads(remote))


def test_cli_push(seed_store: CaseStore, remote: ReadWriteServer) -> None:
    result = CliRunner().invoke(
        app, ["push", "--graph-store", remote.store_url, "--store", str(seed_store.path)]
    )
    assert result.exit_code == 0, result.output
    graphs = len(seed_store.document_iris()) + 1  # and the ontology
    assert result.stderr.strip() == (
        f"Pushed {graphs} graph(s), {seed_store.count_quads()} triples, to {remote.store_url}"
    )
    assert remote_quads(remote) == local_quads(seed_store)


def test_cli_build_then_push(remote: ReadWriteServer, tmp_path: Path) -> None:
    path = tmp_path / "built.store"
    args = ["build", str(SEEDS), "--store", str(path), "--endpoint", remote.store_url]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert result.stderr.strip().splitlines()[-1].startswith("Pushed 2 graph(s), ")
    with CaseStore.open(path, read_only=True) as store:
        assert remote_quads(remote) == local_quads(store)


def test_cli_push_unreachable_endpoint(seed_store: CaseStore) -> None:
    endpoint = f"http://127.0.0.1:{free_port()}/store"  # nobody listens there
    result = CliRunner().invoke(
        app, ["push", "--endpoint", endpoint, "--store", str(seed_store.path)]
    )
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines == [f"error: Cannot reach endpoint '{endpoint}': Connection refused"]


def test_push_wrong_path_names_url_status_and_hint(
    seed_store: CaseStore, remote: ReadWriteServer
) -> None:
    endpoint = remote.url + "sparql/data"  # not Oxigraph's Graph Store endpoint
    with pytest.raises(RemoteError) as raised:
        push(seed_store, endpoint)
    message = str(raised.value)
    assert message.startswith(f"Endpoint '{endpoint}' refused graph <")
    assert "HTTP 404" in message
    assert "Oxigraph: http://HOST:7878/store" in message
    assert "\n" not in message


def test_push_not_an_http_url(seed_store: CaseStore, tmp_path: Path) -> None:
    with pytest.raises(RemoteError, match=r"'ftp://example\.org/store' is not an http"):
        push_store(tmp_path / "no.store", "ftp://example.org/store")  # checked before the store


class _AuthHandler(http.server.BaseHTTPRequestHandler):
    """Accepts a PUT only with basic authentication ``casegraph:secret``."""

    received: ClassVar[list[tuple[str, str, bytes]]] = []

    def do_PUT(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        expected = "Basic " + base64.b64encode(b"casegraph:secret").decode()
        if self.headers.get("Authorization") != expected:
            self.send_response(401, "Unauthorized")
            self.end_headers()
            self.wfile.write(b"credentials required")
            return
        self.received.append((self.path, self.headers["Content-Type"], body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_push_basic_auth(monkeypatch: pytest.MonkeyPatch) -> None:
    server = http.server.HTTPServer(("127.0.0.1", 0), _AuthHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    endpoint = f"http://127.0.0.1:{server.server_address[1]}/store"
    try:
        with CaseStore.open(None) as store:
            store.replace_documents([document("a", "one")])
            monkeypatch.delenv(USER_VARIABLE, raising=False)
            with pytest.raises(RemoteError, match=r"HTTP 401 Unauthorized: credentials required"):
                push(store, endpoint)
            monkeypatch.setenv(USER_VARIABLE, "casegraph")
            monkeypatch.setenv(PASSWORD_VARIABLE, "secret")
            report = push(store, endpoint)
    finally:
        server.shutdown()
        server.server_close()
    assert report.graphs == [(f"{ID}doc/a", 1)]
    assert _AuthHandler.received == [
        (
            "/store?graph=https%3A%2F%2Fw3id.org%2Fcasegraph%2Fid%2Fdoc%2Fa",
            "application/n-triples",
            b"<https://w3id.org/casegraph/id/doc/a> <http://www.w3.org/2000/01/rdf-schema#label> "
            b'"one" .\n',
        )
    ]
