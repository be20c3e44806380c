"""Serve a store over the SPARQL 1.1 Protocol with the Oxigraph server (``casegraph serve``).

casegraph has no HTTP server of its own: it runs ``oxigraph serve-read-only`` (the PyPI package
``oxigraph``, the same version as pyoxigraph) on the store's database as a child process::

    oxigraph serve-read-only --location STORE/oxigraph --bind 127.0.0.1:7878 \\
        --union-default-graph --timeout-s 30

- ``/`` is the query page (YASGUI, bundled in the server), ``/query`` the SPARQL endpoint (GET or
  POST, the result format chosen by the ``Accept`` header). Queries see the union of all
  document graphs as their default graph, like ``casegraph query``; ``GRAPH ?g`` reaches one.
- The server is read-only: SPARQL Update and the Graph Store Protocol's writes answer 403.
- While the server runs, this process and the server both hold the store's shared (reader) lock
  (:meth:`graph.store.CaseStore.reader_lock`; the server inherits the lock's file descriptor), so
  ``casegraph build`` into the store is refused, and ``serve`` is refused while a build runs.
- It binds to the loopback address unless told otherwise: the server has no authentication.
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
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import IO

from graph.errors import CasegraphError
from graph.store import CaseStore

__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "ServerError",
    "SparqlServer",
    "oxigraph_binary",
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

#: What the Oxigraph server prints on standard output once it listens.
_READY_LINE = "Listening for requests at"


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
    """An Oxigraph SPARQL server over one store, as a context manager.

    Parameters
    ----------
    store_path
        The store folder (made by ``casegraph build``).
    host, port
        Where to listen; the default host is the loopback address only.
    timeout
        Seconds a query may run before Oxigraph cancels it (see docs/serving.md for what a
        client sees then).
    startup_timeout
        Seconds to wait for the server to answer on its port.
    log
        Called with each line the server prints once it is running (its error log); the default
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
        startup_timeout: float = STARTUP_TIMEOUT,
        log: Callable[[str], None] | None = None,
    ):
        self.store_path = Path(store_path)
        self.host = host
        self.port = port
        self.timeout = timeout
        self.startup_timeout = startup_timeout
        self._log = log or _log_to_stderr
        self._process: subprocess.Popen[str] | None = None
        self._lock: contextlib.ExitStack | None = None
        self._reader: threading.Thread | None = None
        self._ready = threading.Event()
        self._output: collections.deque[str] = collections.deque(maxlen=20)
        self._finalizer: weakref.finalize | None = None

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
    def pid(self) -> int | None:
        """The process id of the running server, or None."""
        return None if self._process is None else self._process.pid

    # -- life ---------------------------------------------------------------------------------

    def start(self) -> SparqlServer:
        """Take the reader lock, start the server and wait until it answers on its port.

        Raises
        ------
        StoreError
            When the store is missing, not a casegraph store, or being written.
        ServerError
            When the server program is missing, exits early (its one-line reason, such as
            ``Address already in use``) or does not answer within ``startup_timeout`` seconds.
        """
        if self._process is not None:
            raise RuntimeError("the server is already running")
        if not 0 < self.port < 65536:
            raise ServerError(f"Port {self.port} is not a TCP port (1-65535)")
        if self.timeout < 1:
            raise ServerError(f"Query timeout {self.timeout} s is not a positive number of seconds")
        binary = oxigraph_binary()
        stack = contextlib.ExitStack()
        data, lock_fd = stack.enter_context(CaseStore.reader_lock(self.store_path))
        self._lock = stack
        command = [
            binary,
            "serve-read-only",
            "--location",
            str(data),
            "--bind",
            _host_port(self.host, self.port),
            "--union-default-graph",
            "--timeout-s",
            str(self.timeout),
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
                pass_fds=(lock_fd,),  # the server holds the reader lock too, for as long as it runs
                start_new_session=True,  # Ctrl-C reaches us only; we stop the server in order
            )
        except OSError as error:
            stack.close()
            self._lock = None
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
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> int | None:
        """Stop the server (SIGTERM, then SIGKILL after a while) and release the lock.

        Returns
        -------
        int or None
            The server's exit status, or None when it was not running. Stopping twice does nothing.
        """
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
        if self._lock is not None:  # only once the server, which shares the lock, has exited
            self._lock.close()
            self._lock = None
        return status

    def poll(self) -> int | None:
        """Return the server's exit status if it has exited, else None."""
        return None if self._process is None else self._process.poll()

    def exit_reason(self) -> str:
        """The server's last words: its ``Error: ...`` line, or its last line of output."""
        lines = list(self._output)
        for line in lines:
            if line.startswith("Error:"):
                return line.removeprefix("Error:").strip()
        return lines[-1] if lines else "no output"

    def __enter__(self) -> SparqlServer:
        return self if self._process is not None else self.start()  # `with server.start():`

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- internals ----------------------------------------------------------------------------

    def _wait_until_ready(self) -> None:
        process = self._process
        assert process is not None
        deadline = time.monotonic() + self.startup_timeout
        where = _host_port(self.host, self.port)
        while True:
            if process.poll() is not None:
                if self._reader is not None:
                    self._reader.join(5)  # its last words
                raise ServerError(
                    f"The Oxigraph server for '{self.store_path}' on {where} exited with status "
                    f"{process.returncode}: {self.exit_reason()}"
                )
            if self._ready.is_set() and _answers(self.host, self.port):
                return
            if time.monotonic() > deadline:
                raise ServerError(
                    f"The Oxigraph server for '{self.store_path}' did not answer on {where} "
                    f"within {self.startup_timeout:g} s"
                )
            time.sleep(0.05)


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
    announce: Callable[[SparqlServer], None] | None = None,
) -> None:
    """Serve the store until SIGINT (Ctrl-C) or SIGTERM, then stop the server and return.

    Parameters
    ----------
    store_path, host, port, timeout
        As :class:`SparqlServer`.
    announce
        Called once the server answers (the CLI prints the URL).

    Raises
    ------
    StoreError, ServerError
        As :meth:`SparqlServer.start`; ServerError also when the server dies while serving.
    """
    with _stop_on_signals() as stop, SparqlServer(store_path, host, port, timeout) as server:
        if announce is not None:
            announce(server)
        while not stop.wait(0.25):
            if server.poll() is not None:
                status = server.poll()
                raise ServerError(
                    f"The Oxigraph server for '{store_path}' stopped with status {status}: "
                    f"{server.exit_reason()}"
                )
