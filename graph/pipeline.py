"""The build: documents in, one named graph per document out, into the store.

``ingest -> nlp -> extract -> resolve -> rdf -> store``, streaming: documents are parsed with
``nlp.pipe`` in small batches and their graphs are bulk-loaded in batches, so memory stays flat as
the corpus grows. A document that cannot be read is reported and skipped; every graph is complete
before it is written, so a failing document never leaves a half-written graph.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .errors import CasegraphError
from .extract import extract
from .ingest import read_documents
from .model import ResolvedDocument, SourceDocument
from .nlp import load_pipeline, parse
from .ontology import ONTOLOGY_GRAPH, load_ontology
from .rdf import DEFAULT_BASE, document_graph, document_iri, to_ntriples
from .resolve import resolve
from .store import CaseStore

__all__ = ["BuildReport", "build", "build_documents", "evaluation_builder", "process"]

#: Documents whose graphs are bulk-loaded together.
LOAD_BATCH = 64

Progress = Callable[[int, int, str], None]


@dataclass
class BuildReport:
    """What a build stored: document ids, errors of the documents that failed, triples loaded."""

    documents: list[str] = field(default_factory=list)
    errors: list[CasegraphError] = field(default_factory=list)
    triples: int = 0


def process(
    documents: Iterable[SourceDocument],
    nlp=None,
    *,
    model: str | None = None,
    name_victims: bool = False,
) -> Iterator[ResolvedDocument]:
    """Parse, extract and resolve documents, in order."""
    docs = list(documents)
    nlp = nlp or load_pipeline(model)
    for source, doc in zip(docs, parse(nlp, (d.text for d in docs)), strict=True):
        yield resolve(extract(doc, source, name_victims=name_victims))


def build_documents(
    documents: Iterable[SourceDocument],
    store: CaseStore,
    nlp=None,
    *,
    model: str | None = None,
    base: str = DEFAULT_BASE,
    name_victims: bool = False,
    progress: Progress | None = None,
    total: int = 0,
) -> BuildReport:
    """Build already-read documents into an open store (see :func:`build`)."""
    report = BuildReport()
    store.ensure_graph(ONTOLOGY_GRAPH, to_ntriples(load_ontology()))
    batch: list[tuple[str, bytes]] = []
    ids: list[str] = []
    resolved_docs = process(documents, nlp, model=model, name_victims=name_victims)
    for done, resolved in enumerate(resolved_docs, start=1):
        graph = document_graph(resolved, base)
        batch.append((str(document_iri(resolved.document.doc_id, base)), to_ntriples(graph)))
        ids.append(resolved.document.doc_id)
        if progress is not None:
            progress(done, total or done, resolved.document.doc_id)
        if len(batch) >= LOAD_BATCH:
            report.triples += store.replace_documents(batch)
            report.documents += ids
            batch, ids = [], []
    if batch:
        report.triples += store.replace_documents(batch)
        report.documents += ids
    return report


def build(
    paths: Iterable[str | Path],
    store_path: str | Path | None = "casegraph.store",
    *,
    model: str | None = None,
    base: str = DEFAULT_BASE,
    name_victims: bool = False,
    progress: Progress | None = None,
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
    progress
        Called as ``progress(done, total, doc_id)`` after each document.

    Returns
    -------
    BuildReport
        The stored documents and, for each document that could not be read, its error. The
        caller decides the exit status; the good documents are stored either way.
    """
    documents: list[SourceDocument] = []
    errors: list[CasegraphError] = []
    for item in read_documents(paths):
        (errors if isinstance(item, CasegraphError) else documents).append(item)
    with CaseStore.open(store_path) as store:
        report = (
            build_documents(
                documents,
                store,
                model=model,
                base=base,
                name_victims=name_victims,
                progress=progress,
                total=len(documents),
            )
            if documents
            else BuildReport()
        )
    report.errors = errors + report.errors
    return report


def evaluation_builder(nlp=None, *, model: str | None = None):
    """A ``build(path)`` for :func:`graph.evaluate.evaluate_dir`: each document on its own, in a
    fresh in-memory store (so documents never see each other's entities)."""
    from contextlib import contextmanager

    from .ingest import read_document

    nlp = nlp or load_pipeline(model)

    @contextmanager
    def build_one(path: Path):
        with CaseStore.open(None) as store:
            build_documents([read_document(path)], store, nlp)
            yield store.oxigraph

    return build_one
