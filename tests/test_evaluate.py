"""Tests of the scorer itself, on small hand-made gold annotations and graphs.

The graphs are written by hand in TriG with the public vocabulary of docs/model.md; no spaCy, no
pipeline. One test scores a graph generated from each development gold file and expects a perfect
score, which shows that the scorer and the vocabulary agree (it needs ../shared).
"""

from __future__ import annotations

import json
from contextlib import nullcontext
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.errors import IngestError
from graph.evaluate import (
    CONLL04_METRICS,
    METRICS,
    Counts,
    EvaluationReport,
    evaluate_conll04,
    evaluate_dir,
    load_gold,
    normalise_gold,
    normalise_name,
    normalise_person,
    render_conll04,
    render_misses,
    render_table,
    score_document,
    trim_span,
)

SHARED_DEV = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "dev"

ID = "https://w3id.org/casegraph/id/"
PREFIXES = """\
@prefix cg:   <https://w3id.org/casegraph/ontology#> .
@prefix cgo:  <https://w3id.org/casegraph/outcomes#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix nif:  <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix id:   <https://w3id.org/casegraph/id/> .
"""

TEXT = (
    "Northshire Police said it was sorry.\n\n"
    "PC Jane Doe of Northshire Police was dismissed after the Independent Office for Police "
    "Conduct investigated her.\n\n"
    "Doe said \u201cwe let people down\u201d and two officers were disciplined.\n"
)

GOLD = {
    "id": "t",
    "entities": [
        {
            "id": "np",
            "type": "Organisation",
            "name": "Northshire Police",
            "aliases": ["NP", "the force"],
        },
        {
            "id": "iopc",
            "type": "Organisation",
            "name": "Independent Office for Police Conduct",
            "aliases": ["IOPC"],
        },
        {"id": "doe", "type": "Person", "name": "Jane Doe", "aliases": ["PC Jane Doe"]},
        {"id": "agency", "type": "Organisation", "name": "Picture Agency", "optional": True},
        {"id": "officers", "type": "Group", "name": "two officers", "count": 2},
    ],
    "affiliations": [
        {"person": "doe", "org": "np", "role": "PC"},
        {"person": "officers", "org": "np", "role": "officers"},
    ],
    "investigations": [{"investigator": "iopc", "subject": "doe"}],
    "allegations": [
        {
            "id": "a1",
            "against": ["doe"],
            "summary": "misconduct",
            "evidence": "PC Jane Doe of Northshire Police was dismissed",
        }
    ],
    "outcomes": [
        {"id": "o1", "type": "dismissal", "applies_to": "doe", "evidence": "was dismissed"},
    ],
    "statements": [{"speaker": "doe", "quote_start": "we let people down"}],
    "victim_names": ["Mary Roe", "Roe"],
}


# ------------------------------------------------------------------------------------------------
# Helpers: hand-written graphs
# ------------------------------------------------------------------------------------------------


def lit(s: str) -> str:
    """A Turtle string literal (JSON escapes are valid Turtle escapes)."""
    return json.dumps(s, ensure_ascii=False)


def nni(n: int) -> str:
    """An xsd:nonNegativeInteger literal, the datatype of NIF offsets."""
    return f'"{n}"^^<http://www.w3.org/2001/XMLSchema#nonNegativeInteger>'


def span_of(needle: str, text: str = TEXT) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


def sentence(b: int, e: int, *, doc: str = "t", text: str = TEXT, anchor: str | None = None):
    """(IRI, Turtle) of a cg:Sentence node; ``anchor`` overrides the true text."""
    iri = f"<{ID}doc/{doc}#char={b},{e}>"
    anchor = text[b:e] if anchor is None else anchor
    ttl = (
        f"{iri} a cg:Sentence ; nif:beginIndex {b} ; nif:endIndex {e} ; "
        f"nif:anchorOf {lit(anchor)} ; nif:referenceContext id:doc\\/{doc} .\n"
    )
    return iri, ttl


def sentence_of(needle: str) -> tuple[str, str]:
    """The sentence node of the line of TEXT holding ``needle``."""
    b, e = span_of(needle)
    b = TEXT.rfind("\n", 0, b) + 1
    e = TEXT.find("\n", e)
    return sentence(b, e)


def entity(kind: str, slug: str, label: str, *alts: str, mentions=()) -> str:
    path = {"Organisation": "organisation", "Person": "person", "Place": "place"}.get(kind)
    iri = f"<{ID}{path}/{slug}>" if path else f"<{ID}group/t/{slug}>"
    ttl = f"{iri} a cg:{kind} ; rdfs:label {lit(label)} "
    ttl += "".join(f"; skos:altLabel {lit(a)} " for a in alts)
    for b, e in mentions:
        ttl += f"; cg:mention <{ID}doc/t#mention={b},{e}> "
    ttl += ".\n"
    for b, e in mentions:
        ttl += (
            f"<{ID}doc/t#mention={b},{e}> a cg:Mention ; nif:beginIndex {b} ; nif:endIndex {e} .\n"
        )
    return ttl


def node(kind: str, slug: str) -> str:
    path = {"Organisation": "organisation", "Person": "person", "Place": "place"}.get(kind)
    return f"<{ID}{path}/{slug}>" if path else f"<{ID}group/t/{slug}>"


