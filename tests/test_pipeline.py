"""The whole build on real documents: offsets, idempotence, validation, safeguarding, batches."""

from __future__ import annotations

import json

import pytest
from conftest import DEV, SEEDS, needs_shared

from graph.ingest import read_documents
from graph.pipeline import build, build_documents
from graph.query import run_query
from graph.store import CaseStore
from graph.validate import validate

pytestmark = pytest.mark.issue(2)

FACT_SENTENCES = """
PREFIX cg: <https://w3id.org/casegraph/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
SELECT DISTINCT ?fact ?begin ?end ?anchor ?text WHERE {
  VALUES ?class { cg:Allegation cg:Outcome cg:Statement cg:Membership cg:Investigation }
  ?fact a ?class ; prov:wasDerivedFrom ?s .
  ?s nif:beginIndex ?begin ; nif:endIndex ?end ; nif:anchorOf ?anchor ;
     nif:referenceContext ?d .
  ?d nif:isString ?text .
}
"""


@pytest.fixture(scope="module")
def dev_store(tmp_path_factory, nlp):
    if not DEV.is_dir():
        pytest.skip(f"{DEV} not found: the annotated development documents are only present in CI")
    path = tmp_path_factory.mktemp("dev") / "store"
    docs = [d for d in read_documents(sorted(DEV.glob("*.txt"))) if not isinstance(d, Exception)]
    with CaseStore.open(path) as store:
        report = build_documents(docs, store, nlp)
    assert len(report.documents) == len(list(DEV.glob("*.txt")))
    return path, docs


@needs_shared()
def test_pipeline_every_fact_sentence_slices_its_document(dev_store):
    path, _ = dev_store
    with CaseStore.open(path, read_only=True) as store:
        rows = run_query(store, FACT_SENTENCES).rows
    assert len(rows) > 50
    for _fact, begin, end, anchor, text in rows:
        assert text[int(begin) : int(end)] == anchor
    # the dev set has curly quotes and dashes: offsets are in characters, not bytes
    assert any(any(ord(c) > 127 for c in anchor) for *_, anchor, _text in rows)


@needs_shared()
def test_pipeline_rebuild_leaves_triple_count_unchanged(dev_store, nlp):
    path, docs = dev_store
    with CaseStore.open(path) as store:
        before = store.count_quads()
        build_documents(docs, store, nlp)
        after = store.count_quads()
    assert before == after > 0


@needs_shared()
def test_pipeline_dev_store_conforms_to_shapes(dev_store):
    path, _ = dev_store
    with CaseStore.open(path, read_only=True) as store:
        report = validate(store.to_rdflib())
    assert report.conforms, report.text[:2000]


@needs_shared()
def test_pipeline_never_names_victims(dev_store):
    path, _ = dev_store
    victims = set()
    for gold in DEV.glob("*.gold.json"):
        victims |= {v.lower() for v in json.loads(gold.read_text()).get("victim_names", [])}
    assert victims, "the dev set names victims in its gold files"
    with CaseStore.open(path, read_only=True) as store:
        rows = run_query(
            store,
            "PREFIX cg: <https://w3id.org/casegraph/ontology#>\n"
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
            "SELECT DISTINCT ?l WHERE { ?p a cg:Person ; rdfs:label ?l }",
        ).rows
    persons = {r[0].lower() for r in rows}
    assert persons
    assert not persons & victims
    assert not any(p.split()[-1] in victims for p in persons)


@needs_shared()
def test_pipeline_same_organisation_in_two_documents_is_one_node(dev_store):
    path, _ = dev_store
    with CaseStore.open(path, read_only=True) as store:
        rows = run_query(
            store,
            "PREFIX cg: <https://w3id.org/casegraph/ontology#>\n"
            "SELECT DISTINCT ?o (COUNT(DISTINCT ?g) AS ?n) WHERE {\n"
            "  GRAPH ?g { ?o a cg:Organisation } } GROUP BY ?o HAVING (COUNT(DISTINCT ?g) > 1)",
        ).rows
    assert rows, "some organisation (a watchdog, a police force) is named in two documents"


def test_pipeline_batch_stores_good_documents_past_a_bad_one(tmp_path):
    bad = tmp_path / "empty.txt"
    bad.write_text("   \n")
    store = tmp_path / "store"
    report = build([SEEDS, bad], store)
    assert report.documents == ["rotherham-iopc"]
    assert len(report.errors) == 1
    assert "empty.txt" in str(report.errors[0])
    with CaseStore.open(store, read_only=True) as s:
        assert any(iri.endswith("/doc/rotherham-iopc") for iri in s.document_iris())


def test_pipeline_same_input_same_graph(tmp_path, nlp):
    docs = [d for d in read_documents([SEEDS]) if not isinstance(d, Exception)]
    dumps = []
    for name in ("a", "b"):
        with CaseStore.open(tmp_path / name) as store:
            build_documents(docs, store, nlp)
            dumps.append(store.dump("nquads"))
    assert dumps[0] == dumps[1]


@pytest.mark.issue(14)
def test_pipeline_same_file_name_in_two_folders_keeps_both(tmp_path, nlp):
    a = tmp_path / "a" / "article.txt"
    b = tmp_path / "b" / "article.txt"
    for path, body in ((a, "The IOPC investigated Eastmoor Police."), (b, "A second story.")):
        path.parent.mkdir()
        path.write_text(f"{path.parent.name} title\n\n{body}\n", encoding="utf-8")
    store_path = tmp_path / "store"
    first = build([a], store_path)
    second = build([b], store_path)
    again = build([b, a], store_path, force=True)  # a keeps its id, b keeps its suffixed one
    suffixed = f"article-{next(read_documents([b])).key[:8]}"
    assert first.documents == ["article"] and not first.renamed
    assert second.documents == [suffixed] and second.renamed == [(str(b), suffixed)]
    assert again.documents == [suffixed, "article"]
    with CaseStore.open(store_path, read_only=True) as store:
        rows = run_query(
            store, "SELECT ?t WHERE { ?d a cg:Document ; dcterms:title ?t } ORDER BY ?t"
        ).rows
    assert [r[0] for r in rows] == ["a title", "b title"]
