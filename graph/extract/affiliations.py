"""Memberships: who works for, leads, represents or belongs to which organisation.

Rules, each named in the fact's ``extractor``:

- ``title-prefix``: an organisation, then a title, then the person ("PSA director-general
  Anna Morley", "Westshire Council Chief Executive Tom Hale"), also with up to two capitalised
  words of a unit between ("WRCA Radiology Director X");
- ``noun-prefix``: the same with a lower-case post noun, a member noun or an agent noun, instead
  of a title ("Northfield Rovers goalkeeper X", "WRCA lawyer X"; not "Acme Bank customer X");
- ``title-of``: a titled person followed by "of ORG" ("Chief Constable X of Y Police");
- ``apposition``: a person and a role noun phrase side by side, the role governing "of / for / at
  ORG" or modified by it ("Ruth Adams, Deputy Director for the Housing Standards Division", "X,
  a Y Police spokesman", "the trust's medical director, X"); a role whose office is named in
  the text ("Public Advocate" -> "Public Advocate's Office") points at that office; "of ORG's
  SUB-ORG" ("of the Transport Ministry's Roads Division") is the sub-organisation; a second
  role hung on the first counts ("X, leader of A and vice-president of B"); nouns that relate a
  person to an organisation from outside ("a critic of", "a student at", "the assassin of")
  are no posts;
- ``speaker-of-org``: a spokesperson with no organisation of their own reporting what an
  organisation does ("ORG will close the plant, said X, a spokeswoman");
- ``copula``: "X was / became / was appointed the ROLE of ORG", "X served as ROLE of ORG", where
  ROLE is a title or a member noun (never "the subject of", "a victim of"); also in a
  participle clause set off after the name ("X, considered by many to be the leader of ORG");
- ``served-in``: "X served in / worked for / joined / set up ORG", "X taught at A and B" (every
  coordinated organisation);
- ``hired-by``: "X was employed / hired / recruited by ORG";
- ``group-then-names``: "TSG officers Ann Dent and Paul Rees" (each named person);
- ``chaired-by``: "the X Review, chaired by Y", "the panel was led by Y" (role chair / lead);
- ``group-compound``: a group named with its organisation ("Westshire Police officers", "a
  Port Authority special agent", "members of the Acme staff");
- ``officers-of-force``: a group of officers with no organisation, in a document about one police
  force, belongs to that force (lower confidence);
- ``role-before``: a role and its organisation before the name ("Former chief of the Eastbrook
  Police Department, Carl Dunn", "X Corporation's chairman Peter Jones");
- ``of-org``: a person named with "of ORG" ("Jim Brown of the ACLU"), also past an age or an
  aside ("X, 52, of the Y Trust", "X (Labour) of the Y Committee");
- ``possessor``: a person named as the possessor of a body they lead or belong to ("X's
  Progressive Reform Party"; not "X's Westshire Hospital visit") (lower confidence);
- ``rank-of-force``: a person with a police rank ("PC X", "Chief Constable X") whom no rule places
  elsewhere, in a document about one police force, is an officer of that force (lower
  confidence; :func:`home_force`);
- ``eponymous``: an inquiry or review named with a person's full or titled name ("the Dame X Y
  Review") is led by that person;
- ``post-at``: "his board directorships at ORG and ORG", "her post at ORG".

"X was appointed by ORG to lead ..." makes no membership of ORG: an organisation is only taken
from the object or prepositional complement of the membership word itself, never from deeper in
its phrase ("chair a review of ORG").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from spacy.tokens import Doc, Token

from ..model import Membership, Mention
from .clauses import (
    agent_of,
    clause_subject,
    coordinated_persons,
    pronoun_antecedent,
    sentence_span,
)
from .entities import title_before, title_length
from .lexicon import HONORIFICS, MEMBER_NOUNS, POLICE_RANKS, initials
from .mentions import MentionIndex

__all__ = ["find_memberships", "home_force"]

_ORG = ("Organisation",)
_SERVE_VERBS = {
    "command",
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
    "establish",
    "teach",
}
#: Verbs whose passive, with an organisation as agent, takes a person into it: "X was employed
#: by ORG" (not "X was appointed by ORG to lead an inquiry into it").
_HIRE_VERBS = {"employ", "hire", "recruit", "engage", "retain"}
#: Phrasal verbs of founding or leading: "set up ORG", "built up ORG".
_SERVE_PHRASALS = {("set", "up"), ("build", "up"), ("start", "up")}
#: Suffixes of agent nouns that, in front of a name after an organisation, name a post
#: ("ORG placekicker X", "ORG investigator X", "ORG columnist X", "ORG astronaut X").
_AGENT_SUFFIXES = ("er", "or", "ist", "ian", "naut")
#: Nouns that relate a person to an organisation from outside it: "X, a critic of ORG", "ORG
#: customer X", "X, the assassin of Y". Kin and victim nouns are never posts either.
_OUTSIDE_NOUNS = frozenset(
    """
    critic opponent rival enemy adversary assassin killer murderer attacker abuser victim survivor
    customer client patient passenger supporter voter fan admirer follower user subscriber reader
    viewer listener buyer shareholder investor holder graduate alumnus alumna student pupil
    biographer subject target friend neighbour neighbor son daughter wife husband widow widower
    mother father brother sister parent child relative prisoner detainee inmate complainant
    campaigner protester protestor petitioner claimant plaintiff litigant defendant offender
    caller visitor applicant borrower tenant resident supplier contractor
    """.split()
)
#: Role nouns of people who speak for the organisation whose doings they report: "ORG will
#: appeal, said X, a spokesman" (an "official" or a "manager" may report on another body).
_VOICE_ROLES = frozenset(["spokesman", "spokeswoman", "spokesperson", "representative"])
#: Head words of the names of bodies that a person named as their possessor leads or belongs
#: to: "X's Progressive Party", "X's Acme Company" (not "X's Court", "X's Hospital").
_LED_ORG_HEADS = frozenset(
    """
    party alliance league movement coalition front union federation congress government
    administration cabinet campaign company corporation firm group foundation organisation
    organization team club band institute trust
    """.split()
)
_ROLE_PREPS = {"of", "for", "at", "with", "in"}
_OFFICER_WORDS = {"officer", "officers", "constable", "constables", "detective", "detectives"}
_POSSESSIVE = {"'s", "’s", "'", "’"}
#: Words in a police force's name (before any "of" / "for"): "Westshire Police", "Police Scotland".
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
    to a common noun ("the retailer Brightmart", "the bank Castle Finance")."""
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


