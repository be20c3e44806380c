"""Serve a store over the SPARQL 1.1 Protocol (``casegraph serve``): Oxigraph behind a gateway.

casegraph runs ``oxigraph serve-read-only`` (the PyPI package ``oxigraph``, the same version as
pyoxigraph) on the store's database as a child process on a private loopback port::

    oxigraph serve-read-only --location STORE/oxigraph --bind 127.0.0.1:PRIVATE \\
        --union-default-graph --timeout-s 35

and puts :class:`graph.gateway.Gateway` (Waitress) on the public address in front of it.

- ``/query`` is the SPARQL endpoint (GET or POST, the result format chosen by the ``Accept``
  header). Queries see the union of all document graphs as their default graph, like
  ``casegraph query``; ``GRAPH ?g`` reaches one.
- ``/`` is casegraph's query page (:func:`query_page`, the Jinja2 template
  ``graph/templates/query.html`` with ``graph/static/query.js`` and ``query.css``): a query box
  that declares the prefixes ``casegraph query`` knows, the bundled competency questions, each run
  with one click, and the results as a table whose IRIs link to the interactive graph view.
  ``/view`` is that view (:func:`graph.html.html_page` of the served store, made on its first
  request and kept); ``/view?select=IRI`` opens it with that entity selected. The pages load
  nothing but these files from the gateway.
- The endpoint is read-only: SPARQL Update and the Graph Store Protocol's writes answer 403;
  ``SERVICE`` (federation) answers 400 and makes no connection; a query past its time limit
  answers 503 and a result past the size cap 507, each with a one-line message.
- While it runs, this process and the server both hold the store's shared (reader) lock
  (:meth:`graph.store.CaseStore.reader_lock`; the server inherits the lock's file descriptor), so
  ``casegraph build`` into the store is refused, and ``serve`` is refused while a build runs.
- It binds to the loopback address unless told otherwise: the endpoint has no authentication.
"""

from __future__ import annotations

import collections
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from types import FrameType
from typing import IO

from graph.errors import CasegraphError
from graph.gateway import DEFAULT_MAX_RESULT_BYTES, DEFAULT_THREADS, Gateway, Page
from graph.query import PREFIXES
from graph.store import CaseStore

__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "ServerError",
    "SparqlServer",
    "oxigraph_binary",
    "prefix_declarations",
    "query_page",
    "serve",
]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
#: Seconds a query may run before Oxigraph cancels it.
DEFAULT_TIMEOUT = 30
#: Seconds to wait for the server to answer on its port.
STARTUP_TIMEOUT = 30.0
#: Seconds to wait for the server to exit after SIGTERM, before SIGKILL.
STOP_TIMEOUT = 10.0

#: Seconds Oxigraph's own time limit exceeds the gateway's (a backstop).
BACKSTOP_SECONDS = 5
#: Restarts of a dead Oxigraph server allowed within a minute before ``serve`` gives up.
MAX_RESTARTS = 5

#: What the Oxigraph server prints on standard output once it listens.
_READY_LINE = "Listening for requests at"

_PACKAGE = Path(__file__).resolve().parent
_TEMPLATES = _PACKAGE / "templates"
_STATIC = _PACKAGE / "static"
#: The files of ``graph/static/`` the query page loads (at ``/static/NAME``), by content type.
_ASSETS = {"query.js": "text/javascript; charset=utf-8", "query.css": "text/css; charset=utf-8"}
_HTML = "text/html; charset=utf-8"
#: The query page loads its script and style from the gateway, and talks only to it.
_QUERY_PAGE_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
#: The view declares its own policy (inline scripts, nothing loaded); this only adds framing.
_VIEW_PAGE_POLICY = "frame-ancestors 'none'"
#: The query in the box when the page opens, after the prefix declarations.
_FIRST_QUERY = """\
SELECT DISTINCT ?organisation ?name WHERE {
  ?organisation a cg:Organisation ;
                rdfs:label ?name .
}
ORDER BY ?name ?organisation
"""


class ServerError(CasegraphError):
    """The Oxigraph server is missing, cannot start (e.g. the port is in use) or has died."""


