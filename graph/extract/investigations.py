"""Investigations: who investigated, reviewed or inquired into whom.

- ``inquiry-into``: an inquiry noun with "into / on / of" entities and a maker ("an investigation
  by X into Y", "their investigation on Y", "X was asked to conduct a review of Y");
- ``investigate-verb``: "X investigated / is looking into / reviewed Y", where Y may be
  allegations, whose targets are then the subjects ("X investigated allegations that Y ...");
- ``finding``: an inquiry or its report found something about Y ("the report by X concluded the
  trust failed ...", "the publication of the X Review shows that Y ...");
- ``agentless``: "the 12 officers investigated" with no "by": the organisation most recently said
  to investigate in the document (lower confidence).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from spacy.tokens import Doc, Token

from ..model import Allegation, Investigation, Mention, Outcome, TextSpan
from .clauses import (
    ENTITY_TYPES,
    INQUIRY_NOUNS,
    clause_subject,
    findings,
    investigator_of_noun,
    sentence_span,
)
from .lexicon import VICTIM_NOUNS
from .mentions import MentionIndex

__all__ = ["find_investigations"]

_INVESTIGATE = {"investigate", "probe", "review", "examine", "scrutinise", "scrutinize", "audit"}
_INTO = {"into", "on", "of", "regarding"}
_LEAD_VERBS = {"lead", "launch", "conduct", "open", "begin", "start", "carry", "chair", "head"}


#: Outcome types of a criminal case.
_CRIMINAL = {"criminal-charge", "conviction", "custodial-sentence", "suspended-sentence", "fine"}
#: Verbs of a finding that only an inquiry makes (not "say", "describe", "criticise").
_FOUND = {"find", "conclude", "establish", "reveal", "show", "determine", "uncover"}


def case_subjects(allegations: Sequence[Allegation], outcomes: Sequence[Outcome]) -> list[Mention]:
    """Whom the case a document reports is against: the persons of its first allegation or
    criminal-justice outcome (charge, conviction, sentence) that names any, else the groups of
    the first that has any."""
    facts = [(a.evidence.start, a.against) for a in allegations]
    facts += [(o.evidence.start, o.applies_to) for o in outcomes if o.type in _CRIMINAL]
    for kinds in ({"Person"}, {"Group"}):  # a named person before a described one
        found = [(start, [m for m in ms if m.type in kinds]) for start, ms in facts]
        found = [f for f in found if f[1]]
        if found:
            return list(min(found, key=lambda f: f[0])[1])
    return []


def _targets(
    tok: Token,
    index: MentionIndex,
    allegations: Sequence[Allegation],
    case: Sequence[Mention] = (),
) -> list[Mention]:
    """Entities an inquiry is into: mentions in the complement, or the targets of allegations."""
    found = index.in_subtree(tok, ENTITY_TYPES)
    if tok.lemma_.lower() in {"allegation", "complaint", "case"}:
        # "allegations that X accepted a loan from Y": the accused is the clause's subject
        subjects = [
            index.head_mention(t, ENTITY_TYPES)
            for t in tok.subtree
            if t.dep_ in {"nsubj", "nsubjpass"} and t.head.head == tok
        ]
        found = [m for m in subjects if m is not None]
    if tok.lemma_.lower() in {"allegation", "complaint", "case"} or not found:
        start = tok.left_edge.idx
        for a in allegations:
            if a.evidence.start <= start < a.evidence.end:
                found = [*found, *a.against]
    if (
        not found
        and tok.lemma_.lower() in {"case", "matter"}
        and any(c.lower_ in {"the", "this"} for c in tok.children)
    ):
        found = list(case)  # "The FBI investigated the case": the case the document reports
    return [m for m in dict.fromkeys(found) if m.type != "Place"]


def _maker(noun: Token, index: MentionIndex) -> Mention | None:
    m = investigator_of_noun(noun, index)
    if m is not None:
        return m
    for c in noun.children:
        if c.dep_ == "poss" and c.lower_ in {"their", "its", "her", "his"}:
            types = ("Person",) if c.lower_ in {"her", "his"} else ("Organisation",)
            before = index.before(noun.idx, types)
            return before[0] if before else None
    # "X was asked to conduct a review": the subject of the governing verb
    verb = noun.head
    if noun.dep_ == "dobj" and verb.lemma_ in _LEAD_VERBS:
        subj = clause_subject(verb)
        if subj is not None:
            return index.head_mention(subj, ("Organisation", "Person"))
    return None


def find_investigations(
    doc: Doc,
    index: MentionIndex,
    allegations: Sequence[Allegation] = (),
    skip=(),
    case: Sequence[Mention] = (),
) -> Iterator[Investigation]:
    """Yield the investigations of a parsed document (see the module docstring).

    ``case`` is whom the document's case is against (:func:`case_subjects`): the subjects of
    "X investigated the case"."""
    last_investigator: Mention | None = None
    seen: set[tuple[TextSpan, TextSpan, TextSpan]] = set()

    def emit(inv: Mention, subj: Mention, tok: Token, rule: str, conf: float):
        nonlocal last_investigator
        ev = sentence_span(tok)
        if inv == subj or any(x.overlaps(ev) for x in skip):
            return None
        if subj.type == "Group" and subj.text.lower().split()[-1] in VICTIM_NOUNS:
            return None  # victims are not the subject of an investigation into misconduct
        if inv.span.start == subj.span.start:
            return None
        key = (inv.span, subj.span, ev)
        if key in seen:
            return None
        seen.add(key)
        last_investigator = inv
        return Investigation(
            investigator=inv, subject=subj, evidence=ev, extractor=rule, confidence=conf
        )

    finds: dict[int, list] = {}
    for f in findings(doc, index):
        finds.setdefault(f.verb.i, []).append(f)  # "concluded that X failed and that Y missed"
    for tok in doc:
        out: list[Investigation | None] = []
        if tok.lemma_.lower() in INQUIRY_NOUNS and tok.pos_ == "NOUN":
            maker = _maker(tok, index)
            makers = [maker] if maker else []
            for c in tok.children:
                if c.dep_ == "prep" and c.lower_ == "by":
                    for p in c.children:
                        for cc in p.conjuncts:
                            m = index.head_mention(cc, ("Organisation", "Person"))
                            if m:
                                makers.append(m)
            for c in tok.children:
                if c.dep_ == "prep" and c.lower_ in _INTO:
                    for p in c.children:
                        if p.dep_ == "pobj":
                            for subj in _targets(p, index, allegations, case):
                                for mk in makers:
                                    out.append(emit(mk, subj, tok, "inquiry-into", 0.85))
            # "an investigation by X ... led to an indictment alleging that Y ..."
            if makers and not any(c.dep_ == "prep" and c.lower_ in _INTO for c in tok.children):
                for a in allegations:
                    if a.evidence == sentence_span(tok):
                        for subj in a.against:
                            for mk in makers:
                                out.append(emit(mk, subj, tok, "inquiry-into", 0.7))
        if tok.pos_ == "VERB" and (
            tok.lemma_ in _INVESTIGATE
            or (tok.lemma_ == "look" and any(c.lower_ == "into" for c in tok.children))
        ):
            subj = clause_subject(tok)
            inv = index.head_mention(subj, ("Organisation", "Person")) if subj is not None else None
            objs = [c for c in tok.children if c.dep_ in {"dobj", "prep", "ccomp"}]
            if inv is not None and tok.tag_ != "VBN":
                for o in objs:
                    if o.dep_ == "ccomp":
                        # "examined how the council handled ...": the clause's subject
                        if not any(c.lower_ in {"how", "whether", "why"} for c in o.children):
                            continue
                        target = clause_subject(o)
                    elif o.dep_ == "dobj":
                        target = o
                    else:
                        target = next((p for p in o.children if p.dep_ == "pobj"), None)
                    if target is None:
                        continue
                    for s in _targets(target, index, allegations, case):
                        out.append(emit(inv, s, tok, "investigate-verb", 0.85))
            elif tok.tag_ == "VBN" and tok.dep_ in {"acl", "amod"} and last_investigator:
                # "the 12 officers investigated"
                s = index.head_mention(tok.head, ("Group", "Person"))
                if s is not None:
                    out.append(emit(last_investigator, s, tok, "agentless", 0.5))
        for f in finds.get(tok.i, ()):
            # a person who only says or describes something has not investigated it ("the
            # force's chief constable said the force welcomed ...")
            said = f.finder is not None and f.finder.type == "Person"
            said = said and tok.lemma_.lower() not in _FOUND
            if (
                f.finder is not None
                and not said
                and f.subject.type in {"Organisation", "Person", "Group"}
            ):
                out.append(emit(f.finder, f.subject, tok, "finding", 0.7))
        yield from (i for i in out if i is not None)