NP = entity("Organisation", "northshire-police", "Northshire Police")
IOPC = entity("Organisation", "iopc", "Independent Office for Police Conduct", "IOPC")
DOE = entity("Person", "jane-doe", "Jane Doe", "PC Jane Doe")
BASE_ENTITIES = NP + IOPC + DOE


def make_store(body: str, *, doc: str = "t", text: str | None = None) -> ox.Store:
    """A store with ``body`` in the named graph of document ``doc`` (and the document node)."""
    doc_node = f"id:doc\\/{doc} a cg:Document ; nif:isString {lit(text)} .\n" if text else ""
    store = ox.Store()
    trig = f"{PREFIXES}<{ID}doc/{doc}> {{\n{doc_node}{body}\n}}\n"
    store.load(trig.encode("utf-8"), format=ox.RdfFormat.TRIG)
    return store


def score(body: str, gold: dict | None = None, text: str = TEXT):
    return score_document(make_store(body), normalise_gold(gold or GOLD), text)


def counts(c: Counts) -> tuple[int, int, int]:
    return (c.tp, c.predicted, c.gold)


# ------------------------------------------------------------------------------------------------
# Names
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("The Post Office", "post office"),
        ("Rotherham\u2019s council", "rotherham council"),
        ("Rotherham's  council", "rotherham council"),
        ("\u201cSYP\u201d", "syp"),
        ("U.S. Attorney\u2019s Office", "u s attorney office"),
        ("Marks & Spencer", "marks & spencer"),
        ("Director-General", "director general"),
        ("\uff29\uff2f\uff30\uff23", "iopc"),  # full-width letters, NFKC
        ("Theatre Company", "theatre company"),  # "the" only as a whole word
    ],
)
def test_evaluate_normalise_name(raw, expected):
    assert normalise_name(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("PC Dana Reyes", "dana reyes"),
        ("Chief Constable Lee Okoro", "lee okoro"),
        ("U.S. District Judge Ann Keller", "ann keller"),
        ("Assistant Attorney General Mark T. Ruiz", "mark ruiz"),
        ("Detective Sergeant Smith", "smith"),
        ("Dame Ruth Hale", "ruth hale"),
        ("Mr. Varga", "varga"),
        ("Dr Ann Lee QC", "ann lee"),
        ("Chief Constable", "chief constable"),  # nothing left to strip to
    ],
)
def test_evaluate_normalise_person(raw, expected):
    assert normalise_person(raw) == expected


# ------------------------------------------------------------------------------------------------
# Entities
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ttl", "metric", "expected"),
    [
        # exact name
        (entity("Organisation", "np", "Northshire Police"), "ent.Organisation", (1, 1, 2)),
        # alias of the gold entity ("the force" normalises to "force")
        (entity("Organisation", "np", "The Force"), "ent.Organisation", (1, 1, 2)),
        # acronym through an altLabel; the label itself matches nothing
        (entity("Organisation", "x", "Office of Conduct", "IOPC"), "ent.Organisation", (1, 1, 2)),
        # title stripped: "Constable Jane Doe" is not a gold form, "jane doe" is
        (entity("Person", "jd", "Constable Jane Doe"), "ent.Person", (1, 1, 1)),
        # surname only, with a title
        (entity("Person", "doe", "Ms Doe"), "ent.Person", (1, 1, 1)),
        # another person with the same first name does not match
        (entity("Person", "jane-roe", "Jane Smith"), "ent.Person", (0, 1, 1)),
        # an organisation named like a gold person: matched, but of the wrong type
        (entity("Organisation", "doe", "Jane Doe"), "ent.Organisation", (0, 1, 2)),
        # surname matching only applies to persons
        (entity("Organisation", "police", "Police"), "ent.Organisation", (0, 1, 2)),
    ],
)
def test_evaluate_entity_matching(ttl, metric, expected):
    result = score(ttl)
    assert counts(result.counts[metric]) == expected


def test_evaluate_entity_surname_matches_single_name_gold():
    gold = {
        "id": "t",
        "entities": [{"id": "c", "type": "Person", "name": "Chesterman"}],
    }
    result = score(entity("Person", "sc", "Simon Chesterman"), gold)
    assert counts(result.counts["ent.Person"]) == (1, 1, 1)


def test_evaluate_entity_duplicate_is_false_positive():
    ttl = entity("Organisation", "np", "Northshire Police") + entity(
        "Organisation", "np2", "Northshire police force", "NP"
    )
    result = score(ttl)
    assert counts(result.counts["ent.Organisation"]) == (1, 2, 2)
    [dup] = result.spurious["ent.Organisation"]
    assert "duplicate" in dup.description and "np2" in dup.description


def test_evaluate_entity_optional_neither_required_nor_penalised():
    with_optional = score(NP + entity("Organisation", "pa", "Picture Agency"))
    without = score(NP)
    assert counts(with_optional.counts["ent.Organisation"]) == (1, 1, 2)
    assert counts(without.counts["ent.Organisation"]) == (1, 1, 2)
    assert not any("agency" in i.description for i in without.missed["ent.Organisation"])