def _role_pobj(tok: Token, org: Mention | None) -> Token | None:
    """The object of ``tok``'s own role preposition that names ``org`` ("taught at ORG"), whose
    coordinated names are organisations of the same role too; None when ``org`` lies deeper."""
    if org is None:
        return None
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ in _ROLE_PREPS:
            for p in c.children:
                if p.dep_ == "pobj" and org.span.start <= p.idx < org.span.end:
                    return p
    return None


def _possessed_org(org: Mention, index: MentionIndex) -> Mention | None:
    """The organisation named right after ``org``'s possessive: "the Transport Ministry's Roads
    Division" -> the division (the parser often hangs the possessor alone)."""
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
    """An organisation named as a modifier of a role noun: "a Westshire Police spokesman",
    "Acme's chairman", "the trust's medical director" (a description that resolution links to
    the trust named before)."""
    for c in tok.children:
        if c.dep_ in {"compound", "poss", "nmod"}:
            m = index.at(c, _ORG)
            if m is not None and (not m.generic or c.dep_ == "poss"):
                return m
        if c.dep_ == "poss" and c.lower_ == "its":
            # "Its director of social work, X": the organisation named last before
            named = [m for m in index.before(c.idx, _ORG) if not m.generic]
            if named:
                return named[0]
    return None


