"""Test helpers: free loopback ports, and Oxigraph servers started from the tests.

- :func:`start_sparql_server`: ``casegraph serve``'s :class:`graph.serve.SparqlServer` (read-only,
  over a casegraph store) on a free port.
- :class:`ReadWriteServer`: a plain read-write ``oxigraph serve`` over an empty folder, the remote
  store that ``casegraph push`` writes to.

Every server listens on 127.0.0.1 only and is stopped by its context manager.
"""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path

from graph.serve import ServerError, SparqlServer, oxigraph_binary


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free now (another process may take it before we do)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_sparql_server(store_path: Path, **options) -> SparqlServer:
    """Start a :class:`SparqlServer` on a free port; try another port if one was taken meanwhile."""
    for attempt in range(3):
        server = SparqlServer(store_path, port=free_port(), **options)
        try:
            return server.start()
        except ServerError as error:
            if "Address already in use" not in str(error) or attempt == 2:
                raise
    raise AssertionError("unreachable")


class ReadWriteServer:
    """``oxigraph serve --location FOLDER --bind 127.0.0.1:PORT``: a writable SPARQL store.

    Its Graph Store Protocol endpoint is :attr:`store_url`, its query endpoint :attr:`query_url`.
    """

    def __init__(self, folder: Path):
        self.folder = folder
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def store_url(self) -> str:
        return self.url + "store"

    @property
    def query_url(self) -> str:
        return self.url + "query"

    def __enter__(self) -> ReadWriteServer:
        for _ in range(3):
            self.port = free_port()
            self.process = subprocess.Popen(
                [
                    oxigraph_binary(),
                    "serve",
                    "--location",
                    str(self.folder),
                    "--bind",
                    f"127.0.0.1:{self.port}",
                ],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            deadline = time.monotonic() + 30
            while self.process.poll() is None and time.monotonic() < deadline:
                try:
                    with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                        return self
                except OSError:
                    time.sleep(0.05)
            self.__exit__()  # exited (the port was taken meanwhile) or never answered
        raise RuntimeError(f"oxigraph serve over {self.folder} did not start")

    def __exit__(self, *exc_info: object) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None
