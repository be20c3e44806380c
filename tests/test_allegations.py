"""Allegation extraction on small invented sentences of the genre, through the real pipeline.

Each text is a headline line, a blank line and the sentences under test, parsed by the session
spaCy pipeline and run through :func:`graph.extract.extract`, as the build does. Positives check
the rule and the target; negatives check that victims are never accused, that proven outcomes,
negated, hypothetical and withdrawn claims are not allegations, and that no group described by
ethnicity is made a target.
"""

from __future__ import annotations

import pytest

from graph.extract import extract
from graph.model import Allegation, SourceDocument

pytestmark = pytest.mark.issue(3)


def allegations(nlp, body: str) -> list[Allegation]:
    text = f"Local news\n\n{body}\n"
    source = SourceDocument(doc_id="t", text=text, title="Local news", source="test")
    result = extract(nlp(text), source)
    found = [f for f in result.facts if isinstance(f, Allegation)]
    for a in found:  # every allegation's evidence is a sentence of the text
        assert a.evidence.of(text).strip() in body
    return found


def targets(found: list[Allegation]) -> list[list[str]]:
    return [[m.text for m in a.against] for a in found]


# ---- positives ----------------------------------------------------------------------------


def test_counted_complaints_against_a_force(nlp):
    found = allegations(nlp, "The watchdog received 14 complaints against Ridgeford Police.")
    assert len(found) == 1
    assert found[0].count == 14
    assert found[0].extractor == "counted"
    assert [m.name for m in found[0].against] == ["Ridgeford Police"]


def test_complaint_made_against_a_person_names_who_made_it(nlp):
    found = allegations(nlp, "The complaint that the family made against PC Laura Benn was upheld.")
    assert targets(found) == [["Laura Benn"]]
    assert [m.text for m in found[0].made_by] == ["family"]


def test_each_coordinated_claim_of_an_allegation_is_its_own(nlp):
    found = allegations(
        nlp,
        "Prosecutors allege that Mary Dunn stole $40,000 from the charity and lied to "
        "the auditors.",
    )
    assert targets(found) == [["Mary Dunn"], ["Mary Dunn"]]
    assert {a.extractor for a in found} == {"allegation-that"}
    assert "stole" in found[0].summary and "lied" in found[1].summary


def test_charged_with_holds_every_coordinated_person(nlp):
    found = allegations(
        nlp, "Sgt Lee Grant and PC Ann Holt were charged with misconduct in public office."
    )
    assert targets(found) == [["Lee Grant", "Ann Holt"]]
    assert found[0].extractor == "accusation"


def test_accused_officers_are_held_against_their_force_not_the_prisoner(nlp):
    found = allegations(nlp, "Two Harbour Police officers were accused of assaulting a prisoner.")
    assert [[m.name for m in a.against] for a in found] == [["Harbour Police"]]


def test_passive_wrong_is_held_against_the_agent(nlp):
    found = allegations(nlp, "A detainee was punched by PC Owen Lacey.")
    assert targets(found) == [["Owen Lacey"]]


def test_wrong_named_as_a_noun_with_its_doer(nlp):
    found = allegations(
        nlp, "The inquiry examined the abuse committed by Harold Finch at the home."
    )
    assert targets(found) == [["Harold Finch"]]
    assert found[0].extractor == "wrongdoing-noun"


def test_omission_and_unmet_duty_are_failings(nlp):
    found = allegations(
        nlp, "Harbour Police officers were not proactive in safeguarding the children."
    )
    assert len(found) == 1 and found[0].extractor == "failing-clause"
    found = allegations(nlp, "Officers took no action for three weeks.")
    assert len(found) == 1 and found[0].extractor == "failing-clause"


def test_harm_caused_by_an_organisation(nlp):
    found = allegations(
        nlp, "The decisions of Brookfield Council caused hardship and distress to many families."
    )
    assert targets(found) == [["Brookfield Council"]]
    assert found[0].extractor == "harm-clause"


def test_a_person_in_apposition_is_the_target_not_the_role_or_employer(nlp):
    found = allegations(
        nlp, "The council's chief executive, Paul Barr, ignored warnings from social workers."
    )
    assert targets(found) == [["Paul Barr"]]


def test_allegation_parsed_as_a_noun_phrase_still_names_the_accused(nlp):
    found = allegations(
        nlp,
        "Auditors investigated allegations that a county clerk, Mary Dunn, forged invoices, "
        "hid payments and destroyed records.",
    )
    assert targets(found) == [["Mary Dunn"]]


