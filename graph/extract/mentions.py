"""Entity mentions: named entities, definite descriptions and counted groups.

A :class:`~graph.model.Mention` is found for

- every person, organisation and place entity (after :mod:`graph.extract.entities`), with the
  rank or title in front of a person's name as its role;
- every definite description of an organisation ("the force", "our force", "the watchdog"),
  marked ``generic`` so that :mod:`graph.resolve` links it to its antecedent;
- every unnamed group of people the text counts or names by role ("12 officers", "Two of these
  guards", "a Port Authority special agent", "survivors").

Safeguarding: a person named beside a victim noun ("the detainee, X"), or whose family or death
the text speaks of, is a victim: no mention of that name is returned, so no Person node is made.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from spacy.tokens import Doc, Span, Token

from ..model import Mention, TextSpan
from .entities import after_title, title_before, title_length
from .lexicon import DEFINITE_ORG_NOUNS, GROUP_NOUNS, HONORIFICS, VICTIM_NOUNS, number_value

__all__ = [
    "MentionIndex",
    "find_mentions",
    "group_mention",
    "main_force",
    "victim_group",
    "victim_names",
]

_TYPES = {"PERSON": "Person", "ORG": "Organisation", "GPE": "Place", "LOC": "Place"}
_DEFINITE_DETS = {"the", "our", "its", "their", "this", "that"}
#: Nouns whose possessor is a victim: "X's family", "the death of X".
_VICTIM_CONTEXT = {
    "family",
    "families",
    "death",
    "murder",
    "killing",
    "parents",
    "mother",
    "father",
    "funeral",
    "inquest",
    "rape",
    "abuse",
    "assault",
    "kidnapping",
    "abduction",
    "memory",
    "shooting",
    "beating",
    "stabbing",
    "strangling",
    "torture",
    "mistreatment",
    "ill-treatment",
    "neglect",
    "exploitation",
    "harassment",
}
#: Verbs of harm done to a person: their object (or passive subject) is a victim, "assaulted X",
#: "X was beaten".
_HARM_VERBS = {
    "abduct",
    "abuse",
    "assault",
    "attack",
    "beat",
    "choke",
    "groom",
    "harass",
    "injure",
    "kick",
    "kidnap",
    "kill",
    "molest",
    "murder",
    "punch",
    "rape",
    "shoot",
    "slap",
    "stab",
    "strangle",
    "strike",
    "taser",
    "torture",
    "traffic",
    "wound",
    "slam",
    "spray",
    "knee",
    "mistreat",
    "batter",
    "hit",
}
#: Verbs whose subject is a victim: "X died in custody".
_DEATH_VERBS = {"die", "drown", "perish"}
_NUM_DEPS = {"nummod", "quantmod"}
#: Name words of a police force ("Westshire Police", "Eastbrook Police Department").
_FORCE_WORDS = {"police", "constabulary", "force", "sheriff"}


def victim_group(m: Mention) -> bool:
    """Whether a mention's words include a victim noun ("14 complainants", "the girl"); such a
    group is never accused.

    >>> victim_group(Mention(TextSpan(0, 9), "Group", "51 complainants", "complainants"))
    True
    """
    return any(w.lower().strip(".,'’") in VICTIM_NOUNS for w in m.text.split())


def _char_span(span: Span) -> TextSpan:
    return TextSpan(span.start_char, span.end_char)


def victim_names(doc: Doc) -> set[str]:
    """Last names of persons the text marks as victims.

    A person is a victim when named in apposition to a victim noun ("the prisoner, X"; "one of
    the survivors, X"; "an inmate identified as X"), among victims ("Among the survivors was X",
    "among them X"), as the possessor of "family" or object of "the death of", as the object of
    a verb of harm ("assaulted X", "X was beaten", "... struck him" after X), as the subject of
    "died" or "suffered", or as a parent of one who died ("X, whose son Y died").
    """
    names: set[str] = set()
    persons = [e for e in doc.ents if e.label_ == "PERSON"]
    for ent in persons:
        root = ent.root
        head = root.head
        start = title_before(doc, ent.start, ent.sent.start)
        titled = start < ent.start and doc[start : ent.start].text.lower() not in HONORIFICS
        cue = (
            _victim_apposition(root)
            or _among_victims(root)
            # "X's family", "the murder of X"
            or (root.dep_ == "poss" and head.lower_ in _VICTIM_CONTEXT)
            or (root.dep_ == "pobj" and head.head.lower_ in _VICTIM_CONTEXT)
            or _bereaved(root)
        )
        # a person named with a rank or office ("President X", "PC X") is a public figure
        if not titled and not cue:
            cue = _harmed(root)
        if cue:
            names.add(ent[-1].text)
    # "After X had been handcuffed, the officer struck him": the person a harmed pronoun means
    doers = {
        e[-1].text for e in persons if e.root.dep_ == "nsubj" and e.root.head.lemma_ in _HARM_VERBS
    }
    for tok in doc:
        if tok.lower_ in {"him", "her"} and _harmed(tok):
            subject = [c for c in tok.head.children if c.dep_ == "nsubj"]
            doers_here = doers | {c.text for c in subject}
            before = [
                e
                for e in persons
                if tok.sent.start - 40 <= e.start
                and e.end <= tok.i
                and e[-1].text not in doers_here  # "X punched a man. X then kicked him"
            ]
            if before:
                names.add(before[-1][-1].text)
    return names


def _victim_like(noun: Token) -> bool:
    """A noun for victims: "survivors", "the inmate", "people who were wrongly convicted"."""
    if noun.lower_ in VICTIM_NOUNS:
        return True
    return any(
        t.lemma_ in _HARM_VERBS or t.lower_ in {"wrongly", "wrongfully"} for t in noun.subtree
    )


def _antecedent_noun(pron: Token) -> Token | None:
    """The plural noun "them" most likely refers to: the nearest one before it (within the
    sentence and the one before)."""
    sent = pron.sent
    start = max(sent.start - 60, 0)
    for t in reversed(pron.doc[start : pron.i]):
        if t.tag_ == "NNS" and t.pos_ == "NOUN":
            return t
    return None


def _victims_noun(tok: Token) -> bool:
    """``tok`` names victims: a victim noun, or "them" / "those" meaning victims."""
    if tok.lower_ in {"them", "those"}:
        ante = _antecedent_noun(tok)
        return ante is not None and _victim_like(ante)
    return _victim_like(tok)


def _doer(noun: Token) -> bool:
    """The noun does the harm: "the man who attacked him", "a guard who struck the boy"."""
    return any(
        c.dep_ == "relcl"
        and c.lemma_ in _HARM_VERBS
        and any(s.dep_ == "nsubj" and s.lower_ in {"who", "that"} for s in c.children)
        for c in noun.children
    )


def _victim_apposition(root: Token) -> bool:
    head = root.head
    # "the prisoner, Dan Pike" / "Dan Pike, the victim" (not "the man who attacked him, X")
    if root.dep_ == "appos" and head.lower_ in VICTIM_NOUNS and not _doer(head):
        return True
    if any(c.dep_ == "appos" and c.lower_ in VICTIM_NOUNS and not _doer(c) for c in root.children):
        return True
    # "One of them, X," / "one of the survivors, X,"
    if root.dep_ == "appos" and (head.like_num or head.lower_ in {"one", "another"}):
        of = [c for c in head.children if c.dep_ == "prep" and c.lower_ == "of"]
        if any(_victims_noun(p) for o in of for p in o.children if p.dep_ == "pobj"):
            return True
    # "an inmate identified in court papers as X", "a boy known as X"
    if root.dep_ == "pobj" and head.lower_ == "as":
        verb = head.head
        if verb.lemma_ in {"identify", "name", "know", "refer"} and verb.dep_ in {"acl", "relcl"}:
            return verb.head.lower_ in VICTIM_NOUNS
    return False


def _among_victims(root: Token) -> bool:
    """ "Among the survivors who gave evidence was X", "... people wrongly convicted, among them
    X"."""
    doc = root.doc
    first = root.left_edge.i
    if first >= 2 and doc[first - 2].lower_ == "among" and _victims_noun(doc[first - 1]):
        return True  # "among them X" (the parser often hangs "among" elsewhere)
    for t in [root, *root.ancestors][:3]:
        for c in t.children:
            if (
                c.dep_ == "prep"
                and c.lower_ == "among"
                and any(_victims_noun(p) for p in c.children if p.dep_ == "pobj")
            ):
                return True
    return False


