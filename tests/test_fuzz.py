"""Issue 14: fuzzing. Generated adversarial documents (``tests/adversarial.py``) each build or are
refused in one line, and what is built validates and re-parses; property-based tests (hypothesis)
of ingest, IRIs and serialisation."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
import rdflib
from adversarial import documents
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyoxigraph import RdfFormat, parse

from graph.errors import IngestError
from graph.ingest import read_document, slugify
from graph.model import SourceDocument
from graph.pipeline import build, document_graphs
from graph.rdf import _literal, document_iri
from graph.store import CaseStore
from graph.validate import validate

pytestmark = pytest.mark.issue(14)

N_FUZZ = 500


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    for name, data in documents(N_FUZZ, seed=14):
        (folder / name).write_bytes(data)
    store = tmp_path_factory.mktemp("fuzz-store") / "store"
    report = build([folder], store)
    return folder, store, report


def test_fuzz_every_document_builds_or_is_refused_in_one_line(fuzzed) -> None:
    folder, _, report = fuzzed
    assert len(report.documents) + len(report.errors) == N_FUZZ
    assert len(report.documents) > 0.8 * N_FUZZ  # most of them are text and must be stored
    for error in report.errors:
        message = str(error)
        assert isinstance(error, IngestError), message
        assert "\n" not in message and f"'{folder}/fuzz-" in message, message


def test_fuzz_built_graphs_conform_to_the_shapes(fuzzed) -> None:
    _, store, report = fuzzed
    with CaseStore.open(store, read_only=True) as opened:
        dataset = opened.to_rdflib()
    checked = 0
    for graph in dataset.graphs():  # one by one: SHACL over the union is several times slower
        if str(graph.identifier).startswith("https://w3id.org/casegraph/id/doc/"):
            result = validate(graph)
            assert result.conforms, (graph.identifier, result.violations[:3])
            checked += 1
    assert checked == len(report.documents)


@pytest.mark.parametrize(("fmt", "rdflib_format"), [("turtle", "turtle"), ("nquads", "nquads")])
def test_fuzz_built_graphs_reparse(fuzzed, fmt, rdflib_format) -> None:
    store = fuzzed[1]
    with CaseStore.open(store, read_only=True) as opened:
        data = opened.dump(fmt)
        n_quads = opened.count_quads()
    parsed = rdflib.Dataset() if fmt == "nquads" else rdflib.Graph()
    parsed.parse(data=data, format=rdflib_format)
    if fmt == "nquads":
        assert sum(len(g) for g in parsed.graphs()) == n_quads
    else:
        assert len(parsed) > 0


# -- properties ---------------------------------------------------------------------------------


@given(st.text())
def test_fuzz_slug_is_iri_safe_and_never_empty(name: str) -> None:
    slug = slugify(name)
    assert slug and set(slug) <= set(string.ascii_lowercase + string.digits + "-")
    assert slug == slugify(name)
    document_iri(slug)  # rdflib refuses an invalid IRI


@given(st.text())
def test_fuzz_any_string_literal_round_trips_through_ntriples(value: str) -> None:
    line = f"<http://x/s> <http://x/p> {_literal(value)} .\n".encode("utf-8", "surrogatepass")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates are no text casegraph can read
        return
    (triple,) = parse(line, format=RdfFormat.N_TRIPLES)
    assert triple.object.value == value


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=2000), st.sampled_from([".txt", ".md", ".html"]))
def test_fuzz_any_bytes_read_or_refused_in_one_line(tmp_path: Path, data: bytes, ext: str) -> None:
    path = tmp_path / f"doc{ext}"
    path.write_bytes(data)
    try:
        document = read_document(path)
    except IngestError as error:
        assert "\n" not in str(error) and str(path) in str(error)
    else:
        assert document.text.strip() and document.doc_id == "doc"


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "PC Ann Lee",
                "of Eastmoor Police",
                "was dismissed",
                "The IOPC investigated",
                '"We are sorry," said',
                "Ms Lee",
                "alleged that",
                "five officers",
                "\n\n",
                "\u200b",
                "ﬁ",
                "🚓",
                "<>",
                ".",
                ",",
            ]
        ),
        max_size=40,
    )
)
def test_fuzz_extraction_offsets_always_slice_the_text(nlp, parts: list[str]) -> None:
    text = "Title\n\n" + " ".join(parts)
    source = SourceDocument(doc_id="fuzz", text=text, title="Title", source="fuzz.txt")
    ((_, _, data),) = list(document_graphs([(source, None)], nlp))
    graph = rdflib.Graph().parse(data=data, format="nt")
    nif = rdflib.Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
    for node in graph.subjects(nif.beginIndex, None):
        begin = int(graph.value(node, nif.beginIndex))
        end = int(graph.value(node, nif.endIndex))
        assert str(graph.value(node, nif.anchorOf)) == text[begin:end]
