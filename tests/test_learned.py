"""Issue 13: the seam between fact sources, and the learned fact layer trained on the corpus."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from graph.cli import app
from graph.corpus import resolve as resolve_annotation
from graph.extract import FACT_SOURCES, extract, merge_facts
from graph.extract.learned import (
    ROLES,
    SENTENCE_LABELS,
    load_models,
    marked,
    mention_roles_of,
    sentence_labels_of,
    syntax_words,
)
from graph.model import Allegation, Mention, Outcome, SourceDocument, TextSpan

pytestmark = pytest.mark.issue(13)

TEXT = (
    "Officer dismissed\n\n"
    "The Independent Office for Police Conduct investigated PC Ann Lee of Eastmoor Police. "
    "A panel found that she had assaulted a man in custody. "
    "Ms Lee was dismissed without notice in May 2024.\n"
)


def mention(text: str, kind: str = "Person") -> Mention:
    start = TEXT.index(text)
    return Mention(TextSpan(start, start + len(text)), kind, text, text)


def sentence_of(text: str) -> TextSpan:
    start = TEXT.index(text)
    return TextSpan(start, start + len(text))


# -- the policy stage ---------------------------------------------------------------------------


def test_learned_merge_keeps_the_first_source_and_adds_only_what_is_new() -> None:
    lee, panel = mention("Ann Lee"), mention("A panel", "Organisation")
    sent = sentence_of("Ms Lee was dismissed without notice in May 2024.")
    rule = Outcome(evidence=sent, extractor="rules", type="dismissal", applies_to=(lee,))
    same = Outcome(evidence=sent, extractor="model", type="dismissal", applies_to=(lee,))
    other_type = Outcome(evidence=sent, extractor="model", type="suspension", applies_to=(lee,))
    allegation = Allegation(evidence=sent, extractor="model", summary="x", against=(lee,))
    other_target = Outcome(evidence=sent, extractor="model", type="dismissal", applies_to=(panel,))
    merged = merge_facts([rule], [same, other_type, allegation, other_target])
    assert merged == [rule, other_type, allegation, other_target]


def test_learned_unknown_fact_source_is_refused(nlp) -> None:
    source = SourceDocument(doc_id="t", text=TEXT, title="Officer dismissed", source="t.txt")
    with pytest.raises(ValueError, match="unknown fact sources"):
        extract(nlp(TEXT), source, facts=("rules", "oracle"))
    result = CliRunner().invoke(app, ["evaluate", "x", "--facts", "rules,oracle"])
    assert result.exit_code != 0 and "--facts" in result.output
    # the fine-tuned recogniser alone makes no facts: refused, not an empty graph
    result = CliRunner().invoke(app, ["evaluate", "x", "--facts", "ner"])
    assert result.exit_code != 0 and "--facts" in result.output


# -- labels for training, from an annotation ----------------------------------------------------

ANNOTATION = {
    "doc": "t",
    "entities": [
        {
            "id": "iopc",
            "type": "Organisation",
            "name": "Independent Office for Police Conduct",
            "mentions": ["Independent Office for Police Conduct"],
        },
        {"id": "lee", "type": "Person", "name": "Ann Lee", "mentions": ["Ann Lee", "Lee"]},
        {"id": "ep", "type": "Organisation", "name": "Eastmoor Police",
         "mentions": ["Eastmoor Police"]},
    ],
    "facts": [
        {"kind": "investigation", "investigator": "iopc", "subject": "lee",
         "trigger": "investigated", "evidence": "investigated PC Ann Lee"},
        {"kind": "membership", "member": "lee", "org": "ep", "role": "PC",
         "evidence": "PC Ann Lee of Eastmoor Police"},
        {"kind": "outcome", "type": "dismissal", "applies_to": ["lee"], "trigger": "dismissed",
         "evidence": "Ms Lee was dismissed without notice"},
    ],
}  # fmt: skip


def test_learned_training_labels_come_from_the_annotation(nlp) -> None:
    doc = nlp(TEXT)
    ann = resolve_annotation(ANNOTATION, TEXT, "t")
    assert ann.problems == []
    labels = {sent.text.strip(): found for sent, found in sentence_labels_of(ann, doc)}
    first = "The Independent Office for Police Conduct investigated PC Ann Lee of Eastmoor Police."
    assert labels[first] == {"investigation", "membership"}
    assert labels["Ms Lee was dismissed without notice in May 2024."] == {"outcome:dismissal"}
    assert set().union(*labels.values()) <= set(SENTENCE_LABELS)
    roles = {(m.text, frozenset(r)) for _, m, r in mention_roles_of(ann, doc)}
    assert ("Independent Office for Police Conduct", frozenset({"investigator"})) in roles
    assert ("Eastmoor Police", frozenset({"employer"})) in roles
    lee_roles = {r for text, r in roles if "Lee" in text}
    assert frozenset({"subject", "member"}) in lee_roles and frozenset({"applies"}) in lee_roles
    assert all(r <= set(ROLES) for _, r in roles)


def test_learned_marking_is_the_same_for_training_and_prediction(nlp) -> None:
    doc = nlp(TEXT)
    sent = next(s for s in doc.sents if "was dismissed" in s.text)
    ann = resolve_annotation(ANNOTATION, TEXT)
    (lee,) = [m for s, m, _ in mention_roles_of(ann, doc) if s == sent]
    words = syntax_words(doc, lee)
    assert words.startswith("dep_nsubj") and "head_dismiss" in words.split()
    start, end = lee.span.start - sent.start_char, lee.span.end - sent.start_char
    text = marked(sent.text, start, end, words)
    assert text == f"{words} | ⟪ {lee.text} ⟫ was dismissed without notice in May 2024."


# -- the shipped models -------------------------------------------------------------------------


def test_learned_models_ship_and_load() -> None:
    models = load_models()
    assert models is not None, "graph/models/ is empty: run make train"
    sentences, roles = models
    assert set(sentences.get_pipe("textcat_multilabel").labels) == set(SENTENCE_LABELS)
    assert set(roles.get_pipe("textcat_multilabel").labels) == set(ROLES)


def test_learned_entity_recogniser_is_swapped_in_and_keeps_the_base_labels() -> None:
    from graph.nlp import load_pipeline

    base, tuned = load_pipeline(), load_pipeline(learned_ner=True)
    assert base.pipe_names == tuned.pipe_names  # same place, same components
    assert tuned.meta["name"].endswith("+casegraph_ner")
    assert set(base.get_pipe("ner").labels) == set(tuned.get_pipe("ner").labels)
    text = (
        "Ofsted inspected Harwell Academy in March 2023. PC Ann Lee of Eastmoor Police "
        "was dismissed on 4 May 2024, the Independent Office for Police Conduct said."
    )
    ents = {(e.text, e.label_) for e in tuned(text).ents}
    assert ("Eastmoor Police", "ORG") in ents
    assert ("Ann Lee", "PERSON") in ents
    assert ("4 May 2024", "DATE") in ents  # rehearsed: dates are still found
    # the tagger and parser are the base model's: same parse
    assert [t.dep_ for t in base(text)] == [t.dep_ for t in tuned(text)]


def test_learned_facts_use_pipeline_mentions_and_cite_whole_sentences(nlp) -> None:
    source = SourceDocument(doc_id="t", text=TEXT, title="Officer dismissed", source="t.txt")
    doc = nlp(TEXT)
    only_model = extract(doc, source, facts=("model",))
    both = extract(doc, source, facts=FACT_SOURCES)
    rules = extract(doc, source, facts=("rules",))
    assert only_model.facts, "the model reads nothing in a plain dismissal story"
    sentences = set(only_model.sentences)
    for fact in only_model.facts:
        assert fact.extractor.startswith("model:")
        assert any(fact.evidence.overlaps(s) for s in sentences)
    assert set(rules.facts) <= set(both.facts)  # the rules' facts are all kept
    again = extract(nlp(TEXT), source, facts=("model",))
    assert again.facts == only_model.facts  # deterministic
