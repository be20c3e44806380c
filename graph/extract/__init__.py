"""Extractors: from a parsed document to entity mentions and entity-relation facts.

Facts come from **sources** that all read the same parsed ``Doc`` and the same mentions:

- ``"rules"``: one module per fact family (affiliations, investigations, allegations,
  outcomes, statements), each a pure function from the ``Doc`` (and its
  :class:`~graph.extract.mentions.MentionIndex`) to facts;
- ``"model"``: the learned fact layer (:mod:`graph.extract.learned`), trained on ``corpus/``.

:func:`extract` runs the sources a build asks for (``facts=``), then one **policy** stage that
every source obeys: a fact another source already states is dropped (:func:`merge_facts`), so
each fact is kept once, and every fact names the source that made it (``Fact.extractor``); and
safeguarding holds for all sources alike: they only see mentions :mod:`.mentions` made, which
never makes one for a person the text marks as a victim, and a group named as victims is never
accused nor investigated (``_safeguarded``).

Importing this package does not import spaCy; the submodules that read a ``Doc`` do.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..model import (
    Allegation,
    Extraction,
    Fact,
    Investigation,
    Membership,
    Mention,
    Outcome,
    SourceDocument,
    TextSpan,
    fact_arguments,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["DEFAULT_FACTS", "FACT_SOURCES", "extract", "merge_facts", "models_digest"]

#: The sources a build knows: ``rules`` and ``model`` make facts (in that order); ``ner`` swaps
#: the base model's entity recogniser for the one fine-tuned on the corpus (it acts when the text
#: is parsed, :func:`graph.nlp.load_pipeline`, so every fact source reads its entities).
FACT_SOURCES = ("rules", "model", "ner")
#: The sources a build runs unless told otherwise.
DEFAULT_FACTS = ("rules",)


def extract(
    doc: Doc,
    source: SourceDocument,
    name_victims: bool = False,
    facts: Sequence[str] = DEFAULT_FACTS,
) -> Extraction:
    """Run the fact sources ``facts`` over a document parsed by :func:`graph.nlp.load_pipeline`.

    Parameters
    ----------
    doc
        The parsed text of ``source`` (``doc.text == source.text``).
    source
        The document read by :mod:`graph.ingest`.
    name_victims
        Opt-in: keep persons the text marks as victims as named Person nodes.
    facts
        Names from :data:`FACT_SOURCES`.
    """
    from .furniture import find_furniture
    from .mentions import MentionIndex, find_mentions

    unknown = set(facts) - set(FACT_SOURCES)
    if unknown:
        raise ValueError(f"unknown fact sources {sorted(unknown)}; known: {FACT_SOURCES}")
    excluded = tuple(find_furniture(doc.text))
    mentions = find_mentions(doc, excluded, name_victims=name_victims)
    index = MentionIndex(doc, mentions)
    title = next(doc.sents, None)
    skip = excluded + ((TextSpan(title.start_char, title.end_char),) if title is not None else ())
    found: list[Fact] = []
    if "rules" in facts:
        found += _rule_facts(doc, index, excluded, skip)
    if "model" in facts:
        from .learned import find_learned_facts

        found = merge_facts(found, find_learned_facts(doc, index, skip))
    found = [f for f in map(_safeguarded, found) if f is not None]
    # facts may create group mentions of their own ("Five of these officers")
    extra = []
    known = set(mentions)
    for f in found:
        for m in fact_arguments(f):
            if m not in known:
                known.add(m)
                extra.append(m)
    text = source.text  # == doc.text, which spaCy rebuilds from the tokens on every access
    sentences = tuple(TextSpan(s.start_char, s.end_char).strip(text) for s in doc.sents)
    return Extraction(
        document=source,
        sentences=tuple(s for s in sentences if s.end > s.start),
        mentions=tuple(sorted([*mentions, *extra])),
        facts=tuple(found),
        excluded=excluded,
    )


def _rule_facts(doc, index, excluded, skip) -> list[Fact]:
    """The rule families, wired as they depend on each other."""
    from .affiliations import find_memberships
    from .allegations import find_allegations
    from .investigations import case_subjects, find_investigations
    from .outcomes import find_outcomes, quoted_admissions
    from .statements import find_statements

    allegations = list(find_allegations(doc, index, skip))
    outcomes = list(find_outcomes(doc, index, skip))
    case = case_subjects(allegations, outcomes)
    memberships = list(find_memberships(doc, index, excluded))
    statements = list(find_statements(doc, index, excluded))
    admitted = [o.evidence for o in outcomes if o.type == "admission"]
    return [
        *memberships,
        *find_investigations(doc, index, allegations, skip, case),
        *allegations,
        *outcomes,
        *quoted_admissions(doc, statements, memberships, admitted),
        *statements,
    ]


def _covers(kept: Fact, new: Fact) -> bool:
    """Whether ``kept`` already states what ``new`` states (same kind, sentence and arguments)."""
    if type(kept) is not type(new) or not kept.evidence.overlaps(new.evidence):
        return False
    if isinstance(new, Allegation):
        return bool({m.span for m in kept.against} & {m.span for m in new.against})
    if isinstance(new, Outcome):
        return kept.type == new.type and bool(
            {m.span for m in kept.applies_to} & {m.span for m in new.applies_to}
        )
    if isinstance(new, Investigation):
        return (kept.investigator.span, kept.subject.span) == (
            new.investigator.span,
            new.subject.span,
        )
    if isinstance(new, Membership):
        return kept.member.span.overlaps(new.member.span)
    return False


def _safeguarded(fact: Fact) -> Fact | None:
    """The policy every source obeys: a group named as victims ("the girls", "a detainee") is
    never the target of an allegation nor the subject of an investigation. An allegation loses
    that target, or is dropped when nobody else is left. (Outcomes may concern victims: a
    wrongful conviction, compensation, a complainant's admission.)"""
    from .mentions import victim_group

    def keep(mentions: tuple[Mention, ...]) -> tuple[Mention, ...]:
        return tuple(m for m in mentions if not (m.type == "Group" and victim_group(m)))

    if isinstance(fact, Allegation):
        against = keep(fact.against)
        if against == fact.against:
            return fact
        return dataclasses.replace(fact, against=against) if against else None
    if isinstance(fact, Investigation) and not keep((fact.subject,)):
        return None
    return fact


def merge_facts(first: Iterable[Fact], then: Iterable[Fact]) -> list[Fact]:
    """The policy stage: ``first`` (the more precise source) and the facts of ``then`` that no
    kept fact already states (:func:`_covers`), in that order."""
    kept = list(first)
    for fact in then:
        if not any(_covers(k, fact) for k in kept):
            kept.append(fact)
    return kept


@functools.cache
def models_digest() -> str:
    """SHA-256 of the shipped model files (part of the build fingerprint when the model runs)."""
    from .learned import MODEL_DIR

    digest = hashlib.sha256()
    for path in sorted(Path(MODEL_DIR).rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(MODEL_DIR).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()
