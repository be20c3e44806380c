"""Statements: direct quotes and who said them.

A quote is text between curly or straight double quotes, or a paragraph that opens a quote and
leaves it open (news style: the quote goes on in the next paragraph that opens with a quote mark).
Its speaker is, in order:

1. the subject of a speech verb outside the quote in the same paragraph ("X said: ...",
   "..., said X", "X admitted ...", "X told the report: ...");
2. for a paragraph that starts with a quote and names nobody, the speaker of the paragraph before
   when that one ends with a colon or a quote (the quote then continues that statement);
3. for a document headed "Statement from X" / "Response from X to ...", X for the first-person
   paragraphs that follow.

Quotes shorter than :data:`MIN_WORDS` words are scare quotes, not statements.
See textacy's ``direct_quotations`` for the classic rule set this follows.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from ..model import Mention, Statement, TextSpan
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


@dataclass(frozen=True)
class _Quote:
    span: TextSpan  # the quoted words, without the quote marks
    para: TextSpan
    opens_para: bool


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


def _speech_subject(
    doc: Doc, index: MentionIndex, tokens: list[Token], near: int | None = None
) -> Mention | None:
    """The entity subject of the speech verb nearest to character ``near`` (or the first)."""
    verbs = [t for t in tokens if t.lemma_.lower() in SPEECH_VERBS and t.pos_ in {"VERB", "AUX"}]
    if near is not None:
        verbs.sort(key=lambda t: abs(t.idx - near))
    for tok in verbs[:1]:
        subj = [c for c in tok.children if c.dep_ in {"nsubj", "nsubjpass"}]
        for s in subj:
            m = index.head_mention(s, _SPEAKER_TYPES)
            if m is not None:
                return m
    return None


def find_statements(doc: Doc, index: MentionIndex, excluded=()) -> Iterator[Statement]:
    """Yield the statements of a parsed document. See the module docstring for the rules."""
    text = doc.text
    paras = paragraphs(text)
    quotes = [_Quote(q, p, o) for q, p, o in quote_spans(text, paras)]
    quotes = [q for q in quotes if not any(x.overlaps(q.span) for x in excluded)]
    last: Statement | None = None
    last_para_end = -1
    pending: list[Statement] = []

    for q in quotes:
        words = q.span.of(text).split()
        outside = [
            t
            for t in doc.char_span(q.para.start, q.para.end, alignment_mode="expand") or []
            if not (q.span.start - 1 <= t.idx < q.span.end + 1)
        ]
        speaker = _speech_subject(doc, index, outside, near=q.span.start)
        evidence = q.para
        if speaker is None and q.opens_para and last is not None:
            between = text[last_para_end : q.para.start]
            if not between.strip() or between.strip().endswith(":"):
                # continuation of the previous statement's quote
                merged = Statement(
                    speakers=last.speakers,
                    quote=f"{last.quote} {q.span.of(text).strip()}",
                    quote_span=TextSpan(last.quote_span.start, q.span.end),
                    evidence=TextSpan(last.evidence.start, q.para.end),
                    extractor="statement-continued",
                    confidence=last.confidence,
                )
                pending[-1] = merged
                last, last_para_end = merged, q.para.end
                continue
        if speaker is None and q.opens_para:
            # "X said:" closing the paragraph before
            prev_end = q.para.start
            prev = [p for p in paras if p.end <= prev_end]
            if prev and prev[-1].of(text).rstrip().endswith(":"):
                ptoks = doc.char_span(prev[-1].start, prev[-1].end, alignment_mode="expand")
                speaker = _speech_subject(doc, index, list(ptoks or []), near=prev[-1].end)
                evidence = TextSpan(prev[-1].start, q.para.end)
        if speaker is None or len(words) < MIN_WORDS:
            continue
        st = Statement(
            speakers=(speaker,),
            quote=q.span.of(text).strip(),
            quote_span=q.span,
            evidence=evidence,
            extractor="statement-speech-verb",
            confidence=0.9,
        )
        pending.append(st)
        last, last_para_end = st, q.para.end
    yield from pending
    yield from _headed_statements(doc, index, paras, excluded)


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
