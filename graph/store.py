"""The embedded on-disk store: an Oxigraph (RocksDB) dataset with one named graph per document.

Layout of a store folder::

    casegraph.store/
        casegraph-store.json   marker: {"format": "casegraph-store", "version": 1}
        casegraph.lock         lock file (holds the pid of the last writer)
        oxigraph/              the Oxigraph database

A folder without the marker is never opened (nor written into) unless it is empty, so pointing
``--store`` at the wrong folder cannot damage it.

Lock protocol
-------------
Every process that opens an on-disk store takes an ``fcntl.flock`` on ``casegraph.lock`` before it
opens the database, and keeps it until :meth:`CaseStore.close`:

- a **writer** (``casegraph build``; ``read_only=False``) takes ``LOCK_EX`` and writes its pid into
  the file. It fails at once if anyone else holds the lock, writer or reader.
- a **reader** (``query``, ``export``, ``validate``, ``ask``, ``draw``, and a future ``serve``
  for its whole lifetime; ``read_only=True``) takes ``LOCK_SH``. Readers share the lock with each
  other; a reader fails at once while a writer is active, because Oxigraph's read-only mode gives
  no consistent view of a database another process is writing.

Locks are never waited for: the loser gets a one-line :class:`~graph.errors.StoreError`, e.g.
``Store 'casegraph.store' is being written by another process (pid 4242)``. The kernel releases
the lock when its process exits, so a crash never leaves a stale lock behind. ``flock`` is
advisory and may not work over NFS; keep stores on a local disk.

Queries see the union of all graphs as their default graph (``use_default_graph_as_union``).
Beware: pyoxigraph 0.5 matches a triple once per graph that states it (oxigraph issue #1919,
fixed for 0.6), and an organisation named in two documents has its type and label in both
graphs. Use ``SELECT DISTINCT`` and ``COUNT(DISTINCT ...)`` over shared entities.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from pyoxigraph import NamedNode, Quad, RdfFormat, Store, parse, serialize

from graph.errors import StoreError

if TYPE_CHECKING:
    import rdflib
    from pyoxigraph import QueryBoolean, QuerySolutions, QueryTriples

__all__ = [
    "CONTENT_HASH",
    "DEFAULT_BASE",
    "DUMP_FORMATS",
    "PREFIXES",
    "SOURCE_KEY",
    "STORE_FORMAT_VERSION",
    "CaseStore",
]

#: The default base of instance IRIs (``id:``).
DEFAULT_BASE = "https://w3id.org/casegraph/id/"

#: Prefixes known to every query (and, but for ``id:``, used by the Turtle and TriG dumps).
PREFIXES = {
    "cg": "https://w3id.org/casegraph/ontology#",
    "cgo": "https://w3id.org/casegraph/outcomes#",
    "id": DEFAULT_BASE,
    "prov": "http://www.w3.org/ns/prov#",
    "nif": "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

#: Prefixes of the Turtle and TriG dumps: not ``id:``, because Oxigraph would escape the ``/`` of
#: every instance IRI (``id:doc\/a``), which is valid but hard to read.
_DUMP_PREFIXES = {prefix: iri for prefix, iri in PREFIXES.items() if prefix != "id"}

#: Formats :meth:`CaseStore.dump` writes; the graph-only ones hold the union of all graphs.
DUMP_FORMATS = {
    "turtle": RdfFormat.TURTLE,
    "ntriples": RdfFormat.N_TRIPLES,
    "trig": RdfFormat.TRIG,
    "nquads": RdfFormat.N_QUADS,
}

STORE_FORMAT_VERSION = 1
_MARKER = "casegraph-store.json"
_LOCK = "casegraph.lock"
_DATA = "oxigraph"

_DOCUMENTS_QUERY = (
    "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?g a <https://w3id.org/casegraph/ontology#Document> } }"
)

#: ``<document> cg:contentHash "..."`` in a document's graph: what the graph was built from.
CONTENT_HASH = NamedNode("https://w3id.org/casegraph/ontology#contentHash")
#: ``<document> cg:sourceKey "..."``: a hash of the path of the file the document was read from.
SOURCE_KEY = NamedNode("https://w3id.org/casegraph/ontology#sourceKey")
_IS_STRING = NamedNode("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#isString")
_SOURCE = NamedNode("http://purl.org/dc/terms/source")


class CaseStore:
    """A casegraph store, in memory or on disk. Open it with :meth:`open`.

    Examples
    --------
    >>> with CaseStore.open(None) as store:
    ...     store.replace_documents([("https://w3id.org/casegraph/id/doc/a",
    ...                               b'<http://x/s> <http://x/p> "o" .\\n')])
    ...     store.count_quads()
    1
    1
    """

    def __init__(
        self,
        store: Store,
        *,
        path: Path | None = None,
        lock_fd: int | None = None,
        read_only: bool = False,
    ):
        self._store: Store | None = store
        #: The store folder, or None for an in-memory store.
        self.path = path
        #: True when opened for reading only, under a shared lock.
        self.read_only = read_only
        self._lock_fd = lock_fd

    # -- opening and closing ------------------------------------------------------------------

    @classmethod
    def open(
        cls, path: str | os.PathLike[str] | None, *, create: bool = True, read_only: bool = False
    ) -> CaseStore:
        """Open the store at ``path``, or a new in-memory store when ``path`` is None.

        Parameters
        ----------
        path
            The store folder. It may be missing or empty when ``create`` is true.
        create
            Create the store when the folder is missing or empty.
        read_only
            Open for reading under a shared lock (never creates).

        Returns
        -------
        CaseStore

        Raises
        ------
        StoreError
            When the store does not exist (and may not be created), ``path`` is a file or a
            non-empty folder that is not a casegraph store, the store has another format version,
            another process holds a conflicting lock, or Oxigraph cannot open the database.
        """
        if path is None:
            return cls(Store())
        folder = Path(path)
        name = str(path)
        if folder.exists() and not folder.is_dir():
            raise StoreError(f"Store '{name}' is not a casegraph store (it is a file)")
        is_new = not folder.exists() or not any(folder.iterdir())
        if is_new:
            if read_only or not create:
                raise StoreError(f"Store '{name}' does not exist; run `casegraph build` first")
            folder.mkdir(parents=True, exist_ok=True)
        elif not (folder / _LOCK).exists():
            _check_marker(folder, name)  # never put a lock file into a foreign folder
        lock_fd = _lock(folder / _LOCK, name, exclusive=not read_only)
        try:
            if is_new:
                _write_marker(folder)
            else:  # again, under the lock: a writer creating the store may have been mid-way
                _check_marker(folder, name)
            data = folder / _DATA
            store = Store.read_only(str(data)) if read_only else Store(data)
        except OSError as error:
            _unlock(lock_fd)
            reason = " ".join(str(error).split())
            raise StoreError(f"Store '{name}' cannot be opened: {reason}") from error
        except BaseException:
            _unlock(lock_fd)
            raise
        return cls(store, path=folder, lock_fd=lock_fd, read_only=read_only)

    def close(self) -> None:
        """Close the database, then release the lock. Closing twice does nothing."""
        if self._store is not None:
            if self.path is not None and not self.read_only:
                self._store.flush()
            self._store = None  # the last reference: Oxigraph closes RocksDB here
        if self._lock_fd is not None:
            _unlock(self._lock_fd)
            self._lock_fd = None

    def __enter__(self) -> CaseStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @staticmethod
    @contextmanager
    def reader_lock(path: str | os.PathLike[str]) -> Iterator[tuple[Path, int]]:
        """Hold the shared (reader) lock of an existing store without opening its database.

        For another process that reads the database, such as ``casegraph serve``'s Oxigraph
        server. Yields ``(database folder, lock file descriptor)``: give the descriptor to that
        process (``subprocess.Popen(pass_fds=...)``) so the lock lasts as long as it runs.

        Raises
        ------
        StoreError
            As :meth:`open` with ``read_only=True``: no store, not a casegraph store, or a writer.
        """
        folder, name = Path(path), str(path)
        if folder.exists() and not folder.is_dir():
            raise StoreError(f"Store '{name}' is not a casegraph store (it is a file)")
        if not folder.exists() or not any(folder.iterdir()):
            raise StoreError(f"Store '{name}' does not exist; run `casegraph build` first")
        if not (folder / _LOCK).exists():
            _check_marker(folder, name)  # never put a lock file into a foreign folder
        fd = _lock(folder / _LOCK, name, exclusive=False)
        try:
            _check_marker(folder, name)
            yield folder / _DATA, fd
        finally:
            _unlock(fd)

    @property
    def oxigraph(self) -> Store:
        """The underlying :class:`pyoxigraph.Store`.

        Raises
        ------
        StoreError
            When the store has been closed.
        """
        if self._store is None:
            raise StoreError(f"Store '{self.path or ':memory:'}' is closed")
        return self._store

    # -- writing ------------------------------------------------------------------------------

    def replace_documents(self, batch: Iterable[tuple[str, bytes]]) -> int:
        """Replace the named graph of each document with the given N-Triples.

        Parameters
        ----------
        batch
            ``(graph IRI, N-Triples bytes)`` pairs, one per document. The whole batch is read and
            parsed before anything is written, so a malformed document stops the batch before it
            touches the store. The batch is written with one bulk load (each bulk load writes
            new files to disk and costs about 0.1 s however small it is: pass many documents).

        Returns
        -------
        int
            The number of triples loaded.

        Raises
        ------
        ValueError
            When an IRI or a document's N-Triples is malformed (a bug upstream, not user input).
        """
        graphs: list[NamedNode] = []
        quads: list[Quad] = []
        hashes: list[Quad] = []
        for iri, data in batch:
            graph = _named_node(iri)
            try:
                for t in parse(input=data, format=RdfFormat.N_TRIPLES):
                    quad = Quad(t.subject, t.predicate, t.object, graph)
                    (hashes if t.predicate == CONTENT_HASH else quads).append(quad)
            except SyntaxError as error:
                raise ValueError(f"Graph <{iri}> is not valid N-Triples: {error}") from error
            graphs.append(graph)
        store = self.oxigraph
        # Not atomic: remove_graph is one transaction per graph and bulk_extend writes SST files
        # outside any transaction, so a crash or disk error in between can leave a document
        # missing or partly loaded (never mixed with its old version). The content hashes go in
        # last, in one transaction, so such a document has no hash and the next build redoes it;
        # the exclusive lock keeps readers out while this runs.
        for graph in graphs:
            store.remove_graph(graph)
        store.bulk_extend(quads)
        store.extend(hashes)
        store.flush()  # else the first reopen after a large load can stall for seconds
        return len(quads) + len(hashes)

    def ensure_graph(self, iri: str, ntriples: bytes) -> int:
        """(Re)load one graph, such as the ontology graph, from N-Triples bytes.

        Returns
        -------
        int
            The number of triples loaded.
        """
        return self.replace_documents([(iri, ntriples)])

    # -- reading ------------------------------------------------------------------------------

    def query(self, sparql: str, **options: object) -> QuerySolutions | QueryBoolean | QueryTriples:
        """Run a SPARQL query over the union of all graphs.

        The :data:`PREFIXES` are predeclared. Extra keyword ``options`` go to
        :meth:`pyoxigraph.Store.query`. Use :func:`graph.query.run_query` for checked user queries.

        Raises
        ------
        SyntaxError
            From Oxigraph, when the query is malformed.
        """
        options.setdefault("use_default_graph_as_union", True)
        options.setdefault("prefixes", PREFIXES)
        return self.oxigraph.query(sparql, **options)

    def document_iris(self) -> list[str]:
        """Return the IRIs of the document graphs (graphs typed ``cg:Document``), sorted."""
        return sorted(solution["g"].value for solution in self.oxigraph.query(_DOCUMENTS_QUERY))

    def content_hash(self, iri: str) -> str | None:
        """Return the ``cg:contentHash`` stated in the document graph ``iri``, or None.

        A point lookup (no SPARQL), cheap enough to ask once per document of a build.
        """
        return self._document_value(iri, CONTENT_HASH)

    def source_key(self, iri: str) -> str | None:
        """Return the ``cg:sourceKey`` of the document graph ``iri``, or None (no such graph, or
        one built before casegraph recorded keys). A point lookup, like :meth:`content_hash`."""
        return self._document_value(iri, SOURCE_KEY)

    def subjects_in(self, iri: str, candidates: set[str]) -> set[str]:
        """Those of ``candidates`` (IRIs) that are the subject of a triple in graph ``iri``: point
        lookups, one per candidate."""
        graph = _named_node(iri)
        return {
            c
            for c in candidates
            if next(iter(self.oxigraph.quads_for_pattern(_named_node(c), None, None, graph)), None)
        }

    def _document_value(self, iri: str, predicate: NamedNode) -> str | None:
        graph = _named_node(iri)
        for quad in self.oxigraph.quads_for_pattern(graph, predicate, None, graph):
            return quad.object.value
        return None

    def copy_without_text(self, path: str | os.PathLike[str]) -> int:
        """Write a new store at ``path`` with every quad but the documents' text and file paths.

        ``nif:isString`` (a document's full text) and ``dcterms:source`` (its file path or URL)
        are left out; the sentences that facts cite (``nif:anchorOf``) stay, so every fact still
        shows its evidence. Such a copy is for publishing (``casegraph serve --without-text``):
        it does not pass ``casegraph validate``, which requires each document's text.

        Returns
        -------
        int
            The number of quads written.
        """
        hidden = {_IS_STRING, _SOURCE}
        quads = [q for q in self.oxigraph if q.predicate not in hidden]
        with CaseStore.open(path) as copy:
            copy.oxigraph.bulk_extend(quads)
            copy.oxigraph.flush()
        return len(quads)

    def count_quads(self) -> int:
        """Return the number of quads in all graphs."""
        return len(self.oxigraph)

    def dump(self, fmt: str) -> bytes:
        """Serialize the store.

        Parameters
        ----------
        fmt
            ``"trig"`` or ``"nquads"`` keep the named graphs; ``"turtle"`` or ``"ntriples"`` write
            the union of all graphs as one graph (a triple stated in two graphs is written once).

        Returns
        -------
        bytes

        Raises
        ------
        ValueError
            For an unknown format.
        """
        try:
            rdf_format = DUMP_FORMATS[fmt]
        except KeyError:
            raise ValueError(
                f"Unknown format {fmt!r}; expected one of {sorted(DUMP_FORMATS)}"
            ) from None
        prefixes = _DUMP_PREFIXES if fmt in ("turtle", "trig") else None
        if fmt in ("trig", "nquads"):
            return self.oxigraph.dump(format=rdf_format, prefixes=prefixes)
        union = self.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")  # Oxigraph deduplicates
        return serialize(union, format=rdf_format, prefixes=prefixes) or b""

    def to_rdflib(self) -> rdflib.Dataset:
        """Return a copy of the store as an :class:`rdflib.Dataset` (for SHACL and JSON-LD).

        The dataset has ``default_union=True``, like the store's queries. It lives in memory,
        about 1.2 KB per triple: fine for validation and export, not for a million triples.
        """
        import rdflib  # about 0.09 s to import: only the commands that need it pay

        dataset = rdflib.Dataset(default_union=True)
        dataset.parse(data=self.dump("nquads"), format="nquads")
        for prefix, namespace in PREFIXES.items():
            dataset.bind(prefix, namespace, replace=True)
        return dataset


def _named_node(iri: str) -> NamedNode:
    try:
        return NamedNode(iri)
    except (TypeError, ValueError) as error:
        raise ValueError(f"Graph name {iri!r} is not a valid IRI: {error}") from error


def _check_marker(folder: Path, name: str) -> None:
    marker = folder / _MARKER
    if not marker.is_file():
        raise StoreError(
            f"Store '{name}' is not a casegraph store (a non-empty folder without {_MARKER})"
        )
    try:
        info = json.loads(marker.read_text(encoding="utf-8"))
        version = info["version"] if info.get("format") == "casegraph-store" else None
    except (OSError, ValueError, AttributeError, KeyError):
        version = None
    if version is None:
        raise StoreError(f"Store '{name}' is not a casegraph store ({_MARKER} is not valid)")
    if version != STORE_FORMAT_VERSION:
        raise StoreError(
            f"Store '{name}' has format version {version}, this casegraph reads version "
            f"{STORE_FORMAT_VERSION}; build it again into a new folder"
        )


def _write_marker(folder: Path) -> None:
    info = {"format": "casegraph-store", "version": STORE_FORMAT_VERSION}
    tmp = folder / (_MARKER + ".tmp")
    tmp.write_text(json.dumps(info) + "\n", encoding="utf-8")
    tmp.replace(folder / _MARKER)


def _lock(lock_path: Path, name: str, *, exclusive: bool) -> int:
    """Take the store lock without waiting and return its file descriptor (see module docs)."""
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        if exclusive or not lock_path.exists():
            raise StoreError(f"Store '{name}' cannot be locked: {error.strerror}") from error
        fd = os.open(lock_path, os.O_RDONLY)  # a reader on a store it may not write to
    try:
        fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
    except BlockingIOError:
        message = _holder_message(fd, name)
        os.close(fd)
        raise StoreError(message) from None
    if exclusive:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    return fd


def _holder_message(fd: int, name: str) -> str:
    """Say who holds the lock we could not take: a writer (with its pid) or readers."""
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        pid = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
        return f"Store '{name}' is being written by another process (pid {pid})"
    fcntl.flock(fd, fcntl.LOCK_UN)
    return (
        f"Store '{name}' is open for reading by another process (a query or `casegraph serve`); "
        "wait for it or stop it, then build again"
    )


def _unlock(fd: int) -> None:
    try:
        fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