def test_evaluate_entity_all_sums_organisations_and_persons():
    result = score(BASE_ENTITIES)
    assert counts(result.counts["ent.all"]) == (3, 3, 3)
    assert result.counts["ent.all"].f1 == 1.0


@pytest.mark.parametrize(
    ("label", "alts", "expected"),
    [
        ("Mary Roe", (), 1),
        ("Mrs Roe", (), 1),
        ("Someone Else", ("Roe",), 1),
        ("Jane Doe", (), 0),
    ],
)
def test_evaluate_victims_named(label, alts, expected):
    result = score(entity("Person", "p", label, *alts))
    assert result.victims_named == expected
    if expected:
        assert result.spurious["victims_named"]


@pytest.mark.parametrize(
    ("graph", "missing"),
    [
        ("", 1),  # nobody extracted: the accused (doe) is missing
        (entity("Person", "d", "Jane Doe"), 0),
        (entity("Person", "d", "PC Doe"), 0),  # title stripped, surname matches
        (entity("Group", "d", "Jane Doe"), 1),  # hidden in a group: still missing
        (entity("Organisation", "d", "Jane Doe"), 1),
    ],
)
def test_evaluate_accused_missing(graph, missing):
    """SCORING.md: a named gold person an allegation is against or an outcome applies to, and
    that no extracted Person node matches, is an accused person hidden."""
    result = score(graph)
    assert (result.accused_missing, result.accused) == (missing, 1)
    assert bool(result.missed.get("accused_missing")) == bool(missing)


def test_evaluate_accused_missing_is_summed_and_rendered():
    a = score("")
    b = score(entity("Person", "d", "Jane Doe"))
    b.name = "b"
    report = EvaluationReport.from_documents([a, b])
    assert (report.accused_missing, report.accused) == (1, 2)
    assert "accused_missing: 1 of 2 (must be 0)" in render_table(report)
    assert "accused 'Jane Doe' [doe] has no Person node" in render_misses(report)
    assert report.to_json()["accused_missing"] == 1


def test_evaluate_victims_named_ignores_groups():
    result = score(entity("Group", "roe", "Mary Roe"))
    assert result.victims_named == 0


# ------------------------------------------------------------------------------------------------
# Relations
# ------------------------------------------------------------------------------------------------


def membership(member: str, org: str, slug: str, sent: tuple[str, str]) -> str:
    s_iri, s_ttl = sent
    return (
        f"{member} cg:memberOf {org} .\n"
        f"<{ID}fact/t/membership-{slug}> a cg:Membership ; cg:member {member} ; "
        f"cg:organisation {org} ; prov:wasDerivedFrom {s_iri} .\n" + s_ttl
    )


def test_evaluate_affiliation_pairs():
    sent = sentence_of("PC Jane Doe")
    ttl = BASE_ENTITIES
    ttl += membership(
        node("Person", "jane-doe"), node("Organisation", "northshire-police"), "1", sent
    )
    ttl += membership(node("Person", "jane-doe"), node("Organisation", "iopc"), "2", sent)
    # groups are not persons: their membership is not scored as an affiliation
    ttl += entity("Group", "officers", "two officers")
    ttl += membership(
        node("Group", "officers"), node("Organisation", "northshire-police"), "3", sent
    )
    result = score(ttl)
    assert counts(result.counts["affiliation"]) == (1, 2, 1)
    [wrong] = result.spurious["affiliation"]
    assert "Independent Office" in wrong.description
    assert wrong.sentence and wrong.sentence.startswith("PC Jane Doe")


def investigation(a: str, b: str, slug: str, sent: tuple[str, str]) -> str:
    s_iri, s_ttl = sent
    return (
        f"{a} cg:investigated {b} .\n"
        f"<{ID}fact/t/investigation-{slug}> a cg:Investigation ; cg:investigator {a} ; "
        f"cg:subject {b} ; prov:wasDerivedFrom {s_iri} .\n" + s_ttl
    )


@pytest.mark.parametrize(
    ("subject", "extra", "expected"),
    [
        # the person is mapped to her organisation (gold affiliation), on both sides
        (node("Person", "jane-doe"), "", (1, 1, 1)),
        # investigating the organisation itself is the same pair
        (node("Organisation", "northshire-police"), "", (1, 1, 1)),
        # an extracted group counts against its cg:memberOf organisation
        (
            node("Group", "officers"),
            entity("Group", "officers", "some officers")
            + f"{node('Group', 'officers')} cg:memberOf "
            + f"{node('Organisation', 'northshire-police')} .",
            (1, 1, 1),
        ),
        # a group without membership and no gold match stays itself: wrong
        (node("Group", "officers"), entity("Group", "officers", "some officers"), (0, 1, 1)),
    ],
)
def test_evaluate_investigation_subject_mapped_to_organisation(subject, extra, expected):
    ttl = BASE_ENTITIES + extra
    ttl += investigation(node("Organisation", "iopc"), subject, "1", sentence_of("investigated"))
    result = score(ttl)
    assert counts(result.counts["investigation"]) == expected


