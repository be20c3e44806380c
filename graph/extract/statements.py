"""Statements: direct quotes and who said them.

A quote is text between curly or straight double quotes, or a paragraph that opens a quote and
leaves it open (news style: the quote goes on in the next paragraph that opens with a quote mark).
Its speaker is found by these rules, in order (each named in the fact's ``extractor``):

1. ``statement-speech-verb``: the subject of a speech verb outside the quote in the quote's own
   sentences ("X said: ...", "..., said X", "X admitted ...", "X told the inquiry: ..."), or of a
   finding verb that governs the quote ("the review found the culture "...""). A passive speech
   verb speaks through its "by" agent ("she was told ..." names the listener); "he" / "she" is
   the person last named as a subject (:func:`~graph.extract.clauses.pronoun_antecedent`); "a
   spokesperson for ORG" is ORG; "the report by X", "X's report", "the X report" are X, and "the
   report" alone the inquiry body named last before it;
2. ``statement-continued``: a quote that names nobody and stands alone after a statement's quote
   in the same paragraph ('"...," said X. "Second part."'), or opens the paragraph after a quote
   left open, goes on with that statement (one statement per speaker and quote start); so does
   a quote by the same speaker in the same paragraph ('"...," X said. "...," she added.');
3. for a paragraph that starts with a quote and names nobody, the speaker of a "X said:" that
   closes the paragraph before;
4. ``statement-open``: paragraphs that open a quote and leave it open belong to the statement whose
   speaker is named in the paragraph that closes the quote;
5. ``statement-reported``: a quote standing alone right after reported speech in the same
   paragraph ('X said the force accepted the findings. "We are sorry ..."'), or in a sentence
   whose subject cannot speak, right after a finding ('She found that ... . Complaints had
   been ignored at "..."'), is the reporter's;
6. ``statement-framed``: a quote in a sentence framed "In her / its / the report, ..." with no
   speech verb is the report's: the inquiry body named last before it;
7. ``statement-headed``: for a document headed "Statement from X" / "Response from X to ...", X for
   the first-person paragraphs that follow.

Quotes shorter than :data:`MIN_WORDS` words are scare quotes, not statements. A quote whose
speaker cannot be told is left out: a wrong speaker is worse than none.
See textacy's ``direct_quotations`` for the classic rule set this follows.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from spacy.tokens import Doc, Span, Token

from ..model import Mention, Statement, TextSpan
from .clauses import (
    FINDING_VERBS,
    INQUIRY_NOUNS,
    inquiry_body,
    investigator_of_noun,
    pronoun_antecedent,
)
from .entities import after_title, title_length
from .lexicon import GROUP_NOUNS, MEMBER_NOUNS
from .mentions import MentionIndex

__all__ = ["MIN_WORDS", "SPEECH_VERBS", "find_statements", "paragraphs", "quote_spans"]

MIN_WORDS = 6
SPEECH_VERBS = frozenset(
    [
        "say",
        "tell",
        "add",
        "admit",
        "state",
        "write",
        "comment",
        "explain",
        "warn",
        "claim",
        "insist",
        "acknowledge",
        "apologise",
        "apologize",
        "confirm",
        "deny",
        "reply",
        "respond",
        "announce",
        "describe",
        "conclude",
        "argue",
        "recall",
        "note",
        "stress",
    ]
)
_HEADED = re.compile(r"^\s*(statement|response|message|comment|reaction)s?\s+(from|by)\b", re.I)
_SPEAKER_TYPES = ("Person", "Organisation", "Group")
_FIRST_PERSON = re.compile(r"\b(I|we|We|my|our|Our|My)\b")
_SUBJ_DEPS = {"nsubj", "nsubjpass"}
_CLOSERS = {"”", '"'}
#: Nouns that speak for the organisation they are "for" / "of" / "from" ("a spokesperson for X",
#: "a statement from X").
_VOICE_NOUNS = frozenset(
    [
        "spokesperson",
        "spokesman",
        "spokeswoman",
        "representative",
        "statement",
        "letter",
        "release",
        "message",
    ]
)
_VOICE_PREPS = {"for", "of", "from", "by"}
#: Verbs that put a quote in their subject's mouth without being speech verbs: "X called the
#: decision "..."", "X branded it "..."".
_NAMING_VERBS = frozenset(["call", "brand", "label", "dub", "term", "hail", "condemn"])
#: Nouns of people who may speak about a case (kin and the like), besides group and member nouns.
_PERSON_NOUNS = frozenset(
    """
    mother father parent sister brother son daughter wife husband partner friend neighbour
    neighbor relative widow widower grandmother grandfather aunt uncle cousin fiancee fiance
    """.split()
)


@dataclass(frozen=True)
class _Quote:
    span: TextSpan  # the quoted words, without the quote marks
    para: TextSpan
    opens_para: bool
    closed: bool  # the closing quote mark is in the same paragraph


def paragraphs(text: str) -> list[TextSpan]:
    """Paragraphs of a text: runs of non-empty lines separated by blank lines."""
    out = []
    for m in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*", text):
        if m.group().strip():
            out.append(TextSpan(m.start(), m.end()))
    return out


def quote_spans(
    text: str, paras: list[TextSpan] | None = None
) -> list[tuple[TextSpan, TextSpan, bool]]:
    """Quoted stretches of text as (quote, paragraph, opens the paragraph), in text order.

    ``paras`` are the text's :func:`paragraphs`, when the caller has them already.
    """
    found = []
    for para in paragraphs(text) if paras is None else paras:
        ptext = para.of(text)
        lead = len(ptext) - len(ptext.lstrip())
        for m in re.finditer(r"“([^”]*)(”|$)|\"([^\"\n]*)(\"|$)", ptext):
            inner = m.group(1) if m.group(1) is not None else m.group(3)
            start = para.start + m.start() + 1
            span = TextSpan(start, start + len(inner))
            found.append((span, para, m.start() == lead))
    return found


def _voice_of(tok: Token, index: MentionIndex) -> Mention | None:
    """The organisation a voice noun speaks for: "a spokesperson for X", "X's statement"."""
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ in _VOICE_PREPS:
            for p in c.children:
                if p.dep_ == "pobj":
                    m = index.at(p, _SPEAKER_TYPES)
                    if m is not None:
                        return m
        if c.dep_ == "poss":
            m = index.at(c, ("Organisation",))
            if m is not None:
                return m
    return None


def _entity_of_subject(subj: Token, index: MentionIndex) -> Mention | None:
    """The entity a speech verb's subject token names, or None when it names none for sure.

    The subject itself in a mention; its apposition ("the family's solicitor, X"); "he" / "she"
    through :func:`~graph.extract.clauses.pronoun_antecedent`; a spokesperson or statement of an
    organisation; a report or inquiry by someone ("the report by X", "X's review").
    """
    low = subj.lower_
    if low in _VOICE_NOUNS:
        return _voice_of(subj, index)
    m = index.at(subj, _SPEAKER_TYPES)
    if m is not None and m.type == "Organisation":
        # "said X of ORG's SUB-ORG" ("... of the Transport Ministry's Roads Division"), parsed
        # with the organisation as subject and "X of the ..." as its possessor: X speaks
        for c in subj.children:
            if c.dep_ == "poss" and any(g.dep_ == "prep" and g.lower_ == "of" for g in c.children):
                person = index.at(c, ("Person",))
                if person is not None:
                    return person
    if m is not None:
        return m
    for c in subj.children:
        if c.dep_ == "appos":
            m = index.at(c, _SPEAKER_TYPES)
            if m is not None:
                return m
    # "Special Agent in Charge X ... said": the parser makes the title the subject
    name = after_title(subj)
    m = index.at(name, ("Person",)) if name is not None else None
    if m is not None:
        return m
    if low in {"he", "she"}:
        return pronoun_antecedent(subj, index)
    if subj.lemma_.lower() in INQUIRY_NOUNS:
        return investigator_of_noun(subj, index) or inquiry_body(subj, index)
    return None


def _verb_speaker(verb: Token, index: MentionIndex) -> Mention | None:
    """Who speaks through ``verb``: its subject or, when passive, its "by" agent."""
    t = verb
    for _ in range(4):
        subj = [c for c in t.children if c.dep_ in _SUBJ_DEPS]
        if subj:
            break
        if t.dep_ in {"conj", "xcomp"} and t.head != t:
            t = t.head  # "X stood up and said", "X went on to say"
            continue
        return None
    if any(c.dep_ in {"nsubjpass", "auxpass"} for c in t.children):
        # "she was told ..." names the listener; "... was said by X" the speaker
        for c in t.children:
            if c.dep_ == "agent":
                for p in c.children:
                    if p.dep_ == "pobj":
                        return _entity_of_subject(p, index)
        return None
    for s in subj:
        if s.dep_ == "nsubj":
            m = _entity_of_subject(s, index)
            if m is not None:
                return m
    return None


def _governs(verb: Token, span: TextSpan) -> bool:
    """True when a token inside the quote ``span`` hangs in ``verb``'s subtree."""
    return any(span.start <= t.idx < span.end for t in verb.subtree)


