"""Tests of graph.query: running user SPARQL safely and writing the standard result formats."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pandas as pd
import pytest
import rdflib

from graph.errors import QueryError
from graph.query import QueryResult, compact_iri, display_rows, format_result, run_query
from graph.store import CaseStore

DOC = "https://w3id.org/casegraph/id/doc/rotherham"
ID = "https://w3id.org/casegraph/id/"
CG = "https://w3id.org/casegraph/ontology#"
TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
IOPC = f"<{ID}organisation/iopc>"
SYP = f"<{ID}organisation/syp>"
#: A hand-written document graph, in N-Triples.
NTRIPLES = f"""\
<{DOC}> {TYPE} <{CG}Document> .
{IOPC} {TYPE} <{CG}Organisation> .
{IOPC} {LABEL} "Independent Office for Police Conduct" .
{IOPC} <http://www.w3.org/2004/02/skos/core#altLabel> "IOPC"@en .
{SYP} {TYPE} <{CG}Organisation> .
{SYP} {LABEL} "South Yorkshire Police, \\"SYP\\"\\tforce" .
{IOPC} <{CG}investigated> {SYP} .
<{ID}group/rotherham/officers> <{CG}count> "47"^^<http://www.w3.org/2001/XMLSchema#integer> .
""".encode()

SELECT_ORGS = """
SELECT ?org ?label ?alt WHERE {
  ?org a cg:Organisation ; rdfs:label ?label .
  OPTIONAL { ?org skos:altLabel ?alt }
} ORDER BY ?label
"""


@pytest.fixture(scope="module")
def store():
    with CaseStore.open(None) as case_store:
        case_store.replace_documents([(DOC, NTRIPLES)])
        yield case_store


def test_query_select_rows_are_plain_strings(store: CaseStore) -> None:
    result = run_query(store, SELECT_ORGS)
    assert result.columns == ["org", "label", "alt"]
    assert result.rows == [
        (
            "https://w3id.org/casegraph/id/organisation/iopc",
            "Independent Office for Police Conduct",
            "IOPC",
        ),
        (
            "https://w3id.org/casegraph/id/organisation/syp",
            'South Yorkshire Police, "SYP"\tforce',
            None,
        ),
    ]
    assert result.boolean is None and result.graph_ntriples is None


def test_query_sees_union_of_graphs(store: CaseStore) -> None:
    result = run_query(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert result.rows == [("8",)]


def test_query_typed_literal_and_prefix_declaration(store: CaseStore) -> None:
    query = "PREFIX c: <https://w3id.org/casegraph/ontology#> SELECT ?n WHERE { ?g c:count ?n }"
    assert run_query(store, query).rows == [("47",)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ASK { ?x cg:investigated <https://w3id.org/casegraph/id/organisation/syp> }", True),
        ("ASK { id:organisation\\/syp cg:investigated ?x }", False),  # "/" must be escaped
    ],
)
def test_query_ask(store: CaseStore, query: str, expected: bool) -> None:
    result = run_query(store, query)
    assert result.boolean is expected
    assert format_result(result, "table") == f"{str(expected).lower()}\n"
    assert json.loads(format_result(result, "json")) == {"head": {}, "boolean": expected}


def test_query_construct(store: CaseStore) -> None:
    result = run_query(
        store,
        "CONSTRUCT { ?b <http://example.org/investigatedBy> ?a } WHERE { ?a cg:investigated ?b }",
    )
    graph = rdflib.Graph().parse(data=result.graph_ntriples, format="nt")
    assert set(graph) == {
        (
            rdflib.URIRef("https://w3id.org/casegraph/id/organisation/syp"),
            rdflib.URIRef("http://example.org/investigatedBy"),
            rdflib.URIRef("https://w3id.org/casegraph/id/organisation/iopc"),
        )
    }
    assert format_result(result, "csv") == result.graph_ntriples


def test_query_describe(store: CaseStore) -> None:
    result = run_query(store, "DESCRIBE <https://w3id.org/casegraph/id/organisation/iopc>")
    assert len(rdflib.Graph().parse(data=result.graph_ntriples, format="nt")) == 4


def test_query_format_csv_parses_back(store: CaseStore) -> None:
    result = run_query(store, SELECT_ORGS)
    text = format_result(result, "csv")
    assert "\r\n" in text
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == ["org", "label", "alt"]
    assert rows[1:] == [[cell or "" for cell in row] for row in result.rows]


def test_query_format_tsv_parses_back(store: CaseStore) -> None:
    result = run_query(store, SELECT_ORGS)
    lines = format_result(result, "tsv").splitlines()
    assert lines[0].split("\t") == ["?org", "?label", "?alt"]
    cells = [line.split("\t") for line in lines[1:]]
    assert all(len(row) == 3 for row in cells)  # the tab inside the literal is escaped
    assert cells[0] == [
        "<https://w3id.org/casegraph/id/organisation/iopc>",
        '"Independent Office for Police Conduct"',
        '"IOPC"@en',
    ]
    assert cells[1][1] == r'"South Yorkshire Police, \"SYP\"\tforce"'
    assert cells[1][2] == ""


def test_query_format_json_is_sparql_results_json(store: CaseStore) -> None:
    query = "SELECT ?org ?n ?alt WHERE { ?org skos:altLabel ?alt . OPTIONAL { ?org cg:count ?n } }"
    document = json.loads(format_result(run_query(store, query), "json"))
    assert document["head"] == {"vars": ["org", "n", "alt"]}
    assert document["results"]["bindings"] == [
        {
            "org": {"type": "uri", "value": "https://w3id.org/casegraph/id/organisation/iopc"},
            "alt": {"type": "literal", "value": "IOPC", "xml:lang": "en"},
        }
    ]
    counts = json.loads(format_result(run_query(store, "SELECT ?n { ?g cg:count ?n }"), "json"))
    assert counts["results"]["bindings"] == [
        {
            "n": {
                "type": "literal",
                "value": "47",
                "datatype": "http://www.w3.org/2001/XMLSchema#integer",
            }
        }
    ]


def test_query_format_table_compacts_iris(store: CaseStore) -> None:
    text = format_result(run_query(store, SELECT_ORGS), "table")
    lines = text.splitlines()
    assert lines[0].split() == ["org", "label", "alt"]
    assert lines[2].startswith("id:organisation/iopc  Independent Office for Police Conduct")
    assert 'South Yorkshire Police, "SYP" force' in lines[3]  # the tab shown as a space
    assert lines[-1] == "(2 rows)"


def test_query_format_unknown(store: CaseStore) -> None:
    with pytest.raises(ValueError, match="Unknown format 'xml'"):
        format_result(run_query(store, "ASK {}"), "xml")


def test_query_hand_built_result_formats() -> None:
    result = QueryResult(columns=["a", "b"], rows=[("x", None)])
    assert display_rows(result) == [("x", "")]
    assert format_result(result, "csv") == "a,b\r\nx,\r\n"
    assert format_result(result, "tsv") == '?a\t?b\n"x"\t\n'
    assert json.loads(format_result(result, "json"))["results"]["bindings"] == [
        {"a": {"type": "literal", "value": "x"}}
    ]


def test_query_compact_iri() -> None:
    assert compact_iri("https://w3id.org/casegraph/outcomes#no-sanction") == "cgo:no-sanction"
    assert compact_iri("http://example.org/x") == "http://example.org/x"


# -- rejected queries --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("SELECT ?s WHERE { ?s ?p ?o ", r"Malformed SPARQL query: error at 1:\d+: expected"),
        (
            "SELEC ?s WHERE { ?s ?p ?o }",
            "expected SELECT, ASK, CONSTRUCT or DESCRIBE, found 'SELEC'",
        ),
        ("", "found none"),
        ("SELECT * WHERE { ?s foo:bar ?o }", "prefix 'foo:' is not declared"),
        ("SELECT (COUNT(*) AS ?n) { ?s ?p ?o } GROUP BY", r"error at 1:\d+: expected one of"),
        ("INSERT DATA { <http://a> <http://b> <http://c> }", r"SPARQL Update \(INSERT\)"),
        ("PREFIX ex: <http://ex/>\ndelete where { ?s ex:p ?o }", r"SPARQL Update \(DELETE\)"),
        ("LOAD <http://example.org/data.ttl>", r"SPARQL Update \(LOAD\)"),
        ("DROP ALL", r"SPARQL Update \(DROP\)"),
        ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "SERVICE"),
        ("select * { service silent <http://x.org/q> { ?s ?p ?o } }", "SERVICE is not allowed"),
    ],
)
def test_query_rejected(store: CaseStore, query: str, reason: str) -> None:
    before = store.count_quads()
    with pytest.raises(QueryError, match=reason) as caught:
        run_query(store, query)
    assert "\n" not in str(caught.value)
    assert store.count_quads() == before


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?service WHERE { ?service ?p ?o }  # SERVICE in a comment",
        'SELECT ?s WHERE { ?s ?p "SERVICE and INSERT in a string" }',
        "SELECT ?s WHERE { ?s <http://example.org/SERVICE> ?o }",
        "SELECT ?s WHERE { _:b ?p ?o . BIND(?o AS ?s) }",
        "PREFIX : <http://example.org/> SELECT ?s WHERE { ?s :p ?o }",
    ],
)
def test_query_allowed_lookalikes(store: CaseStore, query: str) -> None:
    assert len(run_query(store, query).columns) == 1


def test_query_import_is_light() -> None:
    code = (
        "import sys, graph.query; "
        "heavy = ('spacy', 'rdflib', 'trafilatura', 'pyshacl', 'pandas'); "
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert output.strip() == "[]"


# -- DataFrames, on the seed store ----------------------------------------------------------------

CLASS_COUNTS = """
SELECT ?class (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a ?class } GROUP BY ?class ORDER BY ?class
"""
GROUP_SIZES = """
SELECT ?group ?label ?count WHERE {
  ?group a cg:Group ; rdfs:label ?label . OPTIONAL { ?group cg:count ?count }
} ORDER BY ?group
"""


def test_dataframe_count_query_gives_int64(seed_store: CaseStore) -> None:
    result = run_query(seed_store, CLASS_COUNTS)
    frame = result.to_dataframe()
    assert list(frame.columns) == ["class", "n"]
    assert str(frame["n"].dtype) == "Int64"
    assert frame["n"].tolist() == [int(n) for _, n in result.rows]
    assert all(isinstance(n, int) for n in frame["n"].tolist())
    counts = dict(zip(frame["class"], frame["n"], strict=True))
    assert counts[CG + "Organisation"] == 4 and counts[CG + "Document"] == 1
    # Integers sort as numbers, not as text ("9" < "11").
    assert frame.sort_values("n")["n"].is_monotonic_increasing
    assert frame["n"].sum() == sum(int(n) for _, n in result.rows)


def test_dataframe_unbound_optional_is_missing(seed_store: CaseStore) -> None:
    result = run_query(seed_store, GROUP_SIZES)
    frame = result.to_dataframe()
    assert str(frame["count"].dtype) == "Int64"
    unknown = [i for i, row in enumerate(result.rows) if row[2] is None]
    assert unknown  # "Rotherham's council leader and entire cabinet": no stated size
    assert frame["count"].isna().tolist() == [row[2] is None for row in result.rows]
    assert all(frame["count"][i] is pd.NA for i in unknown)
    known = frame.dropna(subset=["count"])
    sizes = dict(zip(known["label"], known["count"], strict=True))
    assert sizes["47 officers"] == 47 and sizes["51 complainants"] == 51


def test_dataframe_iris_are_full_strings(seed_store: CaseStore) -> None:
    frame = run_query(seed_store, GROUP_SIZES).to_dataframe()
    assert frame["group"].dtype == "string" and frame["label"].dtype == "string"
    assert all(isinstance(iri, str) for iri in frame["group"])
    assert f"{ID}group/rotherham-iopc/officer" in frame["group"].tolist()
    assert all(iri.startswith(ID + "group/") for iri in frame["group"])
    # A string column with an unbound value (an organisation without another name): missing too.
    organisations = run_query(seed_store, SELECT_ORGS)
    alt = organisations.to_dataframe()["alt"]
    assert alt.isna().tolist() == [row[2] is None for row in organisations.rows]
    assert alt.isna().any() and alt.dropna().tolist() == [r[2] for r in organisations.rows if r[2]]


def test_dataframe_dates_decimals_and_booleans(seed_store: CaseStore) -> None:
    query = """
    SELECT ?doc ?published ?seen ?confidence ?sure WHERE {
      ?doc a cg:Document .
      ?fact cg:confidence ?confidence .
      BIND("2023-05-11"^^xsd:date AS ?published)
      BIND("2023-05-11T09:30:00+01:00"^^xsd:dateTime AS ?seen)
      BIND(?confidence >= 0.9 AS ?sure)
    } ORDER BY ?fact
    """
    result = run_query(seed_store, query)
    frame = result.to_dataframe()
    assert list(frame.columns) == ["doc", "published", "seen", "confidence", "sure"]
    assert pd.api.types.is_datetime64_dtype(frame["published"])
    assert (frame["published"] == pd.Timestamp("2023-05-11")).all()
    assert isinstance(frame["seen"].dtype, pd.DatetimeTZDtype)
    assert frame["seen"][0] == pd.Timestamp("2023-05-11T08:30:00", tz="UTC")
    assert frame["confidence"].dtype == "float64"
    assert frame["confidence"].tolist() == [float(row[3]) for row in result.rows]
    assert frame["sure"].dtype == "boolean"
    assert frame["sure"].tolist() == [float(row[3]) >= 0.9 for row in result.rows]
    assert frame["sure"].any() and not frame["sure"].all()
    assert frame["doc"].tolist() == [DOC.replace("rotherham", "rotherham-iopc")] * len(frame)


def test_dataframe_column_order_and_mixed_columns(seed_store: CaseStore) -> None:
    query = """
    SELECT ?n ?value ?nothing WHERE {
      VALUES (?n ?value) { (3 <https://example.org/x>) (1 "2"^^xsd:integer) }
      OPTIONAL { ?nothing a cg:NoSuchClass }
    }
    """
    frame = run_query(seed_store, query).to_dataframe()
    assert list(frame.columns) == ["n", "value", "nothing"]
    assert frame["n"].tolist() == [3, 1]
    # An IRI and an integer in one column: their text, not a number.
    assert frame["value"].dtype == "string"
    assert frame["value"].tolist() == ["https://example.org/x", "2"]
    assert frame["nothing"].isna().all()
    empty = run_query(seed_store, "SELECT ?a ?b WHERE { ?a a cg:NoSuchClass ; cg:count ?b }")
    assert list(empty.to_dataframe().columns) == ["a", "b"] and empty.to_dataframe().empty


def test_dataframe_needs_a_select_result(seed_store: CaseStore) -> None:
    with pytest.raises(ValueError, match="needs a SELECT result, not the result of ASK"):
        run_query(seed_store, "ASK { ?s ?p ?o }").to_dataframe()
    with pytest.raises(ValueError, match="CONSTRUCT or DESCRIBE"):
        run_query(seed_store, "CONSTRUCT WHERE { ?s a cg:Person }").to_dataframe()
    by_hand = QueryResult(columns=["x"], rows=[("7",), (None,)]).to_dataframe()
    assert by_hand["x"].dtype == "string" and by_hand["x"][0] == "7" and by_hand["x"][1] is pd.NA


@pytest.mark.issue(15)
def test_result_writers_agree_with_pyoxigraphs(seed_store) -> None:
    """casegraph writes SPARQL CSV, TSV and JSON itself (from materialised, possibly filtered
    results, which pyoxigraph's writers cannot take); on a query straight from the store they
    say what pyoxigraph's own writers say: CSV byte for byte, JSON as the same document, TSV as the
    same terms (pyoxigraph abbreviates integers, as the TSV format allows)."""
    import json

    import pyoxigraph as ox
    from rdflib.util import from_n3

    from graph.store import PREFIXES

    sparql = (
        "SELECT ?f ?n ?c ?t WHERE { ?f cg:outcomeType/skos:notation ?n . "
        "OPTIONAL { ?f cg:count ?c } OPTIONAL { ?f prov:wasDerivedFrom/nif:anchorOf ?t } } "
        "ORDER BY ?f"
    )
    result = run_query(seed_store, sparql)

    def theirs(fmt: ox.QueryResultsFormat) -> str:
        solutions = seed_store.query(sparql, use_default_graph_as_union=True, prefixes=PREFIXES)
        return solutions.serialize(format=fmt).decode("utf-8")

    assert len(result.rows) >= 10
    assert format_result(result, "csv") == theirs(ox.QueryResultsFormat.CSV)
    assert json.loads(format_result(result, "json")) == json.loads(
        theirs(ox.QueryResultsFormat.JSON)
    )

    def terms(tsv: str) -> list[list[object]]:
        lines = tsv.splitlines()
        return [lines[0].split("\t")] + [
            [from_n3(cell) if cell else None for cell in line.split("\t")] for line in lines[1:]
        ]

    assert terms(format_result(result, "tsv")) == terms(theirs(ox.QueryResultsFormat.TSV))