def oxigraph_binary() -> str:
    """Return the path of the ``oxigraph`` server program.

    Looked for beside the running Python (the virtual environment's ``bin``), then on ``PATH``.

    Raises
    ------
    ServerError
        When it is not installed.
    """
    beside = Path(sys.executable).parent / "oxigraph"  # not resolved: the venv's bin, not /usr
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which("oxigraph")
    if found is None:
        raise ServerError(
            "The Oxigraph server program 'oxigraph' is not installed; "
            "install it with `pip install 'oxigraph>=0.5,<0.6'`"
        )
    return found


def _host_port(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


class SparqlServer:
    """A read-only SPARQL endpoint over one store, as a context manager.

    The Oxigraph server runs as a child process on a private loopback port; clients reach the
    :class:`graph.gateway.Gateway` on ``host:port``, which refuses updates and federation, caps
    results and time, and bounds the work Oxigraph sees. A supervisor thread restarts Oxigraph
    if it dies (at most :data:`MAX_RESTARTS` times a minute); the child is killed with this
    process even when this process is killed with SIGKILL (Linux ``PR_SET_PDEATHSIG``), so it
    never keeps serving, or holding the store's lock, alone.

    Parameters
    ----------
    store_path
        The store folder (made by ``casegraph build``).
    host, port
        Where to listen; the default host is the loopback address only.
    timeout
        Seconds a query may run before it is cancelled (503 with a one-line message).
    max_result_bytes
        Largest result passed on (507 with a one-line message past it).
    threads
        Requests handled at once.
    without_text
        Publish a copy of the store made at start without the documents' full text and file
        paths (:meth:`graph.store.CaseStore.copy_without_text`); the store itself is not locked
        while the copy is served.
    startup_timeout
        Seconds to wait for Oxigraph to answer on its port.
    log
        Called with each line Oxigraph prints once it is running (its error log); the default
        writes ``oxigraph: <line>`` to standard error.

    Examples
    --------
    ::

        with SparqlServer("casegraph.store", port=7878) as server:
            print(server.query_url)  # http://127.0.0.1:7878/query
    """

    def __init__(
        self,
        store_path: str | os.PathLike[str],
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        timeout: int = DEFAULT_TIMEOUT,
        *,
        max_result_bytes: int = DEFAULT_MAX_RESULT_BYTES,
        threads: int = DEFAULT_THREADS,
        without_text: bool = False,
        startup_timeout: float = STARTUP_TIMEOUT,
        log: Callable[[str], None] | None = None,
    ):
        self.store_path = Path(store_path)
        self.without_text = without_text
        self.host = host
        self.port = port
        self.timeout = timeout
        self.max_result_bytes = max_result_bytes
        self.threads = threads
        self.startup_timeout = startup_timeout
        self.restarts = 0
        self._log = log or _log_to_stderr
        self._process: subprocess.Popen[str] | None = None
        self._lock: contextlib.ExitStack | None = None
        self._lock_fd = -1
        self._data: Path | None = None
        self._served: Path | None = None
        self._internal_port = 0
        self._reader: threading.Thread | None = None
        self._ready = threading.Event()
        self._output: collections.deque[str] = collections.deque(maxlen=20)
        self._finalizer: weakref.finalize | None = None
        self._gateway: Gateway | None = None
        self._threads: list[threading.Thread] = []
        self._stopping = threading.Event()
        self._failed: int | None = None
        self._restart_times: collections.deque[float] = collections.deque()

    # -- addresses ----------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """The server's root URL, the query page: ``http://127.0.0.1:7878/``."""
        return f"http://{_host_port(self.host, self.port)}/"

    @property
    def query_url(self) -> str:
        """The SPARQL query endpoint: ``http://127.0.0.1:7878/query``."""
        return self.url + "query"

    @property
    def view_url(self) -> str:
        """The interactive graph view: ``http://127.0.0.1:7878/view``."""
        return self.url + "view"

    @property
    def pid(self) -> int | None:
        """The process id of the running Oxigraph server (the child), or None."""
        return None if self._process is None else self._process.pid

    # -- life ---------------------------------------------------------------------------------

    def start(self) -> SparqlServer:
        """Take the reader lock, start Oxigraph and the gateway, and wait until both answer.

        Raises
        ------
        StoreError
            When the store is missing, not a casegraph store, or being written.
        ServerError
            When the server program is missing, exits early (its one-line reason), does not
            answer within ``startup_timeout`` seconds, or ``host:port`` cannot be bound (such as
            ``Address already in use``).
        """
        if self._gateway is not None:
            raise RuntimeError("the server is already running")
        if not 0 < self.port < 65536:
            raise ServerError(f"Port {self.port} is not a TCP port (1-65535)")
        if self.timeout < 1:
            raise ServerError(f"Query timeout {self.timeout} s is not a positive number of seconds")
        binary = oxigraph_binary()
        pages = _pages()
        stack = contextlib.ExitStack()
        served = self.store_path
        if self.without_text:
            copy = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="casegraph-")))
            with CaseStore.open(self.store_path, read_only=True) as original:
                original.copy_without_text(copy / "store")
            served = copy / "store"
        try:
            self._data, self._lock_fd = stack.enter_context(CaseStore.reader_lock(served))
        except BaseException:
            stack.close()
            raise
        self._lock = stack
        self._served = served
        pages["/view"] = Page(
            _HTML, self._view_page, [("Content-Security-Policy", _VIEW_PAGE_POLICY)]
        )
        self._stopping.clear()
        self._failed = None
        try:
            self._internal_port = _free_loopback_port()
            self._start_oxigraph(binary)
            self._gateway = Gateway(
                f"http://127.0.0.1:{self._internal_port}",
                timeout=self.timeout,
                max_result_bytes=self.max_result_bytes,
                threads=self.threads,
                pages=pages,
            )
            try:
                self._gateway.bind(self.host, self.port)
            except OSError as error:
                where = _host_port(self.host, self.port)
                raise ServerError(
                    f"Cannot serve '{self.store_path}' on {where}: {error.strerror or error}"
                ) from None
        except BaseException:
            self.stop()
            raise
        serving = threading.Thread(target=self._gateway.run, name="casegraph-gateway")
        supervising = threading.Thread(
            target=self._supervise, args=(binary,), name="oxigraph-supervisor"
        )
        self._threads = [serving, supervising]
        for thread in self._threads:
            thread.daemon = True
            thread.start()
        return self

    def stop(self) -> int | None:
        """Stop the gateway and Oxigraph (SIGTERM, then SIGKILL after a while), release the lock.

        Returns
        -------
        int or None
            Oxigraph's exit status, or None when it was not running. Stopping twice does nothing.
        """
        self._stopping.set()
        if self._gateway is not None:
            self._gateway.close()
            self._gateway = None
        for thread in self._threads:
            thread.join(5)
        self._threads = []
        status = self._stop_oxigraph()
        if self._lock is not None:  # only once the server, which shares the lock, has exited
            self._lock.close()
            self._lock = None
        return status

    def poll(self) -> int | None:
        """None while serving; Oxigraph's exit status once it died and could not be restarted."""
        return self._failed

    def exit_reason(self) -> str:
        """Oxigraph's last words: its ``Error: ...`` line, or its last line of output."""
        lines = list(self._output)
        for line in lines:
            if line.startswith("Error:"):
                return line.removeprefix("Error:").strip()
        return lines[-1] if lines else "no output"

    def __enter__(self) -> SparqlServer:
        return self if self._gateway is not None else self.start()  # `with server.start():`

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- internals ----------------------------------------------------------------------------

    def _view_page(self) -> bytes:
        """The interactive view of the served store (the copy, with ``without_text``)."""
        from graph.html import html_page

        assert self._served is not None
        with CaseStore.open(self._served, read_only=True) as store:
            return html_page(store).encode("utf-8")

    def _start_oxigraph(self, binary: str) -> None:
        command = [
            binary,
            "serve-read-only",
            "--location",
            str(self._data),
            "--bind",
            f"127.0.0.1:{self._internal_port}",
            "--union-default-graph",
            "--timeout-s",
            str(self.timeout + BACKSTOP_SECONDS),  # the gateway cancels first
        ]
        env = dict(os.environ, RUST_BACKTRACE="0", RUST_LIB_BACKTRACE="0")
        self._ready.clear()
        self._output.clear()
        try:
            self._process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                errors="replace",
                env=env,
                pass_fds=(self._lock_fd,),  # the server holds the reader lock too while it runs
                start_new_session=True,  # Ctrl-C reaches us only; we stop the server in order
                preexec_fn=_die_with_parent,
            )
        except OSError as error:
            raise ServerError(f"Cannot run the Oxigraph server '{binary}': {error}") from None
        # A server whose SparqlServer is forgotten, or still running when Python exits, is killed
        # rather than left serving (and holding the lock) without a parent.
        self._finalizer = weakref.finalize(self, _kill, self._process)
        self._reader = threading.Thread(  # holds no reference to self, so the finalizer can run
            target=_read_output,
            args=(self._process.stdout, self._ready, self._output, self._log),
            name="oxigraph-output",
        )
        self._reader.daemon = True
        self._reader.start()
        self._wait_until_ready()

    def _stop_oxigraph(self) -> int | None:
        process, self._process = self._process, None
        if self._finalizer is not None:
            self._finalizer.detach()
            self._finalizer = None
        status = None
        if process is not None:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(STOP_TIMEOUT)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            status = process.returncode
        if self._reader is not None:
            self._reader.join(5)
            self._reader = None
        if process is not None and process.stdout is not None:
            process.stdout.close()
        return status

    def _supervise(self, binary: str) -> None:
        """Restart Oxigraph when it dies; give up after MAX_RESTARTS restarts in a minute."""
        while not self._stopping.wait(0.25):
            process = self._process
            if process is None or process.poll() is None:
                continue
            gateway = self._gateway
            if gateway is not None:
                gateway.available.clear()
            status = process.returncode
            self._log(f"the server stopped with status {status}: {self.exit_reason()}; restarting")
            now = time.monotonic()
            while self._restart_times and now - self._restart_times[0] > 60:
                self._restart_times.popleft()
            if len(self._restart_times) >= MAX_RESTARTS:
                self._failed = status
                return
            self._restart_times.append(now)
            self._stop_oxigraph()
            try:
                self._start_oxigraph(binary)
            except ServerError as error:
                self._log(str(error))
                self._failed = status
                return
            self.restarts += 1
            if gateway is not None:
                gateway.available.set()

    def _wait_until_ready(self) -> None:
        process = self._process
        assert process is not None
        deadline = time.monotonic() + self.startup_timeout
        where = f"127.0.0.1:{self._internal_port}"
        while True:
            if process.poll() is not None:
                if self._reader is not None:
                    self._reader.join(5)  # its last words
                raise ServerError(
                    f"The Oxigraph server for '{self.store_path}' on {where} exited with status "
                    f"{process.returncode}: {self.exit_reason()}"
                )
            if self._ready.is_set() and _answers("127.0.0.1", self._internal_port):
                return
            if time.monotonic() > deadline:
                raise ServerError(
                    f"The Oxigraph server for '{self.store_path}' did not answer on {where} "
                    f"within {self.startup_timeout:g} s"
                )
            time.sleep(0.05)


