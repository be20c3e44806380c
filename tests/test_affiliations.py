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
        "John Smith, a Northshire Police spokesman, said the force would cooperate. "
        "Acme Corporation's chairman Peter Jones resigned. "
        "Mary Brown, president of the National Union of Teachers, welcomed the report.\n"
    )
    found = memberships(nlp, text)
    assert ("John Smith", "Northshire Police") in found
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
        "“We will hold every officer accountable,” said Deputy Director Karen Doyle of the "
        "Transport Department’s Road Safety Division.\n"
    )
    found = memberships(nlp, text)
    assert ("Karen Doyle", "Road Safety Division") in found
    assert ("Karen Doyle", "Transport Department") not in found


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
        "Westshire Police said the case was closed. Westshire Police thanked the public. "
        "Inspector Ruth Lane of Essex Police gave evidence at the hearing.\n"
    )
    found = memberships(nlp, text)
    assert ("Ruth Lane", "Essex Police") in found
    assert ("Ruth Lane", "Westshire Police") not in found


def test_affiliations_appointed_by_is_not_membership(nlp):
    text = (
        "Inquiry announced\n\n"
        "In 2019, Dame Susan Clarke was appointed by the Home Office to lead an inquiry into the "
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
        "Jane Webb was the chief executive of Northgate Water. Webb also held non-executive "
        "directorships at the insurer Brightmart and the airline Castle Air. In 2022 she gave "
        "up her board seat at the bank Castle Finance.\n"
    )
    found = memberships(nlp, text)
    assert ("Jane Webb", "Northgate Water") in found
    assert ("Jane Webb", "Brightmart") in found
    assert ("Jane Webb", "Castle Air") in found
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


def test_affiliations_post_noun_or_unit_between_organisation_and_name(nlp):
    text = (
        "Water tests\n\n"
        "The Westshire Radiation Control Agency (WRCA) tested the water. Yesterday WRCA Radiology "
        "Director Karen Doyle said the tests were safe. Retired Northfield Rovers goalkeeper Dan "
        "Pike gave evidence. Acme Bank customer Joan Hale complained about the charges.\n"
    )
    found = memberships(nlp, text)
    assert ("Karen Doyle", "Westshire Radiation Control Agency") in found
    assert ("Dan Pike", "Northfield Rovers") in found
    # a customer relates to the bank from outside it
    assert not any(p == "Joan Hale" for p, _ in found)


def test_affiliations_of_organisation_after_an_age_or_an_aside(nlp):
    text = (
        "Tenants protest\n\n"
        "Alan Price, 52, of the Northgate Housing Trust, said tenants had been let down. Mary Cole "
        "(Labour) of the Finance Committee asked a question. The court heard from Sam Ward, 34, "
        "of Leeds.\n"
    )
    found = memberships(nlp, text)
    assert ("Alan Price", "Northgate Housing Trust") in found
    assert ("Mary Cole", "Finance Committee") in found
    assert not any(p == "Sam Ward" for p, _ in found)


def test_affiliations_possessor_of_a_party_but_not_of_any_organisation(nlp):
    found = memberships(nlp, "Election\n\nLaura Hicks's Progressive Reform Party won the vote.\n")
    assert ("Laura Hicks", "Progressive Reform Party") in found
    found = memberships(nlp, "Visit\n\nLaura Hicks's Westshire Hospital visit was cancelled.\n")
    assert found == set()


def test_affiliations_founding_and_teaching_with_coordinated_organisations(nlp):
    text = (
        "Profiles\n\n"
        "Peter Dunn set up the Hillside Support Network in 2004. Anna Morley taught at Eastbrook "
        "College and the Northern Police Academy.\n"
    )
    found = memberships(nlp, text)
    assert ("Peter Dunn", "Hillside Support Network") in found
    assert ("Anna Morley", "Eastbrook College") in found
    assert ("Anna Morley", "Northern Police Academy") in found