def _quote_sentences(doc: Doc, q: _Quote) -> Span | None:
    """The sentences that the quote (with its marks) lies in, within its paragraph."""
    span = doc.char_span(q.span.start, max(q.span.start + 1, q.span.end), alignment_mode="expand")
    if span is None or not len(span):
        return None
    first, last = span[0].sent, span[-1].sent
    return doc[first.start : last.end]


def _outside(tokens, quotes: list[TextSpan], para: TextSpan) -> list[Token]:
    """Tokens of ``tokens`` in ``para`` that are not inside a quote (nor its marks)."""
    return [
        t
        for t in tokens
        if para.start <= t.idx < para.end
        and not any(s.start - 1 <= t.idx < s.end + 1 for s in quotes)
    ]


def _sentence_speaker(
    doc: Doc, index: MentionIndex, q: _Quote, quotes: list[TextSpan]
) -> Mention | None:
    """Rule 1: the speaker named in the quote's own sentences."""
    sents = _quote_sentences(doc, q)
    if sents is None:
        return None
    outside = _outside(sents, quotes, q.para)
    verbs = [
        t
        for t in outside
        if t.pos_ in {"VERB", "AUX"}
        and (
            t.lemma_.lower() in SPEECH_VERBS
            or (t.lemma_.lower() in FINDING_VERBS and _governs(t, q.span))
        )
    ]
    verbs.sort(key=lambda t: min(abs(t.idx - q.span.start), abs(t.idx - q.span.end)))
    for verb in verbs[:1]:
        return _verb_speaker(verb, index)
    return None