def prefix_declarations(prefixes: Mapping[str, str] = PREFIXES) -> str:
    """The ``PREFIX`` lines of the prefixes ``casegraph query`` declares, one a line.

    >>> print(prefix_declarations({"cg": "https://w3id.org/casegraph/ontology#",
    ...                            "rdfs": "http://www.w3.org/2000/01/rdf-schema#"}), end="")
    PREFIX cg:   <https://w3id.org/casegraph/ontology#>
    PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
    """
    width = max((len(prefix) for prefix in prefixes), default=0) + 2
    return "".join(
        f"PREFIX {(prefix + ':').ljust(width)}<{namespace}>\n"
        for prefix, namespace in prefixes.items()
    )


def _comments(sparql: str) -> list[str]:
    """The comment lines of a bundled query but its ``# Question:`` line, joined in paragraphs."""
    paragraphs: list[str] = []
    follows = False
    for line in sparql.splitlines()[1:]:
        stripped = line.strip()
        if stripped.startswith("#"):
            text = stripped.lstrip("#").strip()
            if follows and paragraphs:
                paragraphs[-1] += " " + text
            else:
                paragraphs.append(text)
            follows = bool(text)
        else:
            follows = False
    return [paragraph for paragraph in paragraphs if paragraph]


def query_page() -> str:
    """The query page ``casegraph serve`` answers at ``/``, rendered from its Jinja2 template.

    It declares the prefixes of ``casegraph query`` (:data:`graph.store.PREFIXES`) in the query
    box, lists the bundled competency questions (``ontology/queries/*.rq``) with their comments,
    and loads ``/static/query.js`` and ``/static/query.css``, which run queries by POST to
    ``/query`` and show the results. The same installation always gives the same text.

    Raises
    ------
    ServerError
        When the template or the bundled queries cannot be read (a broken installation).

    Examples
    --------
    >>> page = query_page()
    >>> "PREFIX cg:" in page and "Who investigated whom?" in page
    True
    """
    import jinja2

    from graph.ontology import competency_queries

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    try:
        template = environment.get_template("query.html")
        questions = [
            {
                "name": query.name,
                "question": query.question,
                "comments": _comments(query.sparql),
                "sparql": query.sparql,
            }
            for query in competency_queries()
        ]
        return template.render(
            first_query=prefix_declarations() + "\n" + _FIRST_QUERY,
            questions=questions,
            prefixes=dict(PREFIXES),
            # IRIs in these namespaces are terms of the vocabularies, not entities: no link
            vocabularies=sorted(ns for prefix, ns in PREFIXES.items() if prefix != "id"),
        )
    except jinja2.TemplateNotFound as error:
        raise ServerError(
            f"Cannot make the query page: template '{error.name}' not found in '{_TEMPLATES}'; "
            "reinstall casegraph"
        ) from None
    except jinja2.TemplateSyntaxError as error:
        raise ServerError(
            f"Cannot make the query page: '{error.filename}' line {error.lineno}: {error.message}"
        ) from None
    except jinja2.TemplateError as error:
        raise ServerError(f"Cannot make the query page: {error}") from None
    except CasegraphError as error:
        raise ServerError(f"Cannot make the query page: {error}") from None


