"""Tests of graph.cli with typer's CliRunner, on stores made by hand (no spaCy)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import rdflib
from typer.testing import CliRunner

from graph.cli import app
from graph.store import CaseStore

ID = "https://w3id.org/casegraph/id/"
CG = "https://w3id.org/casegraph/ontology#"
TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"


def document(doc_id: str, *organisations: str) -> tuple[str, bytes]:
    iri = f"{ID}doc/{doc_id}"
    lines = [f"<{iri}> {TYPE} <{CG}Document> ."]
    for name in organisations:
        org = f"<{ID}organisation/{name.lower().replace(' ', '-')}>"
        lines += [f"{org} {TYPE} <{CG}Organisation> .", f'{org} {LABEL} "{name}" .']
    return iri, ("\n".join(lines) + "\n").encode()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def store(tmp_path: Path) -> str:
    path = tmp_path / "casegraph.store"
    with CaseStore.open(path) as case_store:
        case_store.replace_documents(
            [
                document("a", "South Yorkshire Police", "IOPC"),
                document("b", "South Yorkshire Police"),
            ]
        )
    return str(path)


SELECT = (
    "SELECT DISTINCT ?org ?name WHERE { ?org a cg:Organisation ; rdfs:label ?name } ORDER BY ?name"
)


def assert_one_line_error(result, *fragments: str) -> None:
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    for fragment in fragments:
        assert fragment in lines[0]
    assert "Traceback" not in result.output


# -- help --------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["build", "query", "export", "validate", "ask", "draw"])
def test_cli_help_has_example(runner: CliRunner, command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.stdout


# -- query -------------------------------------------------------------------------------------


def test_cli_query_table(runner: CliRunner, store: str) -> None:
    result = runner.invoke(app, ["query", SELECT, "--store", store])
    assert result.exit_code == 0, result.output
    assert "IOPC" in result.stdout and "South Yorkshire Police" in result.stdout
    assert "id:organisation/iopc" in result.stdout
    assert "(2 rows)" in result.stdout


def test_cli_query_csv(runner: CliRunner, store: str) -> None:
    result = runner.invoke(app, ["query", SELECT, "--format", "csv", "--store", store])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout, newline="")))
    assert rows == [
        ["org", "name"],
        [f"{ID}organisation/iopc", "IOPC"],
        [f"{ID}organisation/south-yorkshire-police", "South Yorkshire Police"],
    ]


def test_cli_query_json_from_file(runner: CliRunner, store: str, tmp_path: Path) -> None:
    query_file = tmp_path / "orgs.rq"
    query_file.write_text(SELECT)
    result = runner.invoke(
        app, ["query", "--file", str(query_file), "--format", "json", "--store", store]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["head"]["vars"] == ["org", "name"]
    names = [b["name"]["value"] for b in document["results"]["bindings"]]
    assert names == ["IOPC", "South Yorkshire Police"]


def test_cli_query_ask(runner: CliRunner, store: str) -> None:
    result = runner.invoke(app, ["query", "ASK { ?o a cg:Organisation }", "--store", store])
    assert result.exit_code == 0
    assert result.stdout.strip() == "true"


def test_cli_query_malformed(runner: CliRunner, store: str) -> None:
    result = runner.invoke(app, ["query", "SELECT ?x WHERE { ?x ?p", "--store", store])
    assert_one_line_error(result, "Malformed SPARQL query")


def test_cli_query_update_rejected(runner: CliRunner, store: str) -> None:
    result = runner.invoke(app, ["query", "DELETE WHERE { ?s ?p ?o }", "--store", store])
    assert_one_line_error(result, "SPARQL Update (DELETE) is not allowed")


def test_cli_query_missing_store(runner: CliRunner, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.store"
    result = runner.invoke(app, ["query", "ASK {}", "--store", str(missing)])
    assert_one_line_error(result, f"Store '{missing}' does not exist; run `casegraph build` first")
    assert not missing.exists()


def test_cli_query_missing_file(runner: CliRunner, store: str, tmp_path: Path) -> None:
    result = runner.invoke(app, ["query", "-f", str(tmp_path / "q.rq"), "--store", store])
    assert_one_line_error(result, "q.rq' cannot be read")


@pytest.mark.parametrize("args", [[], ["ASK {}", "--file", "q.rq"]])
def test_cli_query_needs_query_or_file(runner: CliRunner, store: str, args: list[str]) -> None:
    result = runner.invoke(app, ["query", *args, "--store", store])
    assert result.exit_code == 2
    assert "either QUERY or --file" in result.output


def test_cli_query_does_not_import_heavy_modules(store: str) -> None:
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from graph.cli import app\n"
        f"result = CliRunner().invoke(app, ['query', 'ASK {{}}', '--store', {store!r}])\n"
        "assert result.exit_code == 0, result.output\n"
        "print(sorted(m for m in ('spacy', 'rdflib', 'pyshacl', 'matplotlib') "
        "if m in sys.modules))\n"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert output.strip() == "[]"


def test_cli_main_prints_one_line_error(tmp_path: Path) -> None:
    code = "import sys; from graph.cli import main; sys.argv[0] = 'casegraph'; main()"
    missing = tmp_path / "missing.store"
    process = subprocess.run(
        [sys.executable, "-c", code, "query", "ASK {}", "--store", str(missing)],
        capture_output=True,
        text=True,
    )
    assert process.returncode == 1
    assert process.stderr == (
        f"error: Store '{missing}' does not exist; run `casegraph build` first\n"
    )


# -- export ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "rdflib_format", "quads"),
    [("turtle", "turtle", False), ("trig", "trig", True), ("nquads", "nquads", True)],
)
def test_cli_export_round_trips(
    runner: CliRunner, store: str, tmp_path: Path, fmt: str, rdflib_format: str, quads: bool
) -> None:
    output = tmp_path / f"out.{fmt}"
    result = runner.invoke(app, ["export", "--format", fmt, "-o", str(output), "--store", store])
    assert result.exit_code == 0, result.output
    if quads:
        dataset = rdflib.Dataset()
        dataset.parse(output, format=rdflib_format)
        assert len(list(dataset.quads((None, None, None, None)))) == 8
    else:
        assert len(rdflib.Graph().parse(output, format=rdflib_format)) == 6  # union: no repeats


def test_cli_export_jsonld_round_trips(runner: CliRunner, store: str, tmp_path: Path) -> None:
    output = tmp_path / "out.jsonld"
    result = runner.invoke(
        app, ["export", "--format", "jsonld", "-o", str(output), "--store", store]
    )
    assert result.exit_code == 0, result.output
    json.loads(output.read_text())  # valid JSON
    dataset = rdflib.Dataset()
    dataset.parse(output, format="json-ld")
    assert len(list(dataset.quads((None, None, None, None)))) == 8
    graphs = {str(g.identifier) for g in dataset.graphs()}
    assert {f"{ID}doc/a", f"{ID}doc/b"} <= graphs


def test_cli_export_to_stdout(runner: CliRunner, store: str) -> None:
    result = runner.invoke(app, ["export", "--format", "nquads", "-o", "-", "--store", store])
    assert result.exit_code == 0, result.output
    assert len(result.stdout.strip().splitlines()) == 8


def test_cli_export_missing_store(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["export", "-o", str(tmp_path / "x.ttl"), "--store", str(tmp_path / "none")]
    )
    assert_one_line_error(result, "does not exist; run `casegraph build` first")


# -- validate, ask (their APIs are stubbed: other modules' behaviour is tested there) ----------


def test_cli_validate_reports_violations(
    runner: CliRunner, store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    validate_module = pytest.importorskip("graph.validate")
    seen = []

    def fake_validate(data):
        seen.append(len(list(data.quads((None, None, None, None)))))
        focus = rdflib.URIRef(f"{ID}organisation/iopc")
        return SimpleNamespace(
            conforms=False,
            violations=[(focus, rdflib.RDFS.label, "Less than 2 values")],
            text="",
        )

    monkeypatch.setattr(validate_module, "validate", fake_validate)
    result = runner.invoke(app, ["validate", "--store", store])
    assert seen == [8]
    assert result.exit_code == 1
    assert "id:organisation/iopc" in result.stdout and "rdfs:label" in result.stdout
    assert result.stderr.strip() == f"error: 1 SHACL violation(s) in {store}"


def test_cli_validate_conforms(
    runner: CliRunner, store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    validate_module = pytest.importorskip("graph.validate")
    report = SimpleNamespace(conforms=True, violations=[], text="")
    monkeypatch.setattr(validate_module, "validate", lambda data: report)
    result = runner.invoke(app, ["validate", "--store", store])
    assert result.exit_code == 0, result.output
    assert "conforms" in result.stdout


def test_cli_ask_prints_each_question(
    runner: CliRunner, store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ontology = pytest.importorskip("graph.ontology")
    queries = [
        SimpleNamespace(name="01-orgs", question="Which organisations?", sparql=SELECT),
        SimpleNamespace(name="02-broken", question="Broken?", sparql="SELECT {"),
    ]
    monkeypatch.setattr(ontology, "competency_queries", lambda: queries)
    result = runner.invoke(app, ["ask", "--store", store])
    assert "01-orgs: Which organisations?" in result.stdout
    assert "South Yorkshire Police" in result.stdout
    assert "02-broken: Broken?" in result.stdout
    assert result.stderr.startswith("error: 02-broken: Malformed SPARQL query")
    assert result.exit_code == 1


@pytest.mark.issue(15)
@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("markdown", ["## 01-orgs: Which organisations?", "| name |", "|---|", "| IOPC |"]),
        ("csv", ["# 01-orgs: Which organisations?", "name", "South Yorkshire Police"]),
        ("tsv", ["# 01-orgs: Which organisations?", "?name", '"IOPC"']),
        ("json", ["# 01-orgs: Which organisations?", '"vars": [', '"value": "IOPC"']),
    ],
)
def test_cli_ask_formats(
    runner: CliRunner, store: str, monkeypatch: pytest.MonkeyPatch, fmt: str, expected: list[str]
) -> None:
    ontology = pytest.importorskip("graph.ontology")
    queries = [SimpleNamespace(name="01-orgs", question="Which organisations?", sparql=SELECT)]
    monkeypatch.setattr(ontology, "competency_queries", lambda: queries)
    result = runner.invoke(app, ["ask", "--store", store, "--format", fmt])
    assert result.exit_code == 0, result.output
    lines = result.stdout.split("\n")
    for fragment in expected:
        assert any(fragment in line for line in lines), (fragment, result.stdout)
    assert "org" not in result.stdout.split("\n", 2)[1]  # the IRI column stays hidden


@pytest.mark.issue(15)
def test_cli_ask_to_a_file_keeps_each_row_on_one_line(tmp_path: Path) -> None:
    """`casegraph ask > answers.txt` on the seed: no row is wrapped at 80 columns, so the
    funnel's counts can be grepped beside their outcome type."""
    import subprocess
    import sys

    cli = Path(sys.executable).parent / "casegraph"
    seeds = Path(__file__).resolve().parents[1] / "seeds"
    store = tmp_path / "seed.store"
    subprocess.run([cli, "build", seeds, "--store", store], check=True, capture_output=True)
    answers = tmp_path / "answers.txt"
    with answers.open("w") as out:
        subprocess.run([cli, "ask", "--store", store], check=True, stdout=out)
    lines = answers.read_text().splitlines()
    row = next(line for line in lines if "│ case-to-answer-misconduct " in line)
    assert "│ 8 " in row and "eight were found to have a case to answer" in row
    row = next(line for line in lines if "│ case-to-answer-gross-misconduct " in line)
    assert "│ 6 " in row
    assert max(len(line) for line in lines) > 200  # not folded to the default 80 columns


