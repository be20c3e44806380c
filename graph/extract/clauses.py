"""Dependency helpers shared by the fact extractors: clause subjects, agents, counts, findings."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from ..model import Mention, TextSpan
from .lexicon import number_value
from .mentions import MentionIndex

__all__ = [
    "ENTITY_TYPES",
    "FINDING_VERBS",
    "INQUIRY_NOUNS",
    "NEGATIVE_WORDS",
    "WRONGDOING",
    "Finding",
    "agent_of",
    "clause_subject",
    "clause_verb",
    "conjuncts",
    "coordinated_persons",
    "count_of",
    "finding_outcome_type",
    "findings",
    "inquiry_body",
    "investigator_of_noun",
    "is_heading",
    "is_negated",
    "pronoun_antecedent",
    "sentence_span",
]

SUBJ_DEPS = {"nsubj", "nsubjpass"}
ENTITY_TYPES = ("Organisation", "Person", "Group")
#: Verbs by which an inquiry states what it established.
FINDING_VERBS = frozenset(
    [
        "find",
        "conclude",
        "show",
        "reveal",
        "establish",
        "say",
        "criticise",
        "criticize",
        "describe",
        "outline",
        "detail",
    ]
)
#: Nouns for an inquiry or its report.
INQUIRY_NOUNS = frozenset(
    [
        "report",
        "investigation",
        "inquiry",
        "review",
        "probe",
        "publication",
        "findings",
        "study",
        "audit",
        "examination",
    ]
)
#: Words that make a finding a criticism.
NEGATIVE_WORDS = frozenset(
    [
        "fail",
        "failure",
        "failing",
        "not",
        "no",
        "never",
        "insufficient",
        "inadequate",
        "wrong",
        "unfit",
        "blame",
        "ignore",
        "neglect",
        "nothing",
        "unlawful",
        "deny",
        "denial",
        "mislead",
        "cover",
        "lie",
        "poor",
        "serious",
    ]
)
#: Verbs and nouns of wrongdoing by a person.
WRONGDOING = frozenset(
    [
        "abuse",
        "assault",
        "rape",
        "murder",
        "kill",
        "steal",
        "theft",
        "fraud",
        "misuse",
        "harass",
        "harassment",
        "bully",
        "beat",
        "strike",
        "slap",
        "punch",
        "kick",
        "spray",
        "attack",
        "exploit",
        "groom",
        "traffick",
        "falsify",
        "fabricate",
        "lie",
        "accept",
        "bribe",
        "offend",
        "offence",
        "offending",
        "misconduct",
        "corrupt",
        "corruption",
    ]
)


def sentence_span(tok: Token) -> TextSpan:
    """The character span of the sentence ``tok`` is in: a fact's evidence.

    ``Token.sent`` walks the parse on every access; the spans of a document's sentences are
    computed once and kept in ``Doc.user_data``.
    """
    doc = tok.doc
    spans = doc.user_data.get("cg_sentence_spans")
    if spans is None:
        spans = [None] * len(doc)
        for sent in doc.sents:
            span = TextSpan(sent.start_char, sent.end_char)
            for i in range(sent.start, sent.end):
                spans[i] = span
        doc.user_data["cg_sentence_spans"] = spans
    return spans[tok.i]


def clause_verb(tok: Token) -> Token:
    """The verb of the clause ``tok`` is in (``tok`` itself when it is one)."""
    t = tok
    for _ in range(20):
        if t.pos_ in {"VERB", "AUX"} or t.head == t:
            return t
        t = t.head
    return t


def clause_subject(verb: Token) -> Token | None:
    """The subject of ``verb``, inherited through xcomp, conj and relative clauses."""
    t = verb
    for _ in range(6):
        subj = [c for c in t.children if c.dep_ in SUBJ_DEPS]
        if subj:
            # the subject nearest the verb ("most of them patients, no nurse lost ...")
            before = [c for c in subj if c.i < t.i]
            s = before[-1] if before else subj[0]
            if s.lower_ in {"who", "that", "which"} and t.dep_ == "relcl":
                return t.head
            return s
        if t.dep_ in {"xcomp", "conj", "ccomp", "advcl", "acl"} and t.head != t:
            t = t.head
            continue
        if t.dep_ == "relcl":
            return t.head
        return None
    return None


def agent_of(verb: Token) -> Token | None:
    """The "by" agent of a passive verb."""
    for c in verb.children:
        if c.dep_ == "agent":
            for p in c.children:
                if p.dep_ == "pobj":
                    return p
    return None


def is_negated(tok: Token) -> bool:
    """True when the clause of ``tok`` is negated ("did not", "no officers", "never")."""
    verb = clause_verb(tok)
    if any(c.dep_ == "neg" for c in verb.children):
        return True
    subj = clause_subject(verb)
    return subj is not None and any(
        c.dep_ == "det" and c.lower_ in {"no", "none"} for c in subj.children
    )


def count_of(tok: Token | None) -> int | None:
    """A count stated on a subject token: "three", "Two of these guards", "12 officers"."""
    if tok is None:
        return None
    if tok.like_num or tok.lower_ in {"another", "both"}:
        return number_value(tok.text)
    for c in tok.children:
        if c.dep_ in {"nummod", "quantmod"} or (c.dep_ == "det" and c.lower_ in {"both"}):
            v = number_value(c.text)
            if v is not None:
                return v
    return None


def investigator_of_noun(noun: Token, index: MentionIndex) -> Mention | None:
    """Who made an inquiry noun: "report by X", "X's investigation", "an investigation by X"."""
    for c in noun.children:
        if c.dep_ == "prep" and c.lower_ == "by":
            for p in c.children:
                if p.dep_ == "pobj":
                    m = index.head_mention(p, ENTITY_TYPES)
                    if m is not None:
                        return m
        if c.dep_ == "poss":
            m = index.head_mention(c, ENTITY_TYPES)
            if m is not None:
                return m
        if c.dep_ == "prep" and c.lower_ == "of" and noun.lower_ == "publication":
            for p in c.children:
                if p.dep_ == "pobj":
                    return index.head_mention(p, ("Organisation",))
    return None


#: Head words of the names of inquiry bodies, whose report "the report" is.
_INQUIRY_BODIES = frozenset(["inquiry", "review", "commission", "panel", "inquest"])


def inquiry_body(noun: Token, index: MentionIndex) -> Mention | None:
    """Whose report or inquiry ``noun`` is, when no "by" / possessor says: an organisation
    compounded with it ("the PSA report") or, for "the report" / "the review", the inquiry
    body named last before it ("the X Review ... The report concluded: ...")."""
    for c in noun.children:
        if c.dep_ == "compound":
            m = index.at(c, ("Organisation",))
            if m is not None and not m.generic:
                return m
    if not any(
        (c.dep_ == "det" and c.lower_ == "the") or (c.dep_ == "poss" and c.pos_ == "PRON")
        for c in noun.children
    ):
        return None
    for m in index.before(noun.idx, ("Organisation",)):
        words = m.name.lower().split()
        if not m.generic and words and words[-1] in _INQUIRY_BODIES:
            return m
    return None


@dataclass(frozen=True)
class Finding:
    """An inquiry's finding: ``finder`` found something about ``subject`` in clause ``clause``."""

    finder: Mention | None
    verb: Token
    clause: Token
    subject: Mention
    negative: bool
    wrongdoing: bool