def outcome(slug: str, otype: str, targets: list[str], sent, count: int | None = None) -> str:
    s_iri, s_ttl = sent
    ttl = f"<{ID}fact/t/outcome-{slug}> a cg:Outcome ; cg:outcomeType cgo:{otype} "
    ttl += "".join(f"; cg:appliesTo {t} " for t in targets)
    ttl += f"; cg:count {count} " if count is not None else ""
    ttl += f"; prov:wasDerivedFrom {s_iri} .\n" + s_ttl
    ttl += f'cgo:{otype} a skos:Concept ; skos:notation "{otype}" .\n'
    return ttl


TWO_OFFICERS = {
    "id": "t",
    "entities": [
        {"id": "a", "type": "Person", "name": "Ann Able"},
        {"id": "b", "type": "Person", "name": "Bob Baker"},
        {"id": "g", "type": "Group", "name": "eight officers", "count": 8},
        {"id": "f", "type": "Organisation", "name": "Northshire Police"},
    ],
    "outcomes": [
        {"id": "o1", "type": "dismissal", "applies_to": "a"},
        {"id": "o2", "type": "dismissal", "applies_to": "b"},
        {"id": "o3", "type": "case-to-answer-misconduct", "count": 8, "applies_to": "g"},
        {"id": "o4", "type": "other:left-the-force", "applies_to": "a"},
    ],
}
PERSONS_AB = entity("Person", "ann-able", "Ann Able") + entity("Person", "bob-baker", "Bob Baker")


def test_evaluate_outcome_counted_once_per_named_person():
    sent = sentence_of("was dismissed")
    persons = [node("Person", "ann-able"), node("Person", "bob-baker")]
    both = score(PERSONS_AB + outcome("1", "dismissal", persons, sent), TWO_OFFICERS)
    assert counts(both.counts["outcome.type"]) == (2, 2, 3)
    one = score(PERSONS_AB + outcome("1", "dismissal", persons[:1], sent), TWO_OFFICERS)
    assert counts(one.counts["outcome.type"]) == (1, 1, 3)
    # an outcome that applies to no named person counts once
    group = entity("Group", "g", "eight officers")
    grouped = score(
        group + outcome("1", "case-to-answer-misconduct", [node("Group", "g")], sent, 8),
        TWO_OFFICERS,
    )
    assert counts(grouped.counts["outcome.type"]) == (1, 1, 3)


@pytest.mark.parametrize(
    ("count", "type_counts", "type_count_counts"),
    [
        (8, (1, 1, 3), (1, 1, 1)),
        (7, (1, 1, 3), (0, 1, 1)),
        (None, (1, 1, 3), (0, 0, 1)),
    ],
)
def test_evaluate_outcome_type_and_count(count, type_counts, type_count_counts):
    ttl = entity("Group", "g", "eight officers") + outcome(
        "1", "case-to-answer-misconduct", [node("Group", "g")], sentence_of("disciplined"), count
    )
    result = score(ttl, TWO_OFFICERS)
    assert counts(result.counts["outcome.type"]) == type_counts
    assert counts(result.counts["outcome.type+count"]) == type_count_counts


def test_evaluate_outcome_type_read_from_concept_iri_without_scheme():
    ttl = (
        DOE
        + f"<{ID}fact/t/outcome-1> a cg:Outcome ; cg:outcomeType cgo:dismissal ; "
        + f"cg:appliesTo {node('Person', 'jane-doe')} .\n"
    )
    assert counts(score(ttl).counts["outcome.type"]) == (1, 1, 1)


def allegation(slug: str, targets: list[str], sent) -> str:
    s_iri, s_ttl = sent
    ttl = f'<{ID}fact/t/allegation-{slug}> a cg:Allegation ; rdfs:label "misconduct" '
    ttl += "".join(f"; cg:against {t} " for t in targets)
    return ttl + f"; prov:wasDerivedFrom {s_iri} .\n" + s_ttl


@pytest.mark.parametrize(
    ("target", "needle", "expected"),
    [
        (node("Person", "jane-doe"), "PC Jane Doe", (1, 1, 1)),
        # the organisation of a gold target also matches
        (node("Organisation", "northshire-police"), "PC Jane Doe", (1, 1, 1)),
        # right target, sentence that does not overlap the evidence
        (node("Person", "jane-doe"), "Doe said", (0, 1, 1)),
        # overlapping sentence, wrong target
        (node("Organisation", "iopc"), "PC Jane Doe", (0, 1, 1)),
    ],
)
def test_evaluate_allegation_overlap_and_target(target, needle, expected):
    ttl = BASE_ENTITIES + allegation("1", [target], sentence_of(needle))
    assert counts(score(ttl).counts["allegation"]) == expected


def test_evaluate_allegation_matched_one_to_one():
    sent = sentence_of("PC Jane Doe")
    ttl = BASE_ENTITIES
    ttl += allegation("1", [node("Person", "jane-doe")], sent)
    ttl += allegation("2", [node("Person", "jane-doe")], sent)
    result = score(ttl)
    assert counts(result.counts["allegation"]) == (1, 2, 1)
    assert len(result.spurious["allegation"]) == 1


def statement(slug: str, speaker: str, quote: str, sent) -> str:
    s_iri, s_ttl = sent
    return (
        f"<{ID}fact/t/statement-{slug}> a cg:Statement ; cg:saidBy {speaker} ; "
        f"cg:quote {lit(quote)} ; prov:wasDerivedFrom {s_iri} .\n" + s_ttl
    )


