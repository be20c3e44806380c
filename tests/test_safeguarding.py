"""Safeguarding: victims and survivors named in a text never become Person entities (unless the
opt-in asks), whatever the phrasing that marks them; invented texts through the real pipeline."""

from __future__ import annotations

import pytest
from conftest import resolve_text

from graph.extract.mentions import victim_names

pytestmark = pytest.mark.issue(3)


def persons(nlp, text: str) -> set[str]:
    resolved, _ = resolve_text(nlp, text)
    return {e.label for e in resolved.entities if e.type == "Person"}


@pytest.mark.parametrize(
    ("text", "victim"),
    [
        (
            "Review Published\n\nTwenty survivors gave evidence to the review. Among the "
            "survivors who spoke was Sarah Kowalski, now 30. Chief Executive Tom Hale "
            "apologised.\n",
            "Sarah Kowalski",
        ),
        (
            "Payout Agreed\n\nThe city paid $3 million to people who were wrongly convicted, "
            "among them Owen Frey, a former driver. Mayor Tom Hale apologised.\n",
            "Owen Frey",
        ),
        (
            "Review Published\n\nNine former pupils gave evidence. One of them, Ciaran Vale, "
            "said he had told a teacher. Chief Executive Tom Hale apologised.\n",
            "Ciaran Vale",
        ),
        (
            "Trust Criticised\n\nLaura Bennett, whose son Theo died hours after his birth, said "
            "the trust had ignored her. Chief Executive Tom Hale apologised.\n",
            "Laura Bennett",
        ),
        (
            "Officer Charged\n\nAfter Glen Royce, 40, had been handcuffed, PC Tom Hale struck "
            "him repeatedly in the head.\n",
            "Glen Royce",
        ),
        (
            "Guards Indicted\n\nGuards Tom Hale and Ian Pell kicked an inmate identified in "
            "court papers as Dean Kirby while he was restrained.\n",
            "Dean Kirby",
        ),
        (
            "No Charges\n\nA grand jury declined to indict Officer Tom Hale in the fatal "
            "shooting of Marcus Bell, 34, during a traffic stop.\n",
            "Marcus Bell",
        ),
        (
            "Council at Fault\n\nThe ombudsman said the council had left Peter Lyle, 58, "
            "without the care he needed. Director Tom Hale apologised.\n",
            "Peter Lyle",
        ),
        (
            "Guards Indicted\n\nDean Kirby sustained broken ribs after guards Tom Hale and "
            "Ian Pell restrained him.\n",
            "Dean Kirby",
        ),
    ],
)
def test_safeguarding_victims_are_not_named(nlp, text, victim):
    found = persons(nlp, text)
    assert victim not in found
    assert "Tom Hale" in found  # the official or accused is still named
    assert victim.split()[-1] in victim_names(nlp(text))  # found as a victim, not missed


def test_safeguarding_victim_cued_by_first_name_hides_the_full_name(nlp):
    """A victim named in full, then cued by first name alone ("Kieran's mother"), is hidden under
    both forms: the cue's word is the first word of the full name. The man "who attacked him",
    named in apposition, is the doer and stays named."""
    text = (
        "Boxer Jailed\n\nKieran Baines, 17, was arrested outside a boxing club in May. "
        "Kieran's mother said the boy had been sober. The man who attacked him that night, "
        "Tom Hale, was jailed for three years.\n"
    )
    assert "Kieran" in victim_names(nlp(text))
    found = persons(nlp, text)
    assert not any("Kieran" in p or "Baines" in p for p in found)
    assert "Tom Hale" in found