def _office_of(role: str, index: MentionIndex) -> Mention | None:
    """The organisation named after a role: "Public Advocate" -> "Public Advocate's Office"."""
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
        # title-prefix: ORG TITLE PERSON, ORG's TITLE PERSON, ORG Unit TITLE PERSON
        if p.role:
            tstart = title_before(doc, span.start, span.sent.start)
            if tstart > span.sent.start:
                org = _org_just_before(doc, tstart, span.sent.start, index)
                if org is not None:
                    yield fact(org, p.role, "title-prefix", 0.9)
                    continue
            org = _org_after(root, index)
            if org is not None:
                yield fact(org, p.role, "title-of", 0.85)
                continue
        elif span.start > span.sent.start + 1 and _is_prefix_role(doc[span.start - 1]):
            # noun-prefix: "ORG placekicker PERSON", "ORG founder PERSON"
            org = _org_just_before(doc, span.start - 1, span.sent.start, index)
            if org is not None:
                yield fact(org, doc[span.start - 1].text, "noun-prefix", 0.75)
                continue
        # apposition in either direction
        role_tok = None
        if root.dep_ == "appos" and root.head.pos_ in {"NOUN", "PROPN"}:
            role_tok = root.head
        for c in (c for t in span for c in t.children if not span.start <= c.i < span.end):
            # any word of the name may carry the apposition when the parser splits the name
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
            if _not_a_post(role_tok):
                org = None  # "X, a critic of ORG", "X, the killer of Y"
            for other in (
                c
                for c in role_tok.children
                if c.dep_ == "conj" or (c.dep_ == "appos" and c.pos_ == "NOUN")
            ):
                # "X, leader of A and vice-president of B": each role its organisation (the
                # parser hangs the second role as a conjunct or, after a hyphen, an apposition)
                o2 = _org_after(other, index)
                if o2 is None or o2 == org or _not_a_post(other):
                    continue
                if org is not None:
                    yield fact(o2, _role_text(doc, other), "apposition", 0.75)
                else:
                    org, role = o2, _role_text(doc, other)
            if org is not None:
                yield fact(org, role, "apposition", 0.8)
                continue
            org = _reported_org(root, role_tok, index)
            if org is not None:
                # "ORG will close the plant, said X, a spokeswoman."
                yield fact(org, role, "speaker-of-org", 0.65)
                continue
        # role-before: "Former chief of the ORG, PERSON" (the parser often misreads it)
        org, role = _role_before(doc, span, index)
        if org is not None:
            yield fact(org, role, "role-before", 0.8)
            continue
        # of-org: "PERSON of ORG", "PERSON, of ORG,", "PERSON at ORG", "PERSON, 47, of ORG"
        org = _org_of(doc, span.end, span.sent.end, index) or _org_of_dep(root, index)
        if org is not None:
            yield fact(org, p.role, "of-org", 0.7)
            continue
        # possessor: "PERSON's ORG" for an organisation a person leads ("X's Labour Party")
        org = _possessed_by(root, index)
        if org is not None:
            yield fact(org, p.role, "possessor", 0.6)


def _reported_org(root: Token, role_tok: Token, index: MentionIndex) -> Mention | None:
    """The organisation whose doings a person with a bare voice role reports: "ORG will close
    the plant, said X, a spokeswoman" (the subject of the reported clause)."""
    if role_tok.lemma_.lower() not in _VOICE_ROLES or root.dep_ != "nsubj":
        return None
    verb = root.head
    if verb.lemma_.lower() not in {"say", "tell", "add", "confirm", "announce", "explain"}:
        return None
    for comp in (c for c in verb.children if c.dep_ == "ccomp"):
        for s in (c for c in comp.children if c.dep_ in {"nsubj", "nsubjpass"}):
            m = index.at(s, _ORG)
            if m is not None:
                return m
    return None


def _org_just_before(doc: Doc, i: int, start: int, index: MentionIndex) -> Mention | None:
    """The organisation named right before token ``i``: "ORG TITLE", "ORG's TITLE", or with up
    to two capitalised words of a unit between ("ORG Research Director X")."""
    k = i - 1
    if k > start and doc[k].text in _POSSESSIVE:
        k -= 1
    for _ in range(3):
        if k < start:
            return None
        org = index.at(doc[k], _ORG)
        if org is not None:
            return None if org.generic else org
        tok = doc[k]
        if not (tok.text[:1].isupper() and tok.dep_ == "compound") or index.at(tok) is not None:
            return None
        k -= 1
    return None


def _is_prefix_role(tok: Token) -> bool:
    """True for a lower-case noun that can name a post in front of a name ("ORG placekicker
    X", "ORG founder X"): a member noun or an agent noun (-er, -or, -ist), not a relation to
    the organisation from outside it (a customer, a critic)."""
    if tok.pos_ != "NOUN" or not tok.is_lower or tok.dep_ != "compound" or _not_a_post(tok):
        return False
    word = tok.lower_
    return word in MEMBER_NOUNS or word.endswith(_AGENT_SUFFIXES)


