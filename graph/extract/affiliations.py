"""Memberships: who works for, leads, represents or belongs to which organisation.

Rules, each named in the fact's ``extractor``:

- ``title-prefix``: an organisation, then a title, then the person ("IOPC director-general
  Michael Lockwood", "IOPC Regional Director Graham Beesley");
- ``title-of``: a titled person followed by "of ORG" ("Chief Constable X of Y Police");
- ``apposition``: a person and a role noun phrase side by side, the role governing "of / for / at
  ORG" or modified by it ("Thomas Perez, Assistant Attorney General for the Civil Rights
  Division", "X, a Y Police spokesman"); a role whose office is named in the text ("U.S.
  Attorney" -> "U.S. Attorney's Office") points at that office; "of the Justice Department's
  Civil Rights Division" is the division;
- ``copula``: "X was / became / was appointed the ROLE of ORG", "X served as ROLE of ORG", where
  ROLE is a title or a member noun (never "the subject of", "a victim of");
- ``served-in``: "X served in / worked for / joined ORG";
- ``group-compound``: a group named with its organisation ("Sussex Police officers", "a DEA
  special agent", "members of the BBC staff");
- ``officers-of-force``: a group of officers with no organisation, in a document about one police
  force, belongs to that force (lower confidence);
- ``role-before``: a role and its organisation before the name ("Former chief of the X Police
  Department, Walter Young", "X Corporation's chairman Peter Jones");
- ``of-org``: a person named with "of ORG" ("Jim Brown of the ACLU");
- ``rank-of-force``: a person with a police rank ("PC X", "Chief Constable X") whom no rule places
  elsewhere, in a document about one police force, is an officer of that force (lower
  confidence; :func:`home_force`);
- ``eponymous``: an inquiry or review named with a person's full or titled name ("the Dame X Y
  Review") is led by that person;
- ``post-at``: "her non-executive directorships at ORG and ORG", "his post at ORG".

"X was appointed by ORG to lead ..." makes no membership of ORG: an organisation is only taken
from the object or prepositional complement of the membership word itself, never from deeper in
its phrase ("lead an inquiry into ORG").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from spacy.tokens import Doc, Token

from ..model import Membership, Mention
from .clauses import clause_subject, pronoun_antecedent, sentence_span
from .entities import title_before, title_length
from .lexicon import HONORIFICS, MEMBER_NOUNS, POLICE_RANKS, initials
from .mentions import MentionIndex

__all__ = ["find_memberships", "home_force"]

_ORG = ("Organisation",)
_SERVE_VERBS = {
    "serve",
    "work",
    "join",
    "lead",
    "head",
    "chair",
    "run",
    "represent",
    "operate",
    "manage",
    "direct",
    "found",
    "co-found",
}
_ROLE_PREPS = {"of", "for", "at", "with", "in"}
_OFFICER_WORDS = {"officer", "officers", "constable", "constables", "detective", "detectives"}
_POSSESSIVE = {"'s", "’s", "'", "’"}
#: Words in a police force's name (before any "of" / "for"): "Sussex Police", "Police Scotland".
_FORCE_NAME_WORDS = {"police", "constabulary", "sheriff", "sheriff's", "sheriff’s"}
#: Heads of names that contain "Police" but are not forces ("Police Federation").
_NOT_FORCE_HEADS = {
    "federation",
    "association",
    "union",
    "college",
    "authority",
    "commissioner",
    "committee",
    "commission",
    "board",
    "conduct",
    "complaints",
    "inspectorate",
    "foundation",
    "academy",
}
#: Head words of the names of inquiries, which are often named after whoever leads them.
_INQUIRY_HEADS = {"inquiry", "review", "commission", "panel", "investigation", "report", "inquest"}
#: Nouns of a post held at an organisation: "her directorships at X", "his post at Y".
_POST_NOUNS = {
    "directorship",
    "chairmanship",
    "trusteeship",
    "governorship",
    "presidency",
    "post",
    "position",
    "role",
    "job",
    "seat",
}
_POST_PREPS = {"at", "with", "of", "on", "in"}
#: Verbs whose complement is the post their subject holds: "X became / was appointed ROLE of Y".
_ROLE_VERBS = {"be", "become", "appoint", "name", "elect", "make", "promote", "install", "confirm"}


def _org_named(tok: Token, index: MentionIndex) -> Mention | None:
    """The organisation ``tok`` names: its own mention, or the name in apposition or compound
    to a common noun ("the retailer Dunelm", "the supermarket chain Morrisons")."""
    m = index.at(tok, _ORG)
    if m is not None:
        return m
    for c in tok.children:
        if c.dep_ in {"appos", "compound"}:
            m = index.at(c, _ORG)
            if m is not None:
                return m
    return None


def _orgs_named(tok: Token, index: MentionIndex) -> list[Mention]:
    """The organisations ``tok`` and the words coordinated with it name ("X and Y")."""
    out = []
    todo = [tok]
    seen = set()
    while todo:
        t = todo.pop(0)
        if t.i in seen:
            continue
        seen.add(t.i)
        m = _org_named(t, index)
        if m is not None and m not in out:
            out.append(m)
        todo.extend(c for c in t.children if c.dep_ in {"conj", "appos"})
    return out


#: Dependencies through which the organisation of a role may hang below its complement:
#: "vice president of daytime programs for ORG", "an activist in ORG's political party".
_NP_DEPS = {"compound", "poss", "appos", "conj", "nmod", "pobj"}


def _org_after(tok: Token, index: MentionIndex) -> Mention | None:
    """An organisation in a prepositional complement of ``tok`` ("of Y", "for Y", "at Y").

    The complement is searched nearest first through noun-phrase links and the role
    prepositions only: in "lead an inquiry into Y" or "chief of the team that investigated Y",
    Y is not the organisation of the role.
    """
    todo = [
        (p, 0)
        for c in tok.children
        if c.dep_ == "prep" and c.lower_ in _ROLE_PREPS
        for p in c.children
        if p.dep_ == "pobj"
    ]
    seen = set()
    while todo:
        t, depth = todo.pop(0)
        if t.i in seen:
            continue
        seen.add(t.i)
        m = index.at(t, _ORG)
        if m is not None and not (m.generic and depth > 0):
            return _possessed_org(m, index) or m
        if depth < 5:
            for c in t.children:
                if c.dep_ in _NP_DEPS or (c.dep_ == "prep" and c.lower_ in _ROLE_PREPS):
                    todo.append((c, depth + 1))
    return None


def _possessed_org(org: Mention, index: MentionIndex) -> Mention | None:
    """The organisation named right after ``org``'s possessive: "the Justice Department's Civil
    Rights Division" -> the division (the parser often hangs the possessor alone)."""
    doc = index.doc
    span = doc.char_span(org.span.start, org.span.end, alignment_mode="expand")
    if span is None or span.end + 1 >= len(doc) or doc[span.end].text not in _POSSESSIVE:
        return None
    m = index.at(doc[span.end + 1], _ORG)
    return m if m is not None and m != org and not m.generic else None