#: Nouns for a person's child or partner: "X, whose son Y died".
_KIN = {"son", "daughter", "child", "baby", "husband", "wife", "partner", "brother", "sister"}


def _bereaved(root: Token) -> bool:
    """X whose son died (X and the son are victims), or the son himself ("whose son Y died")."""
    for c in root.children:
        if c.dep_ == "relcl" and c.lemma_ in _DEATH_VERBS | _HARM_VERBS:
            subj = [s for s in c.children if s.dep_ in {"nsubj", "nsubjpass"}]
            if (
                subj
                and subj[0].lower_ in _KIN
                and any(p.lower_ == "whose" for p in subj[0].children)
            ):
                return True
    head = root.head
    return (
        root.dep_ in {"appos", "compound"}
        and head.lower_ in _KIN
        and head.dep_ in {"nsubj", "nsubjpass"}
        and head.head.lemma_ in _DEATH_VERBS | _HARM_VERBS
    )


def _harmed(tok: Token) -> bool:
    """``tok`` is the object of a verb of harm, its passive subject, or the subject of "died" /
    "suffered" / "sustained" (injuries)."""
    head = tok.head
    if head.pos_ not in {"VERB", "AUX"}:
        return False
    if tok.dep_ in {"dobj", "nsubjpass"} and head.lemma_ in _HARM_VERBS:
        return True
    if (
        tok.dep_ == "dobj"
        and head.lemma_ in {"leave", "deny"}
        and any(c.dep_ == "prep" and c.lower_ == "without" for c in head.children)
    ):
        return True  # "left X without the support he needed"
    return tok.dep_ == "nsubj" and head.lemma_ in _DEATH_VERBS | {"suffer", "sustain"}