def test_affiliations_second_role_counts_but_relations_from_outside_do_not(nlp):
    text = (
        "Rents\n\n"
        "Ruth Adams, leader of the residents and vice-president of the Northgate Tenants Union, "
        "spoke first. Tom Hale, a critic of the Hillside Trust, welcomed the report. Kate Lowe, a "
        "student at Eastbrook College, was injured.\n"
    )
    found = memberships(nlp, text)
    assert ("Ruth Adams", "Northgate Tenants Union") in found
    assert not any(p in {"Tom Hale", "Kate Lowe"} for p, _ in found)


def test_affiliations_heads_official_and_participle_clause_after_the_name(nlp):
    text = (
        "Arrests\n\n"
        "Police detained three men, including Carl Dunn, considered by prosecutors to be the "
        "leader of the Northside Workers Union. Tom Reed, who heads the Northgate Tenants Union, "
        "said the rents were too high. Officers questioned Mark Reid, a Westshire Council "
        "official, about the files.\n"
    )
    found = memberships(nlp, text)
    assert ("Carl Dunn", "Northside Workers Union") in found
    assert ("Tom Reed", "Northgate Tenants Union") in found
    assert ("Mark Reid", "Westshire Council") in found


def test_affiliations_spokesperson_without_organisation_speaks_for_the_reported_one(nlp):
    text = (
        "Plant closes\n\n"
        "Acme Corporation will close the plant next year, said Jane Doe, a spokeswoman. "
        "Westshire Police arrested two men, said Tom Reed, a local resident.\n"
    )
    found = memberships(nlp, text)
    assert ("Jane Doe", "Acme Corporation") in found
    assert not any(p == "Tom Reed" for p, _ in found)


def test_affiliations_hired_by_and_the_possessive_description_of_an_organisation(nlp):
    text = (
        "Hospital inquiry\n\n"
        "Eastbrook Health Trust was criticised in the report. The trust's medical director, Dr "
        "Karen Doyle, said lessons had been learned. Tom Reed was employed by Westshire Council "
        "as a social worker. Mark Hale was interviewed by Westshire Police in 2010.\n"
    )
    found = memberships(nlp, text)
    assert ("Karen Doyle", "Eastbrook Health Trust") in found
    assert ("Tom Reed", "Westshire Council") in found
    # a passive verb other than one of hiring makes no membership of its agent
    assert not any(p == "Mark Hale" for p, _ in found)


def test_affiliations_chair_group_names_its_role_and_command(nlp):
    text = (
        "Review Published\n\n"
        "The Alder Review, chaired by retired judge Ruth Pennick, examined Northmoor Council. "
        "Its director of housing, Colin Frame, resigned. Westmoor Police officers Dan Hurst "
        "and Amy Cole were suspended. Inspector Ray Toller, who had commanded the Westmoor "
        "Police Tactical Unit since 2015, retired.\n"
    )
    found = memberships(nlp, text)
    assert ("Ruth Pennick", "Alder Review") in found
    assert ("Colin Frame", "Northmoor Council") in found
    assert ("Dan Hurst", "Westmoor Police") in found
    assert ("Amy Cole", "Westmoor Police") in found
    assert ("Ray Toller", "Westmoor Police Tactical Unit") in found


def test_affiliations_us_attorneys_office_and_hometowns(nlp):
    text = (
        "Officer Sentenced\n\n"
        "Assistant U.S. Attorney Nina Park of the U.S. Attorney's Office for the Western "
        "District of Ohio prosecuted the case. The indictment charges Paul Greer, 41, of "
        "Linden Falls, and Ron Tate, the owner of Tate Haulage & Storage LLC.\n"
    )
    found = memberships(nlp, text)
    assert ("Nina Park", "U.S. Attorney's Office for the Western District of Ohio") in found
    assert ("Ron Tate", "Tate Haulage & Storage LLC") in found
    assert not any(org == "Linden Falls" for _, org in found)
