"""Memberships: who belongs to which organisation, on invented texts of the genre through the
real pipeline."""

from __future__ import annotations

import pytest

from graph.extract import extract
from graph.model import Membership, SourceDocument
from graph.resolve import resolve

pytestmark = pytest.mark.issue(3)


def memberships(nlp, text: str) -> set[tuple[str, str]]:
    """(person label, organisation label) of every person's membership in ``text``."""
    source = SourceDocument(doc_id="t", text=text, title=text.split("\n", 1)[0], source="test")
    resolved = resolve(extract(nlp(text), source))
    labels = {e.key: e.label for e in resolved.entities}
    return {
        (labels[resolved.entity_of[f.member]], labels[resolved.entity_of[f.organisation]])
        for f in resolved.facts
        if isinstance(f, Membership) and f.member.type == "Person"
    }


def test_affiliations_apposition_and_possessive_titles(nlp):
    text = (
        "Force responds\n\n"
        "John Smith, a Metropolitan Police spokesman, said the force would cooperate. "
        "Acme Corporation's chairman Peter Jones resigned. "
        "Mary Brown, president of the National Union of Teachers, welcomed the report.\n"
    )
    found = memberships(nlp, text)
    assert ("John Smith", "Metropolitan Police") in found
    assert ("Peter Jones", "Acme Corporation") in found
    assert ("Mary Brown", "National Union of Teachers") in found


def test_affiliations_role_and_organisation_before_the_name(nlp):
    text = (
        "Chief charged\n\n"
        "The former chief of the Kent Police, Alan Green, was charged with assault on Monday.\n"
    )
    assert ("Alan Green", "Kent Police") in memberships(nlp, text)


def test_affiliations_possessed_division_is_the_organisation(nlp):
    text = (
        "Deputy sentenced\n\n"
        "“We will hold every officer accountable,” said Assistant Attorney General Kristen "
        "Clarke of the Justice Department’s Civil Rights Division.\n"
    )
    found = memberships(nlp, text)
    assert ("Kristen Clarke", "Civil Rights Division") in found
    assert ("Kristen Clarke", "Justice Department") not in found


def test_affiliations_ranked_officers_belong_to_the_force_of_the_document(nlp):
    text = (
        "Devon Police officer dismissed\n\n"
        "Devon Police has dismissed PC John Hart after a misconduct hearing. The hearing was led "
        "by Chief Constable Will Kerr and chaired by Judge Anna Bell. Devon Police said PC Hart "
        "had breached the standards of professional behaviour.\n"
    )
    found = memberships(nlp, text)
    assert ("John Hart", "Devon Police") in found
    assert ("Will Kerr", "Devon Police") in found
    # a judge is no officer of the force
    assert not any(p == "Anna Bell" for p, _ in found)


def test_affiliations_no_force_when_two_are_named_equally(nlp):
    text = (
        "Joint operation\n\n"
        "Officers from Kent Police and Essex Police arrested a man. PC John Hart gave evidence "
        "at the trial.\n"
    )
    assert not any(p == "John Hart" for p, _ in memberships(nlp, text))


def test_affiliations_ranked_officer_placed_elsewhere_keeps_that_force(nlp):
    text = (
        "Officer cleared\n\n"
        "Sussex Police said the case was closed. Sussex Police thanked the public. "
        "Inspector Ruth Lane of Essex Police gave evidence at the hearing.\n"
    )
    found = memberships(nlp, text)
    assert ("Ruth Lane", "Essex Police") in found
    assert ("Ruth Lane", "Sussex Police") not in found


def test_affiliations_appointed_by_is_not_membership(nlp):
    text = (
        "Inquiry announced\n\n"
        "In 2012, Dame Susan Clarke was appointed by the Home Office to lead an inquiry into the "
        "Kent Police's handling of complaints.\n"
    )
    found = memberships(nlp, text)
    assert not any(p == "Susan Clarke" for p, _ in found)


def test_affiliations_inquiry_named_after_its_lead(nlp):
    text = (
        "The Susan Clarke Review\n\n"
        "Dame Susan Clarke published her findings on Tuesday. Harold Price was the subject of the "
        "Price Inquiry.\n"
    )
    found = memberships(nlp, text)
    assert ("Susan Clarke", "Susan Clarke Review") in found
    # an inquiry named with a surname only may be named after its subject
    assert not any(p == "Harold Price" for p, _ in found)


def test_affiliations_directorships_at_several_organisations(nlp):
    text = (
        "Executive resigns\n\n"
        "Jane Webb was the chief executive of Northgate Water. In 2021 she resigned from her "
        "non-executive directorships at the retailer Brightmart and the bank Castle Finance.\n"
    )
    found = memberships(nlp, text)
    assert ("Jane Webb", "Northgate Water") in found
    assert ("Jane Webb", "Brightmart") in found
    assert ("Jane Webb", "Castle Finance") in found


def test_affiliations_appointed_or_serving_as_a_role_of_an_organisation(nlp):
    text = (
        "Appointments\n\n"
        "Laura Hicks was appointed chief executive of Northgate Water in 2012. Mark Reid served "
        "as chair of the Hillside Trust. The report described Tom Hale as a member of the Kent "
        "Police gang unit. Harold Price was the subject of a review by the Hillside Trust.\n"
    )
    found = memberships(nlp, text)
    assert ("Laura Hicks", "Northgate Water") in found
    assert ("Mark Reid", "Hillside Trust") in found
    # "described X as": the subject is the report, not X, and no role is held by the report
    assert not any(p == "Tom Hale" for p, _ in found)
    assert not any(p == "Harold Price" for p, _ in found)


def test_affiliations_of_at_representing_and_running_an_organisation(nlp):
    text = (
        "Hearing adjourned\n\n"
        "Sergeant Paul King, of Kent Police, gave evidence. Dr Ruth Adams at the Hillside Trust "
        "welcomed the decision. Tom Wells, a solicitor representing Castle Finance, said the "
        "company would appeal. Amy Cole, who runs the Northgate Community Trust, said it was a "
        "good day. Sam Ward of London was also present.\n"
    )
    found = memberships(nlp, text)
    assert ("Paul King", "Kent Police") in found
    assert ("Ruth Adams", "Hillside Trust") in found
    assert ("Tom Wells", "Castle Finance") in found
    assert ("Amy Cole", "Northgate Community Trust") in found
    assert not any(p == "Sam Ward" for p, _ in found)  # a place is no organisation