def _represented(tok: Token, index: MentionIndex) -> Mention | None:
    """The organisation a role noun acts for: "an attorney representing ORG", "a lawyer acting
    for ORG"."""
    for c in tok.children:
        if c.dep_ == "acl" and c.lemma_ in {"represent", "act", "work"}:
            for d in c.children:
                if d.dep_ == "dobj":
                    m = _org_named(d, index)
                    if m is not None:
                        return m
            m = _org_after(c, index)
            if m is not None:
                return m
    return None


def _org_on(tok: Token, index: MentionIndex) -> Mention | None:
    """An organisation named as a modifier of a role noun: "a Metropolitan Police spokesman",
    "Acme's chairman"."""
    for c in tok.children:
        if c.dep_ in {"compound", "poss", "nmod"}:
            m = index.at(c, _ORG)
            if m is not None and not m.generic:
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
    found = [*_named(doc, index, skip), *_clausal(doc, index, skip), *_eponymous(doc, index, skip)]
    yield from found
    yield from _rank_of_force(doc, index, skip, found)
    yield from _groups(doc, index, skip)


def _named(doc: Doc, index: MentionIndex, skip) -> Iterator[Membership]:
    """Memberships stated around a person's name: title-prefix, title-of, apposition,
    role-before, of-org."""
    persons = [m for m in index.mentions if m.type == "Person"]
    for p in persons:
        span = doc.char_span(p.span.start, p.span.end, alignment_mode="expand")
        if span is None:
            continue
        ev = sentence_span(span[0])
        if any(x.overlaps(ev) for x in skip):
            continue

        def fact(org: Mention, role: str | None, rule: str, conf: float, p=p, ev=ev) -> Membership:
            return Membership(
                member=p, organisation=org, role=role, evidence=ev, extractor=rule, confidence=conf
            )

        root = span.root
        # title-prefix: ORG TITLE PERSON, ORG's TITLE PERSON
        if p.role:
            tstart = title_before(doc, span.start, span.sent.start)
            if tstart > span.sent.start:
                before = doc[tstart - 1]
                if before.text in _POSSESSIVE and tstart - 2 >= span.sent.start:
                    before = doc[tstart - 2]
                org = index.at(before, _ORG)
                if org is not None and not org.generic:
                    yield fact(org, p.role, "title-prefix", 0.9)
                    continue
            org = _org_after(root, index)
            if org is not None:
                yield fact(org, p.role, "title-of", 0.85)
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
            org = (
                _org_after(role_tok, index)
                or _org_on(role_tok, index)
                or _office_of(role, index)
                or _represented(role_tok, index)
            )
            for other in (c for c in role_tok.children if c.dep_ == "conj"):
                # "X, leader of A and vice-president of B": each role its organisation
                o2 = _org_after(other, index)
                if o2 is not None and org is not None and o2 != org:
                    yield fact(o2, _role_text(doc, other), "apposition", 0.75)
                org = org or o2
            if org is not None:
                yield fact(org, role, "apposition", 0.8)
                continue
        # role-before: "Former chief of the ORG, PERSON" (the parser often misreads it)
        org, role = _role_before(doc, span, index)
        if org is not None:
            yield fact(org, role, "role-before", 0.8)
            continue
        # of-org: "PERSON of ORG", "PERSON, of ORG,", "PERSON at ORG"
        org = _org_of(doc, span.end, span.sent.end, index)
        if org is not None:
            yield fact(org, p.role, "of-org", 0.7)