@pytest.mark.parametrize(
    ("speaker", "quote", "gold_quote", "expected"),
    [
        # curly quotes and apostrophe in the graph, straight ones in the gold
        (
            node("Person", "jane-doe"),
            "\u201cWe let people down, and we\u2019re sorry\u201d",
            "we let people down, and we're",
            (1, 1, 1),
        ),
        (node("Person", "jane-doe"), "we let people down", "\u201cWe let people", (1, 1, 1)),
        # the gold start is not in the quote
        (node("Person", "jane-doe"), "we are sorry", "we let people down", (0, 1, 1)),
        # a word prefix is not containment of the normalised quote
        (node("Person", "jane-doe"), "we let peoples down", "we let people", (0, 1, 1)),
        # right quote, wrong speaker
        (node("Organisation", "iopc"), "we let people down", "we let people down", (0, 1, 1)),
    ],
)
def test_evaluate_statement_quote_containment(speaker, quote, gold_quote, expected):
    gold = {**GOLD, "statements": [{"speaker": "doe", "quote_start": gold_quote}]}
    ttl = BASE_ENTITIES + statement("1", speaker, quote, sentence_of("Doe said"))
    assert counts(score(ttl, gold).counts["statement"]) == expected


# ------------------------------------------------------------------------------------------------
# Provenance
# ------------------------------------------------------------------------------------------------


def test_evaluate_provenance_valid_catches_bad_sentences():
    b, _ = span_of("Doe said")
    good = sentence_of("Doe said")
    wrong_anchor = sentence(b, b + 20, anchor="something else")
    out_of_range = sentence(len(TEXT) - 5, len(TEXT) + 10, anchor="x")
    doe = node("Person", "jane-doe")
    ttl = DOE
    ttl += statement("1", doe, "we let people down", good)
    ttl += statement("2", doe, "we let people down", wrong_anchor)
    ttl += allegation("3", [doe], out_of_range)
    ttl += f"<{ID}fact/t/outcome-4> a cg:Outcome ; cg:outcomeType cgo:dismissal .\n"  # no source
    result = score(ttl)
    assert counts(result.counts["provenance_valid"]) == (1, 4, 4)
    assert result.counts["provenance_valid"].p == 0.25
    problems = " ".join(i.description for i in result.spurious["provenance_valid"])
    assert "anchorOf" in problems and "outside the text" in problems
    assert "no prov:wasDerivedFrom" in problems


# ------------------------------------------------------------------------------------------------
# Reports
# ------------------------------------------------------------------------------------------------


def test_evaluate_dir_micro_averages_over_documents(tmp_path):
    gold_a = {
        "id": "a",
        "entities": [
            {"id": "x", "type": "Organisation", "name": "Alpha Council"},
            {"id": "y", "type": "Organisation", "name": "Beta Trust"},
        ],
    }
    gold_b = {
        "id": "b",
        "entities": [{"id": "z", "type": "Organisation", "name": "Gamma Police"}],
    }
    stores = {
        # a: one of two found, no false positive -> P 1, R 0.5
        "a": make_store(entity("Organisation", "alpha", "Alpha Council"), doc="a"),
        # b: found, plus two wrong ones -> P 1/3, R 1
        "b": make_store(
            entity("Organisation", "gamma", "Gamma Police")
            + entity("Organisation", "delta", "Delta")
            + entity("Organisation", "eps", "Epsilon"),
            doc="b",
        ),
    }
    for name, gold in (("a", gold_a), ("b", gold_b)):
        (tmp_path / f"{name}.txt").write_text("Text.\n", encoding="utf-8")
        (tmp_path / f"{name}.gold.json").write_text(json.dumps(gold), encoding="utf-8")
    (tmp_path / "c.txt").write_text("Not annotated.\n", encoding="utf-8")  # no gold: skipped
    seen = []

    def build(path: Path):
        seen.append(path.name)
        return nullcontext(stores[path.stem])

    report = evaluate_dir(tmp_path, build)
    assert seen == ["a.txt", "b.txt"]
    assert list(report.documents) == ["a", "b"]
    total = report.totals["ent.Organisation"]
    assert counts(total) == (2, 4, 3)
    assert total.p == 0.5 and total.r == pytest.approx(2 / 3)
    # micro, not macro: the mean of the document F1s would differ
    f1s = [d.counts["ent.Organisation"].f1 for d in report.documents.values()]
    assert total.f1 != pytest.approx(sum(f1s) / 2)

    data = report.to_json(misses=True)
    assert data["totals"]["ent.Organisation"]["tp"] == 2
    assert data["documents"]["a"]["missed"]["ent.Organisation"][0]["description"].startswith(
        "Organisation 'Beta Trust'"
    )
    json.dumps(data)  # JSON-ready
    table = render_table(report)
    assert "ent.Organisation" in table and "a " in table
    misses = render_misses(report)
    assert "Beta Trust" in misses and "Epsilon" in misses


def test_evaluate_report_from_documents_sums_victims():
    a = score(entity("Person", "roe", "Mary Roe"))
    b = score(DOE)
    report = EvaluationReport.from_documents([b, a])
    assert report.victims_named == 1
    assert set(report.totals) == set(METRICS)


