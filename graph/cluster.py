"""Build on a Dask cluster: ``casegraph build --cluster ADDRESS``.

The client (the ``casegraph build`` process) reads the documents, skips the unchanged ones and
sends the others to the cluster in chunks; each worker runs parse, extract, resolve and rdf and
sends back each document's N-Triples; the client bulk-loads them into its store, in input order.

- ``ADDRESS`` is a scheduler address such as ``tcp://10.0.0.5:8786``, or ``local`` for a
  :class:`distributed.LocalCluster` of two single-threaded worker processes on this machine.
- The workers need casegraph and the spaCy model installed (the same versions as the client:
  the content hashes the client stores describe its own pipeline). They never read files: the
  document texts travel with the tasks, so the workers need no access to the client's disk.
- Each worker process loads the pipeline once (per thread) and keeps it for later tasks.
- At most two chunks per worker thread are in flight, so the client's memory does not grow with
  the corpus.

Dask is imported here only, and only when a cluster build starts. It is an optional dependency,
the extra ``cluster`` (``pip install 'casegraph[cluster]'``); :func:`require_dask` says so when it
is missing.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from .errors import CasegraphError
from .model import SourceDocument
from .pipeline import Built, chunks, document_graphs

if TYPE_CHECKING:
    from distributed import Future

__all__ = ["LOCAL", "ClusterError", "cluster_graphs", "require_dask"]

#: The ``--cluster`` value that starts a local two-worker cluster.
LOCAL = "local"

#: Seconds to wait for the scheduler to answer, and for a worker to join it.
CONNECT_TIMEOUT = 30

_THREAD = threading.local()


class ClusterError(CasegraphError):
    """Dask is not installed, or the Dask scheduler cannot be reached or has no workers."""


#: What to install for ``--cluster``.
INSTALL_HINT = "pip install 'casegraph[cluster]'"


def require_dask() -> None:
    """Check that Dask's ``distributed`` can be imported, before a cluster build starts.

    Raises
    ------
    ClusterError
        ``--cluster needs dask: pip install 'casegraph[cluster]'`` when dask or distributed is not
        installed; naming the import error when it is installed but cannot be imported.
    """
    try:
        import distributed  # noqa: F401
    except ImportError as error:
        missing = isinstance(error, ModuleNotFoundError) and (error.name or "").split(".")[0]
        if missing in ("dask", "distributed"):
            raise ClusterError(f"--cluster needs dask: {INSTALL_HINT}") from None
        reason = " ".join(str(error).split())
        raise ClusterError(f"--cluster needs dask, which cannot be imported: {reason}") from None


def _pipeline(model: str | None, learned_ner: bool = False):
    """The worker's pipeline for ``model``: loaded on the first task, then kept."""
    pipelines: dict[tuple[str | None, bool], Any] = getattr(_THREAD, "pipelines", None) or {}
    _THREAD.pipelines = pipelines
    key = (model, learned_ner)
    if key not in pipelines:
        from .nlp import load_pipeline

        pipelines[key] = load_pipeline(model, learned_ner=learned_ner)
    return pipelines[key]


def _build_chunk(
    chunk: list[tuple[SourceDocument, str | None]],
    model: str | None,
    base: str,
    name_victims: bool,
    facts: tuple[str, ...] = ("rules",),
) -> list[Built]:
    """The task a worker runs: ``(doc_id, graph IRI, N-Triples)`` of each document, in order."""
    nlp = _pipeline(model, learned_ner="ner" in facts)
    return list(document_graphs(chunk, nlp, base=base, name_victims=name_victims, facts=facts))


def _connect(address: str):
    """Return ``(client, cluster)``; ``cluster`` is the LocalCluster we started, or None."""
    from distributed import Client, LocalCluster

    cluster = None
    try:
        if address == LOCAL:
            cluster = LocalCluster(
                n_workers=2,
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0",  # the HTTP server always runs: any free port
                scheduler_kwargs={"dashboard": False},
                silence_logs=logging.ERROR,
            )
            client = Client(cluster)
        else:
            client = Client(address, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as error:
        if cluster is not None:
            cluster.close()
        reason = " ".join(str(error).split()) or type(error).__name__
        raise ClusterError(f"Cannot connect to the Dask scheduler '{address}': {reason}") from None
    try:
        client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError):
        client.close()
        raise ClusterError(
            f"The Dask scheduler '{address}' has no workers (waited {CONNECT_TIMEOUT} s)"
        ) from None
    return client, cluster


def cluster_graphs(
    items: Iterable[tuple[SourceDocument, str | None]],
    address: str,
    *,
    model: str | None = None,
    base: str,
    name_victims: bool = False,
    facts: tuple[str, ...] = ("rules",),
) -> Iterator[Built]:
    """Like :func:`graph.pipeline.document_graphs`, on the Dask cluster at ``address``.

    Parameters
    ----------
    items
        ``(document, content hash)`` pairs, consumed lazily.
    address
        A scheduler address (``tcp://host:8786``) or :data:`LOCAL`.
    model, base, name_victims, facts
        As for :func:`graph.pipeline.build`.

    Yields
    ------
    tuple
        ``(doc_id, graph IRI, N-Triples bytes)``, in the order of ``items``.

    Raises
    ------
    ClusterError
        When Dask is not installed, the scheduler cannot be reached or no worker joins it.
    """
    require_dask()
    client, cluster = _connect(address)
    window: deque[Future] = deque()
    try:
        threads = max(1, sum(client.nthreads().values()))
        for chunk in chunks(items):
            window.append(
                client.submit(_build_chunk, chunk, model, base, name_victims, facts, pure=False)
            )
            if len(window) >= 2 * threads:
                yield from window.popleft().result()
        while window:
            yield from window.popleft().result()
    finally:
        for future in window:
            future.cancel()
        client.close()
        if cluster is not None:
            cluster.close()
