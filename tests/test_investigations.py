"""Who investigated whom, on invented texts of the genre through the real pipeline."""

from __future__ import annotations

import pytest
from conftest import resolve_text

from graph.model import Allegation, Investigation

pytestmark = pytest.mark.issue(3)


def facts(nlp, text: str, kind) -> list[tuple[str, ...]]:
    """Labels of the arguments of every fact of ``kind`` in ``text``."""
    resolved, name = resolve_text(nlp, text)
    if kind is Investigation:
        return [
            (name(f.investigator), name(f.subject)) for f in resolved.facts if isinstance(f, kind)
        ]
    return [tuple(name(m) for m in f.against) for f in resolved.facts if isinstance(f, kind)]


RELEASE = (
    "Former Deputy Sentenced\n\n"
    "Daniel Orrin, 34, a former deputy, pleaded guilty to striking a handcuffed inmate. "
    "Two other deputies, Mark Bevan and Tyler Cope, were charged with obstruction of justice. "
    "The FBI Louisville Field Office investigated the case.\n"
)


def test_investigations_the_case_is_the_case_the_document_reports(nlp):
    found = facts(nlp, RELEASE, Investigation)
    assert found == [("FBI Louisville Field Office", "Daniel Orrin")]


def test_allegations_against_each_coordinated_person(nlp):
    assert ("Mark Bevan", "Tyler Cope") in facts(nlp, RELEASE, Allegation)


def test_investigations_an_official_speaking_of_their_own_force_is_no_investigator(nlp):
    text = (
        "Panel Rules\n\n"
        "Westmark Police Assistant Chief Constable Mark Tull said the force welcomed the "
        "outcome and apologised to the colleagues affected.\n"
    )
    assert facts(nlp, text, Investigation) == []


def test_investigations_the_report_is_the_named_inquiry_s(nlp):
    text = (
        "Care Home Inquiry\n\n"
        "The Marsh Inquiry, chaired by Sir Ian Dale, published its report on Tuesday. "
        "The report concluded that managers at Elmford Council had failed residents and that "
        "the Care Standards Commission had missed warnings. Families welcomed the report but "
        "said nobody had been held to account.\n"
    )
    found = facts(nlp, text, Investigation)
    assert ("Marsh Inquiry", "Care Standards Commission") in found
    assert any(
        inv == "Marsh Inquiry" and subj != "Care Standards Commission" for inv, subj in found
    )
    assert all(inv == "Marsh Inquiry" for inv, _ in found)


def test_investigations_examined_how_and_post_nominals(nlp):
    text = (
        "Review Published\n\n"
        "The Alder Review, chaired by Simon Keble KC, examined how Northmoor Council handled "
        "reports of abuse. Mr Keble's report criticised the council.\n"
    )
    assert ("Alder Review", "Northmoor Council") in facts(nlp, text, Investigation)
    resolved, _ = resolve_text(nlp, text)
    labels = {(e.type, e.label) for e in resolved.entities}
    assert ("Person", "Simon Keble") in labels
    assert not any(kind == "Organisation" and label == "Keble" for kind, label in labels)