def _pages() -> dict[str, Page]:
    """The query page and its files, read now, so a broken installation fails at start."""
    page = query_page().encode("utf-8")
    pages = {"/": Page(_HTML, _constant(page), [("Content-Security-Policy", _QUERY_PAGE_POLICY)])}
    for name, content_type in _ASSETS.items():
        path = _STATIC / name
        try:
            data = path.read_bytes()
        except OSError as error:
            raise ServerError(
                f"Cannot make the query page: '{path}' cannot be read ({error.strerror}); "
                "reinstall casegraph"
            ) from None
        pages[f"/static/{name}"] = Page(content_type, _constant(data))
    return pages


def _constant(data: bytes) -> Callable[[], bytes]:
    return lambda: data


def _free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _die_with_parent() -> None:
    """In the child before exec: ask Linux to SIGKILL it when its parent dies."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the finalizer and stop() still apply
        pass


def _read_output(
    stream: IO[str],
    ready: threading.Event,
    output: collections.deque[str],
    log: Callable[[str], None],
) -> None:
    """Read the server's output: set ``ready`` at its ready line, keep the last lines, log them."""
    for raw in stream:
        line = raw.rstrip()
        if not line:
            continue
        if not ready.is_set() and line.startswith(_READY_LINE):
            ready.set()
            continue
        output.append(line)
        if ready.is_set():
            log(line)


