"""Memberships: who works for, leads, represents or belongs to which organisation.

Rules, each named in the fact's ``extractor``:

- ``title-prefix``: an organisation, then a title, then the person ("IOPC director-general
  Michael Lockwood", "IOPC Regional Director Graham Beesley");
- ``title-of``: a titled person followed by "of ORG" ("Chief Constable X of Y Police");
- ``apposition``: a person and a role noun phrase side by side, the role governing "of / for / at
  ORG" ("Thomas Perez, Assistant Attorney General for the Civil Rights Division", "Former chief of
  the X Police Department, Walter Young"); a role whose office is named in the text ("U.S.
  Attorney" -> "U.S. Attorney's Office") points at that office;
- ``copula``: "X was / became the ROLE of ORG", "her directorships at ORG";
- ``served-in``: "X served in / worked for / joined ORG";
- ``group-compound``: a group named with its organisation ("Sussex Police officers", "a DEA
  special agent", "members of the BBC staff");
- ``officers-of-force``: a group of officers with no organisation, in a document about one police
  force, belongs to that force (lower confidence).
"""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Doc, Token

from ..model import Membership, Mention
from .clauses import clause_subject, sentence_span
from .entities import title_before, title_length
from .mentions import MentionIndex, main_force

__all__ = ["find_memberships"]

_ORG = ("Organisation",)
_SERVE_VERBS = {"serve", "work", "join", "lead", "head", "chair", "run", "represent"}
_ROLE_PREPS = {"of", "for", "at", "with", "in"}
_OFFICER_WORDS = {"officer", "officers", "constable", "constables", "detective", "detectives"}


def _org_after(tok: Token, index: MentionIndex) -> Mention | None:
    """An organisation in a prepositional complement of ``tok`` ("of Y", "for Y", "at Y")."""
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ in _ROLE_PREPS:
            for p in c.children:
                if p.dep_ == "pobj":
                    m = index.head_mention(p, _ORG)
                    if m is not None:
                        return m
                    for cc in p.conjuncts:
                        m = index.head_mention(cc, _ORG)
                        if m is not None:
                            return m
    return None


def _office_of(role: str, index: MentionIndex) -> Mention | None:
    """The organisation named after a role: "U.S. Attorney" -> "U.S. Attorney's Office"."""
    r = role.lower()
    for m in index.mentions:
        name = m.name.lower().replace("’", "'")
        if m.type == "Organisation" and (
            name.startswith(r + "'s office") or name == f"office of the {r}"
        ):
            return m
    return None


def _role_text(doc: Doc, tok: Token) -> str:
    n = title_length(doc, tok.i)
    if n:
        return doc[tok.i : tok.i + n].text
    return tok.text


def find_memberships(doc: Doc, index: MentionIndex, skip=()) -> Iterator[Membership]:
    """Yield the memberships of a parsed document (see the module docstring)."""
    persons = [m for m in index.mentions if m.type == "Person"]
    for p in persons:
        span = doc.char_span(p.span.start, p.span.end, alignment_mode="expand")
        if span is None:
            continue
        ev = sentence_span(span[0])
        if any(x.overlaps(ev) for x in skip):
            continue
        root = span.root
        # title-prefix: ORG TITLE PERSON
        if p.role:
            tstart = title_before(doc, span.start, span.sent.start)
            if tstart > span.sent.start:
                org = index.at(doc[tstart - 1], _ORG)
                if org is not None and not org.generic:
                    yield Membership(
                        member=p,
                        organisation=org,
                        role=p.role,
                        evidence=ev,
                        extractor="title-prefix",
                        confidence=0.9,
                    )
                    continue
            org = _org_after(root, index)
            if org is not None:
                yield Membership(
                    member=p,
                    organisation=org,
                    role=p.role,
                    evidence=ev,
                    extractor="title-of",
                    confidence=0.85,
                )
                continue
        # apposition in either direction
        role_tok = None
        if root.dep_ == "appos" and root.head.pos_ in {"NOUN", "PROPN"}:
            role_tok = root.head
        for c in root.children:
            if c.dep_ == "appos" and c.pos_ in {"NOUN", "PROPN"} and index.at(c, _ORG) is None:
                role_tok = c
        if role_tok is not None and index.at(role_tok, ("Person",)) is None:
            role = _role_text(
                doc, role_tok.left_edge if title_length(doc, role_tok.left_edge.i) else role_tok
            )
            org = _org_after(role_tok, index) or _office_of(role, index)
            if org is not None:
                yield Membership(
                    member=p,
                    organisation=org,
                    role=role,
                    evidence=ev,
                    extractor="apposition",
                    confidence=0.8,
                )
                continue
    yield from _clausal(doc, index, skip)
    yield from _groups(doc, index, skip)