def _org_of(doc: Doc, i: int, end: int, index: MentionIndex) -> Mention | None:
    """An organisation whose name starts right after "of" / "at" (optionally after a comma and
    "the") at token ``i``: "X of the ACLU", "X, of Kent Police,", "X at the Institute of Y"."""
    if i < end and doc[i].text == ",":
        i += 1
    if i + 1 >= end or doc[i].lower_ not in {"of", "at"}:
        return None
    k = i + 1
    starts = {doc[k].idx}
    if doc[k].lower_ == "the" and k + 1 < end:
        k += 1
        starts.add(doc[k].idx)
    org = index.at(doc[k], _ORG)
    if org is None or org.generic or org.span.start not in starts:
        return None
    return _possessed_org(org, index) or org


def _role_before(doc: Doc, span, index: MentionIndex) -> tuple[Mention | None, str | None]:
    """ "TITLE of (the) ORG, PERSON": the organisation and title written before a person's name."""
    i = span.start
    if i < 3 or doc[i - 1].text != ",":
        return None, None
    org = index.at(doc[i - 2], _ORG)
    if org is None or org.generic:
        return None, None
    first = doc.char_span(org.span.start, org.span.end, alignment_mode="expand")
    if first is None:
        return None, None
    k = first.start
    if k > 0 and doc[k - 1].lower_ == "the":
        k -= 1
    if k < 2 or doc[k - 1].lower_ not in {"of", "for", "at"}:
        return None, None
    tstart = title_before(doc, k - 1, span.sent.start)
    if tstart == k - 1:
        return None, None
    return org, doc[tstart : k - 1].text


def _person_key(m: Mention) -> str:
    return m.name.split()[-1].lower() if m.name.split() else ""