def _kill(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.kill()
        process.wait()


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _log_to_stderr(line: str) -> None:
    print(f"oxigraph: {line}", file=sys.stderr, flush=True)


@contextlib.contextmanager
def _stop_on_signals() -> Iterator[threading.Event]:
    """Turn SIGINT and SIGTERM into an event (main thread only; elsewhere the event stays unset)."""
    stop = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {
        number: signal.signal(number, handler) for number in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        yield stop
    finally:
        for number, old in previous.items():
            signal.signal(number, old)


def serve(
    store_path: str | os.PathLike[str],
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    timeout: int = DEFAULT_TIMEOUT,
    *,
    max_result_bytes: int = DEFAULT_MAX_RESULT_BYTES,
    threads: int = DEFAULT_THREADS,
    without_text: bool = False,
    announce: Callable[[SparqlServer], None] | None = None,
) -> None:
    """Serve the store until SIGINT (Ctrl-C) or SIGTERM, then stop the server and return.

    Parameters
    ----------
    store_path, host, port, timeout, max_result_bytes, threads, without_text
        As :class:`SparqlServer`.
    announce
        Called once the server answers (the CLI prints the URL).

    Raises
    ------
    StoreError, ServerError
        As :meth:`SparqlServer.start`; ServerError also when Oxigraph dies while serving and
        cannot be restarted.
    """
    server = SparqlServer(
        store_path,
        host,
        port,
        timeout,
        max_result_bytes=max_result_bytes,
        threads=threads,
        without_text=without_text,
    )
    with _stop_on_signals() as stop, server:
        if announce is not None:
            announce(server)
        while not stop.wait(0.25):
            if server.poll() is not None:
                status = server.poll()
                raise ServerError(
                    f"The Oxigraph server for '{store_path}' stopped with status {status} and "
                    f"could not be restarted: {server.exit_reason()}"
                )
