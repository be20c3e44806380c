"""The build: documents in, one named graph per document out, into the store.

``ingest -> nlp -> extract -> resolve -> rdf -> store``, streaming: documents are read one at a
time, parsed with ``nlp.pipe`` in small batches, and their graphs are bulk-loaded in batches, so
memory stays flat as the corpus grows. A document that cannot be read is reported and skipped;
every graph is complete before it is written, so a failing document never leaves a half-written
graph.

Three ways to run the parse-to-N-Triples stages, all giving the same graphs in the same order:

- in this process (``workers=1``, the default);
- in ``workers`` local processes (``spawn``; each loads the pipeline once), fed bounded chunks of
  documents in order, while this process only reads documents and loads the store;
- on a Dask cluster (``cluster="tcp://host:8786"`` or ``"local"``), see :mod:`graph.cluster`.

Incremental builds: every document graph states ``<document> cg:contentHash "..."``, a SHA-256 of
the document (id, title, source, text) and of :func:`pipeline_fingerprint` (casegraph's version
and extraction code, the spaCy model, the base IRI and options). A build skips a document whose
stored hash is the same and reports it in :attr:`BuildReport.skipped`; ``force=True`` builds all.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import itertools
import json
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .correct import CORRECTIONS_FILE, Corrections, load_corrections
from .errors import CasegraphError
from .extract import DEFAULT_FACTS, extract, models_digest
from .ingest import MAX_CHARS, expand_paths, read_documents
from .model import ResolvedDocument, SourceDocument
from .ontology import ONTOLOGY_GRAPH, load_ontology
from .rdf import DEFAULT_BASE, document_iri, document_ntriples, to_ntriples
from .resolve import resolve
from .store import CaseStore

if TYPE_CHECKING:
    from pyoxigraph import Store
    from spacy.language import Language

__all__ = [
    "BuildReport",
    "build",
    "build_documents",
    "chunks",
    "content_hash",
    "document_graphs",
    "evaluation_builder",
    "pipeline_fingerprint",
    "process",
    "sentence_stores",
]

#: A load batch is written when it holds this many documents ...
LOAD_BATCH = 256
#: ... or this many bytes of N-Triples (each bulk load has a fixed cost of about 0.1 s) ...
LOAD_BATCH_BYTES = 8_000_000
#: ... or once its first document has waited this many seconds, so that a build killed midway
#: keeps what it had finished by then (a rebuild skips those documents by their content hash).
LOAD_BATCH_SECONDS = 2.0
#: A chunk sent to a worker holds at most this many documents ...
CHUNK_DOCS = 16
#: ... and stops growing once it holds this many characters of text.
CHUNK_CHARS = 20_000

#: Modules whose code decides what graph a document gets: their source is part of the
#: fingerprint, so changing the extraction code invalidates every stored content hash.
_PIPELINE_SOURCES = ("model.py", "nlp.py", "extract", "resolve.py", "rdf.py")

Progress = Callable[[int, int, str], None]

#: ``(doc_id, graph IRI, N-Triples)`` of one built document.
Built = tuple[str, str, bytes]


@dataclass
class BuildReport:
    """What a build did.

    Attributes
    ----------
    documents
        Ids of the documents built and stored, in input order.
    skipped
        Ids of the documents left as they were: their stored content hash is unchanged.
    errors
        The error of each document or path that could not be read.
    triples
        Triples loaded (the documents' graphs; not the ontology).
    renamed
        ``(source, doc_id)`` of each file whose name gives an id that another file already has
        in the store (or earlier in the build): it is stored under ``doc_id``, the id with the
        first eight digits of its :attr:`~graph.model.SourceDocument.key` appended.
    ignored
        One note per file of a folder that was not read because it is not a document.
    decoded
        ``(source, encoding)`` of each document read in an encoding other than UTF-8.
    corrected
        How many corrections (:mod:`graph.correct`) were applied to the documents built.
    corrections
        One note per correction that concerns a document built but no longer applies to it.
    """

    documents: list[str] = field(default_factory=list)
    errors: list[CasegraphError] = field(default_factory=list)
    triples: int = 0
    corrected: int = 0
    corrections: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    decoded: list[tuple[str, str]] = field(default_factory=list)


# -- content hashes ------------------------------------------------------------------------------


@functools.cache
def _source_digest() -> str:
    """SHA-256 of the source files of the modules in :data:`_PIPELINE_SOURCES`."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for name in _PIPELINE_SOURCES:
        path = package / name
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            digest.update(file.relative_to(package).as_posix().encode())
            try:
                digest.update(file.read_bytes())
            except OSError:  # an installation without sources: the version must do
                digest.update(b"?")
    return digest.hexdigest()


@functools.cache
def _model_identity(model: str) -> str:
    """``lang_name version`` of an installed spaCy pipeline, read from its meta.json."""
    import spacy

    try:
        path = spacy.util.get_package_path(model) if spacy.util.is_package(model) else Path(model)
        meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
        return f"{meta['lang']}_{meta['name']} {meta['version']}"
    except (OSError, ValueError, KeyError, ImportError):
        return model  # not installed: load_pipeline will say so


def pipeline_fingerprint(
    model: str | None = None,
    *,
    nlp: Language | None = None,
    base: str = DEFAULT_BASE,
    name_victims: bool = False,
    facts: tuple[str, ...] = DEFAULT_FACTS,
) -> str:
    """Describe everything besides the document that shapes a document's graph.

    casegraph's version and a digest of its extraction code, the spaCy version and model
    (``nlp``'s, else ``model``'s, else the default), the base IRI and the options. Part of every
    :func:`content_hash`.
    """
    import spacy

    from . import __version__

    if nlp is not None:
        identity = f"{nlp.meta.get('lang')}_{nlp.meta.get('name')} {nlp.meta.get('version')}"
    else:
        from .nlp import default_model

        identity = _model_identity(model or default_model())
    return (
        f"casegraph {__version__} code {_source_digest()[:16]}; spacy {spacy.__version__} "
        f"model {identity}; base {base}; name_victims {name_victims}; facts {','.join(facts)}"
        + (f" {models_digest()[:16]}" if {"model", "ner"} & set(facts) else "")
    )


def content_hash(document: SourceDocument, fingerprint: str) -> str:
    """SHA-256 (hex) of a document and the pipeline fingerprint; stored as ``cg:contentHash``.

    >>> doc = SourceDocument(doc_id="a", text="Text.", title="Text.", source="a.txt")
    >>> content_hash(doc, "v1") == content_hash(doc, "v1") != content_hash(doc, "v2")
    True
    """
    digest = hashlib.sha256()
    for part in (fingerprint, document.doc_id, document.title, document.source, document.text):
        data = part.encode("utf-8")
        digest.update(b"%d:" % len(data))
        digest.update(data)
    return digest.hexdigest()


# -- the stages of one process --------------------------------------------------------------------


def process(
    documents: Iterable[SourceDocument],
    nlp: Language | None = None,
    *,
    model: str | None = None,
    name_victims: bool = False,
    facts: tuple[str, ...] = DEFAULT_FACTS,
) -> Iterator[ResolvedDocument]:
    """Parse, extract and resolve documents, in order, streaming (``nlp.pipe`` batches)."""
    from .nlp import load_pipeline, parse

    nlp = nlp or load_pipeline(model, learned_ner="ner" in facts)
    pending: deque[SourceDocument] = deque()

    def texts() -> Iterator[str]:
        for document in documents:
            pending.append(document)
            yield document.text

    for doc in parse(nlp, texts()):
        source = pending.popleft()
        yield resolve(extract(doc, source, name_victims=name_victims, facts=facts))


def document_graphs(
    items: Iterable[tuple[SourceDocument, str | None]],
    nlp: Language | None = None,
    *,
    model: str | None = None,
    base: str = DEFAULT_BASE,
    name_victims: bool = False,
    facts: tuple[str, ...] = DEFAULT_FACTS,
) -> Iterator[Built]:
    """Build ``(document, content hash)`` pairs into ``(doc_id, graph IRI, N-Triples)``, in order.

    The work of one process (or one worker). The pipeline is loaded on the first document, so
    an input with nothing to build never loads it.
    """
    hashes: deque[str | None] = deque()

    def sources() -> Iterator[SourceDocument]:
        for document, digest in items:
            hashes.append(digest)
            yield document

    stream = iter(sources())
    first = next(stream, None)
    if first is None:
        return
    stream = itertools.chain([first], stream)
    for resolved in process(stream, nlp, model=model, name_victims=name_victims, facts=facts):
        doc_id = resolved.document.doc_id
        data = document_ntriples(resolved, base, content_hash=hashes.popleft())
        yield doc_id, str(document_iri(doc_id, base)), data


# -- worker processes -----------------------------------------------------------------------------

#: The state of a worker process: its pipeline and options, or the error loading them raised.
_WORKER: dict[str, Any] = {}


def _init_worker(
    model: str | None, base: str, name_victims: bool, facts: tuple[str, ...] = DEFAULT_FACTS
) -> None:
    """Load the pipeline once per worker process (``ProcessPoolExecutor`` initializer)."""
    from .nlp import load_pipeline

    _WORKER.update(base=base, name_victims=name_victims, facts=facts)
    try:
        _WORKER["nlp"] = load_pipeline(model, learned_ner="ner" in facts)
    except Exception as error:  # raised by the first task, so the parent reports it
        _WORKER["error"] = error


def _worker_chunk(chunk: list[tuple[SourceDocument, str | None]]) -> list[Built]:
    """Build one chunk of documents in a worker process."""
    if "error" in _WORKER:
        raise _WORKER["error"]
    return list(
        document_graphs(
            chunk,
            _WORKER["nlp"],
            base=_WORKER["base"],
            name_victims=_WORKER["name_victims"],
            facts=_WORKER["facts"],
        )
    )


def _ready() -> None:
    """A no-op task: submitting one per worker starts the workers at once."""


def chunks(
    items: Iterable[tuple[SourceDocument, str | None]],
    max_docs: int | None = None,
    max_chars: int | None = None,
) -> Iterator[list[tuple[SourceDocument, str | None]]]:
    """Group documents into chunks of at most ``max_docs`` documents (default
    :data:`CHUNK_DOCS`) and about ``max_chars`` characters of text (default :data:`CHUNK_CHARS`):
    a chunk is closed once it reaches either."""
    max_docs = max_docs or CHUNK_DOCS
    max_chars = max_chars or CHUNK_CHARS
    chunk: list[tuple[SourceDocument, str | None]] = []
    chars = 0
    for item in items:
        chunk.append(item)
        chars += len(item[0].text)
        if len(chunk) >= max_docs or chars >= max_chars:
            yield chunk
            chunk, chars = [], 0
    if chunk:
        yield chunk


def _pool_graphs(
    items: Iterable[tuple[SourceDocument, str | None]],
    workers: int,
    *,
    model: str | None,
    base: str,
    name_victims: bool,
    facts: tuple[str, ...] = DEFAULT_FACTS,
) -> Iterator[Built]:
    """Like :func:`document_graphs`, in ``workers`` spawned processes.

    At most ``2 * workers`` chunks are in flight and results are taken in submission order, so
    the output order is the input order and memory does not grow with the corpus (unlike
    ``Pool.imap``, whose feeder thread reads the whole input ahead).
    """
    import multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")
    window: deque[Future[list[Built]]] = deque()
    with ProcessPoolExecutor(
        workers,
        mp_context=context,
        initializer=_init_worker,
        initargs=(model, base, name_victims, facts),
    ) as pool:
        for _ in range(workers):  # start every worker now: each loads the pipeline meanwhile
            pool.submit(_ready)
        try:
            for chunk in chunks(items):
                window.append(pool.submit(_worker_chunk, chunk))
                if len(window) >= 2 * workers:
                    yield from window.popleft().result()
            while window:
                yield from window.popleft().result()
        finally:
            for future in window:
                future.cancel()


# -- the build -----------------------------------------------------------------------------------


@functools.cache
def _ontology_ntriples() -> bytes:
    return to_ntriples(load_ontology())


def build_documents(
    documents: Iterable[SourceDocument],
    store: CaseStore,
    nlp: Language | None = None,
    *,
    model: str | None = None,
    base: str = DEFAULT_BASE,
    name_victims: bool = False,
    facts: tuple[str, ...] = DEFAULT_FACTS,
    progress: Progress | None = None,
    total: int = 0,
    workers: int = 1,
    cluster: str | None = None,
    force: bool = False,
    corrections: Corrections | None = None,
) -> BuildReport:
    """Build already-read documents into an open store (see :func:`build`).

    ``documents`` is consumed lazily. ``nlp`` is used only when the documents are built in this
    process (``workers=1`` and no ``cluster``); workers load ``model`` themselves.
    """
    if workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers}")
    if workers > 1 and cluster is not None:
        raise ValueError("give workers or cluster, not both")
    report = BuildReport()
    in_process = workers == 1 and cluster is None
    done = 0

    def tick(doc_id: str) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, max(total, done), doc_id)

    def pending() -> Iterator[tuple[SourceDocument, str]]:
        """The documents to build, with their hashes; unchanged ones are counted as skipped."""
        # computed here, once the workers are starting: it imports spaCy (0.4 s)
        fingerprint = pipeline_fingerprint(
            model,
            nlp=nlp if in_process else None,
            base=base,
            name_victims=name_victims,
            facts=facts,
        )
        owners: dict[str, str | None] = {}  # doc_id -> key, for the documents of this build
        for document in documents:
            document = _own_id(document, store, owners, base, report)
            iri = str(document_iri(document.doc_id, base))
            decided = ""
            if corrections:  # the corrections that concern it are part of what shapes its graph
                present = store.subjects_in(iri, corrections.entity_iris())
                decided = corrections.fingerprint(document.doc_id, present)
            digest = content_hash(
                document, f"{fingerprint}; corrections {decided}" if decided else fingerprint
            )
            if not force and store.content_hash(iri) == digest:
                report.skipped.append(document.doc_id)
                tick(document.doc_id)
                continue
            yield document, digest

    options = {"model": model, "base": base, "name_victims": name_victims, "facts": facts}
    if cluster is not None:
        from .cluster import cluster_graphs  # imports dask

        built = cluster_graphs(pending(), cluster, **options)
    elif workers > 1:
        built = _pool_graphs(pending(), workers, **options)
    else:
        built = document_graphs(pending(), nlp, **options)

    batch: list[tuple[str, bytes]] = []
    ids: list[str] = []
    size = 0
    opened = 0.0  # when the first document of the batch was built

    def load() -> None:
        nonlocal batch, ids, size
        report.triples += store.replace_documents(batch)
        report.documents += ids
        batch, ids, size = [], [], 0

    for doc_id, iri, data in built:
        if corrections:
            data = corrections.apply(doc_id, data)
        if not batch:
            opened = time.monotonic()
        batch.append((iri, data))
        ids.append(doc_id)
        size += len(data)
        tick(doc_id)
        if (
            len(batch) >= LOAD_BATCH
            or size >= LOAD_BATCH_BYTES
            or time.monotonic() - opened >= LOAD_BATCH_SECONDS
        ):
            load()
    if batch:
        load()
    # last, so that workers start at once; every build writes it again (it may have changed)
    store.ensure_graph(ONTOLOGY_GRAPH, _ontology_ntriples())
    if corrections:
        report.corrected = corrections.applied
        report.corrections = list(corrections.notes)
    return report


