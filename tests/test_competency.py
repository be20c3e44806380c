"""The competency questions of issue 2, asked of the store built from seeds/ with the real model.

Every answer is read from the store with SPARQL: the bundled query files, or a smaller query where
the test needs one value. Nothing is compared with canned output.
"""

from __future__ import annotations

import pytest

from graph.ontology import competency_queries
from graph.query import run_query

pytestmark = pytest.mark.issue(2)

PREFIXES = """
PREFIX cg: <https://w3id.org/casegraph/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""


def bundled(store, number: int):
    query = next(q for q in competency_queries() if q.name.startswith(f"{number:02d}"))
    result = run_query(store, query.sparql)
    return [dict(zip(result.columns, row, strict=True)) for row in result.rows]


def select(store, body: str):
    result = run_query(store, PREFIXES + body)
    return [dict(zip(result.columns, row, strict=True)) for row in result.rows]


def test_competency_1_who_investigated_whom(seed_store):
    pairs = {(r["investigatorLabel"], r["subjectLabel"]) for r in bundled(seed_store, 1)}
    assert ("Independent Office for Police Conduct", "South Yorkshire Police") in pairs


def test_competency_2_allegations_complainants_against(seed_store):
    rows = bundled(seed_store, 2)
    counted = [r for r in rows if r["count"] == "265"]
    assert counted, rows
    assert counted[0]["madeByCount"] == "51"
    assert counted[0]["againstLabel"] == "South Yorkshire Police"


def test_competency_3_officers_and_outcomes(seed_store):
    rows = bundled(seed_store, 3)
    by_type = {}
    for r in rows:
        by_type.setdefault(r["type"], []).append(r)
    assert by_type["case-to-answer-misconduct"][0]["count"] == "8"
    assert by_type["case-to-answer-gross-misconduct"][0]["count"] == "6"
    # both ends of "sanctions ranging from management action up to a final written warning"
    assert {"management-action", "final-written-warning"} <= set(by_type)
    assert "not-proven" in by_type
    assert "retirement" in by_type
    assert "no-sanction" in by_type
    # the officers investigated: one group, counted
    officers = {
        r["appliesToCount"] for t in ("case-to-answer-misconduct", "retirement") for r in by_type[t]
    }
    assert officers == {"47"}


def test_competency_4_people_roles_organisations(seed_store):
    rows = bundled(seed_store, 4)
    people = {r["name"]: r for r in rows}
    assert people["Michael Lockwood"]["role"] == "director-general"
    assert (
        people["Michael Lockwood"]["organisationLabel"] == "Independent Office for Police Conduct"
    )
    assert "David Greenwood" in people
    roles = select(
        seed_store,
        'SELECT ?role WHERE { ?p rdfs:label "David Greenwood" ; cg:role ?role }',
    )
    assert [r["role"] for r in roles] == ["solicitor"]


def test_competency_5_statements(seed_store):
    rows = bundled(seed_store, 5)
    said = {(r["speakerLabel"], r["speakerClass"]): r["quote"] for r in rows}
    assert said[("South Yorkshire Police", "Organisation")].startswith("we got it wrong")
    assert said[("Michael Lockwood", "Person")].startswith("We found that officers")
    assert said[("David Greenwood", "Person")].startswith("It shows the British public")
    survivors = [q for (who, kind), q in said.items() if kind == "Group"]
    assert any(q.startswith("No matter what bad experience") for q in survivors)


def test_competency_5_survivor_is_an_unnamed_group(seed_store):
    rows = select(
        seed_store,
        """SELECT DISTINCT ?speaker WHERE {
             ?s a cg:Statement ; cg:quote ?q ; cg:saidBy ?speaker .
             FILTER(STRSTARTS(?q, "No matter what"))
             ?speaker a cg:Group . FILTER NOT EXISTS { ?speaker a cg:Person } }""",
    )
    assert len(rows) == 1


def test_competency_6_organisations_criticised(seed_store):
    rows = bundled(seed_store, 6)
    criticised = {(r["organisationLabel"], r["type"], r["decidedByLabel"]) for r in rows}
    assert (
        "South Yorkshire Police",
        "criticised",
        "Independent Office for Police Conduct",
    ) in criticised
    councils = {r["organisationLabel"] for r in rows if "council" in r["organisationLabel"]}
    assert councils, rows
    resigned = select(
        seed_store,
        """SELECT ?who WHERE { ?o cg:outcomeType/skos:notation "resignation" ;
             cg:appliesTo/rdfs:label ?who }""",
    )
    assert any("council leader" in r["who"] for r in resigned)


def test_competency_7_every_fact_has_its_sentence(seed_store):
    rows = bundled(seed_store, 7)
    assert len(rows) >= 20
    text = select(seed_store, "SELECT ?t WHERE { ?d a cg:Document ; nif:isString ?t }")[0]["t"]
    for r in rows:
        begin, end = int(r["begin"]), int(r["end"])
        assert text[begin:end] == r["text"]


def test_competency_ask_hides_iri_columns_unless_full(seed_store):
    from typer.testing import CliRunner

    from graph.cli import app

    runner = CliRunner()
    short = runner.invoke(app, ["ask", "--store", str(seed_store.path)], terminal_width=200)
    full = runner.invoke(
        app, ["ask", "--full", "--store", str(seed_store.path)], terminal_width=200
    )
    assert short.exit_code == 0 and full.exit_code == 0, short.output + full.output
    assert "Independent Office for Police" in short.output
    assert "id:fact/" not in short.output and "id:doc/" not in short.output
    assert "id:fact/" in full.output