def _subject_person(verb: Token, index: MentionIndex) -> Mention | None:
    subj = clause_subject(verb)
    if subj is None:
        return None
    m = index.head_mention(subj, ("Person",))
    if m is None and subj.lower_ in {"she", "he"}:
        before = index.before(subj.idx, ("Person",))
        m = before[0] if before else None
    return m


def _clausal(doc: Doc, index: MentionIndex, skip) -> Iterator[Membership]:
    for tok in doc:
        ev = sentence_span(tok)
        if any(x.overlaps(ev) for x in skip):
            continue
        # copula: "X was the CEO of ORG", "she became the chair of ORG"
        if tok.dep_ == "attr" and tok.head.lemma_ in {"be", "become"}:
            person = _subject_person(tok.head, index)
            org = _org_after(tok, index)
            if org is None:
                # "the chief executive officer (CEO) of ORG": the complement may hang on "("
                for c in tok.subtree:
                    if c.dep_ == "prep" and c.lower_ == "of":
                        org = _org_after(c.head, index)
                        if org:
                            break
            if person and org:
                n = title_length(doc, tok.left_edge.i) or 0
                role = doc[tok.left_edge.i : tok.left_edge.i + n].text if n else tok.text
                if tok.left_edge.lower_ in {"the", "a", "an"}:
                    n2 = title_length(doc, tok.left_edge.i + 1)
                    role = (
                        doc[tok.left_edge.i + 1 : tok.left_edge.i + 1 + n2].text if n2 else tok.text
                    )
                yield Membership(
                    member=person,
                    organisation=org,
                    role=role,
                    evidence=ev,
                    extractor="copula",
                    confidence=0.8,
                )
        # "served in ORG", "worked for ORG", "led ORG"
        if tok.pos_ == "VERB" and tok.lemma_ in _SERVE_VERBS:
            person = _subject_person(tok, index)
            org = None
            for c in tok.children:
                if c.dep_ == "dobj":
                    org = index.head_mention(c, _ORG)
            org = org or _org_after(tok, index)
            if person and org:
                yield Membership(
                    member=person,
                    organisation=org,
                    role=tok.text,
                    evidence=ev,
                    extractor="served-in",
                    confidence=0.7,
                )
        # "her non-executive directorships at ORG and ORG"
        if (
            tok.pos_ == "NOUN"
            and tok.lower_.startswith("director")
            and any(c.dep_ == "poss" and c.lower_ in {"her", "his"} for c in tok.children)
        ):
            before = index.before(tok.idx, ("Person",))
            if before:
                for c in tok.children:
                    if c.dep_ == "prep" and c.lower_ == "at":
                        for p in c.children:
                            if p.dep_ != "pobj":
                                continue
                            for t in [p, *p.conjuncts]:
                                org = index.head_mention(t, _ORG)
                                if org:
                                    yield Membership(
                                        member=before[0],
                                        organisation=org,
                                        role="director",
                                        evidence=ev,
                                        extractor="copula",
                                        confidence=0.7,
                                    )


def _groups(doc: Doc, index: MentionIndex, skip) -> Iterator[Membership]:
    groups = [m for m in index.mentions if m.type == "Group"]
    force = main_force(index)
    for g in groups:
        ev_span = doc.char_span(g.span.start, g.span.end, alignment_mode="expand")
        if ev_span is None:
            continue
        ev = sentence_span(ev_span[0])
        if any(x.overlaps(ev) for x in skip):
            continue
        orgs = index.in_span(g.span.start, g.span.end, _ORG)
        head = ev_span.root
        if not orgs:
            # "members of the BBC staff"
            for c in head.children:
                if c.dep_ == "prep" and c.lower_ == "of":
                    for p in c.children:
                        if p.dep_ == "pobj":
                            m = index.head_mention(p, _ORG)
                            if m:
                                orgs = [m]
        if orgs:
            role = head.text if head.pos_ in {"NOUN", "PROPN"} else g.name
            yield Membership(
                member=g,
                organisation=orgs[0],
                role=role,
                evidence=ev,
                extractor="group-compound",
                confidence=0.8,
            )
        elif force is not None and head.lower_ in _OFFICER_WORDS:
            yield Membership(
                member=g,
                organisation=force,
                role=head.text,
                evidence=ev,
                extractor="officers-of-force",
                confidence=0.5,
            )