def _colon_speaker(doc: Doc, index: MentionIndex, q: _Quote, paras: list[TextSpan]):
    """Rule 3: "X said:" closing the paragraph before a paragraph that opens with a quote."""
    prev = [p for p in paras if p.end <= q.para.start]
    if not prev or not prev[-1].of(doc.text).rstrip().endswith(":"):
        return None, None
    ptoks = doc.char_span(prev[-1].start, prev[-1].end, alignment_mode="expand")
    verbs = [
        t
        for t in ptoks or []
        if t.lemma_.lower() in SPEECH_VERBS | FINDING_VERBS and t.pos_ in {"VERB", "AUX"}
    ]
    verbs.sort(key=lambda t: -t.idx)
    for verb in verbs[:1]:
        m = _verb_speaker(verb, index)
        if m is not None:
            return m, TextSpan(prev[-1].start, q.para.end)
    return None, None


def _animate(tok: Token, index: MentionIndex) -> bool:
    """True for a subject that could be a speaker: an entity, a pronoun, a person noun."""
    low = tok.lower_
    return (
        (tok.pos_ == "PRON" and low not in {"it", "this", "that", "which"})
        or index.at(tok, _SPEAKER_TYPES) is not None
        or low in GROUP_NOUNS
        or low in MEMBER_NOUNS
        or low in _PERSON_NOUNS
        or low in _VOICE_NOUNS
        or title_length(tok.doc, tok.i, tok.i + 1) == 1
    )