def _own_id(
    document: SourceDocument,
    store: CaseStore,
    owners: dict[str, str | None],
    base: str,
    report: BuildReport,
) -> SourceDocument:
    """The document with an id no other file has: its own, or its own with its key appended.

    The id of a file is the slug of its name, so ``a/report.txt`` and ``b/report.txt`` share one.
    The first file to take an id keeps it (in the store, or earlier in this build); another file
    of that name gets ``{id}-{key[:8]}``, the same on every rebuild. A graph stored without a key
    (casegraph before keys) belongs to whichever file is built under its id next.
    """
    key = document.key
    if key is None:
        return document
    doc_id = document.doc_id
    iri = str(document_iri(doc_id, base))
    owner = owners[doc_id] if doc_id in owners else store.source_key(iri)
    if owner is not None and owner != key:
        document = dataclasses.replace(document, doc_id=f"{doc_id}-{key[:8]}")
        report.renamed.append((document.source, document.doc_id))
    owners.setdefault(document.doc_id, key)
    return document


def build(
    paths: Iterable[str | Path],
    store_path: str | Path | None = "casegraph.store",
    *,
    model: str | None = None,
    base: str = DEFAULT_BASE,
    name_victims: bool = False,
    facts: tuple[str, ...] = DEFAULT_FACTS,
    progress: Progress | None = None,
    workers: int = 1,
    cluster: str | None = None,
    force: bool = False,
    max_chars: int = MAX_CHARS,
    corrections: str | Path | None = None,
) -> BuildReport:
    """Build documents (files or folders) into the store at ``store_path``.

    Parameters
    ----------
    paths
        Files (.txt, .md, .html, .htm) and folders of them.
    store_path
        The store folder, created when missing; None builds into a throw-away in-memory store.
    model
        spaCy pipeline name (default :func:`graph.nlp.default_model`).
    base
        Namespace of instance IRIs.
    name_victims
        Opt-in: name persons the text marks as victims.
    facts
        The fact sources to run (:data:`graph.extract.FACT_SOURCES`): ``"rules"``, the learned
        ``"model"``, or both.
    progress
        Called as ``progress(done, total, doc_id)`` after each document built or skipped;
        ``total`` counts the document files found.
    workers
        Processes that parse and extract (1: this process). Each loads the spaCy pipeline once.
        A script that calls this with ``workers > 1`` must guard its entry point with
        ``if __name__ == "__main__":`` (the workers are spawned).
    cluster
        Build on a Dask cluster instead: a scheduler address (``tcp://host:8786``) or ``"local"``
        for a two-process cluster on this machine (see :mod:`graph.cluster`).
    force
        Build every document again, even those whose content hash is unchanged.
    max_chars
        The size budget of a document: a longer one is reported and not built (the batch goes
        on). A long document within it is parsed in parts (:func:`graph.nlp.parse`).
    corrections
        A corrections file (:mod:`graph.correct`) to apply after extraction; by default the
        store's own ``STORE/corrections.jsonl`` when it exists. A bad file stops the build
        before anything is stored.

    Returns
    -------
    BuildReport
        The stored and skipped documents, for each document that could not be read its error,
        and a note for each file of a folder that is not a document. The caller decides the exit
        status; the good documents are stored either way.
    """
    paths = [str(path) for path in paths] if not isinstance(paths, (str, Path)) else [str(paths)]
    if corrections is None and store_path is not None:
        own = Path(store_path) / CORRECTIONS_FILE
        corrections = own if own.is_file() else None
    decisions = (
        Corrections(load_corrections(corrections, base), base) if corrections is not None else None
    )
    total = sum(1 for item in expand_paths(paths) if not isinstance(item, CasegraphError))
    errors: list[CasegraphError] = []

    ignored: list[str] = []
    decoded: list[tuple[str, str]] = []

    def documents() -> Iterator[SourceDocument]:
        for item in read_documents(paths, max_chars=max_chars, ignored=ignored):
            if isinstance(item, CasegraphError):
                errors.append(item)
            else:
                if item.encoding != "utf-8":
                    decoded.append((item.source, item.encoding))
                yield item

    with CaseStore.open(store_path) as store:
        if total:
            report = build_documents(
                documents(),
                store,
                model=model,
                base=base,
                name_victims=name_victims,
                facts=facts,
                progress=progress,
                total=total,
                workers=workers,
                cluster=cluster,
                force=force,
                corrections=decisions,
            )
        else:  # nothing to read: only errors (missing paths, folders without documents)
            report = BuildReport()
            errors += [
                item
                for item in read_documents(paths, max_chars=max_chars, ignored=ignored)
                if isinstance(item, CasegraphError)
            ]
    report.errors = errors + report.errors
    report.ignored = ignored
    report.decoded = decoded
    return report


