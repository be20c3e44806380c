"""Outcomes and whom they apply to, on invented texts of the genre through the real pipeline."""

from __future__ import annotations

import pytest
from conftest import resolve_text

from graph.model import Outcome

pytestmark = pytest.mark.issue(3)


def outcomes(nlp, text: str) -> set[tuple[str, tuple[str, ...], int | None]]:
    """(type, labels of whom it applies to, count) of every outcome in ``text``."""
    resolved, label = resolve_text(nlp, text)
    return {
        (f.type, tuple(sorted(label(m) for m in f.applies_to)), f.count)
        for f in resolved.facts
        if isinstance(f, Outcome)
    }


def test_outcomes_apply_to_each_coordinated_person(nlp):
    text = (
        "Panel Rules\n\n"
        "Sgt Nora Quill, 41, and PC Evan Marsh were sacked on Friday after a panel upheld "
        "the complaint against them.\n"
    )
    found = outcomes(nlp, text)
    assert ("dismissal", ("Evan Marsh", "Nora Quill"), None) in found


def test_outcomes_misconduct_found_by_a_panel_is_no_conviction(nlp):
    text = (
        "Panel Rules\n\n"
        "Sgt Nora Quill, 41, and PC Evan Marsh were found guilty of gross misconduct by a "
        "panel in May. PC Ian Holt was found guilty of misconduct. PC Ada Vey was found "
        "guilty of assault by a jury.\n"
    )
    found = outcomes(nlp, text)
    assert ("gross-misconduct-proven", ("Evan Marsh", "Nora Quill"), None) in found
    assert ("misconduct-proven", ("Ian Holt",), None) in found
    assert {who for kind, who, _ in found if kind == "conviction"} == {("Ada Vey",)}


def test_outcomes_the_officers_are_the_named_officers(nlp):
    text = (
        "Watchdog Findings\n\n"
        "PC Nora Quill and PC Evan Marsh of Westmark Police restrained a man in a cell.\n\n"
        "The watchdog said the officers each had a case to answer for gross misconduct.\n"
    )
    found = outcomes(nlp, text)
    assert ("case-to-answer-gross-misconduct", ("Evan Marsh", "Nora Quill"), None) in found


def test_outcomes_a_counted_group_and_a_negated_sanction(nlp):
    text = (
        "Force Criticised\n\n"
        "Three Westmark Police officers were given final written warnings. "
        "No officer lost their job.\n"
    )
    found = {(kind, count) for kind, _, count in outcomes(nlp, text)}
    assert ("final-written-warning", 3) in found
    assert any(kind == "no-sanction" for kind, _ in found)


def test_outcomes_fine_breach_and_a_named_second_officer(nlp):
    text = (
        "Panel Rules\n\n"
        "Sgt Paul Hensby was found to have breached the police standards of professional "
        "behaviour. The watchdog found that a second officer, PC Laura Kent, had a case to "
        "answer for misconduct. PC Ian Holt was ordered to pay a $5,000 fine.\n"
    )
    found = outcomes(nlp, text)
    assert ("misconduct-proven", ("Paul Hensby",), None) in found
    assert ("case-to-answer-misconduct", ("Laura Kent",), None) in found
    assert ("fine", ("Ian Holt",), None) in found
    assert not any("second officer" in " ".join(who) for _, who, _ in found)


def test_outcomes_pronoun_subjects_and_more_phrasings(nlp):
    text = (
        "Headteacher Jailed\n\n"
        "In 2018, former headmaster Roger Pellow was charged with indecent assault. He was "
        "convicted in 2019 and sentenced to 12 years in prison. Four care workers were "
        "convicted, and two received prison sentences. The chair of governors, Lady Ann "
        "Farrant, stepped down in 2020.\n"
    )
    found = outcomes(nlp, text)
    assert ("conviction", ("Roger Pellow",), None) in found
    assert ("custodial-sentence", ("Roger Pellow",), None) in found
    assert ("custodial-sentence", ("Four care workers",), 2) in found
    assert ("resignation", ("Ann Farrant",), None) in found


def test_outcomes_criticised_by_an_official_body_only(nlp):
    text = (
        "School Criticised\n\n"
        "Harwell Academy is a boarding school in Kent. The school's governing body was "
        "criticised by the Schools Standards Commission in a report. Parents criticised "
        "the headteacher, Ian Moss, at a meeting.\n"
    )
    found = outcomes(nlp, text)
    assert ("criticised", ("Harwell Academy",), None) in found
    assert not any(kind == "criticised" and who == ("Ian Moss",) for kind, who, _ in found)


def test_outcomes_release_phrasings(nlp):
    text = (
        "Guards Sentenced\n\n"
        "Sgt Ian Pratt pleaded guilty to assault. The county fired Officer Ray Dunn in May; "
        "officers fired shots during the riot. The county agreed to pay $2 million in "
        "compensation to 14 former inmates. The charges against PC Lee Marsh were dropped. "
        "Gross misconduct was proven against PC Amy Hart. Warden Tom Birk announced his "
        "resignation.\n"
    )
    found = outcomes(nlp, text)
    assert ("admission", ("Ian Pratt",), None) in found
    assert ("conviction", ("Ian Pratt",), None) in found
    assert ("dismissal", ("Ray Dunn",), None) in found
    assert not any(kind == "dismissal" and who != ("Ray Dunn",) for kind, who, _ in found)
    assert ("compensation", ("14 former inmates",), 14) in found
    assert ("no-further-action", ("Lee Marsh",), None) in found
    assert ("gross-misconduct-proven", ("Amy Hart",), None) in found
    assert ("resignation", ("Tom Birk",), None) in found


def test_outcomes_apologies_in_quotes(nlp):
    text = (
        "Review Published\n\n"
        'Deputy Chief Constable Ann Rowe of Westmoor Police said: "I am sorry that we failed '
        'him and his family." Bishop Tom Ashby said: "I apologise without reservation to every '
        'survivor of this abuse."\n'
    )
    found = outcomes(nlp, text)
    assert ("admission", ("Westmoor Police",), None) in found
    assert ("admission", ("Tom Ashby",), None) in found


def test_outcomes_a_specific_finding_is_not_also_sustained(nlp):
    text = (
        "Panel Rules\n\n"
        "The panel found that PC Evan Marsh had committed gross misconduct. The review found "
        "that Sgt Nora Quill had assaulted a prisoner.\n"
    )
    found = outcomes(nlp, text)
    assert ("gross-misconduct-proven", ("Evan Marsh",), None) in found
    assert ("sustained", ("Evan Marsh",), None) not in found
    assert ("sustained", ("Nora Quill",), None) in found


def test_outcomes_unreal_clauses_are_no_outcomes(nlp):
    text = (
        "File Passed\n\n"
        "The watchdog asked prosecutors to consider whether PC Dan Hurst should be charged with "
        "assault. PC Amy Cole could be dismissed if the panel agrees. PC Ian Holt was charged "
        "with theft.\n"
    )
    found = outcomes(nlp, text)
    assert {who for kind, who, _ in found if kind == "criminal-charge"} == {("Ian Holt",)}
    assert not any(kind == "dismissal" for kind, _, _ in found)


def test_outcomes_allegations_against_x_found_not_proven(nlp):
    text = "Panel Rules\n\nThe allegations against PC Ian Holt were found not proven.\n"
    assert ("not-proven", ("Ian Holt",), None) in outcomes(nlp, text)
