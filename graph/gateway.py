"""The public side of ``casegraph serve``: a small WSGI gateway in front of the Oxigraph server.

Oxigraph listens on a private loopback port; this gateway, run by Waitress (a well-kept
production WSGI server with a fixed pool of worker threads and a connection limit), is what
clients reach. For each request it:

- refuses what a published read-only endpoint must not do: SPARQL Update, the Graph Store
  Protocol's writes and any method but GET, HEAD, POST and OPTIONS (403), and federated queries
  (``SERVICE``, which would make the server open connections to any address a client names: 400);
- forwards the rest to Oxigraph through a bounded pool of connections, so however many clients
  connect, Oxigraph sees at most as many requests as the gateway has threads;
- ends a query that runs past its time limit with 503 and a one-line message, and a result
  larger than the cap with 507 and a one-line message (the response is buffered up to the cap,
  so a client never receives a truncated 200);
- answers 503 while Oxigraph is down (``casegraph serve`` restarts it).

It also answers a few resources itself, to GET and HEAD, without Oxigraph: the :class:`Page`
objects it is given (``casegraph serve`` gives it the query page at ``/``, its script and style
under ``/static/`` and the interactive graph view at ``/view``). Any other method on them is 405.

Oxigraph's own time limit is set a little above the gateway's, as a backstop.

Threat model and figures: ``docs/serving.md``.
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import httpx

from graph.errors import QueryError
from graph.query import check_query

__all__ = ["DEFAULT_MAX_RESULT_BYTES", "DEFAULT_THREADS", "Gateway", "Page"]

#: Largest response body passed on (bytes): about a million rows of JSON results.
DEFAULT_MAX_RESULT_BYTES = 64 * 1024 * 1024
#: Worker threads of the gateway: requests handled at once (and Oxigraph's share of them).
DEFAULT_THREADS = 8
#: Open connections the gateway accepts at once; further clients wait in the listen backlog.
DEFAULT_CONNECTION_LIMIT = 256
#: Methods a read-only endpoint answers.
_READ = frozenset({"GET", "HEAD", "POST", "OPTIONS"})
#: Request headers passed on to Oxigraph, by their WSGI keys.
_FORWARD = {"accept": "HTTP_ACCEPT", "content-type": "CONTENT_TYPE"}
#: Response headers passed back (the rest are set by the gateway and Waitress).
_BACK = ("content-type", "content-disposition", "vary")
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")

StartResponse = Callable[[str, list[tuple[str, str]]], Any]


class _TooLarge(Exception):
    pass


def _unescape(query: str) -> str:
    """Apply SPARQL's codepoint escapes (``\\u0053ERVICE``), which parsers read before parsing."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), query)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _text(start_response: StartResponse, status: str, message: str) -> list[bytes]:
    body = (message + "\n").encode("utf-8")
    start_response(
        status,
        [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))],
    )
    return [body]


class Page:
    """A resource the gateway answers itself, to GET and HEAD (not forwarded to Oxigraph).

    Parameters
    ----------
    content_type
        Its ``Content-Type``.
    make
        Returns its body. Called on the first request, once even when requests arrive together;
        the body is kept after that. When it raises, the request gets a 500 with a one-line
        message and the next request calls it again.
    headers
        Further response headers (such as a ``Content-Security-Policy``).

    Examples
    --------
    >>> page = Page("text/plain; charset=utf-8", lambda: b"hello")
    >>> page.body()
    b'hello'
    """

    def __init__(
        self,
        content_type: str,
        make: Callable[[], bytes],
        headers: Sequence[tuple[str, str]] = (),
    ):
        self.content_type = content_type
        self.make = make
        self.headers = list(headers)
        self._body: bytes | None = None
        self._lock = threading.Lock()

    def body(self) -> bytes:
        """The body, made on the first call."""
        with self._lock:
            if self._body is None:
                self._body = self.make()
            return self._body


