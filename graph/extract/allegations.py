"""Allegations: claims of wrongdoing against an entity, who made them and how many.

- ``counted``: "N (separate) allegations / complaints (made) by G (against Y)";
- ``allegation-that``: "allegations that Y did ...", "an indictment alleging that Y did ...",
  "cases of alleged misconduct against Y", "allegations made against Y included ...";
- ``wrongdoing-clause``: a clause whose subject is an organisation, its officers or a person and
  whose verb or complement is a failing or a wrong ("officers blamed victims", "police did
  nothing", "X failed to protect", "PC X sprayed her ...").

Claims stay claims: nothing here says they were proven (that is an Outcome).
When nobody is named as the target, police officers' failings are held against the police force
the document is about (the organisation most mentioned among police forces).
"""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Doc, Token

from ..model import Allegation, Mention, TextSpan
from .clauses import (
    ENTITY_TYPES,
    WRONGDOING,
    agent_of,
    clause_subject,
    count_of,
    sentence_span,
)
from .lexicon import VICTIM_NOUNS
from .mentions import MentionIndex, main_force

__all__ = ["find_allegations"]

_CLAIM_NOUNS = {"allegation", "complaint", "claim", "accusation", "case"}
_FAILING_VERBS = {"fail", "blame", "ignore", "neglect", "mislead", "dismiss", "refuse"}
_NOTHING = {"nothing", "no"}
_POLICE_WORDS = {"police", "officers", "officer", "force", "constabulary"}


def _target(tok: Token | None, index: MentionIndex, force: Mention | None) -> Mention | None:
    if tok is None:
        return None
    m = index.head_mention(tok, ENTITY_TYPES)
    if m is not None and m.type == "Group" and force is not None and tok.lower_ in _POLICE_WORDS:
        return force
    if m is not None:
        return m
    if tok.lower_ in _POLICE_WORDS and force is not None:
        return force
    return None


def _summary(tok: Token) -> str:
    words = [t.text_with_ws for t in tok.subtree]
    text = "".join(words).strip()
    return text if len(text) <= 160 else text[:157].rstrip() + "..."


def find_allegations(doc: Doc, index: MentionIndex, skip=()) -> Iterator[Allegation]:
    """Yield the allegations of a parsed document (see the module docstring)."""
    force = main_force(index)
    title_end = next(doc.sents).end_char
    seen: set[tuple[TextSpan, TextSpan]] = set()

    def emit(against, made_by, summary, tok, count, rule, conf):
        ev = sentence_span(tok)
        if ev.start < title_end or any(x.overlaps(ev) for x in skip):
            return None
        against = tuple(dict.fromkeys(a for a in against if a is not None))
        if not against:
            return None
        key = (ev, against[0].span)
        if key in seen:
            return None
        seen.add(key)
        return Allegation(
            summary=summary,
            against=against,
            made_by=tuple(made_by),
            count=count,
            evidence=ev,
            extractor=rule,
            confidence=conf,
        )

    for tok in doc:
        out = []
        lemma = tok.lemma_.lower()
        # claim nouns: "265 allegations made by 51 complainants", "allegations that Y ..."
        if tok.pos_ == "NOUN" and lemma in _CLAIM_NOUNS:
            count = count_of(tok)
            made_by: list[Mention] = []
            against: list[Mention] = []
            claim_clause = None
            for c in tok.subtree:
                if c.dep_ == "agent" or (c.dep_ == "prep" and c.lower_ == "by"):
                    for p in c.children:
                        m = index.head_mention(p, ENTITY_TYPES)
                        if m:
                            made_by.append(m)
                if c.dep_ == "prep" and c.lower_ == "against":
                    for p in c.children:
                        t = _target(p, index, force)
                        if t:
                            against.append(t)
                if c.dep_ in {"acl", "ccomp"} and c.head == tok and c.lower_ != "made":
                    claim_clause = c
            if claim_clause is not None:
                t = _target(clause_subject(claim_clause), index, force)
                if t:
                    against.append(t)
            if lemma == "case" and not against:
                continue
            if (count or made_by) and not against and force is not None:
                against = [force]
            if against:
                rule = "counted" if count else "allegation-that"
                out.append(emit(against, made_by, _summary(tok), tok, count, rule, 0.75))
        # "an indictment alleging that Y stole ..."
        if lemma == "allege" and tok.pos_ == "VERB":
            for c in tok.children:
                if c.dep_ == "ccomp":
                    t = _target(clause_subject(c), index, force)
                    out.append(emit([t], [], _summary(c), tok, None, "allegation-that", 0.75))
        # wrongdoing clauses
        if tok.pos_ == "VERB" and tok.dep_ in {"ROOT", "ccomp", "conj", "relcl"}:
            subj = clause_subject(tok)
            words = {t.lemma_.lower() for t in tok.children} | {lemma}
            bad = (
                lemma in _FAILING_VERBS
                or lemma in WRONGDOING
                or (lemma in {"do", "take"} and words & _NOTHING)
                or any(
                    c.dep_ == "acomp" and c.dep_
                    for c in tok.children
                    if any(n.dep_ == "neg" for n in tok.children)
                )
            )
            if bad and subj is not None and subj.dep_ == "nsubjpass":
                # "girls were abused by X": the wrongdoer is the agent, never the victim
                subj = agent_of(tok)
            if bad and subj is not None and subj.lower_ not in VICTIM_NOUNS:
                t = _target(subj, index, force)
                if t is not None and t.type in {"Organisation", "Person", "Group"}:
                    out.append(emit([t], [], _summary(tok), tok, None, "wrongdoing-clause", 0.6))
        yield from (a for a in out if a is not None)
