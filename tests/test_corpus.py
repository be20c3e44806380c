"""Issue 12: the annotated corpus. Every annotation passes the checker, every derived gold file is
up to date, no two documents are near duplicates; and the checker itself catches what it must."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from graph.corpus import (
    annotation_files,
    load,
    resolve,
    shared_ngrams,
    split_documents,
    to_gold,
)
from graph.evaluate import normalise_gold

pytestmark = pytest.mark.issue(12)

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
SPLITS = ("train", "dev", "test")


def documents() -> list[dict[str, str]]:
    with (CORPUS / "documents.tsv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


# -- the corpus as it is ----------------------------------------------------------------------


def test_corpus_every_listed_document_is_in_its_split() -> None:
    rows = documents()
    assert len(rows) >= 240
    for row in rows:
        path = CORPUS / row["split"] / f"{row['name']}.txt"
        assert path.is_file(), path
        assert row["split"] in SPLITS
    on_disk = {p.stem for s in SPLITS for p in (CORPUS / s).glob("*.txt")}
    assert on_disk == {row["name"] for row in rows}


def test_corpus_series_stay_in_one_split() -> None:
    splits: dict[str, set[str]] = {}
    for row in documents():
        if row["series"]:
            splits.setdefault(row["series"], set()).add(row["split"])
    assert splits and all(len(s) == 1 for s in splits.values())


def test_corpus_every_annotation_passes_the_checker() -> None:
    problems = []
    files = annotation_files(CORPUS) + annotation_files(CORPUS, second=True)
    for path in files:
        problems += [f"{path.name}: {p}" for p in load(path).problems]
    assert not problems, "\n".join(problems[:50])


def test_corpus_gold_files_are_derived_from_the_annotations() -> None:
    for path in annotation_files(CORPUS):
        doc = load(path)
        gold_path = path.with_name(f"{doc.name}.gold.json")
        assert gold_path.is_file(), (
            f"{gold_path.name} missing: run python -m graph.corpus gold corpus"
        )
        stored = json.loads(gold_path.read_text(encoding="utf-8"))
        assert stored == to_gold(doc), f"{gold_path.name} is stale: run graph.corpus gold"
        normalise_gold(stored, source=str(gold_path))  # what `casegraph evaluate` reads


def test_corpus_no_two_documents_share_more_than_a_tenth_of_their_8_grams() -> None:
    texts = {
        p.stem: p.read_text(encoding="utf-8") for s in SPLITS for p in (CORPUS / s).glob("*.txt")
    }
    worst = shared_ngrams(texts, n=8, top=1)
    assert worst and worst[0][0] <= 0.10, worst


# -- the checker --------------------------------------------------------------------------------

TEXT = (
    "Elm officer dismissed\n\n"
    "PC Ann Lee of Elm Police was dismissed after she struck a man, Tom Ray. The force said "
    "the force used was wrong. Elm Police apologised.\n"
)
ENTITIES = [
    {"id": "lee", "type": "Person", "name": "Ann Lee", "mentions": ["Ann Lee"]},
    {"id": "elm", "type": "Organisation", "name": "Elm Police", "mentions": ["Elm Police"]},
    {"id": "ray", "type": "Person", "name": "Tom Ray", "mentions": ["Tom Ray"], "victim": True},
    {"id": "town", "type": "Place", "name": "Elm", "mentions": ["Elm"]},
]


def annotate(*facts, entities=ENTITIES):
    return resolve({"doc": "t", "entities": entities, "facts": list(facts)}, TEXT, "t")


def test_corpus_checker_finds_spans_and_nested_mentions() -> None:
    doc = annotate(
        {
            "kind": "outcome",
            "type": "dismissal",
            "applies_to": ["lee"],
            "decided_by": [],
            "trigger": "dismissed",
            "evidence": "was dismissed",
        }
    )
    assert doc.problems == []
    by_entity = {m.entity: m.span.text for m in doc.mentions}
    assert (
        by_entity["town"] == "Elm"
    )  # the title's "Elm"; those inside "Elm Police" are Elm Police's
    assert [m.span.start for m in doc.mentions if m.entity == "town"] == [0]
    (fact,) = doc.facts
    assert TEXT[fact.trigger.start : fact.trigger.end] == "dismissed"


@pytest.mark.parametrize(
    ("fact", "problem"),
    [
        (
            {
                "kind": "outcome",
                "type": "sacked",
                "applies_to": ["lee"],
                "trigger": "dismissed",
                "evidence": "was dismissed",
            },
            "type 'sacked' is not an outcome type",
        ),
        (
            {
                "kind": "allegation",
                "against": ["ray"],
                "trigger": "struck",
                "evidence": "she struck a man",
            },
            "marked as a victim but is accused",
        ),
        (
            {
                "kind": "allegation",
                "against": ["nobody"],
                "trigger": "struck",
                "evidence": "she struck a man",
            },
            "'nobody', which is no entity id",
        ),
        (
            {"kind": "membership", "member": "lee", "org": "elm", "evidence": "Elm Police"},
            "occurs 2 times",
        ),
        (
            {
                "kind": "investigation",
                "investigator": "elm",
                "subject": "lee",
                "trigger": "probe",
                "evidence": "was dismissed",
            },
            "'probe' is not in the text",
        ),
        ({"kind": "statement", "speaker": "elm", "quote": "we are sorry"}, "not in the text"),
        (
            {
                "kind": "outcome",
                "type": "admission",
                "applies_to": ["elm"],
                "trigger": "apologised",
                "evidence": "Elm Police apologised",
                "appliesTo": [],
            },
            "unknown field(s) appliesTo",
        ),
    ],
)
def test_corpus_checker_reports_each_mistake(fact, problem) -> None:
    doc = annotate(fact)
    assert any(problem in p for p in doc.problems), doc.problems


def test_corpus_checker_occurrence_numbers_pick_one_mention() -> None:
    entities = [
        *ENTITIES,
        {
            "id": "elm-force",
            "type": "Organisation",
            "name": "Elm Police",
            "mentions": [{"text": "the force", "occ": [1]}],
        },
    ]
    entities = [e for e in entities if e["id"] != "elm"]
    doc = annotate(entities=entities)
    assert doc.problems == []
    spans = [m.span.start for m in doc.mentions if m.entity == "elm-force"]
    assert spans == [TEXT.index("The force")]  # not "the force used", the second occurrence


def test_corpus_gold_hides_named_victims_and_splits_outcomes_per_person() -> None:
    entities = [*ENTITIES, {"id": "kim", "type": "Person", "name": "Elm", "mentions": ["Elm"]}]
    entities = [e for e in entities if e["id"] != "town"]
    doc = annotate(
        {
            "kind": "outcome",
            "type": "dismissal",
            "applies_to": ["lee", "kim"],
            "decided_by": ["elm"],
            "trigger": "dismissed",
            "evidence": "was dismissed",
        },
        {
            "kind": "allegation",
            "against": ["lee"],
            "made_by": ["ray"],
            "trigger": "struck",
            "summary": "assault",
            "evidence": "she struck a man, Tom Ray",
        },
        entities=entities,
    )
    assert doc.problems == []
    gold = to_gold(doc)
    assert "ray" not in {e["id"] for e in gold["entities"]}
    assert gold["victim_names"] == ["Tom Ray"]
    assert [o["applies_to"] for o in gold["outcomes"]] == [["lee"], ["kim"]]
    assert gold["allegations"][0]["made_by"] == []  # a victim is no gold entity
    normalise_gold(gold)


def test_corpus_split_documents_follow_documents_tsv():
    """The training scripts read a split through ``split_documents``: every document the table
    puts in the split, in its order, resolved against its text."""
    rows = [r for r in documents() if r["split"] == "dev"]
    docs = split_documents(CORPUS, "dev")
    assert [d.name for d in docs] == [r["name"] for r in rows]
    assert all(d.text and d.mentions and not d.problems for d in docs)