class Gateway:
    """The WSGI application; :meth:`bind` and :meth:`run` serve it with Waitress.

    Parameters
    ----------
    upstream
        Base URL of the Oxigraph server (``http://127.0.0.1:PORT``).
    timeout
        Seconds a request may take, Oxigraph's work included.
    max_result_bytes
        Largest response body passed on.
    threads
        Requests handled at once; also the size of the connection pool to Oxigraph.
    pages
        Resources answered by the gateway itself, by path (``/``, ``/view`` ...); the query
        string of a request for one of them is not read.
    """

    def __init__(
        self,
        upstream: str,
        *,
        timeout: float,
        max_result_bytes: int = DEFAULT_MAX_RESULT_BYTES,
        threads: int = DEFAULT_THREADS,
        pages: Mapping[str, Page] | None = None,
    ):
        self.upstream = upstream.rstrip("/")
        self.pages = dict(pages or {})
        self.timeout = timeout
        self.max_result_bytes = max_result_bytes
        self.threads = threads
        self.available = threading.Event()  # cleared while Oxigraph restarts
        self.available.set()
        limits = httpx.Limits(max_connections=threads, max_keepalive_connections=threads)
        self._client = httpx.Client(
            base_url=self.upstream,
            # one retry when a kept-alive connection was closed by Oxigraph meanwhile
            transport=httpx.HTTPTransport(limits=limits, retries=1),
            timeout=httpx.Timeout(timeout, connect=5.0),
            trust_env=False,  # never through a proxy named in the environment
        )
        self._server: Any = None

    # -- WSGI ---------------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ["REQUEST_METHOD"]
        path = environ.get("PATH_INFO") or "/"
        writes = path.rstrip("/") in ("/update", "/store") and method not in ("GET", "HEAD")
        if method not in _READ or writes or path.rstrip("/") == "/update":
            return _text(start_response, "403 Forbidden", "This endpoint is read-only")
        page = self.pages.get(path)
        if page is not None:
            return self._page(page, method, path, start_response)
        body = b""
        if method == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            if length > 1_000_000:
                return _text(start_response, "413 Content Too Large", "The query is too long")
            body = environ["wsgi.input"].read(length) if length else b""
        query = self._query_of(environ, body)
        if query is not None:
            try:
                check_query(_unescape(query))
            except QueryError as error:
                return _text(start_response, "400 Bad Request", str(error))
        if not self.available.wait(5):
            return _text(start_response, "503 Service Unavailable", "The store is restarting")
        return self._forward(environ, method, path, body, start_response)

    @staticmethod
    def _query_of(environ: dict[str, Any], body: bytes) -> str | None:
        """The SPARQL query of a request: ``query=`` in the URL or form, or a raw query body."""
        params = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
        ctype = (environ.get("CONTENT_TYPE") or "").split(";")[0].strip().lower()
        if ctype == "application/x-www-form-urlencoded":
            params.update(urllib.parse.parse_qs(body.decode("utf-8", "replace")))
        elif ctype == "application/sparql-query":
            return body.decode("utf-8", "replace")
        found = params.get("query")
        return found[0] if found else None

    @staticmethod
    def _page(page: Page, method: str, path: str, start_response: StartResponse) -> list[bytes]:
        if method not in ("GET", "HEAD"):
            status, message = "405 Method Not Allowed", f"{path} answers GET and HEAD only"
            body = (message + "\n").encode("utf-8")
            start_response(
                status,
                [
                    ("Content-Type", "text/plain; charset=utf-8"),
                    ("Content-Length", str(len(body))),
                    ("Allow", "GET, HEAD"),
                ],
            )
            return [body]
        try:
            data = page.body()
        except Exception as error:  # a broken installation or an unreadable store: one line
            reason = str(error) or type(error).__name__
            return _text(
                start_response,
                "500 Internal Server Error",
                _one_line(f"Cannot make {path}: {reason}"),
            )
        headers = [
            ("Content-Type", page.content_type),
            ("Content-Length", str(len(data))),
            ("Cache-Control", "no-cache"),
            ("X-Content-Type-Options", "nosniff"),
            ("Referrer-Policy", "no-referrer"),
            *page.headers,
        ]
        start_response("200 OK", headers)
        return [] if method == "HEAD" else [data]

    def _forward(
        self,
        environ: dict[str, Any],
        method: str,
        path: str,
        body: bytes,
        start_response: StartResponse,
    ) -> list[bytes]:
        headers = {name: environ[key] for name, key in _FORWARD.items() if environ.get(key)}
        url = path + ("?" + environ["QUERY_STRING"] if environ.get("QUERY_STRING") else "")
        deadline = time.monotonic() + self.timeout
        chunks: list[bytes] = []
        size = 0
        try:
            with self._client.stream(method, url, content=body or None, headers=headers) as reply:
                for chunk in reply.iter_raw():
                    size += len(chunk)
                    if size > self.max_result_bytes:
                        raise _TooLarge
                    if time.monotonic() > deadline:
                        raise httpx.ReadTimeout("deadline")
                    chunks.append(chunk)
                status, reply_headers = reply.status_code, reply.headers
                phrase = reply.reason_phrase
        except _TooLarge:
            return _text(
                start_response,
                "507 Insufficient Storage",
                f"The result is larger than the limit of {self.max_result_bytes:,} bytes: "
                "ask for fewer rows (LIMIT) or fewer columns",
            )
        except httpx.TimeoutException:
            return _text(
                start_response,
                "503 Service Unavailable",
                f"The query ran past the time limit of {self.timeout:g} s and was cancelled",
            )
        except httpx.TransportError:
            return _text(start_response, "503 Service Unavailable", "The store is not answering")
        data = b"".join(chunks)
        out = [(k, reply_headers[k]) for k in _BACK if k in reply_headers]
        out.append(("Content-Length", str(len(data))))
        start_response(f"{status} {phrase}", out)
        return [data]

    # -- running ------------------------------------------------------------------------------

    def bind(self, host: str, port: int) -> Any:
        """Bind the listening socket now (so that a busy port is reported before serving)."""
        from waitress.server import create_server

        # "Task queue depth is N": requests waiting for a thread, which is the point of a pool
        logging.getLogger("waitress.queue").setLevel(logging.ERROR)
        logging.getLogger("waitress").setLevel(logging.NOTSET)
        self._server = create_server(
            self,
            host=host,
            port=port,
            threads=self.threads,
            connection_limit=DEFAULT_CONNECTION_LIMIT,
            channel_timeout=max(60, int(self.timeout) + 30),
            cleanup_interval=10,
            ident="casegraph",
            clear_untrusted_proxy_headers=True,
        )
        return self._server

    def run(self) -> None:
        """Serve on the socket :meth:`bind` opened, until :meth:`close`."""
        with contextlib.suppress(OSError, ValueError):  # the socket was closed by close()
            self._server.run()

    def close(self) -> None:
        """Stop serving. Requests still in flight are dropped; Waitress's complaints about the
        sockets closing under them are not logged."""
        logging.getLogger("waitress").setLevel(logging.CRITICAL)
        if self._server is not None:
            self._server.close()
            self._server = None
        self._client.close()
