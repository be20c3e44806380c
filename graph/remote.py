"""Copy the store to a remote SPARQL 1.1 store with the Graph Store HTTP Protocol (``push``).

Each named graph of the local store (one per document, plus the ontology graph) is sent as
N-Triples with ``HTTP PUT {endpoint}?graph={graph IRI}``, which replaces that graph on the remote
store: pushing twice leaves the remote store as after the first push. Graphs of the remote store
that the local store does not have are left alone. Graphs go one at a time, so memory holds one
graph's N-Triples, never the whole store.

``endpoint`` is the store's Graph Store Protocol URL, not its query endpoint:

- Oxigraph server: ``http://HOST:7878/store``
- Apache Jena Fuseki: ``http://HOST:3030/DATASET/data``
- GraphDB (RDF4J): ``http://HOST:7200/repositories/REPO/rdf-graphs/service``

Set ``CASEGRAPH_PUSH_USER`` and ``CASEGRAPH_PUSH_PASSWORD`` to send HTTP basic authentication.
Blank nodes are scoped to one request by the protocol, so a blank node shared by two graphs
would arrive as two (casegraph's graphs have none).
"""

from __future__ import annotations

import os
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx
from pyoxigraph import DefaultGraph, NamedNode, RdfFormat

from graph.errors import CasegraphError, network_reason
from graph.store import CaseStore

__all__ = ["PushReport", "RemoteError", "graph_url", "push", "push_store"]

#: Seconds to wait for the remote store to answer one request.
DEFAULT_TIMEOUT = 60.0
#: Environment variables for HTTP basic authentication.
USER_VARIABLE = "CASEGRAPH_PUSH_USER"
PASSWORD_VARIABLE = "CASEGRAPH_PUSH_PASSWORD"

_HINT = (
    " (is it the store's Graph Store Protocol URL? Oxigraph: http://HOST:7878/store, "
    "Fuseki: http://HOST:3030/DATASET/data)"
)

Progress = Callable[[int, int, str], None]


class RemoteError(CasegraphError):
    """The remote store cannot be reached or refuses a graph."""


@dataclass
class PushReport:
    """What was pushed: the endpoint and, per graph, its IRI and number of triples."""

    endpoint: str
    graphs: list[tuple[str, int]] = field(default_factory=list)

    @property
    def triples(self) -> int:
        """The number of triples pushed, all graphs together."""
        return sum(count for _, count in self.graphs)


def graph_url(endpoint: str, graph: str | None) -> str:
    """The Graph Store Protocol URL of one graph (None: the default graph).

    >>> graph_url("http://localhost:7878/store", "https://w3id.org/casegraph/id/doc/a")
    'http://localhost:7878/store?graph=https%3A%2F%2Fw3id.org%2Fcasegraph%2Fid%2Fdoc%2Fa'
    >>> graph_url("http://h/repositories/r/rdf-graphs/service?x=1", None)
    'http://h/repositories/r/rdf-graphs/service?x=1&default'
    """
    query = "default" if graph is None else "graph=" + urllib.parse.quote(graph, safe="")
    return endpoint + ("&" if "?" in endpoint else "?") + query


def _check_endpoint(endpoint: str) -> None:
    parts = urllib.parse.urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise RemoteError(f"Endpoint '{endpoint}' is not an http:// or https:// URL")


def _client(timeout: float) -> httpx.Client:
    """An HTTP client for one push (connections reused), with basic authentication when the
    environment gives a user."""
    user = os.environ.get(USER_VARIABLE)
    auth = httpx.BasicAuth(user, os.environ.get(PASSWORD_VARIABLE, "")) if user else None
    return httpx.Client(
        timeout=timeout,
        auth=auth,
        headers={"Content-Type": "application/n-triples", "User-Agent": "casegraph"},
    )


def _put(client: httpx.Client, endpoint: str, graph: str | None, data: bytes) -> None:
    """PUT one graph; any answer but 2xx becomes a one-line RemoteError."""
    name = "the default graph" if graph is None else f"graph <{graph}>"
    try:
        response = client.put(graph_url(endpoint, graph), content=data)
    except httpx.TimeoutException:
        timeout = client.timeout.read
        raise RemoteError(f"Endpoint '{endpoint}' did not answer within {timeout:g} s") from None
    except httpx.HTTPError as error:  # refused, no such host, reset mid-request ...
        raise RemoteError(f"Cannot reach endpoint '{endpoint}': {network_reason(error)}") from None
    if not response.is_success:
        body = " ".join(response.text[:300].split())
        hint = _HINT if response.status_code in (404, 405) else ""
        detail = f": {body}" if body else ""
        raise RemoteError(
            f"Endpoint '{endpoint}' refused {name} with HTTP {response.status_code} "
            f"{response.reason_phrase}{detail}{hint}"
        )


def push(
    store: CaseStore,
    endpoint: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    progress: Progress | None = None,
) -> PushReport:
    """Replace each named graph of ``endpoint`` with the graph of the same name in ``store``.

    Parameters
    ----------
    store
        An open store (read-only is enough).
    endpoint
        The remote store's Graph Store Protocol URL (see the module docs).
    timeout
        Seconds to wait for each request.
    progress
        Called as ``progress(done, total, graph IRI)`` after each graph.

    Returns
    -------
    PushReport

    Raises
    ------
    RemoteError
        When the endpoint is not an HTTP URL, cannot be reached or answers with an error; the
        graphs before the failing one have been pushed.
    """
    _check_endpoint(endpoint)
    oxigraph = store.oxigraph
    graphs: list[NamedNode | DefaultGraph] = sorted(
        (g for g in oxigraph.named_graphs() if isinstance(g, NamedNode)),  # GSP names by IRI
        key=lambda g: g.value,
    )
    if next(oxigraph.quads_for_pattern(None, None, None, DefaultGraph()), None) is not None:
        graphs.append(DefaultGraph())  # casegraph keeps nothing there, but a store may
    report = PushReport(endpoint)
    with _client(timeout) as client:
        for done, graph in enumerate(graphs, start=1):
            data = oxigraph.dump(format=RdfFormat.N_TRIPLES, from_graph=graph) or b""
            iri = graph.value if isinstance(graph, NamedNode) else None
            try:
                _put(client, endpoint, iri, data)
            except RemoteError as error:
                if report.graphs:
                    raise RemoteError(
                        f"{error} ({len(report.graphs)} of {len(graphs)} graphs were pushed before)"
                    ) from None
                raise
            report.graphs.append((iri or "", data.count(b"\n")))  # N-Triples: a triple a line
            if progress is not None:
                progress(done, len(graphs), iri or "default graph")
    return report


def push_store(
    store_path: str | os.PathLike[str],
    endpoint: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    progress: Progress | None = None,
) -> PushReport:
    """Open the store at ``store_path`` for reading and :func:`push` it to ``endpoint``."""
    _check_endpoint(endpoint)  # before touching the store
    with CaseStore.open(store_path, create=False, read_only=True) as store:
        return push(store, endpoint, timeout=timeout, progress=progress)
