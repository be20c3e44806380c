"""Corrections (graph/correct.py, `casegraph correct`): an editor's decisions about the seed's
graph, recorded from the command line, applied on every rebuild, validated by SHACL and visible
in queries as corrections."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graph.cli import app
from graph.correct import Corrections, load_corrections
from graph.errors import CasegraphError
from graph.ingest import read_documents
from graph.pipeline import build_documents
from graph.store import CaseStore
from graph.validate import validate

pytestmark = pytest.mark.issue(15)

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
ID = "https://w3id.org/casegraph/id/"
CG = "https://w3id.org/casegraph/ontology#"
SYP = f"{ID}organisation/south-yorkshire-police"


def build(store: Path, nlp, corrections: Path | None = None):
    """Build the seed into ``store`` with the corrections file, as `casegraph build` does."""
    docs = [d for d in read_documents([SEEDS]) if not isinstance(d, Exception)]
    decisions = Corrections(load_corrections(corrections)) if corrections else None
    with CaseStore.open(store) as case_store:
        return build_documents(docs, case_store, nlp, corrections=decisions)


def rows(store: Path, sparql: str) -> list[tuple[str, ...]]:
    with CaseStore.open(store, read_only=True) as case_store:
        return sorted(
            tuple(term.value if term is not None else "" for term in solution)
            for solution in case_store.query(sparql)
        )


def outcome(store: Path, notation: str) -> str:
    (row,) = rows(store, f'SELECT ?f WHERE {{ ?f cg:outcomeType/skos:notation "{notation}" }}')
    return row[0]


def correct(store: Path, *args: str) -> None:
    result = CliRunner().invoke(app, ["correct", *args, "--store", str(store), "--by", "Ed"])
    assert result.exit_code == 0, result.output
    assert "Recorded" in result.stdout


@pytest.fixture
def store(tmp_path: Path, nlp) -> Path:
    path = tmp_path / "casegraph.store"
    build(path, nlp)
    return path


def test_correct_drop_retype_merge_add_survive_a_rebuild(store: Path, nlp) -> None:
    retired = outcome(store, "retirement")
    criticised_syp = rows(
        store, f"SELECT ?f WHERE {{ ?f cg:outcomeType cgo:criticised ; cg:appliesTo <{SYP}> }}"
    )[0][0]
    before = rows(store, "SELECT ?f WHERE { ?f a cg:Investigation }")

    correct(store, "drop", criticised_syp, "--why", "a newspaper's words, not a finding")
    correct(store, "retype", retired, "no-sanction", "--why", "retired: no sanction")
    correct(store, "retype", "Yahoo News", "Group", "--why", "test of an entity retype")
    correct(store, "merge", "SYP", "Independent Office for Police Conduct", "--why", "test")
    correct(
        store,
        "add",
        "rotherham-iopc",
        "Investigation",
        "--evidence",
        "the IOPC looking into 265 separate allegations",
        "--arg",
        "investigator=IOPC",
        "--arg",
        "subject=47 officers",
        "--why",
        "the watchdog's investigation was missed",
    )
    lines = (store / "corrections.jsonl").read_text().splitlines()
    assert [json.loads(line)["op"] for line in lines] == [
        "drop",
        "retype",
        "retype",
        "merge",
        "add",
    ]

    report = build(store, nlp, store / "corrections.jsonl")
    assert report.documents == ["rotherham-iopc"] and report.corrected == 5
    assert not report.corrections  # every correction applied

    # drop: the fact is gone, its correction stays, with who, when and why
    assert not rows(store, f"SELECT ?p WHERE {{ <{criticised_syp}> ?p ?o }}")
    [(op, who, why, when)] = rows(
        store,
        f"SELECT ?op ?who ?why ?when WHERE {{ ?c a cg:Correction ; cg:operation ?op ; "
        f"cg:target <{criticised_syp}> ; dcterms:creator ?who ; rdfs:comment ?why ; "
        f"dcterms:date ?when }}",
    )
    assert (op, who, why) == ("drop", "Ed", "a newspaper's words, not a finding")
    assert when.startswith("20")
    # retype: same fact, new type, marked as corrected
    assert rows(
        store,
        f"SELECT ?n WHERE {{ <{retired}> cg:outcomeType/skos:notation ?n ; cg:correctedBy ?c }}",
    ) == [("no-sanction",)]
    with CaseStore.open(store, read_only=True) as case_store:
        assert bool(case_store.query(f"ASK {{ <{ID}organisation/yahoo-news> a cg:Group }}"))
        assert not bool(case_store.query(f"ASK {{ <{SYP}> ?p ?o }}"))  # merged away
        iopc = f"{ID}organisation/independent-office-for-police-conduct"
        assert bool(
            case_store.query(
                f'ASK {{ <{iopc}> skos:altLabel "South Yorkshire Police" ; cg:correctedBy ?c }}'
            )
        )
        report_shacl = validate(case_store.to_rdflib())
    assert report_shacl.conforms, report_shacl.violations
    # add: a new investigation, derived from the exact words, with its own provenance
    after = rows(store, "SELECT ?f WHERE { ?f a cg:Investigation }")
    assert len(after) == len(before) + 1
    [(extractor, evidence)] = rows(
        store,
        "SELECT ?x ?t WHERE { ?f a cg:Investigation ; cg:correctedBy ?c ; cg:extractor ?x ; "
        "prov:wasDerivedFrom/nif:anchorOf ?t }",
    )
    assert (extractor, evidence) == ("correction", "the IOPC looking into 265 separate allegations")
    # and every view says so: the entity graph (and so its exports) and the HTML view
    from graph.analysis import entity_graph
    from graph.html import html_data

    with CaseStore.open(store, read_only=True) as case_store:
        graph = entity_graph(case_store)
        page = html_data(case_store)
    assert graph.nodes[retired]["corrected"] == "retired: no sanction"
    assert graph.nodes[f"{ID}organisation/yahoo-news"]["corrected"] == "test of an entity retype"
    [(added,)] = rows(
        store, "SELECT ?f WHERE { ?f a cg:Investigation ; cg:extractor 'correction' }"
    )
    edges = [d for _, _, key, d in graph.edges(keys=True, data=True) if key == added]
    assert edges and {d["corrected"] for d in edges} == {"the watchdog's investigation was missed"}
    corrected_facts = {key for _, _, key, d in graph.edges(keys=True, data=True) if d["corrected"]}
    assert corrected_facts == {added, retired}
    assert page["facts"][retired]["summary"].endswith("[corrected: retired: no sanction]")

    # the next build changes nothing: the document is skipped, the corrections still there
    again = build(store, nlp, store / "corrections.jsonl")
    assert again.skipped == ["rotherham-iopc"] and again.documents == []
    assert len(rows(store, "SELECT ?c WHERE { ?c a cg:Correction }")) == 5

    # taking a decision back brings the fact back on the next build
    (store / "corrections.jsonl").write_text("\n".join(lines[1:]) + "\n")
    back = build(store, nlp, store / "corrections.jsonl")
    assert back.documents == ["rotherham-iopc"] and back.corrected == 4
    assert rows(store, f"SELECT ?p WHERE {{ <{criticised_syp}> a ?p }}") == [(f"{CG}Outcome",)]


def test_correct_that_no_longer_applies_is_a_note(store: Path, nlp, tmp_path: Path) -> None:
    file = tmp_path / "corrections.jsonl"
    gone = f"{ID}fact/rotherham-iopc/outcome-000000000000"
    file.write_text(
        json.dumps({"op": "drop", "target": gone, "by": "Ed", "when": "2026-12-06", "why": "old"})
        + "\n"
    )
    report = build(store, nlp, file)
    assert report.documents == ["rotherham-iopc"] and report.corrected == 0
    assert report.corrections == [
        f"Correction on line 1 does not apply: fact <{gone}> is not in the graph of "
        f"{ID}doc/rotherham-iopc"
    ]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("not json", "line 1: not JSON"),
        ('{"op": "delete", "target": "id:fact/a/b"}', "line 1: unknown op 'delete'"),
        ('{"op": "drop", "target": "id:fact/a/b"}', "line 1: 'by' is missing"),
        (
            '{"op": "retype", "target": "id:fact/a/b", "type": "beheaded", "by": "E", '
            '"when": "2026", "why": "w"}',
            "line 1: 'beheaded' is no outcome type",
        ),
    ],
)
def test_correct_bad_file_is_one_line_and_stores_nothing(
    tmp_path: Path, line: str, reason: str
) -> None:
    """A bad corrections file stops the build before anything is stored."""
    file = tmp_path / "fix.jsonl"
    file.write_text(f"{line}\n")
    with pytest.raises(CasegraphError) as caught:
        load_corrections(file)
    assert str(caught.value).startswith(f"Corrections file '{file}' {reason}")
    assert "\n" not in str(caught.value)
    store = tmp_path / "s"
    result = CliRunner().invoke(
        app, ["build", str(SEEDS), "--store", str(store), "--corrections", str(file)]
    )
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [f"error: {caught.value}"]
    assert not (store / "oxigraph").exists() or not rows(
        store, "SELECT ?d WHERE { ?d a cg:Document }"
    )


def test_correct_unknown_target_is_refused(store: Path) -> None:
    result = CliRunner().invoke(
        app, ["correct", "drop", f"{ID}fact/x/none", "--why", "w", "--store", str(store)]
    )
    assert result.exit_code == 1
    assert result.stderr.strip() == f"error: No fact <{ID}fact/x/none> in the store"
    assert not (store / "corrections.jsonl").exists()


def test_correct_split_moves_the_mentions_and_their_facts(store: Path, nlp) -> None:
    """ "Five of these officers" resolved to the 47 officers: split, the five are a group of
    their own, and the sanctions stated in their sentence apply to them, not to the 47."""
    officers = f"{ID}group/rotherham-iopc/officer"
    correct(
        store,
        "split",
        "47 officers",
        "rotherham-iopc",
        "--form",
        "Five of these officers",
        "--label",
        "five sanctioned officers",
        "--why",
        "the five are a subgroup",
    )
    report = build(store, nlp, store / "corrections.jsonl")
    assert report.corrected == 1 and not report.corrections
    five = f"{ID}group/rotherham-iopc/five-sanctioned-officers"
    assert rows(store, f"SELECT ?t WHERE {{ <{five}> a ?t }}") == [(f"{CG}Group",)]
    # the mention and the one nested in it ("officers" of "Five of these officers")
    assert rows(store, f"SELECT ?w WHERE {{ <{five}> cg:mention/nif:anchorOf ?w }}") == [
        ("Five of these officers",),
        ("officers",),
    ]
    sanctioned = rows(
        store,
        "SELECT ?n ?who WHERE { ?o cg:outcomeType/skos:notation ?n ; cg:appliesTo ?who . "
        'FILTER(?n IN ("management-action", "final-written-warning")) }',
    )
    assert sanctioned == [("final-written-warning", five), ("management-action", five)]
    # the other facts about the 47 officers stay theirs
    assert rows(
        store,
        f"SELECT ?o WHERE {{ ?o cg:outcomeType cgo:case-to-answer-misconduct ; "
        f"cg:appliesTo <{officers}> }}",
    )
    with CaseStore.open(store, read_only=True) as case_store:
        assert validate(case_store.to_rdflib()).conforms