def test_an_omission_stated_by_negation_is_a_failing_but_a_denied_wrong_is_not(nlp):
    found = allegations(nlp, "Senior officers at Harbour Police chose not to act on the reports.")
    assert len(found) == 1 and found[0].extractor == "failing-clause"
    assert allegations(nlp, "Harbour Police officers did not act improperly.") == []


def test_a_denial_answers_a_claim_against_the_one_who_denies(nlp):
    found = allegations(
        nlp,
        "Former Chief Constable Robert Lyle denied that he had known about the abuse.",
    )
    assert targets(found) == [["Robert Lyle"]]


def test_an_unsubstantiated_allegation_is_still_an_allegation(nlp):
    found = allegations(
        nlp,
        "Investigators did not substantiate the allegation that PC Laura Benn accepted gifts "
        "from a contractor.",
    )
    assert targets(found) == [["Laura Benn"]]


# ---- negatives ----------------------------------------------------------------------------


def test_victims_are_never_the_target(nlp):
    assert allegations(nlp, "The victims were assaulted in the park.") == []
    found = allegations(nlp, "A detainee was punched by PC Owen Lacey.")
    assert all("detainee" not in m.text for a in found for m in a.against)


def test_proven_findings_and_convictions_are_outcomes_not_allegations(nlp):
    assert (
        allegations(nlp, "The tribunal found that PC Owen Lacey had assaulted the detainee.") == []
    )
    assert allegations(nlp, "PC Owen Lacey was convicted of assault in 2019.") == []


def test_a_wrong_named_as_the_ground_of_an_outcome_is_not_an_allegation(nlp):
    found = allegations(
        nlp,
        "A tribunal ruled that the two constables had a case to answer for gross misconduct "
        "over the restraint they used on a prisoner.",
    )
    assert found == []


def test_negated_hypothetical_and_withdrawn_claims_are_not_allegations(nlp):
    assert allegations(nlp, "PC Owen Lacey did not assault the man.") == []
    assert allegations(nlp, "No complaints were made against Ridgeford Police.") == []
    assert allegations(nlp, "The Ridgeford Police Department could face a lawsuit.") == []
    assert allegations(nlp, "The complainant withdrew the allegations against PC Owen Lacey.") == []


def test_neutral_senses_generic_clauses_and_bystanders_are_not_allegations(nlp):
    for body in (
        "Unison struck a deal with Brookfield Council last year.",
        "Home Secretary Jane Akers attacked the report as flawed.",
        "Her family were not aware of the risk.",
        "Witnesses failed to come forward.",
        "The Crown Office will prosecute officers who assault detainees.",
        "Westshire Police rejected the claim that officers had acted lawfully.",
    ):
        assert allegations(nlp, body) == [], body


def test_a_pronoun_is_never_resolved_past_a_victim_to_the_officer(nlp):
    assert (
        allegations(nlp, "PC Tom Smith restrained a woman after she allegedly assaulted him.") == []
    )
    found = allegations(
        nlp,
        "An officer has been suspended while allegations that he used racist language are "
        "investigated.",
    )
    assert targets(found) == [["An officer"]]


def test_the_force_that_investigates_a_complaint_is_not_accused_by_it(nlp):
    found = allegations(
        nlp, "The allegations that the woman made were investigated by Westshire Police."
    )
    assert found == []


def test_justified_use_of_force_is_not_an_allegation(nlp):
    found = allegations(
        nlp, "The IPCC found the officers' use of force was reasonable and proportionate."
    )
    assert found == []


def test_no_group_labelled_by_ethnicity_is_accused(nlp):
    for body in (
        "The girls were abused by Albanian men in the town.",
        "The girls were abused by Polish workers at the factory.",
        "The women were harassed by a gang of Somali teenagers.",
    ):
        assert allegations(nlp, body) == []


def test_a_heading_restating_the_body_is_not_an_allegation(nlp):
    found = allegations(
        nlp,
        "Officers failed to protect the children\n\nThe report said the boy was missing. "
        "Lancashire Police officers failed to record the crime.",
    )
    assert len(found) == 1
    assert found[0].summary.startswith("Lancashire Police officers failed")


def test_sentences_detailing_one_persons_wrong_are_one_claim(nlp):
    found = allegations(
        nlp, "PC Owen Lacey punched the man in the face. Lacey then kicked him twice."
    )
    assert targets(found) == [["Owen Lacey"]]