#: Courtesy titles and styles written as part of a name: a person's mention span includes them
#: ("Ms. Okafor", "Rev. Ann Lee"), while ranks and offices ("President", "PC") are roles
#: outside the span.
_NAME_STYLES = HONORIFICS | {"rev", "rev.", "reverend"}


def _person_mention(ent: Span) -> Mention:
    doc = ent.doc
    start = title_before(doc, ent.start, ent.sent.start)
    role = doc[start : ent.start].text if start < ent.start else None
    if role and role.lower() in HONORIFICS:
        role = None
    styled = ent.start
    while styled > ent.sent.start and doc[styled - 1].lower_ in _NAME_STYLES:
        styled -= 1
    span = doc[styled : ent.end]
    if role is None:
        # "Tom Wells, a solicitor representing ...": the apposition's noun is the role
        for c in ent.root.children:
            if c.dep_ == "appos" and c.pos_ == "NOUN" and c.is_lower:
                mods = [m for m in c.lefts if m.dep_ in {"compound", "amod"} and m.is_lower]
                role = doc[(mods[0].i if mods else c.i) : c.i + 1].text
                break
    return Mention(_char_span(span), "Person", span.text, ent.text, role=role)


def _org_name(ent: Span) -> str:
    """Canonical organisation name: "Eastbrook, Ohio, Police Department" -> "Eastbrook Police
    Department"."""
    words = [t for t in ent if not t.is_space]
    if "," in [t.text for t in words]:
        first = words.index(next(t for t in words if t.text == ","))
        last = len(words) - 1 - [t.text for t in reversed(words)].index(",")
        before, after = words[:first], words[last + 1 :]
        if not before or not after:
            return "".join(t.text_with_ws for t in words).strip()
        head = "".join(t.text_with_ws for t in before).strip()
        return head + " " + "".join(t.text_with_ws for t in after).strip()
    return "".join(t.text_with_ws for t in words).strip()