# -- build -------------------------------------------------------------------------------------


def test_cli_build_contract_with_fake_pipeline(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The command's side of the build contract, with a stand-in for graph.pipeline."""
    from graph.errors import IngestError

    calls = []

    def fake_build(paths, store_path, *, progress=None, **options):
        calls.append((paths, store_path, options))
        for done, doc_id in enumerate(["a", "b"], start=1):
            progress(done, 2, doc_id)
        return SimpleNamespace(
            documents=["a", "b"],
            errors=[IngestError("Document 'c.txt' is empty")],
            triples=42,
        )

    fake = SimpleNamespace(build=fake_build)
    monkeypatch.setitem(sys.modules, "graph.pipeline", fake)
    store = str(tmp_path / "s.store")
    result = runner.invoke(app, ["build", "x/", "c.txt", "--store", store, "--model", "m"])
    assert calls == [(["x/", "c.txt"], store, {"model": "m"})]
    assert result.exit_code == 1
    assert "error: Document 'c.txt' is empty" in result.stderr.splitlines()
    assert "Stored 2 document(s), 42 triples" in result.stderr
    assert "━" not in result.stderr and "2/2" not in result.stderr  # no bar off a terminal


# -- build (needs the lead's graph.pipeline) ---------------------------------------------------


@pytest.fixture
def pipeline():
    return pytest.importorskip("graph.pipeline", reason="pipeline not written yet")


def test_cli_build_missing_path(runner: CliRunner, pipeline, tmp_path: Path) -> None:
    missing = tmp_path / "missing.txt"
    store = tmp_path / "casegraph.store"
    result = runner.invoke(app, ["build", str(missing), "--store", str(store)])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert errors == [f"error: Document '{missing}' does not exist"]
    assert "Traceback" not in result.output


def test_cli_build_empty_file(runner: CliRunner, pipeline, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    store = tmp_path / "casegraph.store"
    result = runner.invoke(app, ["build", str(empty), "--store", str(store)])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert errors == [f"error: Document '{empty}' is empty"]
    assert "Traceback" not in result.output