def _inquiry_finder(subj: Token, index: MentionIndex) -> tuple[bool, Mention | None]:
    m = index.at(subj, ENTITY_TYPES)
    if m is not None and m.type in {"Organisation", "Person"}:
        return True, m
    if subj.lemma_.lower() in INQUIRY_NOUNS:
        return True, investigator_of_noun(subj, index) or inquiry_body(subj, index)
    return False, None


def _own_subject(verb: Token) -> Token | None:
    """The verb's own subject or, for a verb the parser left without one, an inquiry noun phrase
    ending right before it ("... after the report by X concluded ...")."""
    own = [c for c in verb.children if c.dep_ in SUBJ_DEPS]
    if own:
        return own[0]
    for t in reversed(verb.doc[verb.sent.start : verb.i]):
        if t.lemma_.lower() in INQUIRY_NOUNS and t.pos_ == "NOUN" and t.right_edge.i >= verb.i - 2:
            # "X welcomed the report but said ...": an object is no subject; the subject is X's
            return None if t.dep_ == "dobj" and verb.dep_ == "conj" else t
    return None


def findings(doc: Doc, index: MentionIndex) -> Iterator[Finding]:
    """Clauses that an inquiry, its report or an official says it found or concluded.

    Computed once per document and mention index (several extractors read them).
    """
    key = ("cg_findings", id(index))
    if key not in doc.user_data:
        doc.user_data[key] = list(_findings(doc, index))
    return iter(doc.user_data[key])


def _findings(doc: Doc, index: MentionIndex) -> Iterator[Finding]:
    for verb in doc:
        if verb.lemma_.lower() not in FINDING_VERBS or verb.pos_ != "VERB":
            continue
        subj = _own_subject(verb) or clause_subject(verb)
        if subj is None:
            continue
        ok, finder = _inquiry_finder(subj, index)
        if not ok:
            continue
        for comp in verb.children:
            if comp.dep_ not in {"ccomp", "xcomp", "advcl"} or comp.pos_ not in {"VERB", "AUX"}:
                continue
            for clause in [comp, *[c for c in comp.children if c.dep_ == "conj"]]:
                s = clause_subject(clause)
                if s is None:
                    continue
                target = index.head_mention(s, ENTITY_TYPES)
                if target is None:
                    continue
                words = {t.lemma_.lower() for t in clause.subtree} | {
                    t.lower_ for t in clause.subtree
                }
                yield Finding(
                    finder=finder,
                    verb=verb,
                    clause=clause,
                    subject=target,
                    negative=bool(words & NEGATIVE_WORDS),
                    wrongdoing=bool(words & WRONGDOING),
                )