def test_evaluate_dir_without_documents_is_an_error(tmp_path):
    with pytest.raises(IngestError, match=r"no NAME\.txt"):
        evaluate_dir(tmp_path, lambda p: nullcontext(ox.Store()))


def test_evaluate_load_gold_rejects_dangling_reference(tmp_path):
    bad = {**GOLD, "affiliations": [{"person": "nobody", "org": "np"}]}
    path = tmp_path / "bad.gold.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(IngestError, match="'nobody' is not an entity id"):
        load_gold(path)
    with pytest.raises(IngestError, match="does not exist"):
        load_gold(tmp_path / "missing.gold.json")


# ------------------------------------------------------------------------------------------------
# CoNLL04
# ------------------------------------------------------------------------------------------------

# A sentence written for this test (not from CoNLL04).
CONLL_TEXT = "The Acme Corp.'s lawyer, Dana Reyes, flew to Lisbon."


def test_evaluate_trim_span():
    b, e = span_of("The Acme Corp.'s", CONLL_TEXT)
    assert CONLL_TEXT[slice(*trim_span(CONLL_TEXT, b, e))] == "Acme Corp"


def test_evaluate_conll04_exact_and_trimmed(tmp_path):
    ents = {
        "acme": span_of("Acme Corp.", CONLL_TEXT),
        "reyes": span_of("Dana Reyes", CONLL_TEXT),
        "lisbon": span_of("Lisbon", CONLL_TEXT),
        "lawyer": span_of("lawyer", CONLL_TEXT),
    }
    record = {
        "id": "own-0",
        "text": CONLL_TEXT,
        "entities": [
            {"start_char": b, "end_char": e, "type": t}
            for (b, e), t in [
                (ents["acme"], "Org"),
                (ents["reyes"], "Peop"),
                (ents["lisbon"], "Loc"),
                (ents["lawyer"], "Other"),
            ]
        ],
        "relations": [{"head": 1, "tail": 0, "type": "Work_For"}],
    }
    path = tmp_path / "dev.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")

    org_b, org_e = span_of("The Acme Corp.'s", CONLL_TEXT)  # predicted with "The" and "'s"
    per_b, per_e = ents["reyes"]
    loc_b, loc_e = ents["lisbon"]
    reyes, acme = node("Person", "dana-reyes"), node("Organisation", "acme")
    ttl = entity("Organisation", "acme", "Acme Corp", mentions=[(org_b, org_e)])
    ttl += entity("Person", "dana-reyes", "Dana Reyes", mentions=[(per_b, per_e)])
    ttl += entity("Place", "lisbon", "Lisbon", mentions=[(loc_b, loc_e)])
    ttl += entity("Group", "crew", "crew", mentions=[ents["lawyer"]])  # groups are not scored
    ttl += f"{reyes} cg:memberOf {acme} .\n"
    calls = []

    def extract(texts: list[str]):
        calls.append(texts)
        for text in texts:
            yield make_store(ttl, doc="s", text=text)

    report = evaluate_conll04(path, extract)
    assert calls == [[CONLL_TEXT]] and report.sentences == 1
    t = report.totals
    assert counts(t["ent.exact"]) == (2, 3, 3)  # "Other" has no casegraph type: not in gold
    assert counts(t["ent.trimmed"]) == (3, 3, 3)
    assert counts(t["ent.exact+Other"]) == (2, 3, 4)  # ... except in the "+Other" rows
    assert counts(t["ent.trimmed+Other"]) == (3, 3, 4)
    assert counts(t["ent.exact.Org"]) == (0, 1, 1)
    assert counts(t["ent.trimmed.Org"]) == (1, 1, 1)
    assert counts(t["ent.exact.Other"]) == (0, 0, 1)
    assert counts(t["Work_For.exact"]) == (0, 1, 1)
    assert counts(t["Work_For.trimmed"]) == (1, 1, 1)
    assert set(t) == set(CONLL04_METRICS)
    assert "Work_For.trimmed" in render_conll04(report)
    json.dumps(report.to_json())


def test_evaluate_conll04_shifts_offsets_of_a_wrapped_sentence(tmp_path):
    b, e = span_of("Dana Reyes", CONLL_TEXT)
    record = {
        "id": "own-1",
        "text": CONLL_TEXT,
        "entities": [{"start_char": b, "end_char": e, "type": "Peop"}],
        "relations": [],
    }
    path = tmp_path / "dev.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    wrapped = "Title\n\n" + CONLL_TEXT
    ttl = entity("Person", "dana-reyes", "Dana Reyes", mentions=[(b + 7, e + 7)])

    report = evaluate_conll04(path, lambda texts: [make_store(ttl, doc="s", text=wrapped)])
    assert counts(report.totals["ent.exact"]) == (1, 1, 1)
    with pytest.raises(ValueError, match="0 stores for 1 sentences"):
        evaluate_conll04(path, lambda texts: [])


# ------------------------------------------------------------------------------------------------
# The scorer and the vocabulary agree: a graph made from the gold scores 1.0
# ------------------------------------------------------------------------------------------------

_PATHS = {"Organisation": "organisation", "Person": "person", "Place": "place"}


