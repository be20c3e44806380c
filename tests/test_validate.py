"""A hand-made graph in the shape of docs/model.md conforms to the shapes, breaking it does not, and
the competency queries answer over it."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, Literal, Namespace, URIRef

from graph import ns
from graph.ns import CG, CGO, DCTERMS, NIF, PROV, RDF, RDFS, SKOS
from graph.ontology import ONTOLOGY_GRAPH, competency_queries, load_ontology
from graph.validate import ValidationReport, validate

ID = Namespace("https://w3id.org/casegraph/id/")
DOC = ID["doc/sample"]
TEXT = (
    "Watchdog probes officer\n\n"
    "The Independent Office for Police Conduct investigated PC Jane Smith. "
    "Jane Smith, a constable with Kent Police, was dismissed without notice.\n"
)
S1 = TEXT.index("The Independent")
S2 = TEXT.index("Jane Smith, a")
SENTENCES = [(S1, S2 - 1), (S2, len(TEXT) - 1)]

IOPC = ID["organisation/independent-office-for-police-conduct"]
KENT = ID["organisation/kent-police"]
SMITH = ID["person/jane-smith"]
KENT_MENTION = URIRef(f"{DOC}#mention={TEXT.index('Kent')},{TEXT.index('Kent') + 11}")
INVESTIGATION = ID["fact/sample/investigation-1"]
MEMBERSHIP = ID["fact/sample/membership-1"]
OUTCOME = ID["fact/sample/outcome-1"]


def sentence(begin: int, end: int) -> URIRef:
    return URIRef(f"{DOC}#char={begin},{end}")


def add_span(g: Graph, node: URIRef, kind: URIRef, begin: int, end: int) -> None:
    g.add((node, RDF.type, kind))
    g.add((node, NIF.beginIndex, Literal(begin, datatype=ns.XSD.nonNegativeInteger)))
    g.add((node, NIF.endIndex, Literal(end, datatype=ns.XSD.nonNegativeInteger)))
    g.add((node, NIF.anchorOf, Literal(TEXT[begin:end])))
    g.add((node, NIF.referenceContext, DOC))


def add_fact(g: Graph, fact: URIRef, kind: URIRef, evidence: tuple[int, int]) -> None:
    g.add((fact, RDF.type, kind))
    g.add((fact, PROV.wasDerivedFrom, sentence(*evidence)))
    g.add((fact, CG.confidence, Literal(Decimal("0.8"))))
    g.add((fact, CG.extractor, Literal(f"test-{kind.fragment.lower()}")))


def sample_graph() -> Graph:
    """One document, two sentences, three entities and three facts, as docs/model.md says."""
    g = Graph()
    g.add((DOC, RDF.type, CG.Document))
    g.add((DOC, NIF.isString, Literal(TEXT)))
    g.add((DOC, DCTERMS.title, Literal("Watchdog probes officer")))
    g.add((DOC, DCTERMS.source, Literal("sample.txt")))
    for begin, end in SENTENCES:
        add_span(g, sentence(begin, end), CG.Sentence, begin, end)

    for entity, kind, label in [
        (IOPC, CG.Organisation, "Independent Office for Police Conduct"),
        (KENT, CG.Organisation, "Kent Police"),
        (SMITH, CG.Person, "Jane Smith"),
    ]:
        g.add((entity, RDF.type, kind))
        g.add((entity, RDFS.label, Literal(label)))
        begin = TEXT.index(label)
        mention = URIRef(f"{DOC}#mention={begin},{begin + len(label)}")
        add_span(g, mention, CG.Mention, begin, begin + len(label))
        g.add((entity, CG.mention, mention))
    g.add((SMITH, SKOS.altLabel, Literal("PC Jane Smith")))

    add_fact(g, INVESTIGATION, CG.Investigation, SENTENCES[0])
    g.add((INVESTIGATION, CG.investigator, IOPC))
    g.add((INVESTIGATION, CG.subject, SMITH))
    g.add((IOPC, CG.investigated, SMITH))

    add_fact(g, MEMBERSHIP, CG.Membership, SENTENCES[1])
    g.add((MEMBERSHIP, CG.member, SMITH))
    g.add((MEMBERSHIP, CG.organisation, KENT))
    g.add((MEMBERSHIP, CG.role, Literal("constable")))
    g.add((SMITH, CG.memberOf, KENT))
    g.add((SMITH, CG.role, Literal("constable")))

    add_fact(g, OUTCOME, CG.Outcome, SENTENCES[1])
    g.add((OUTCOME, CG.outcomeType, CGO["dismissal"]))
    g.add((OUTCOME, CG.appliesTo, SMITH))
    g.add((OUTCOME, CG.count, Literal(1)))
    g.add((OUTCOME, CG.detail, Literal("without notice")))
    return g


def test_validate_sample_graph_conforms():
    report = validate(sample_graph())
    assert isinstance(report, ValidationReport)
    assert report.conforms, report.text
    assert report.violations == []


def test_validate_dataset_is_validated_as_union():
    dataset = Dataset()
    dataset.graph(DOC).__iadd__(sample_graph())
    dataset.graph(URIRef(ONTOLOGY_GRAPH)).__iadd__(load_ontology())
    assert validate(dataset).conforms
    dataset.graph(ID["doc/other"]).add((OUTCOME, CG.confidence, Literal(Decimal("0.5"))))
    report = validate(dataset)
    assert not report.conforms
    assert (OUTCOME, CG.confidence) in {(focus, path) for focus, path, _ in report.violations}


def _drop_derivation(g: Graph) -> None:
    g.remove((OUTCOME, PROV.wasDerivedFrom, None))


def _second_label(g: Graph) -> None:
    g.add((KENT, RDFS.label, Literal("Kent Constabulary")))


def _not_a_concept(g: Graph) -> None:
    g.set((OUTCOME, CG.outcomeType, CGO["sacked-on-the-spot"]))


def _confidence_too_high(g: Graph) -> None:
    g.set((MEMBERSHIP, CG.confidence, Literal(Decimal("1.5"))))


def _float_confidence(g: Graph) -> None:
    g.set((MEMBERSHIP, CG.confidence, Literal(0.5)))


def _anchor_mismatch(g: Graph) -> None:
    begin, end = SENTENCES[0]
    g.set((sentence(begin, end), NIF.anchorOf, Literal(TEXT[begin : end - 1])))


def _offsets_outside(g: Graph) -> None:
    g.set((KENT_MENTION, NIF.endIndex, Literal(len(TEXT) + 5, datatype=ns.XSD.nonNegativeInteger)))


def _organisation_as_member(g: Graph) -> None:
    g.add((MEMBERSHIP, CG.member, IOPC))


def _negative_count(g: Graph) -> None:
    g.set((OUTCOME, CG.count, Literal(-1)))


def _untyped_sentence(g: Graph) -> None:
    g.remove((sentence(*SENTENCES[0]), RDF.type, CG.Sentence))


@pytest.mark.parametrize(
    ("breakage", "focus", "path"),
    [
        (_drop_derivation, OUTCOME, PROV.wasDerivedFrom),
        (_second_label, KENT, RDFS.label),
        (_not_a_concept, OUTCOME, CG.outcomeType),
        (_confidence_too_high, MEMBERSHIP, CG.confidence),
        (_float_confidence, MEMBERSHIP, CG.confidence),
        (_anchor_mismatch, sentence(*SENTENCES[0]), NIF.anchorOf),
        (_offsets_outside, KENT_MENTION, NIF.endIndex),
        (_organisation_as_member, MEMBERSHIP, CG.member),
        (_negative_count, OUTCOME, CG.count),
        (_untyped_sentence, INVESTIGATION, PROV.wasDerivedFrom),
    ],
)
def test_validate_broken_shape(breakage: Callable[[Graph], None], focus, path):
    g = sample_graph()
    breakage(g)
    report = validate(g)
    assert not report.conforms
    assert (focus, path) in {(f, p) for f, p, _ in report.violations}, report.text
    assert report.violations == sorted(
        report.violations, key=lambda v: (str(v[0]), str(v[1] or ""), v[2])
    )


def test_validate_does_not_modify_input():
    g = sample_graph()
    before = len(g)
    validate(g)
    assert len(g) == before


# Competency queries over an Oxigraph store: the default graph is the union of all graphs.


def make_store(*graphs: tuple[URIRef, Graph]) -> ox.Store:
    """An in-memory Oxigraph store with the ontology and each (name, graph) as a named graph."""
    store = ox.Store()
    for name, g in ((URIRef(ONTOLOGY_GRAPH), load_ontology()), *graphs):
        store.load(
            g.serialize(format="nt"), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(name)
        )
    return store


@pytest.fixture(scope="module")
def store() -> ox.Store:
    return make_store((DOC, sample_graph()))


def run(store: ox.Store, number: int) -> list[dict[str, object]]:
    query = competency_queries()[number - 1]
    solutions = store.query(query.sparql, use_default_graph_as_union=True)
    names = [variable.value for variable in solutions.variables]
    return [
        {name: (None if row[name] is None else row[name].value) for name in names}
        for row in solutions
    ]


@pytest.mark.parametrize("number", range(1, 8))
def test_validate_competency_query_runs(store, number):
    assert isinstance(run(store, number), list)


def test_validate_query_who_investigated_whom(store):
    rows = run(store, 1)
    assert [(r["investigatorLabel"], r["subjectLabel"], r["evidence"]) for r in rows] == [
        ("Independent Office for Police Conduct", "Jane Smith", TEXT[slice(*SENTENCES[0])])
    ]
    assert rows[0]["investigation"] == str(INVESTIGATION)


def test_validate_query_outcomes(store):
    rows = run(store, 3)
    assert [(r["type"], r["typeLabel"], r["count"], r["appliesToLabel"]) for r in rows] == [
        ("dismissal", "Dismissal", "1", "Jane Smith")
    ]


def test_validate_query_people(store):
    rows = run(store, 4)
    assert [(r["name"], r["role"], r["organisationLabel"]) for r in rows] == [
        ("Jane Smith", "constable", "Kent Police")
    ]


def test_validate_query_provenance(store):
    rows = run(store, 7)
    assert [(r["factClass"], r["description"], r["begin"], r["end"]) for r in rows] == [
        (
            "Investigation",
            "Independent Office for Police Conduct investigated Jane Smith",
            str(SENTENCES[0][0]),
            str(SENTENCES[0][1]),
        ),
        (
            "Membership",
            "Jane Smith (constable) of Kent Police",
            str(SENTENCES[1][0]),
            str(SENTENCES[1][1]),
        ),
        ("Outcome", "dismissal: Jane Smith", str(SENTENCES[1][0]), str(SENTENCES[1][1])),
    ]
    for row in rows:
        assert row["text"] == TEXT[int(row["begin"]) : int(row["end"])]
        assert row["document"] == str(DOC)


# Allegation, statement and an organisational response, in a second document that names Kent
# Police again (so its label is in two named graphs of the store).

DOC2 = ID["doc/second"]
TEXT2 = (
    "Twelve complainants made 30 allegations against Kent Police officers. "
    'Kent Police was criticised by the IOPC. "We are sorry," Kent Police said.'
)
COMPLAINANTS = ID["group/second/complainants"]
OFFICERS = ID["group/second/kent-police-officers"]


def second_graph() -> Graph:
    g = Graph()
    g.add((DOC2, RDF.type, CG.Document))
    g.add((DOC2, NIF.isString, Literal(TEXT2)))
    ends = [TEXT2.index(". ") + 1, TEXT2.index("IOPC.") + 5, len(TEXT2)]
    spans = [(0, ends[0]), (ends[0] + 1, ends[1]), (ends[1] + 1, ends[2])]
    for begin, end in spans:
        node = URIRef(f"{DOC2}#char={begin},{end}")
        g.add((node, RDF.type, CG.Sentence))
        g.add((node, NIF.beginIndex, Literal(begin, datatype=ns.XSD.nonNegativeInteger)))
        g.add((node, NIF.endIndex, Literal(end, datatype=ns.XSD.nonNegativeInteger)))
        g.add((node, NIF.anchorOf, Literal(TEXT2[begin:end])))
        g.add((node, NIF.referenceContext, DOC2))
    g.add((KENT, RDF.type, CG.Organisation))
    g.add((KENT, RDFS.label, Literal("Kent Police")))
    g.add((IOPC, RDF.type, CG.Organisation))
    g.add((IOPC, RDFS.label, Literal("Independent Office for Police Conduct")))
    g.add((IOPC, SKOS.altLabel, Literal("IOPC")))
    for group, label, count in [(COMPLAINANTS, "complainants", 12), (OFFICERS, "officers", None)]:
        g.add((group, RDF.type, CG.Group))
        g.add((group, RDFS.label, Literal(label)))
        if count is not None:
            g.add((group, CG.count, Literal(count)))
    g.add((OFFICERS, CG.memberOf, KENT))

    def fact(name: str, kind: URIRef, span: tuple[int, int]) -> URIRef:
        node = ID[f"fact/second/{name}"]
        g.add((node, RDF.type, kind))
        g.add((node, PROV.wasDerivedFrom, URIRef(f"{DOC2}#char={span[0]},{span[1]}")))
        g.add((node, CG.confidence, Literal(Decimal("0.7"))))
        g.add((node, CG.extractor, Literal("test")))
        return node

    allegation = fact("allegation-1", CG.Allegation, spans[0])
    g.add((allegation, RDFS.label, Literal("misconduct")))
    g.add((allegation, CG.against, OFFICERS))
    g.add((allegation, CG.madeBy, COMPLAINANTS))
    g.add((allegation, CG.count, Literal(30)))
    criticised = fact("outcome-1", CG.Outcome, spans[1])
    g.add((criticised, CG.outcomeType, CGO["criticised"]))
    g.add((criticised, CG.appliesTo, KENT))
    g.add((criticised, CG.decidedBy, IOPC))
    admission = fact("outcome-2", CG.Outcome, spans[2])
    g.add((admission, CG.outcomeType, CGO["admission"]))
    g.add((admission, CG.appliesTo, OFFICERS))
    statement = fact("statement-1", CG.Statement, spans[2])
    g.add((statement, CG.saidBy, KENT))
    g.add((statement, CG.quote, Literal("We are sorry,")))
    return g


def test_validate_second_graph_conforms():
    report = validate(second_graph())
    assert report.conforms, report.text


@pytest.fixture(scope="module")
def store2() -> ox.Store:
    return make_store((DOC, sample_graph()), (DOC2, second_graph()))


def test_validate_query_allegations(store2):
    rows = run(store2, 2)
    assert [
        (r["allegationLabel"], r["count"], r["madeByLabel"], r["madeByCount"], r["againstLabel"])
        for r in rows
    ] == [("misconduct", "30", "complainants", "12", "officers")]


def test_validate_query_statements(store2):
    rows = run(store2, 5)
    assert [(r["speakerLabel"], r["speakerClass"], r["quote"]) for r in rows] == [
        ("Kent Police", "Organisation", "We are sorry,")
    ]


def test_validate_query_organisations_criticised(store2):
    rows = run(store2, 6)
    assert [
        (r["organisationLabel"], r["type"], r["appliesToLabel"], r["decidedByLabel"]) for r in rows
    ] == [
        ("Kent Police", "admission", "officers", None),
        ("Kent Police", "criticised", "Kent Police", "Independent Office for Police Conduct"),
    ]


def test_validate_query_people_not_duplicated_across_graphs(store2):
    assert len(run(store2, 4)) == 1
