"""Extractors: from a parsed document to entity mentions and entity-relation facts.

One module per fact family (affiliations, investigations, allegations, outcomes, statements); each
exposes a pure function from a parsed ``Doc`` (and its
:class:`~graph.extract.mentions.MentionIndex`) to facts. :func:`extract` runs them all.
Importing this package does not import spaCy; the submodules that read a ``Doc`` do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import Extraction, SourceDocument, TextSpan, fact_arguments

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["extract"]


def extract(doc: Doc, source: SourceDocument, name_victims: bool = False) -> Extraction:
    """Run every extractor over a document parsed by :func:`graph.nlp.load_pipeline`.

    Parameters
    ----------
    doc
        The parsed text of ``source`` (``doc.text == source.text``).
    source
        The document read by :mod:`graph.ingest`.
    name_victims
        Opt-in: keep persons the text marks as victims as named Person nodes.
    """
    from .affiliations import find_memberships
    from .allegations import find_allegations
    from .furniture import find_furniture
    from .investigations import case_subjects, find_investigations
    from .mentions import MentionIndex, find_mentions
    from .outcomes import find_outcomes, quoted_admissions
    from .statements import find_statements

    excluded = tuple(find_furniture(doc.text))
    mentions = find_mentions(doc, excluded, name_victims=name_victims)
    index = MentionIndex(doc, mentions)
    title = next(doc.sents, None)
    skip = excluded + ((TextSpan(title.start_char, title.end_char),) if title is not None else ())
    allegations = list(find_allegations(doc, index, skip))
    outcomes = list(find_outcomes(doc, index, skip))
    case = case_subjects(allegations, outcomes)
    memberships = list(find_memberships(doc, index, excluded))
    statements = list(find_statements(doc, index, excluded))
    admitted = [o.evidence for o in outcomes if o.type == "admission"]
    facts = [
        *memberships,
        *find_investigations(doc, index, allegations, skip, case),
        *allegations,
        *outcomes,
        *quoted_admissions(doc, statements, memberships, admitted),
        *statements,
    ]
    # facts may create group mentions of their own ("Five of these officers")
    extra = []
    known = set(mentions)
    for f in facts:
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
        facts=tuple(facts),
        excluded=excluded,
    )