def gold_to_trig(gold: dict, text: str) -> str:
    """The graph a perfect extractor would build for ``gold``, in TriG per docs/model.md."""
    doc_id = gold["id"]
    doc = f"<{ID}doc/{doc_id}>"
    lines = [
        f"{doc} a cg:Document ; nif:isString {lit(text)} ; dcterms:title {lit(gold['title'])} ."
    ]
    title_end = text.find("\n") if "\n" in text else len(text)
    declared: set[tuple[int, int]] = set()

    def sent(b: int, e: int) -> str:
        iri = f"<{ID}doc/{doc_id}#char={b},{e}>"
        if (b, e) not in declared:
            declared.add((b, e))
            lines.append(
                f"{iri} a cg:Sentence ; nif:beginIndex {nni(b)} ; nif:endIndex {nni(e)} ; "
                f"nif:anchorOf {lit(text[b:e])} ; nif:referenceContext {doc} ."
            )
        return iri

    def sent_of(needle: str | None) -> str:
        start = text.find(needle) if needle else -1
        return sent(start, start + len(needle)) if start >= 0 else sent(0, title_end)

    def iri(eid: str) -> str:
        ent = by_id[eid]
        path = _PATHS.get(ent["type"])
        return f"<{ID}{path}/{eid}>" if path else f"<{ID}group/{doc_id}/{eid}>"

    by_id = {e["id"]: e for e in gold["entities"]}
    for ent in gold["entities"]:
        triples = [f"a cg:{ent['type']}", f"rdfs:label {lit(ent['name'])}"]
        triples += [f"skos:altLabel {lit(a)}" for a in ent["aliases"]]
        if ent.get("count") is not None:
            triples.append(f"cg:count {ent['count']}")
        for form in [ent["name"], *ent["aliases"]]:
            start = text.find(form)
            if start >= 0:
                m = f"<{ID}doc/{doc_id}#mention={start},{start + len(form)}>"
                triples.append(f"cg:mention {m}")
                lines.append(
                    f"{m} a cg:Mention ; nif:beginIndex {nni(start)} ; "
                    f"nif:endIndex {nni(start + len(form))} ; nif:anchorOf {lit(form)} ; "
                    f"nif:referenceContext {doc} ."
                )
        lines.append(f"{iri(ent['id'])} " + " ; ".join(triples) + " .")

    def fact(kind: str, n: int, source: str, triples: list[str]) -> None:
        triples = [
            f"a cg:{kind}",
            f"prov:wasDerivedFrom {source}",
            "cg:confidence 1.0",
            'cg:extractor "gold"',
            *triples,
        ]
        lines.append(f"<{ID}fact/{doc_id}/{kind.lower()}-{n}> " + " ; ".join(triples) + " .")

    for n, a in enumerate(gold["affiliations"]):
        p, o = iri(a["person"]), iri(a["org"])
        lines.append(f"{p} cg:memberOf {o} .")
        source = sent_of(by_id[a["person"]]["name"])
        fact("Membership", n, source, [f"cg:member {p}", f"cg:organisation {o}"])
    for n, i in enumerate(gold["investigations"]):
        a, b = iri(i["investigator"]), iri(i["subject"])
        lines.append(f"{a} cg:investigated {b} .")
        fact(
            "Investigation",
            n,
            sent_of(i.get("evidence")),
            [f"cg:investigator {a}", f"cg:subject {b}"],
        )
    for n, a in enumerate(gold["allegations"]):
        triples = [f"rdfs:label {lit(a['summary'])}"]
        triples += [f"cg:against {iri(t)}" for t in a["against"]]
        triples += [f"cg:madeBy {iri(t)}" for t in a["made_by"] if t in by_id]
        if a.get("count") is not None:
            triples.append(f"cg:count {a['count']}")
        fact("Allegation", n, sent_of(a["evidence"]), triples)
    # As an extractor would, one outcome node per stated outcome: gold outcomes that differ only
    # by the named person they apply to ("both officers were dismissed") become one node that
    # applies to all of them, which the scorer counts once per person.
    merged: dict[tuple, dict] = {}
    for o in gold["outcomes"]:
        persons = all(by_id[t]["type"] == "Person" for t in o["applies_to_ids"])
        key = (o["type"], o.get("evidence"), o.get("count")) if persons else (id(o),)
        if key in merged:
            merged[key]["applies_to_ids"] = merged[key]["applies_to_ids"] + o["applies_to_ids"]
        else:
            merged[key] = dict(o)
    concepts = set()
    for n, o in enumerate(merged.values()):
        if o["type"].startswith("other:"):
            continue
        concepts.add(o["type"])
        triples = [f"cg:outcomeType <https://w3id.org/casegraph/outcomes#{o['type']}>"]
        triples += [f"cg:appliesTo {iri(t)}" for t in o["applies_to_ids"]]
        if o.get("count") is not None:
            triples.append(f"cg:count {o['count']}")
        if o.get("decided_by"):
            triples.append(f"cg:decidedBy {iri(o['decided_by'])}")
        fact("Outcome", n, sent_of(o.get("evidence")), triples)
    for n, s in enumerate(gold["statements"]):
        triples = [f"cg:saidBy {iri(s['speaker'])}", f"cg:quote {lit(s['quote_start'])}"]
        fact("Statement", n, sent_of(s["quote_start"]), triples)

    scheme = "\n".join(
        f'<https://w3id.org/casegraph/outcomes#{c}> a skos:Concept ; skos:notation "{c}" .'
        for c in sorted(concepts)
    )
    return (
        f"{PREFIXES}{doc} {{\n" + "\n".join(lines) + "\n}\n"
        f"<https://w3id.org/casegraph/ontology> {{\n{scheme}\n}}\n"
    )


