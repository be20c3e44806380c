"""Statements: who said which quote, on invented texts of the genre through the real pipeline."""

from __future__ import annotations

import pytest

from graph.extract import extract
from graph.model import SourceDocument, Statement
from graph.resolve import resolve

pytestmark = pytest.mark.issue(3)


def statements(nlp, text: str) -> list[tuple[str, str, str]]:
    """(speaker labels joined by "|", quote, extractor) of every statement of ``text``."""
    source = SourceDocument(doc_id="t", text=text, title=text.split("\n", 1)[0], source="test")
    resolved = resolve(extract(nlp(text), source))
    labels = {e.key: e.label for e in resolved.entities}
    out = []
    for f in resolved.facts:
        if isinstance(f, Statement):
            who = "|".join(sorted(labels[resolved.entity_of[m]] for m in f.speakers))
            out.append((who, f.quote, f.extractor))
    return out


def said_by(found, speaker: str, quote_start: str) -> bool:
    return any(s == speaker and q.startswith(quote_start) for s, q, _ in found)


def test_statements_speaker_after_quote_and_second_part_is_one_statement(nlp):
    text = (
        "Officer dismissed\n\n"
        "“There can be no place in policing for officers who abuse their position,” said IPCC "
        "Director Sarah Green. “The public rightly expects the highest standards from every "
        "officer.”\n"
    )
    found = statements(nlp, text)
    assert len(found) == 1
    speaker, quote, _ = found[0]
    assert speaker == "Sarah Green"
    assert quote.startswith("There can be no place")
    assert "The public rightly expects" in quote


def test_statements_same_speaker_added_in_same_paragraph_is_one_statement(nlp):
    text = (
        "Force apologises\n\n"
        "“We have let down the people we are here to protect,” Chief Constable Mark Lowe said. "
        "“We have changed how every new recruit is trained since then,” he added.\n"
    )
    found = statements(nlp, text)
    assert [s for s, _, _ in found] == ["Mark Lowe"]
    assert "every new recruit" in found[0][1]


def test_statements_two_speakers_in_one_paragraph_stay_apart(nlp):
    text = (
        "Hearing ends\n\n"
        "“The officer failed in his most basic duty to the public,” said Jane Hart, the chair of "
        "the panel. “We will appeal against the decision of this panel,” said Tom Wells, a "
        "lawyer for the officer.\n"
    )
    found = statements(nlp, text)
    assert said_by(found, "Jane Hart", "The officer failed")
    assert said_by(found, "Tom Wells", "We will appeal")
    assert len(found) == 2


def test_statements_quote_over_paragraphs_named_at_the_end(nlp):
    text = (
        "Investigation concludes\n\n"
        "“This was a long and difficult investigation which took nearly three years.\n\n"
        "“We are grateful to the witnesses who came forward to help us,” the IPCC said.\n"
    )
    found = statements(nlp, text)
    assert len(found) == 1
    _, quote, extractor = found[0]
    assert quote.startswith("This was a long and difficult investigation")
    assert "grateful to the witnesses" in quote
    assert extractor == "statement-open"


def test_statements_colon_paragraph_then_open_paragraphs_continue(nlp):
    text = (
        "Officers sacked\n\n"
        "IPCC Regional Director Anna Bell said:\n\n"
        "“Every officer swears to treat members of the public with respect.\n\n"
        "“These two officers broke that promise and can no longer serve.”\n\n"
        "“An unrelated quote that nobody in this text is said to have spoken.”\n"
    )
    found = statements(nlp, text)
    assert len(found) == 1
    assert found[0][0] == "Anna Bell"
    assert "broke that promise" in found[0][1]
    assert "unrelated" not in found[0][1]


def test_statements_reported_speech_carries_to_the_next_sentence(nlp):
    text = (
        "Review published\n\n"
        "In her review, Dame Susan Clarke examined the evidence of former staff.\n\n"
        "She found that the manager had bullied junior staff. Complaints had been ignored at "
        "“almost every level of the organisation for many years”.\n"
    )
    found = statements(nlp, text)
    assert said_by(found, "Susan Clarke", "almost every level")


def test_statements_reported_speech_not_borrowed_by_a_sentence_with_its_own_subject(nlp):
    text = (
        "Review published\n\n"
        "Dame Susan Clarke found that the manager had bullied junior staff. The manager described "
        "the findings as “unfair to me and to everyone who worked with me”.\n"
    )
    found = statements(nlp, text)
    assert not said_by(found, "Susan Clarke", "unfair to me")


def test_statements_pronoun_speaker_skips_a_person_of_the_other_gender(nlp):
    text = (
        "Inquiry report\n\n"
        "Dame Susan Clarke led the inquiry after Mr Paul Reed was arrested.\n\n"
        "She said: “The failures we found were serious, repeated and entirely avoidable.”\n"
    )
    found = statements(nlp, text)
    assert said_by(found, "Susan Clarke", "The failures we found")
    assert not any(s.endswith("Reed") for s, _, _ in found)


