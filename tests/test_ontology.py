"""The bundled ontology, outcome scheme, shapes and competency queries: complete, consistent."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import rdflib
from rdflib import OWL, RDF, RDFS, SKOS, URIRef
from rdflib.plugins.sparql import prepareQuery

from graph import ns
from graph.errors import OntologyError
from graph.ontology import (
    CG_NAMESPACE,
    CGO_NAMESPACE,
    ONTOLOGY_GRAPH,
    competency_queries,
    load_ontology,
    load_shapes,
    ontology_dir,
    ontology_terms,
    outcome_scheme,
    render_ns,
)

GOLD_SCHEMA = Path(__file__).resolve().parents[2] / "shared" / "eval" / "GOLD_SCHEMA.md"

#: The outcome slugs of the gold schema, kept here so the test never needs ../shared.
MINIMUM_SLUGS = {
    "case-to-answer-misconduct", "case-to-answer-gross-misconduct", "no-case-to-answer",
    "misconduct-proven", "gross-misconduct-proven", "not-proven", "sustained", "not-sustained",
    "unfounded", "exonerated", "referral", "criminal-charge", "conviction", "acquittal",
    "no-further-action", "admission", "criticised", "management-action", "reflective-practice",
    "written-warning", "final-written-warning", "reduction-in-rank", "dismissal",
    "would-have-been-dismissed", "suspension", "resignation", "retirement", "barred",
    "custodial-sentence", "suspended-sentence", "probation", "fine", "compensation", "no-sanction",
}  # fmt: skip

TOP_CONCEPTS = {"findings", "sanctions", "criminal-justice", "organisational-responses"}

CLASSES = {
    "Entity", "Organisation", "Person", "Group", "Place", "Fact", "Allegation", "Outcome",
    "Statement", "Membership", "Investigation", "Document", "Sentence", "Mention", "Correction",
}  # fmt: skip
OBJECT_PROPERTIES = {
    "member", "organisation", "memberOf", "investigator", "subject", "investigated", "against",
    "madeBy", "outcomeType", "appliesTo", "decidedBy", "concerns", "saidBy", "mention", "target",
    "correctedBy",
}  # fmt: skip
DATATYPE_PROPERTIES = {
    "role",
    "count",
    "rangeCount",
    "page",
    "operation",
    "detail",
    "quote",
    "confidence",
    "extractor",
    "contentHash",
    "sourceKey",
}

CG = rdflib.Namespace(CG_NAMESPACE)
CGO = rdflib.Namespace(CGO_NAMESPACE)


def gold_slugs(text: str) -> set[str]:
    """Outcome slugs listed under ``outcomes.type`` in GOLD_SCHEMA.md."""
    section = text.split("`outcomes.type` is one of:", 1)[1].split("- anything else", 1)[0]
    return set(re.findall(r"`([a-z]+(?:-[a-z]+)*)`", section))


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    return load_ontology()


@pytest.mark.parametrize("name", ["casegraph.ttl", "outcomes.ttl", "shapes.ttl"])
def test_ontology_files_parse(name):
    assert len(rdflib.Graph().parse(ontology_dir() / name, format="turtle")) > 0


def test_ontology_load_ontology_is_the_ontology_graph(ontology):
    assert ontology.identifier == URIRef(ONTOLOGY_GRAPH)
    assert (URIRef(ONTOLOGY_GRAPH), RDF.type, OWL.Ontology) in ontology
    assert not list(ontology.objects(None, OWL.imports))
    assert len(load_shapes()) > 0


def test_ontology_defines_exactly_the_model_terms(ontology):
    assert set(ontology_terms()) == CLASSES | OBJECT_PROPERTIES | DATATYPE_PROPERTIES
    for name in CLASSES:
        assert (CG[name], RDF.type, OWL.Class) in ontology, name
    for name in OBJECT_PROPERTIES:
        assert (CG[name], RDF.type, OWL.ObjectProperty) in ontology, name
    for name in DATATYPE_PROPERTIES:
        assert (CG[name], RDF.type, OWL.DatatypeProperty) in ontology, name


@pytest.mark.parametrize("name", sorted(CLASSES | OBJECT_PROPERTIES | DATATYPE_PROPERTIES))
def test_ontology_term_has_label_and_comment(ontology, name):
    assert ontology.value(CG[name], RDFS.label) is not None
    assert ontology.value(CG[name], RDFS.comment) is not None


def test_ontology_superclasses(ontology):
    for name in ("Organisation", "Person", "Group", "Place"):
        assert (CG[name], RDFS.subClassOf, CG.Entity) in ontology
    for name in ("Allegation", "Outcome", "Statement", "Membership", "Investigation"):
        assert (CG[name], RDFS.subClassOf, CG.Fact) in ontology


def test_ontology_ns_py_has_the_same_terms():
    generated = {name for name in ns.CG.__annotations__ if not name.startswith("_")}
    assert generated == set(ontology_terms())
    assert ns.CG.Allegation == CG.Allegation
    with pytest.raises(AttributeError):
        ns.CG.Allegations  # noqa: B018  # _fail = True: unknown names are an error


def test_ontology_ns_py_is_up_to_date():
    generated = {}
    exec(compile(render_ns(), "ns.py", "exec"), generated)
    assert set(generated["CG"].__annotations__) == set(ns.CG.__annotations__)


def test_ontology_scheme_has_minimum_slugs():
    assert set(outcome_scheme()) >= MINIMUM_SLUGS


@pytest.mark.shared
def test_ontology_scheme_has_every_gold_slug():
    if not GOLD_SCHEMA.is_file():
        pytest.skip(f"{GOLD_SCHEMA} not found: ../shared is not checked out")
    slugs = gold_slugs(GOLD_SCHEMA.read_text(encoding="utf-8"))
    assert slugs >= MINIMUM_SLUGS  # the parser found the whole list
    assert slugs <= set(outcome_scheme())


def test_ontology_every_concept_is_complete(ontology):
    scheme = CGO.scheme
    assert (scheme, RDF.type, SKOS.ConceptScheme) in ontology
    tops = {CGO[slug] for slug in TOP_CONCEPTS}
    assert set(ontology.objects(scheme, SKOS.hasTopConcept)) == tops
    for top in tops:
        assert (top, SKOS.topConceptOf, scheme) in ontology
    for concept in ontology.subjects(RDF.type, SKOS.Concept):
        notation = ontology.value(concept, SKOS.notation)
        assert concept == CGO[str(notation)], concept
        assert ontology.value(concept, SKOS.prefLabel) is not None, concept
        assert (concept, SKOS.inScheme, scheme) in ontology, concept
        assert ontology.value(concept, SKOS.definition) is not None, concept
        if concept not in tops:
            assert set(ontology.objects(concept, SKOS.broader)) & tops, concept


def test_ontology_outcome_scheme_entries():
    scheme = outcome_scheme()
    assert set(scheme).isdisjoint(TOP_CONCEPTS)
    for slug, outcome in scheme.items():
        assert outcome.slug == slug
        assert outcome.iri == CGO[slug]
        assert outcome.group in TOP_CONCEPTS
        assert outcome.alt_labels, slug
        assert all(label == label.lower() for label in outcome.alt_labels), slug
    assert {"final written warning"} <= set(scheme["final-written-warning"].alt_labels)
    assert {"dismissed", "sacked", "fired"} <= set(scheme["dismissal"].alt_labels)
    assert {"jailed", "imprisoned"} <= set(scheme["custodial-sentence"].alt_labels)
    assert scheme["case-to-answer-gross-misconduct"].group == "findings"
    assert scheme["no-sanction"].group == "sanctions"
    assert scheme["conviction"].group == "criminal-justice"
    assert scheme["admission"].group == "organisational-responses"
    scheme.clear()  # a copy: the cache is not affected
    assert outcome_scheme()


def test_ontology_alt_labels_are_unambiguous():
    owner: dict[str, str] = {}
    for slug, outcome in outcome_scheme().items():
        for label in outcome.alt_labels:
            assert owner.setdefault(label, slug) == slug, f"{label!r}: {owner[label]}, {slug}"


def test_ontology_competency_queries():
    queries = competency_queries()
    assert [query.name[:3] for query in queries] == [f"{n:02d}-" for n in range(1, 8)]
    for query in queries:
        assert query.sparql.startswith(f"# Question: {query.question}\n")
        assert query.question.endswith("?")
        prepareQuery(query.sparql)
        assert "ORDER BY" in query.sparql
        assert "SERVICE" not in query.sparql


def test_ontology_dir_missing(monkeypatch, tmp_path):
    import graph

    monkeypatch.setattr(graph, "__file__", str(tmp_path / "pkg" / "graph" / "__init__.py"))
    with pytest.raises(OntologyError, match="not found"):
        ontology_dir()


def test_ontology_write_ns_command(tmp_path, capsys):
    from graph.ontology import main

    target = tmp_path / "ns.py"
    assert main(["--write-ns", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == render_ns()
    assert str(target) in capsys.readouterr().out


def test_ontology_module_wins_over_packaged_data_dir(tmp_path):
    """The wheel holds both graph/ontology.py and the data directory graph/ontology/."""
    import subprocess
    import sys

    package = tmp_path / "pkg"
    (package / "ontology").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "ontology.py").write_text("VALUE = 1\n")
    code = "import pkg.ontology as m; print(m.VALUE)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "1"