def home_force(index: MentionIndex) -> Mention | None:
    """The one police force a document is about, or None when it names none or several equally.

    Forces are organisations whose name, before any "of" / "for", has a police word ("Sussex
    Police", "Police Scotland", "Civil Nuclear Constabulary", "X County Sheriff's Office"), but
    not a staff or oversight body ("Police Federation", "Independent Office for Police Conduct").
    Mentions of an acronym count for the force whose initials it spells. The force must be
    named more often than any other.
    """
    counts: Counter[str] = Counter()
    first: dict[str, Mention] = {}
    orgs = [m for m in index.mentions if m.type == "Organisation" and not m.generic]
    for m in orgs:
        words = [w.lower() for w in m.name.replace("’", "'").split()]
        while words and words[0] == "the":
            words = words[1:]
        cut = next((i for i, w in enumerate(words) if w in {"of", "for"} and i > 0), len(words))
        name_part = words[:cut]
        if not name_part or not set(name_part) & _FORCE_NAME_WORDS:
            continue
        if name_part[-1] in _NOT_FORCE_HEADS:
            continue
        key = " ".join(words)
        counts[key] += 1
        first.setdefault(key, m)
    if not counts:
        return None
    for m in orgs:
        if m.name.isupper() and " " not in m.name:
            for key, f in first.items():
                if initials(f.name.split()) == m.name:
                    counts[key] += 1
    ranked = counts.most_common()
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return None
    return first[ranked[0][0]]


def _is_police_rank(role: str | None) -> bool:
    if not role:
        return False
    words = tuple(w for w in role.lower().replace(".", "").split() if w not in {"former"})
    return words in POLICE_RANKS


def _rank_of_force(
    doc: Doc, index: MentionIndex, skip, found: list[Membership]
) -> Iterator[Membership]:
    """A person with a police rank and no other organisation belongs to the document's force."""
    force = home_force(index)
    if force is None:
        return
    placed = {_person_key(f.member) for f in found if f.member.type == "Person"}
    for p in (m for m in index.mentions if m.type == "Person"):
        key = _person_key(p)
        if key in placed or not _is_police_rank(p.role):
            continue
        span = doc.char_span(p.span.start, p.span.end, alignment_mode="expand")
        if span is None:
            continue
        ev = sentence_span(span[0])
        if any(x.overlaps(ev) for x in skip):
            continue
        placed.add(key)
        yield Membership(
            member=p,
            organisation=force,
            role=p.role,
            evidence=ev,
            extractor="rank-of-force",
            confidence=0.6,
        )


def _eponymous(doc: Doc, index: MentionIndex, skip) -> Iterator[Membership]:
    """An inquiry named with a person's full or titled name is led by that person."""
    persons = [m for m in index.mentions if m.type == "Person" and len(m.name.split()) > 1]
    for org in (m for m in index.mentions if m.type == "Organisation" and not m.generic):
        words = org.name.replace("’s", "").replace("'s", "").split()
        if len(words) < 2 or words[-1].lower() not in _INQUIRY_HEADS:
            continue
        lowered = [w.lower().strip(".,") for w in words[:-1]]
        span = doc.char_span(org.span.start, org.span.end, alignment_mode="expand")
        if span is None:
            continue
        ev = sentence_span(span[0])
        if any(x.overlaps(ev) for x in skip):
            continue
        for p in persons:
            name = [w.lower() for w in p.name.split()]
            n = len(name)
            full = any(lowered[i : i + n] == name for i in range(len(lowered) - n + 1))
            titled = any(
                lowered[i] in HONORIFICS | {"judge", "justice", "professor"}
                and lowered[i + 1] == name[-1]
                for i in range(len(lowered) - 1)
            )
            if full or titled:
                yield Membership(
                    member=p,
                    organisation=org,
                    role="lead",
                    evidence=ev,
                    extractor="eponymous",
                    confidence=0.7,
                )
                break


def _is_role_noun(doc: Doc, tok: Token) -> bool:
    """True for a noun of a post or a place in an organisation: a title ("the chief executive
    officer") or a member noun ("a member", "the founder"); not "the subject", "a victim"."""
    if tok.lemma_.lower() in MEMBER_NOUNS or tok.lower_ in MEMBER_NOUNS:
        return True
    start = tok.left_edge.i
    while start < tok.i and doc[start].lower_ in {"the", "a", "an", "its", "former", "then"}:
        start += 1
    return any(title_length(doc, i, tok.i + 1) == tok.i + 1 - i for i in range(start, tok.i + 1))


def _subject_person(verb: Token, index: MentionIndex) -> Mention | None:
    subj = clause_subject(verb)
    if subj is None:
        return None
    m = index.at(subj, ("Person",))
    for c in subj.children if m is None else ():
        if c.dep_ == "appos":
            m = index.at(c, ("Person",))
            if m is not None:
                break
    if m is None and subj.lower_ in {"she", "he"}:
        before = index.before(subj.idx, ("Person",))
        m = pronoun_antecedent(subj, index) or (before[0] if before else None)
    return m