def _not_a_post(tok: Token) -> bool:
    """True for a noun that relates a person to an organisation from outside it."""
    return tok.lemma_.lower() in _OUTSIDE_NOUNS or tok.lower_ in _OUTSIDE_NOUNS


def _org_of_dep(root: Token, index: MentionIndex) -> Mention | None:
    """An organisation in an "of" / "at" phrase the parser hangs on the person's name, past an
    age or an aside: "X, 47, of the Y Agency", "X (R-Utah) of the Y Committee"."""
    for c in root.children:
        if c.dep_ == "prep" and c.lower_ in {"of", "at"}:
            for p in c.children:
                m = index.at(p, _ORG) if p.dep_ == "pobj" else None
                if m is not None and not m.generic:
                    return _possessed_org(m, index) or m
    return None


def _possessed_by(root: Token, index: MentionIndex) -> Mention | None:
    """The organisation a person's name is the possessor of, when its head word is that of a
    body a person leads or belongs to ("X's Progressive Party", "X's Acme Company")."""
    if root.dep_ != "poss":
        return None
    m = index.at(root.head, _ORG)
    if m is None or m.generic:
        return None
    head = _org_head_word(m.name)
    return m if head in _LED_ORG_HEADS else None


def _org_head_word(name: str) -> str:
    """The head word of an organisation name: its last word before "of" / "for"."""
    words = [w.lower() for w in name.split()]
    cut = next((i for i, w in enumerate(words) if w in {"of", "for"} and i > 0), len(words))
    return words[cut - 1] if cut else ""


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

    Forces are organisations whose name, before any "of" / "for", has a police word ("Westshire
    Police", "Police Scotland", "Northern Rail Constabulary", "X County Sheriff's Office"), but
    not a staff or oversight body ("Police Federation", "Office for Police Standards").
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


def _participle_person(verb: Token, index: MentionIndex) -> Mention | None:
    """The person a participle clause set off by a comma right after a name describes, whatever
    the parser hung it on: "X, considered by many to be the leader of ORG, ...", "X, appointed
    chair of ORG in 2010, ..."."""
    t = verb
    for _ in range(4):
        if t.tag_ == "VBN" and t.dep_ in {"acl", "advcl", "relcl"}:
            i = t.left_edge.i
            if i >= 2 and t.doc[i - 1].text == ",":
                m = index.at(t.doc[i - 2], ("Person",))
                if m is not None and m.span.end == t.doc[i - 2].idx + len(t.doc[i - 2].text):
                    return m
            return None
        if t.dep_ not in {"xcomp", "conj"} or t.head == t:
            return None
        t = t.head
    return None


def _subject_person(verb: Token, index: MentionIndex) -> Mention | None:
    subj = clause_subject(verb)
    if subj is None or index.at(subj, ("Person",)) is None:
        m = _participle_person(verb, index)
        if m is not None:
            return m
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
        # "served in ORG", "worked for ORG", "led ORG", "taught at A and B", "set up ORG"
        if tok.pos_ == "VERB" and (
            tok.lemma_ in _SERVE_VERBS
            or any(
                (tok.lemma_, c.lower_) in _SERVE_PHRASALS for c in tok.children if c.dep_ == "prt"
            )
        ):
            person = _subject_person(tok, index)
            orgs: list[Mention] = []
            for c in tok.children:
                if c.dep_ == "dobj":
                    orgs = _orgs_named(c, index)
            if not orgs:
                org = _org_after(tok, index)
                pobj = _role_pobj(tok, org)
                orgs = _orgs_named(pobj, index) if pobj is not None else [org] if org else []
            for org in orgs if person else ():
                yield Membership(
                    member=person,
                    organisation=org,
                    role=tok.text,
                    evidence=ev,
                    extractor="served-in",
                    confidence=0.7,
                )
        # group-then-names: "TSG officers Ann Dent and Paul Rees were acquitted"
        if (
            tok.dep_ == "compound"
            and tok.tag_ == "NNS"
            and tok.lemma_.lower() in MEMBER_NOUNS | _RANK_NOUNS
            and tok.head.ent_type_ == "PERSON"
        ):
            org = _org_on(tok, index)
            person = index.at(tok.head, ("Person",))
            if org is not None and person is not None and not org.generic:
                for p in coordinated_persons(person, index) or (person,):
                    yield Membership(
                        member=p,
                        organisation=org,
                        role=tok.lemma_.lower(),
                        evidence=ev,
                        extractor="group-then-names",
                        confidence=0.7,
                    )
        # chaired-by: "the X Review, chaired by Y", "the commission was led by Y"
        if tok.pos_ == "VERB" and tok.lemma_ in _CHAIR_VERBS and tok.tag_ == "VBN":
            body = tok.head if tok.dep_ in {"acl", "relcl"} else None
            if body is None:
                subj = [c for c in tok.children if c.dep_ == "nsubjpass"]
                body = subj[0] if subj else None
            org = index.head_mention(body, ("Organisation",)) if body is not None else None
            agent = agent_of(tok)
            leader = index.head_mention(agent, ("Person",)) if agent is not None else None
            if org is not None and leader is not None and not org.generic:
                yield Membership(
                    member=leader,
                    organisation=org,
                    role=_CHAIR_VERBS[tok.lemma_],
                    evidence=ev,
                    extractor="chaired-by",
                    confidence=0.8,
                )
        # hired-by: "X was employed / hired / recruited by ORG"
        if tok.pos_ == "VERB" and tok.lemma_ in _HIRE_VERBS:
            org = _passive_agent_org(tok, index)
            person = _subject_person(tok, index) if org is not None else None
            if person is not None:
                yield Membership(
                    member=person,
                    organisation=org,
                    role=None,
                    evidence=ev,
                    extractor="hired-by",
                    confidence=0.7,
                )
        # post-at: "his board directorships at ORG and ORG", "her post at ORG"
        if tok.pos_ == "NOUN" and (
            tok.lemma_.lower() in _POST_NOUNS or tok.lower_.startswith("director")
        ):
            yield from _post_at(doc, tok, index, ev)


#: Plural rank nouns that name the members of a force: "Westshire Police constables X and Y".
_RANK_NOUNS = {"constable", "detective", "sergeant", "deputy", "trooper", "guard", "nurse"}
#: Verbs of leading a body, and the role they give: "chaired by X" -> chair.
_CHAIR_VERBS = {"chair": "chair", "lead": "lead", "head": "head"}


def _passive_agent_org(verb: Token, index: MentionIndex) -> Mention | None:
    """The organisation named as the "by" agent of a passive verb."""
    if not any(c.dep_ in {"nsubjpass", "auxpass"} for c in verb.children) and verb.dep_ != "acl":
        return None
    for c in verb.children:
        if c.dep_ == "agent":
            for p in c.children:
                m = _org_named(p, index) if p.dep_ == "pobj" else None
                if m is not None:
                    return m
    return None


def _post_holder(tok: Token, index: MentionIndex) -> Mention | None:
    """Who holds the post ``tok``: its possessor ("her", "X's") or the subject of a verb of
    holding ("X held directorships at ...")."""
    for c in tok.children:
        if c.dep_ != "poss":
            continue
        if c.lower_ in {"her", "his"}:
            return pronoun_antecedent(c, index) or next(
                iter(index.before(c.idx, ("Person",))), None
            )
        return index.at(c, ("Person",))
    if tok.dep_ == "dobj" and tok.head.lemma_ in {"hold", "have", "take", "accept"}:
        subj = clause_subject(tok.head)
        if subj is not None and subj.lower_ in {"he", "she"}:
            return pronoun_antecedent(subj, index)
        return index.at(subj, ("Person",)) if subj is not None else None
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
            continue  # a rank in front of a name ("Chief Constable Anna Morley") is no group
        if _describes_person(ev_span.root, index):
            continue
        ev = sentence_span(ev_span[0])
        if any(x.overlaps(ev) for x in skip):
            continue
        orgs = index.in_span(g.span.start, g.span.end, _ORG)
        head = ev_span.root
        if not orgs:
            # "members of the Acme staff"
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
