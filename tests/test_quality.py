"""Extraction quality on real annotated data, as regression floors (issue 3).

The floors sit a little below the figures reached when they were last raised (see
docs/quality.md), so a change that makes extraction worse fails CI. Raise them when quality
improves; never lower them to make a change pass.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import DEV, SHARED, needs_shared

from graph.evaluate import evaluate_conll04, evaluate_dir
from graph.ingest import read_documents
from graph.model import SourceDocument
from graph.pipeline import build_documents, evaluation_builder, sentence_stores
from graph.query import run_query
from graph.store import CaseStore

pytestmark = pytest.mark.issue(3)

CONLL04_DEV = SHARED / "eval" / "conll04" / "dev.jsonl"

#: metric -> lowest acceptable F1 on ../shared/eval/dev (micro-averaged over documents).
DEV_F1_FLOORS = {
    "ent.all": 0.95,
    "affiliation": 0.93,
    "investigation": 0.84,
    "outcome.type": 0.87,
    "allegation": 0.79,
    "statement": 0.93,
}
#: metric -> lowest acceptable F1 on the CoNLL04 development split ("ent.exact": Peop, Org and
#: Loc, the types casegraph maps; "+Other" keeps the unmapped "Other" gold entities).
CONLL04_F1_FLOORS = {
    "ent.exact": 0.75,
    "ent.trimmed": 0.78,
    "ent.exact+Other": 0.70,
    "Work_For.exact": 0.55,
    "Work_For.trimmed": 0.66,
}


#: metric -> lowest acceptable F1 on eval/probe (12 invented documents of four genres, see its
#: README; its gold follows some conventions of its own, hence the lower figures).
PROBE = Path(__file__).resolve().parents[1] / "eval" / "probe"
PROBE_F1_FLOORS = {
    "ent.all": 0.85,
    "affiliation": 0.62,
    "investigation": 0.40,
    "outcome.type": 0.76,
    "allegation": 0.15,
    "statement": 0.53,
}


#: The same for eval/probe2 (8 documents measured once as held out, see its README).
PROBE2 = PROBE.parent / "probe2"
PROBE2_F1_FLOORS = {
    "ent.all": 0.77,
    "affiliation": 0.70,
    "investigation": 0.35,
    "outcome.type": 0.60,
    "allegation": 0.14,
    "statement": 0.73,
}


@pytest.fixture(scope="module")
def probe_report(nlp):
    return evaluate_dir(PROBE, evaluation_builder(nlp))


@pytest.fixture(scope="module")
def probe2_report(nlp):
    return evaluate_dir(PROBE2, evaluation_builder(nlp))


@pytest.mark.parametrize("metric", sorted(PROBE2_F1_FLOORS))
def test_quality_probe2_f1_floor(probe2_report, metric):
    f1 = probe2_report.totals[metric].f1
    floor = PROBE2_F1_FLOORS[metric]
    assert f1 >= floor, f"probe2 {metric} F1 {f1:.3f} < {floor}"


def test_quality_probe2_names_no_victim(probe2_report):
    assert probe2_report.victims_named == 0
    assert len(probe2_report.documents) == 8


@pytest.mark.parametrize("metric", sorted(PROBE_F1_FLOORS))
def test_quality_probe_f1_floor(probe_report, metric):
    f1 = probe_report.totals[metric].f1
    assert f1 >= PROBE_F1_FLOORS[metric], f"probe {metric} F1 {f1:.3f} < {PROBE_F1_FLOORS[metric]}"


def test_quality_probe_names_no_victim_and_keeps_provenance(probe_report):
    assert probe_report.victims_named == 0
    assert probe_report.totals["provenance_valid"].p == 1.0
    assert len(probe_report.documents) == 12


@pytest.fixture(scope="module")
def dev_report(nlp):
    if not DEV.is_dir():
        pytest.skip(f"{DEV} not found: the annotated development documents are only present in CI")
    return evaluate_dir(DEV, evaluation_builder(nlp))


@needs_shared()
@pytest.mark.parametrize("metric", sorted(DEV_F1_FLOORS))
def test_quality_dev_f1_floor(dev_report, metric):
    f1 = dev_report.totals[metric].f1
    assert f1 >= DEV_F1_FLOORS[metric], f"{metric} F1 {f1:.3f} < {DEV_F1_FLOORS[metric]}"


@needs_shared()
def test_quality_dev_outcome_counts_recalled(dev_report):
    assert dev_report.totals["outcome.type+count"].r >= 0.8


@needs_shared()
def test_quality_dev_provenance_and_safeguarding(dev_report):
    assert dev_report.totals["provenance_valid"].p == 1.0
    assert dev_report.victims_named == 0


@needs_shared()
def test_quality_dev_victims_named_only_with_the_opt_in(nlp, dev_report):
    """The default names no victim; the opt-in reaches the evaluation and names some (the dev
    gold lists victims' names that the texts give)."""
    opted = evaluate_dir(DEV, evaluation_builder(nlp, name_victims=True))
    assert dev_report.victims_named == 0
    assert opted.victims_named > 0


@pytest.mark.skipif(not CONLL04_DEV.is_file(), reason=f"{CONLL04_DEV} not found")
def test_quality_conll04_f1_floor(nlp):
    report = evaluate_conll04(CONLL04_DEV, lambda texts: sentence_stores(texts, nlp))
    assert report.sentences > 200
    for metric, floor in CONLL04_F1_FLOORS.items():
        f1 = report.totals[metric].f1
        assert f1 >= floor, f"CoNLL04 {metric} F1 {f1:.3f} < {floor}"


PERSONS = """
PREFIX cg: <https://w3id.org/casegraph/ontology#>
SELECT DISTINCT ?p ?label WHERE { ?p a cg:Person ; rdfs:label ?label } ORDER BY ?label
"""


def _build(nlp, texts: dict[str, str]) -> list[tuple[str, str]]:
    docs = [SourceDocument(doc_id=k, text=v, title=k, source=k) for k, v in texts.items()]
    with CaseStore.open(None) as store:
        build_documents(docs, store, nlp)
        return [(str(p), str(label)) for p, label in run_query(store, PERSONS).rows]


def test_quality_people_sharing_a_surname_stay_apart_across_documents(nlp):
    rows = _build(
        nlp,
        {
            "a": "PC Anna Morley of Westshire Police was dismissed for gross misconduct.",
            "b": "Detective Sergeant Tom Morley of Eastshire Police received a final written "
            "warning.\nMorley said he would appeal.",
        },
    )
    labels = [label for _, label in rows]
    assert "Anna Morley" in labels and "Tom Morley" in labels
    assert len({p for p, _ in rows}) == len(rows)


def test_quality_people_sharing_a_surname_stay_apart_in_one_document(nlp):
    rows = _build(
        nlp,
        {
            "a": "PC Anna Morley and PC Tom Morley of Westshire Police were both dismissed. "
            "Chief Constable Ruth Patel said the officers had let the public down."
        },
    )
    labels = [label for _, label in rows]
    assert "Anna Morley" in labels and "Tom Morley" in labels


@needs_shared()
def test_quality_one_node_per_organisation_across_dev_documents(nlp):
    """Every organisation label is one node, though the dev documents name some organisations
    in several documents, in full and by acronym."""
    docs = [d for d in read_documents(sorted(DEV.glob("*.txt"))) if not isinstance(d, Exception)]
    query = """
    PREFIX cg: <https://w3id.org/casegraph/ontology#>
    SELECT ?label (COUNT(DISTINCT ?o) AS ?n) (COUNT(DISTINCT ?g) AS ?docs) WHERE {
      GRAPH ?g { ?o a cg:Organisation ; rdfs:label ?label }
    } GROUP BY ?label
    """
    with CaseStore.open(None) as store:
        build_documents(docs, store, nlp)
        rows = run_query(store, query).rows
    assert rows
    assert all(int(n) == 1 for _, n, _ in rows), [r for r in rows if int(r[1]) > 1]
    assert any(int(d) > 1 for *_, d in rows), "expected an organisation shared by two documents"


def test_quality_victims_named_only_on_request(tmp_path):
    """A victim named in the text is no Person node by default; --name-victims opts in."""
    from typer.testing import CliRunner

    from graph.cli import app

    text = (
        "Westshire Police officer charged after death in custody\n"
        "PC Tom Reed of Westshire Police has been charged with manslaughter after the death of "
        "Daniel Okoro, who died in a police cell in 2021.\n"
    )
    (tmp_path / "doc.txt").write_text(text, encoding="utf-8")
    runner = CliRunner()
    labels = {}
    for flag in ([], ["--name-victims"]):
        store = tmp_path / f"store{len(flag)}"
        result = runner.invoke(app, ["build", str(tmp_path / "doc.txt"), "--store", str(store)])
        if flag:
            result = runner.invoke(
                app, ["build", str(tmp_path / "doc.txt"), "--store", str(store), *flag]
            )
        assert result.exit_code == 0, result.output
        with CaseStore.open(store, read_only=True) as case_store:
            labels[bool(flag)] = {label for _, label in run_query(case_store, PERSONS).rows}
    assert "Tom Reed" in labels[False] and "Daniel Okoro" not in labels[False]
    assert "Daniel Okoro" in labels[True]


# -- the corpus dev split (issue 12's corpus; issue 13's learned layer) -------------------------

CORPUS_DEV = Path(__file__).resolve().parents[1] / "corpus" / "dev"
#: metric -> lowest acceptable F1 on corpus/dev, rules alone and rules with the learned layer.
CORPUS_DEV_F1_FLOORS = {
    ("rules",): {"affiliation": 0.15, "outcome.type": 0.45, "allegation": 0.07},
    ("rules", "model"): {"affiliation": 0.30, "outcome.type": 0.59, "allegation": 0.21},
    ("rules", "model", "ner"): {
        "ent.all": 0.68,
        "affiliation": 0.38,
        "outcome.type": 0.62,
        "allegation": 0.20,
    },
}


@pytest.fixture(scope="module")
def corpus_dev_reports(nlp):
    from graph.nlp import load_pipeline

    tuned = load_pipeline(learned_ner=True)
    return {
        facts: evaluate_dir(
            CORPUS_DEV, evaluation_builder(tuned if "ner" in facts else nlp, facts=facts)
        )
        for facts in CORPUS_DEV_F1_FLOORS
    }


@pytest.mark.issue(13)
@pytest.mark.parametrize("facts", sorted(CORPUS_DEV_F1_FLOORS), ids=",".join)
def test_quality_corpus_dev_f1_floor(corpus_dev_reports, facts):
    report = corpus_dev_reports[facts]
    for metric, floor in CORPUS_DEV_F1_FLOORS[facts].items():
        f1 = report.totals[metric].f1
        assert f1 >= floor, f"corpus/dev {','.join(facts)} {metric} F1 {f1:.3f} < {floor}"
    assert report.totals["provenance_valid"].f1 == 1.0


@pytest.mark.issue(13)
def test_quality_corpus_dev_learned_layer_adds_to_the_rules(corpus_dev_reports):
    rules, both = corpus_dev_reports[("rules",)], corpus_dev_reports[("rules", "model")]
    for metric in ("affiliation", "outcome.type", "allegation"):
        assert both.totals[metric].f1 > rules.totals[metric].f1 + 0.05, metric
    assert both.victims_named <= rules.victims_named  # the model names nobody the rules do not


@pytest.mark.issue(13)
def test_quality_corpus_dev_tuned_recogniser_finds_more_entities(corpus_dev_reports):
    """The entity recogniser fine-tuned on the corpus beats the base model on the corpus (it
    loses on real text: docs/quality.md); no accused person goes missing for it."""
    base, tuned = (
        corpus_dev_reports[("rules", "model")],
        corpus_dev_reports[("rules", "model", "ner")],
    )
    assert tuned.totals["ent.all"].f1 > base.totals["ent.all"].f1 + 0.05
    assert tuned.totals["ent.Person"].f1 > base.totals["ent.Person"].f1
    assert tuned.accused_missing <= base.accused_missing