def group_mention(tok: Token) -> Mention | None:
    """A group mention headed by ``tok`` (a group noun or a number with "of these X").

    >>> # "12 officers" -> Mention(name="12 officers", count=12)
    """
    doc = tok.doc
    count = None
    head = tok
    if tok.like_num or tok.lower_ in {"another", "both"}:
        # "Two of these guards", "three (of the officers)"
        count = number_value(tok.text)
        ofs = [c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"]
        pobj = [c for o in ofs for c in o.children if c.dep_ == "pobj"]
        if not pobj or pobj[0].lower_ not in GROUP_NOUNS:
            return None
        head = pobj[0]
        start, end = tok.i, head.i + 1
    elif (
        tok.lower_ in GROUP_NOUNS
        and tok.pos_ in {"NOUN", "PROPN"}
        and not (tok.dep_ == "compound" and title_length(doc, tok.i, tok.head.i + 1) > 1)
        and not _names_a_person(tok)
        and not _title_before_a_name(tok)
    ):  # "Detective" of "a retired Detective Inspector" is part of a rank (see _role_group)
        left = [
            c
            for c in tok.lefts
            if c.dep_ in _NUM_DEPS | {"det", "amod", "compound", "nmod", "poss"}
            and not (c.dep_ == "poss" and c.pos_ == "PRON")
        ]
        start = min([c.left_edge.i for c in left] + [tok.i])
        end = tok.i + 1
        for c in tok.lefts:
            if c.dep_ in _NUM_DEPS or (c.dep_ == "det" and c.lower_ in {"both", "another"}):
                count = number_value(c.text)
                # "more than 300" -> 300
        if (
            count is None
            and tok.tag_ in {"NN", "NNP"}
            and any(
                c.dep_ == "det" and c.lower_ in {"a", "an", "one", "another"} for c in tok.lefts
            )
        ):
            count = 1
    else:
        return None
    span = doc[start:end]
    while span and span[0].lower_ in {"the", "these", "those", "of"}:
        span = doc[span.start + 1 : span.end]
    if not span:
        return None
    # safeguarding: a group described by nationality, ethnicity or religion ("men of X origin")
    # is never a node; such words describe people, not their part in the story
    if any(t.ent_type_ == "NORP" for t in doc[span.start : head.right_edge.i + 1]):
        return None
    return Mention(_char_span(span), "Group", span.text, span.text, count=count)


def _title_before_a_name(tok: Token) -> bool:
    """True when the noun is part of a title in front of a name: "Special Agent in Charge X"."""
    if not tok.text[:1].isupper():
        return False  # a title before a name is capitalised; most group nouns are not
    name = after_title(tok)
    return name is not None and name.ent_type_ == "PERSON"


def _names_a_person(tok: Token) -> bool:
    """True when the noun is in apposition with a named person: "the chief constable, Ann Hale,"
    and "Ann Hale, the chief constable," describe one named person, not a group."""
    if tok.dep_ == "appos" and tok.head.ent_type_ == "PERSON":
        return True
    return any(c.dep_ == "appos" and c.ent_type_ == "PERSON" for c in tok.children)


def _role_group(tok: Token) -> Mention | None:
    """An unnamed individual described by a rank or title: "a Detective Constable", "a retired
    Detective Inspector"."""
    doc = tok.doc
    if tok.i == 0:
        return None
    det = doc[tok.i - 1]
    if det.dep_ == "amod" and det.is_lower and tok.i > 1 and doc[tok.i - 2].lower_ in {"a", "an"}:
        # "a retired Detective Inspector" ("the former chief" is someone named)
        det = doc[tok.i - 2]
    if det.lower_ not in {"a", "an", "the", "one"}:
        return None  # cheap test first: this runs on every token
    n = title_length(doc, tok.i, tok.sent.end)
    if not n or _names_a_person(doc[tok.i + n - 1]):
        return None  # no rank, or "a second officer, PC X," who is named
    end = tok.i + n
    if end < len(doc) and doc[end].ent_type_ == "PERSON":
        return None  # a title in front of a name
    span = doc[det.i : end]
    return Mention(_char_span(span), "Group", span.text, span.text, count=1)


def _in(span: TextSpan, excluded: Iterable[TextSpan]) -> bool:
    return any(x.overlaps(span) for x in excluded)


def find_mentions(
    doc: Doc, excluded: Iterable[TextSpan] = (), name_victims: bool = False
) -> list[Mention]:
    """All entity mentions of a parsed document, in text order.

    Parameters
    ----------
    doc
        A document parsed by :func:`graph.nlp.load_pipeline`.
    excluded
        Spans (captions, credits) where nothing is found.
    name_victims
        Keep persons the text marks as victims (opt-in; default never names them).
    """
    excluded = tuple(excluded)
    protected = set() if name_victims else victim_names(doc)
    out: list[Mention] = []
    ent_tokens: set[int] = set()
    for ent in doc.ents:
        kind = _TYPES.get(ent.label_)
        if kind is None or _in(_char_span(ent), excluded):
            continue
        ent_tokens.update(range(ent.start, ent.end))
        if kind == "Person":
            # a victim named by first name in the cue ("Kieran's mother") is "Kieran Baines" too
            if ent[-1].text in protected or ent[0].text in protected or len(ent.text) < 2:
                continue
            out.append(_person_mention(ent))
        elif kind == "Organisation":
            out.append(Mention(_char_span(ent), kind, ent.text, _org_name(ent)))
        else:
            out.append(Mention(_char_span(ent), kind, ent.text, ent.text))

    seen_groups: set[TextSpan] = set()
    for tok in doc:
        if tok.i in ent_tokens or tok.is_space:
            continue
        span = TextSpan(tok.idx, tok.idx + len(tok.text))
        if _in(span, excluded):
            continue
        # definite descriptions of organisations: "the force", "our force"
        if (
            tok.lower_ in DEFINITE_ORG_NOUNS
            and tok.is_lower
            and tok.tag_ == "NN"
            and tok.i > 0
            and doc[tok.i - 1].lower_ in _DEFINITE_DETS
            and not any(c.dep_ in {"relcl", "acl"} for c in tok.children)
            and not any(c.dep_ == "prep" and c.lower_ == "of" for c in tok.children)
        ):
            det = doc[tok.i - 1]
            out.append(
                Mention(
                    TextSpan(det.idx, span.end),
                    "Organisation",
                    doc[det.i : tok.i + 1].text,
                    tok.lower_,
                    generic=True,
                )
            )
            continue
        group = group_mention(tok) or _role_group(tok)
        if group is not None and group.span not in seen_groups:
            if any(m.span.overlaps(group.span) and m.type != "Group" for m in out):
                # "Westshire Police officers": keep the group, the organisation stays its own
                # mention
                pass
            seen_groups.add(group.span)
            out.append(group)
    out.sort(key=lambda m: (m.span.start, -m.span.end))
    return out


class MentionIndex:
    """Find the mentions that cover tokens and spans of a parsed document."""

    def __init__(self, doc: Doc, mentions: Iterable[Mention]):
        self.doc = doc
        self.mentions = sorted(mentions, key=lambda m: (m.span.start, -m.span.end))
        self._by_token: dict[int, list[Mention]] = {}
        for m in self.mentions:
            span = doc.char_span(m.span.start, m.span.end, alignment_mode="expand")
            if span is None:
                continue
            for t in span:
                self._by_token.setdefault(t.i, []).append(m)

    def at(self, tok: Token, types: Iterable[str] | None = None) -> Mention | None:
        """The mention covering ``tok`` (the longest, of the given types)."""
        wanted = set(types) if types else None
        cands = [m for m in self._by_token.get(tok.i, []) if wanted is None or m.type in wanted]
        if not cands:
            return None
        return max(cands, key=lambda m: (m.type != "Group", m.span.end - m.span.start))

    def in_subtree(self, tok: Token, types: Iterable[str] | None = None) -> list[Mention]:
        """Mentions inside ``tok``'s subtree, nearest the head first (then text order)."""
        wanted = set(types) if types else None
        found: dict[Mention, int] = {}
        for t in tok.subtree:
            for m in self._by_token.get(t.i, []):
                if wanted is None or m.type in wanted:
                    depth = 0
                    h = t
                    while h != tok and h.head != h and depth < 50:
                        h, depth = h.head, depth + 1
                    found[m] = min(found.get(m, 99), depth)
        return sorted(found, key=lambda m: (found[m], m.span.start))

    def head_mention(self, tok: Token, types: Iterable[str] | None = None) -> Mention | None:
        """The mention of ``tok`` itself or, failing that, the nearest one in its subtree."""
        m = self.at(tok, types)
        if m is not None:
            return m
        sub = self.in_subtree(tok, types)
        return sub[0] if sub else None

    def in_span(self, start: int, end: int, types: Iterable[str] | None = None) -> list[Mention]:
        """Mentions inside the character range [start, end)."""
        wanted = set(types) if types else None
        return [
            m
            for m in self.mentions
            if start <= m.span.start and m.span.end <= end and (wanted is None or m.type in wanted)
        ]

    def before(self, char: int, types: Iterable[str] | None = None) -> list[Mention]:
        """Mentions ending before ``char``, nearest first."""
        wanted = set(types) if types else None
        return [
            m
            for m in reversed(self.mentions)
            if m.span.end <= char and (wanted is None or m.type in wanted)
        ]


def main_force(index: MentionIndex) -> Mention | None:
    """The police force a document is about: the most mentioned organisation whose name has a
    force word (Police, Constabulary, Force, Sheriff; not a bare "Department", which may be a
    ministry); None when there is none.

    Officers the text does not place elsewhere belong to it, and their failings are held
    against it.
    """
    police = Counter(
        m.name
        for m in index.mentions
        if m.type == "Organisation"
        and not m.generic
        and any(w.lower() in _FORCE_WORDS for w in m.name.split())
    )
    if not police:
        return None
    name = police.most_common(1)[0][0]
    return next(m for m in index.mentions if m.name == name and m.type == "Organisation")