def _clausal(doc: Doc, index: MentionIndex, skip) -> Iterator[Membership]:
    for tok in doc:
        ev = sentence_span(tok)
        if any(x.overlaps(ev) for x in skip):
            continue
        # copula: "X was the CEO of ORG", "she became the chair of ORG", "X was appointed chief
        # executive of ORG", "X served as chair of ORG" (a verb with no object of its own)
        role_verb = None
        if tok.dep_ in {"attr", "oprd"} and tok.head.lemma_ in _ROLE_VERBS:
            role_verb = tok.head
        elif (
            tok.dep_ == "pobj"
            and tok.head.lower_ == "as"
            and tok.head.head.pos_ == "VERB"
            and not any(c.dep_ == "dobj" for c in tok.head.head.children)
        ):
            role_verb = tok.head.head
        if role_verb is not None and _is_role_noun(doc, tok):
            person = _subject_person(role_verb, index)
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
                    org = _org_named(c, index)
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
        # post-at: "her non-executive directorships at ORG and ORG", "his post at ORG"
        if tok.pos_ == "NOUN" and (
            tok.lemma_.lower() in _POST_NOUNS or tok.lower_.startswith("director")
        ):
            yield from _post_at(doc, tok, index, ev)


def _post_holder(tok: Token, index: MentionIndex) -> Mention | None:
    """Who holds the post ``tok``: its possessor ("her", "X's")."""
    for c in tok.children:
        if c.dep_ != "poss":
            continue
        if c.lower_ in {"her", "his"}:
            return pronoun_antecedent(c, index) or next(
                iter(index.before(c.idx, ("Person",))), None
            )
        return index.at(c, ("Person",))
    return None


def _post_at(doc: Doc, tok: Token, index: MentionIndex, ev) -> Iterator[Membership]:
    """Organisations of a post noun: its own "at ORG" or, as the parser often attaches it, the
    "at ORG" right after the noun phrase on the verb ("resigned from her post at ORG")."""
    person = _post_holder(tok, index)
    if person is None:
        return
    preps = [c for c in tok.children if c.dep_ == "prep" and c.lower_ in _POST_PREPS]
    nxt = tok.right_edge.i + 1
    if nxt < tok.sent.end and doc[nxt].dep_ == "prep" and doc[nxt].lower_ in _POST_PREPS:
        preps.append(doc[nxt])
    mods = [c for c in tok.lefts if c.dep_ in {"amod", "compound"} and c.is_lower]
    name = tok.lemma_.lower()
    if name.endswith("ship"):
        name = name[: -len("ship")]
    if mods:
        name = doc[mods[0].i : tok.i].text + " " + name
    seen = set()
    for prep in preps:
        for p in prep.children:
            if p.dep_ != "pobj":
                continue
            for org in _orgs_named(p, index):
                if org in seen:
                    continue
                seen.add(org)
                yield Membership(
                    member=person,
                    organisation=org,
                    role=name,
                    evidence=ev,
                    extractor="post-at",
                    confidence=0.7,
                )


def _describes_person(head: Token, index: MentionIndex) -> bool:
    """True for a role noun that describes a named person rather than a group: "X was the chief
    executive officer of Y", "X, the chair of Y"."""
    if head.dep_ == "attr" and head.head.lemma_ in {"be", "become"}:
        subj = clause_subject(head.head)
        return subj is not None and (
            subj.lower_ in {"he", "she"} or index.at(subj, ("Person",)) is not None
        )
    return head.dep_ == "appos" and index.at(head.head, ("Person",)) is not None


def _groups(doc: Doc, index: MentionIndex, skip) -> Iterator[Membership]:
    groups = [m for m in index.mentions if m.type == "Group"]
    force = home_force(index)
    for g in groups:
        ev_span = doc.char_span(g.span.start, g.span.end, alignment_mode="expand")
        if ev_span is None:
            continue
        if ev_span.end < len(doc) and index.at(doc[ev_span.end], ("Person",)) is not None:
            continue  # a rank in front of a name ("Chief Constable Jo Shiner") is no group
        if _describes_person(ev_span.root, index):
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