def evaluation_builder(
    nlp: Language | None = None,
    *,
    model: str | None = None,
    name_victims: bool = False,
    facts: tuple[str, ...] = DEFAULT_FACTS,
):
    """A ``build(path)`` for :func:`graph.evaluate.evaluate_dir`: each document on its own, in a
    fresh in-memory store (so documents never see each other's entities)."""
    from contextlib import contextmanager

    from .ingest import read_document
    from .nlp import load_pipeline

    nlp = nlp or load_pipeline(model, learned_ner="ner" in facts)

    @contextmanager
    def build_one(path: Path):
        with CaseStore.open(None) as store:
            build_documents(
                [read_document(path)], store, nlp, name_victims=name_victims, facts=facts
            )
            yield store.oxigraph

    return build_one


def sentence_stores(
    texts: Iterable[str],
    nlp: Language | None = None,
    *,
    model: str | None = None,
    name_victims: bool = False,
    facts: tuple[str, ...] = DEFAULT_FACTS,
) -> Iterator[Store]:
    """Build each text as a document of its own in a fresh in-memory store, and yield the store.

    The ``extract`` argument of :func:`graph.evaluate.evaluate_conll04` (one store per
    sentence, like :func:`evaluation_builder` for whole documents); each store is dropped when
    the caller asks for the next one.
    """
    from .nlp import load_pipeline

    nlp = nlp or load_pipeline(model, learned_ner="ner" in facts)
    for i, text in enumerate(texts):
        source = SourceDocument(doc_id=f"s{i}", text=text, title=text[:60], source=f"sentence {i}")
        with CaseStore.open(None) as store:
            build_documents([source], store, nlp, name_victims=name_victims, facts=facts)
            yield store.oxigraph