def _has_own_speaker(sent: Span, index: MentionIndex, quotes: list[TextSpan]) -> bool:
    """True when the main clause of ``sent`` has, outside quotes, a subject that could be a
    speaker ("The officer's lawyer called the decision "..."")."""
    for s in (c for c in sent.root.children if c.dep_ in _SUBJ_DEPS):
        if any(x.start - 1 <= s.idx < x.end + 1 for x in quotes):
            continue
        if _animate(s, index):
            return True
    return False


def _reported_speaker(
    doc: Doc, index: MentionIndex, q: _Quote, quotes: list[TextSpan]
) -> Mention | None:
    """Rule 5: the reporter of the sentence before, for a quote in a sentence naming no speaker.

    'X said the force accepted the findings. "We are sorry ..."' (a quote standing alone after
    reported speech) and 'She found that ... . Complaints had been ignored at "..."' (a quote in a
    sentence without a subject of its own, after a finding).
    """
    sents = _quote_sentences(doc, q)
    if sents is None or sents.start == 0:
        return None
    outside = _outside(sents, quotes, q.para)
    if any(t.lemma_.lower() in SPEECH_VERBS | _NAMING_VERBS for t in outside):
        return None  # its own speech verb named nobody: do not guess
    alone = not any(t.pos_ in {"VERB", "AUX"} for t in outside)
    if not alone and _has_own_speaker(doc[sents.start].sent, index, quotes):
        return None
    prev = doc[sents.start - 1].sent
    if prev.start_char < q.para.start:
        return None
    verbs = SPEECH_VERBS if alone else SPEECH_VERBS | FINDING_VERBS
    for verb in _outside(prev, quotes, q.para):
        if (
            verb.pos_ == "VERB"
            and verb.lemma_.lower() in verbs
            and any(c.dep_ == "ccomp" for c in verb.children)
        ):
            return _verb_speaker(verb, index)
    return None


def _framed_speaker(
    doc: Doc, index: MentionIndex, q: _Quote, quotes: list[TextSpan]
) -> Mention | None:
    """Rule 6: a quote in a sentence framed "In her / its / the report, ..." without a speech
    verb of its own quotes that report: the inquiry body named last before it."""
    sents = _quote_sentences(doc, q)
    if sents is None:
        return None
    if any(t.lemma_.lower() in SPEECH_VERBS for t in _outside(sents, quotes, q.para)):
        return None
    first = [t for t in doc[sents.start].sent if not t.is_space]
    if len(first) < 4 or first[0].lower_ != "in" or first[0].idx < q.para.start:
        return None
    for noun in (c for c in first[0].children if c.dep_ == "pobj"):
        if (
            noun.lemma_.lower() in INQUIRY_NOUNS
            and noun.i + 1 < len(doc)
            and noun.nbor().text == ","
        ):
            return inquiry_body(noun, index)
    return None