def _dev_names() -> list[str]:
    if not SHARED_DEV.is_dir():
        return []
    return sorted(p.name.removesuffix(".gold.json") for p in SHARED_DEV.glob("*.gold.json"))


@pytest.mark.shared
@pytest.mark.skipif(
    not SHARED_DEV.is_dir(),
    reason=f"needs the annotated development documents in {SHARED_DEV} (../shared is absent)",
)
@pytest.mark.parametrize("name", _dev_names() or ["(none)"])
def test_evaluate_perfect_graph_from_gold_scores_one(name):
    gold = load_gold(SHARED_DEV / f"{name}.gold.json")
    text = (SHARED_DEV / f"{name}.txt").read_text(encoding="utf-8")
    store = ox.Store()
    store.load(gold_to_trig(gold, text).encode("utf-8"), format=ox.RdfFormat.TRIG)
    result = score_document(store, gold, text, name=name)
    failing = {m: result.counts[m] for m in METRICS if result.counts[m].f1 != 1.0}
    assert failing == {}, render_misses(EvaluationReport.from_documents([result]))
    assert result.victims_named == 0
    assert result.warnings == []


SHARED_CONLL = SHARED_DEV.parent / "conll04" / "dev.jsonl"


@pytest.mark.shared
@pytest.mark.skipif(
    not SHARED_CONLL.is_file(),
    reason=f"needs the CoNLL04 development split at {SHARED_CONLL} (../shared is absent)",
)
def test_evaluate_conll04_oracle_graph_is_exact():
    """Graphs made from the CoNLL04 gold itself: F1 1; with "Other" kept, recall short by it."""
    records = [json.loads(line) for line in SHARED_CONLL.read_text(encoding="utf-8").splitlines()]
    kinds = {"Peop": "Person", "Org": "Organisation", "Loc": "Place"}

    def extract(texts: list[str]):
        for text, record in zip(texts, records, strict=True):
            ttl = ""
            for i, ent in enumerate(record["entities"]):
                if ent["type"] in kinds:
                    span = [(ent["start_char"], ent["end_char"])]
                    ttl += entity(kinds[ent["type"]], f"e{i}", ent["text"], mentions=span)
            for rel in record["relations"]:
                if rel["type"] == "Work_For":
                    head = node("Person", f"e{rel['head']}")
                    tail = node("Organisation", f"e{rel['tail']}")
                    ttl += f"{head} cg:memberOf {tail} .\n"
            yield make_store(ttl, doc="s", text=text)

    report = evaluate_conll04(SHARED_CONLL, extract)
    t = report.totals
    others = sum(e["type"] == "Other" for r in records for e in r["entities"])
    assert report.sentences == len(records)
    assert t["ent.exact"].f1 == 1.0 and t["ent.trimmed"].f1 == 1.0
    all4 = t["ent.exact+Other"]
    assert all4.p == 1.0 and all4.gold - all4.tp == others > 0
    for etype in ("Peop", "Org", "Loc"):
        assert t[f"ent.exact.{etype}"].f1 == 1.0
        assert t[f"ent.trimmed.{etype}"].f1 == 1.0
    assert t["Work_For.exact"].f1 == 1.0 and t["Work_For.exact"].gold > 0
    assert t["Work_For.trimmed"].f1 == 1.0


ONTOLOGY = Path(__file__).resolve().parents[1] / "ontology"


@pytest.mark.shared
@pytest.mark.skipif(
    not SHARED_DEV.is_dir() or not (ONTOLOGY / "shapes.ttl").is_file(),
    reason="needs ../shared/eval/dev and ontology/shapes.ttl",
)
@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # rdflib's TriG parser, internally
@pytest.mark.parametrize("name", _dev_names() or ["(none)"])
def test_evaluate_perfect_graph_conforms_to_shapes(name):
    """The graphs the perfect-score test feeds the scorer are valid casegraph graphs."""
    import pyshacl
    import rdflib

    gold = load_gold(SHARED_DEV / f"{name}.gold.json")
    text = (SHARED_DEV / f"{name}.txt").read_text(encoding="utf-8")
    # Parsed with rdflib, not pyoxigraph: pyoxigraph stores xsd:nonNegativeInteger offsets as
    # xsd:integer, so a graph read back from an Oxigraph store loses the NIF datatype.
    dataset = rdflib.Dataset()
    dataset.parse(data=gold_to_trig(gold, text), format="trig")
    data = rdflib.Graph()
    for s, p, o, _ in dataset.quads():
        data.add((s, p, o))
    ontology = rdflib.Graph()
    for ttl in ("casegraph.ttl", "outcomes.ttl"):
        ontology.parse(ONTOLOGY / ttl)
    shapes = rdflib.Graph().parse(ONTOLOGY / "shapes.ttl")
    conforms, _, text_report = pyshacl.validate(data, shacl_graph=shapes, ont_graph=ontology)
    assert conforms, text_report