def finding_outcome_type(finding: Finding, index: MentionIndex) -> str | None:
    """The outcome an inquiry's finding amounts to, or None.

    A person found to have done a wrong is ``"sustained"``; an organisation (or a group named
    with its organisation) found to have failed or done wrong is ``"criticised"``. Allegation
    rules skip the clauses for which this is not None: a proven finding is an Outcome.
    """
    if finding.subject.type == "Person" and finding.wrongdoing:
        return "sustained"
    subject = finding.subject
    if (finding.negative or finding.wrongdoing) and (
        subject.type == "Organisation"
        or (
            subject.type == "Group"
            and index.in_span(subject.span.start, subject.span.end, ("Organisation",))
        )
    ):
        return "criticised"
    return None


def conjuncts(tok: Token) -> list[Token]:
    """``tok`` and the words coordinated with it ("stole, lied and assisted"), in text order."""
    out = [tok]
    todo = [tok]
    while todo:
        t = todo.pop()
        for c in t.children:
            if c.dep_ == "conj" and c not in out:
                out.append(c)
                todo.append(c)
    return sorted(out, key=lambda t: t.i)


def coordinated_persons(target: Mention | None, index: MentionIndex) -> tuple[Mention, ...]:
    """A person and the persons coordinated with them ("PC X, 48, and PC Y were dismissed"), in
    text order; empty unless there are at least two."""
    if target is None or target.type != "Person":
        return ()
    span = index.doc.char_span(target.span.start, target.span.end, alignment_mode="expand")
    if span is None:
        return ()
    found = [index.at(t, ("Person",)) for t in conjuncts(span.root)]
    persons = tuple(dict.fromkeys(m for m in found if m is not None))
    return persons if len(persons) > 1 else ()


def is_heading(tok: Token, text: str | None = None) -> bool:
    """True when the sentence of ``tok`` is a heading: short, alone on its line, not a list item
    and without final punctuation ("Officers failed to protect victims"). Pass the document's
    ``text`` when calling this often (``Doc.text`` is rebuilt on every access)."""
    sent = tok.sent
    text = tok.doc.text if text is None else text
    words = [t for t in sent if not t.is_space]
    if not words or words[-1].text in {".", "!", "?", "…", ":", ";", '"', "”", "’", "'", ")"}:
        return False
    if len(words) > 16 or words[0].text in {"-", "–", "•", "*", "·"} or words[0].like_num:
        return False
    start, end = words[0].idx, words[-1].idx + len(words[-1].text)
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    return not text[line_start:start].strip() and not text[end:line_end].strip()


def pronoun_antecedent(pron: Token, index: MentionIndex, paragraphs: int = 3) -> Mention | None:
    """The person "he" / "she" (``pron``) most likely refers to, or None.

    The nearest clause subject before ``pron``, within the last ``paragraphs`` paragraphs (runs
    of text between blank lines), that can be a person of the pronoun's gender: a named person
    (one whose courtesy title tells the other gender, "Mr" / "Dame", is passed over) is the
    answer; an unnamed person ("the girl", "a survivor", "the officer") or a person the text
    does not name as an entity (a victim) makes the pronoun ambiguous: None.
    """
    from .lexicon import FEMALE_TITLES, GROUP_NOUNS, MALE_TITLES, VICTIM_NOUNS

    doc = pron.doc
    text = doc.text
    low = pron.lower_
    if low in {"she", "her", "hers", "herself"}:
        other, other_nouns = MALE_TITLES, _MALE_NOUNS
    elif low in {"he", "him", "his", "himself"}:
        other, other_nouns = FEMALE_TITLES, _FEMALE_NOUNS
    else:
        return None
    limit = pron.idx
    for _ in range(paragraphs):
        limit = max(text.rfind("\n\n", 0, limit), 0)
    for tok in reversed(doc[: pron.i]):
        if tok.idx < limit:
            break
        if tok.dep_ not in SUBJ_DEPS:
            continue
        # "The chief executive, X, apologised" / "One of them, X, said": the named apposition
        apposed = [c for c in tok.children if c.dep_ == "appos" and c.ent_type_ == "PERSON"]
        if apposed:
            m = index.at(apposed[0], ("Person",))
            if m is None:
                return None  # a person the text does not name as an entity (a victim)
            tok = apposed[0]
        elif tok.pos_ not in {"NOUN", "PROPN"}:
            continue
        m = index.at(tok, ("Person",))
        if m is not None:
            span = doc.char_span(m.span.start, m.span.end, alignment_mode="expand")
            before = doc[span.start - 1].lower_ if span is not None and span.start > 0 else ""
            words = {w.lower() for w in m.text.split()} | {before} | {(m.role or "").lower()}
            if words & other:
                continue
            return m
        if tok.ent_type_ == "PERSON":
            return None  # a person not named as an entity (a victim): do not pass over
        if tok.tag_ in {"NN", "NNP"} and tok.lower_ in GROUP_NOUNS | VICTIM_NOUNS:
            if tok.lower_ in other_nouns:
                continue
            return None  # "the girl", "the officer": an unnamed person may be meant
    return None


_FEMALE_NOUNS = frozenset(["girl", "woman", "mother", "daughter", "wife", "sister"])
_MALE_NOUNS = frozenset(["boy", "man", "father", "son", "husband", "brother"])