def find_statements(doc: Doc, index: MentionIndex, excluded=()) -> Iterator[Statement]:
    """Yield the statements of a parsed document. See the module docstring for the rules."""
    text = doc.text
    paras = paragraphs(text)
    quotes = [
        _Quote(q, p, o, text[q.end : q.end + 1] in _CLOSERS) for q, p, o in quote_spans(text, paras)
    ]
    quotes = [q for q in quotes if not any(x.overlaps(q.span) for x in excluded)]
    spans = [q.span for q in quotes]
    out: list[Statement] = []
    last: Statement | None = None  # the statement of the quote before, if it had one
    last_quote: _Quote | None = None
    held: list[_Quote] = []  # open quote paragraphs, waiting for the one that names the speaker

    for q in quotes:
        if len(q.span.of(text).split()) < MIN_WORDS and q.closed:
            continue  # a scare quote or a phrase quoted inside the reporter's own sentence
        prev_q, last_q = last_quote, last
        last_quote, last = q, None
        speaker = _sentence_speaker(doc, index, q, spans)
        evidence, extractor = q.para, "statement-speech-verb"
        # rule 2: the quote goes on with the statement of the quote before
        if prev_q is not None and last_q is not None:
            same_para = prev_q.para == q.para
            next_para = (
                q.opens_para
                and not prev_q.closed
                and prev_q.para != q.para
                and not text[prev_q.para.end : q.para.start].strip()
            )
            goes_on = (
                speaker is None and (next_para or (same_para and _stands_alone(doc, q, spans)))
            ) or (same_para and speaker is not None and _same_speaker(speaker, last_q))
            if goes_on:
                merged = replace(
                    last_q,
                    quote=f"{last_q.quote} {q.span.of(text).strip()}",
                    quote_span=TextSpan(last_q.quote_span.start, q.span.end),
                    evidence=TextSpan(last_q.evidence.start, q.para.end),
                    extractor="statement-continued",
                )
                out[-1] = merged
                last = merged
                continue
        if speaker is None and q.opens_para:
            speaker, ev = _colon_speaker(doc, index, q, paras)
            evidence = ev or evidence
        if speaker is None and q.opens_para and not q.closed:
            # rule 4: wait for the paragraph that closes the quote
            if held and not text[held[-1].para.end : q.para.start].strip():
                held.append(q)
            else:
                held = [q]
            continue
        start_q = q
        if (
            held
            and q.opens_para
            and not text[held[-1].para.end : q.para.start].strip()
            and speaker is not None
        ):
            start_q, extractor = held[0], "statement-open"
        held = []
        if speaker is None:
            speaker = _reported_speaker(doc, index, q, spans)
            extractor = "statement-reported"
        if speaker is None:
            speaker = _framed_speaker(doc, index, q, spans)
            extractor = "statement-framed"
        if speaker is None:
            continue
        quote_span = TextSpan(start_q.span.start, q.span.end)
        if start_q is q:
            quote = q.span.of(text).strip()
        else:
            quote = " ".join(
                x.span.of(text).strip()
                for x in quotes
                if start_q.span.start <= x.span.start <= q.span.start
            )
        if len(quote.split()) < MIN_WORDS:
            continue
        st = Statement(
            speakers=(speaker,),
            quote=quote,
            quote_span=quote_span,
            evidence=TextSpan(min(evidence.start, start_q.para.start), evidence.end),
            extractor=extractor,
            confidence=0.9 if extractor == "statement-speech-verb" else 0.75,
        )
        out.append(st)
        last = st
    yield from out
    yield from _headed_statements(doc, index, paras, excluded)


def _same_speaker(m: Mention, st: Statement) -> bool:
    """True when ``m`` names a speaker of ``st`` again (same type and last name word)."""
    return any(m.type == s.type and m.name.split()[-1:] == s.name.split()[-1:] for s in st.speakers)


def _stands_alone(doc: Doc, q: _Quote, quotes: list[TextSpan]) -> bool:
    """True when the quote's sentences have no verb outside quotes: '"Second part."'."""
    sents = _quote_sentences(doc, q)
    return sents is not None and not any(
        t.pos_ in {"VERB", "AUX"} for t in _outside(sents, quotes, q.para)
    )


def _headed_statements(
    doc: Doc, index: MentionIndex, paras: list[TextSpan], excluded
) -> Iterator[Statement]:
    """'Response from Chief Constable X to ...': X speaks the first-person paragraphs after it."""
    text = doc.text
    for k, para in enumerate(paras[:3]):
        ptext = para.of(text)
        if not _HEADED.match(ptext) or "“" in text or '"' in text:
            continue
        speakers = [m for m in index.in_span(para.start, para.end, _SPEAKER_TYPES)]
        persons = [m for m in speakers if m.type == "Person"] or speakers
        if not persons:
            continue
        body = [p for p in paras[k + 1 :] if _FIRST_PERSON.search(p.of(text))]
        body = [p for p in body if not any(x.overlaps(p) for x in excluded)]
        if not body:
            continue
        span = TextSpan(body[0].start, body[-1].end)
        yield Statement(
            speakers=(persons[0],),
            quote=span.of(text).strip(),
            quote_span=span,
            evidence=span,
            extractor="statement-headed",
            confidence=0.7,
        )
        return