def test_statements_listener_of_a_passive_speech_verb_is_not_the_speaker(nlp):
    text = (
        "Complaint upheld\n\n"
        "Mrs Helen Carr said she was told “nothing more could be done for her son at that "
        "time” by an officer.\n"
    )
    found = statements(nlp, text)
    assert not said_by(found, "Helen Carr", "nothing more")


def test_statements_spokesperson_speaks_for_the_organisation(nlp):
    text = (
        "Officer sacked\n\n"
        "A spokesperson for Kent Police said: “We accept the findings of the panel in full and "
        "apologise.”\n"
    )
    found = statements(nlp, text)
    assert said_by(found, "Kent Police", "We accept the findings")


def test_statements_scare_quotes_and_unattributed_quotes_are_not_statements(nlp):
    text = (
        "Report published\n\n"
        "The report said staff described the residents as “difficult”.\n\n"
        "“No one listened to us at the time, and no one is listening to us now.”\n"
    )
    assert statements(nlp, text) == []


def test_statements_unnamed_survivor_speaks_as_a_group(nlp):
    text = (
        "Abuse inquiry\n\n"
        "One survivor told the inquiry: “Every time I asked for help I was sent back to the "
        "same house.”\n"
    )
    found = statements(nlp, text)
    assert len(found) == 1
    source = SourceDocument(doc_id="t", text=text, title="Abuse inquiry", source="test")
    resolved = resolve(extract(nlp(text), source))
    assert not [e for e in resolved.entities if e.type == "Person"]
    speaker = next(f for f in resolved.facts if isinstance(f, Statement)).speakers[0]
    assert speaker.type == "Group"


def test_statements_quote_standing_alone_after_reported_speech(nlp):
    text = (
        "Force apologises\n\n"
        "Chief Constable Mark Lowe said the force accepted the findings in full. “We are deeply "
        "sorry for the pain we have caused to the family.”\n"
    )
    assert said_by(statements(nlp, text), "Mark Lowe", "We are deeply sorry")


def test_statements_quote_after_reported_speech_with_its_own_subject_is_not_borrowed(nlp):
    text = (
        "Officer cleared\n\n"
        "The family said they would keep fighting. The officer's lawyer called the decision "
        "“a shameful result for a decent and honest officer”.\n"
    )
    assert statements(nlp, text) == []


def test_statements_organisation_in_a_possessive_slip_leaves_the_person_speaking(nlp):
    text = (
        "Deputy sentenced\n\n"
        "“We will hold every officer who abuses a prisoner accountable,” said Deputy Director "
        "Karen Doyle of the Transport Department’s Road Safety Division.\n"
    )
    assert said_by(statements(nlp, text), "Karen Doyle", "We will hold every officer")


def test_statements_the_report_speaks_for_the_inquiry_named_before(nlp):
    text = (
        "Hillside Inquiry\n\n"
        "The Hillside Inquiry was set up in 2015 to examine the deaths at the hospital. The report "
        "concluded: “The culture of the trust was one of denial and defensiveness at every "
        "level.”\n\n"
        "The IPCC report found that officers had “failed to record the complaints made by the "
        "families over many years”.\n"
    )
    found = statements(nlp, text)
    assert said_by(found, "Hillside Inquiry", "The culture of the trust")
    assert said_by(found, "IPCC", "failed to record the complaints")


def test_statements_pronoun_after_an_unnamed_person_is_not_resolved_to_an_official(nlp):
    text = (
        "Officer sacked\n\n"
        "Chief Constable Mark Lowe said the hearing was fair. The girl was later detained by "
        "officers at the station. She told them: “I was terrified and nobody would listen to a "
        "word I said.”\n"
    )
    found = statements(nlp, text)
    assert not any(s == "Mark Lowe" for s, _, _ in found)


def test_statements_quote_framed_by_an_inquiry_report_is_the_inquiry_body(nlp):
    text = (
        "The Hillside Review\n\n"
        "The Hillside Review was published in 2016.\n\n"
        "In its report, the panel identified “a culture of fear and silence among the staff of "
        "the hospital”.\n\n"
        "In 2014, the hospital board approved “a new policy for raising concerns about patient "
        "safety”.\n"
    )
    found = statements(nlp, text)
    assert said_by(found, "Hillside Review", "a culture of fear")
    assert not any(q.startswith("a new policy") for _, q, _ in found)


def test_statements_titled_officials_and_apposed_pronoun_antecedents(nlp):
    text = (
        "Case Closed\n\n"
        "Special Agent in Charge Ruth Calder of the FBI Norwood Field Office said the bureau "
        '"will pursue every credible allegation of abuse by officers." '
        "Paula Renn led the team for five years. The council's chief executive, Sarah Oduya, "
        'apologised to the families. "We failed these children, and I am deeply sorry," she '
        "said.\n"
    )
    found = statements(nlp, text)
    assert said_by(found, "Ruth Calder", "will pursue every credible allegation")
    assert said_by(found, "Sarah Oduya", "We failed these children")
    assert not any(speaker in {"Special Agent", "Paula Renn"} for speaker, _, _ in found)
