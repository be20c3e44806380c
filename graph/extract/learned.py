"""The learned fact layer: two text classifiers trained on the corpus, and the facts they make.

- The **sentence model** (spaCy ``textcat_multilabel``) reads one sentence and gives the
  probability that it states each fact kind (``allegation``, ``investigation``, ``membership``,
  ``statement``) and each outcome type (``outcome:dismissal`` ...).
- The **role model** reads one sentence with one mention marked ``⟪ ... ⟫`` and gives the
  probability of each role the mention's entity plays in a fact stated there (``accused``,
  ``applies``, ``investigator`` ...).

:func:`find_learned_facts` turns both into facts over the pipeline's own mentions: an allegation
against the mentions likely accused, an investigation for each likely (investigator, subject)
pair, an outcome of each likely type applying to the mentions likely concerned, a membership for
a likely (member, employer) pair. The same functions label the training examples
(``train/scripts/convert.py``) and read the text at run time, so training and prediction see the
same marking, the same sentences and the same mentions.

The weights are trained by ``make train`` from ``corpus/`` and shipped in ``graph/models/``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ExtractionError
from ..model import Allegation, Fact, Investigation, Membership, Mention, Outcome, TextSpan

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span

    from ..corpus import AnnotatedDoc
    from .mentions import MentionIndex

__all__ = [
    "MODEL_DIR",
    "ROLES",
    "SENTENCE_LABELS",
    "find_learned_facts",
    "load_models",
    "marked",
    "mention_roles_of",
    "sentence_labels_of",
    "syntax_words",
]

MODEL_DIR = Path(__file__).resolve().parent.parent / "models"
KINDS = ("allegation", "investigation", "membership", "statement")
#: Outcome types the sentence model learns (those of the scheme with enough examples).
OUTCOME_TYPES = (
    "acquittal",
    "admission",
    "barred",
    "case-to-answer-gross-misconduct",
    "case-to-answer-misconduct",
    "compensation",
    "conviction",
    "criminal-charge",
    "criticised",
    "custodial-sentence",
    "dismissal",
    "exonerated",
    "final-written-warning",
    "fine",
    "gross-misconduct-proven",
    "management-action",
    "misconduct-proven",
    "no-case-to-answer",
    "no-further-action",
    "no-sanction",
    "not-proven",
    "not-sustained",
    "probation",
    "reduction-in-rank",
    "referral",
    "reflective-practice",
    "resignation",
    "retirement",
    "suspended-sentence",
    "suspension",
    "sustained",
    "unfounded",
    "would-have-been-dismissed",
    "written-warning",
)
SENTENCE_LABELS = KINDS + tuple(f"outcome:{t}" for t in OUTCOME_TYPES)
ROLES = (
    "accused",
    "maker",
    "applies",
    "decider",
    "investigator",
    "subject",
    "member",
    "employer",
    "speaker",
)
#: The roles of each argument of each fact kind of an annotation.
_ARG_ROLES = {
    "allegation": {"against": "accused", "made_by": "maker"},
    "outcome": {"applies_to": "applies", "decided_by": "decider"},
    "investigation": {"investigator": "investigator", "subject": "subject"},
    "membership": {"member": "member", "org": "employer"},
    "statement": {"speaker": "speaker"},
}
OPEN, CLOSE = "⟪", "⟫"
#: Words of context kept on each side of a marked mention.
WINDOW = 12


def marked(text: str, start: int, end: int, syntax: str = "") -> str:
    """``text[start:end]`` set off by the mention markers, with ``WINDOW`` words of context on
    each side and, first, the mention's syntax words (see :func:`syntax_words`).

    >>> marked("PC Lee was dismissed.", 0, 6, "dep_nsubjpass head_dismiss")
    'dep_nsubjpass head_dismiss | ⟪ PC Lee ⟫ was dismissed.'
    """
    left = " ".join(text[:start].split()[-WINDOW:])
    right = " ".join(text[end:].split()[:WINDOW])
    body = f"{left} {OPEN} {text[start:end]} {CLOSE} {right}".strip()
    return f"{syntax} | {body}" if syntax else body


def syntax_words(doc: Doc, mention: Mention) -> str:
    """Where the mention stands in its sentence's parse, as words a bag of n-grams can use: its
    dependency label, the lemma of its head, and of the head's head
    (``dep_nsubjpass head_dismiss head2_after``)."""
    span = doc.char_span(mention.span.start, mention.span.end, alignment_mode="expand")
    if span is None or not len(span):
        return ""
    root = span.root
    words = [f"dep_{root.dep_}", f"head_{root.head.lemma_.lower()}"]
    if root.head.head.i != root.head.i:  # (spaCy makes a new Token object on each access)
        words.append(f"head2_{root.head.head.lemma_.lower()}")
    if root.dep_ == "pobj":
        words.append(f"prep_{root.head.lower_}_{root.head.head.lemma_.lower()}")
    return " ".join(words)


# -- labels from an annotation (training) ---------------------------------------------------------


def _fact_span(fact) -> TextSpan | None:
    span = fact.quote if fact.kind == "statement" and fact.quote else fact.evidence
    return None if span is None else TextSpan(span.start, span.end)


def _sentences(doc: Doc) -> list[Span]:
    return [s for s in doc.sents if s.text.strip()]


def sentence_labels_of(ann: AnnotatedDoc, doc: Doc) -> Iterator[tuple[Span, set[str]]]:
    """Each sentence of the parsed text with the labels the annotation gives it."""
    spans = [(f, _fact_span(f)) for f in ann.facts]
    for sent in _sentences(doc):
        here = TextSpan(sent.start_char, sent.end_char)
        labels: set[str] = set()
        for fact, span in spans:
            if span is None or not span.overlaps(here):
                continue
            if fact.kind == "outcome":
                if fact.raw["type"] in OUTCOME_TYPES:
                    labels.add(f"outcome:{fact.raw['type']}")
            else:
                labels.add(fact.kind)
        yield sent, labels


def _pipeline_mentions(doc: Doc) -> list[Mention]:
    from .furniture import find_furniture
    from .mentions import find_mentions

    return find_mentions(doc, tuple(find_furniture(doc.text)))


def mention_roles_of(ann: AnnotatedDoc, doc: Doc) -> Iterator[tuple[Span, Mention, set[str]]]:
    """Each (sentence, pipeline mention) with the roles the mention's annotated entity plays in
    facts the annotation states in that sentence."""
    gold = [(m.span.start, m.span.end, m.entity) for m in ann.mentions]
    spans = [(f, _fact_span(f)) for f in ann.facts]
    mentions = _pipeline_mentions(doc)
    for sent in _sentences(doc):
        here = TextSpan(sent.start_char, sent.end_char)
        facts = [f for f, span in spans if span is not None and span.overlaps(here)]
        for mention in mentions:
            if not here.contains(mention.span):
                continue
            best, entity = 0, None
            for start, end, eid in gold:
                overlap = min(end, mention.span.end) - max(start, mention.span.start)
                if overlap > best:
                    best, entity = overlap, eid
            roles: set[str] = set()
            if entity is not None:
                for fact in facts:
                    for arg, role in _ARG_ROLES[fact.kind].items():
                        if entity in fact.ids(arg):
                            roles.add(role)
            yield sent, mention, roles


# -- prediction -------------------------------------------------------------------------------


@functools.cache
def load_models(directory: str | None = None) -> tuple[Language, Language] | None:
    """The sentence and role models shipped in ``graph/models`` (None when not trained)."""
    import spacy

    root = Path(directory) if directory else MODEL_DIR
    if not (root / "sentences").is_dir() or not (root / "roles").is_dir():
        return None
    return spacy.load(root / "sentences"), spacy.load(root / "roles")


#: Decision thresholds (probabilities), chosen on the corpus dev split.
#: ``kind`` is the default of ``allegation``, ``investigation`` and ``membership``; ``role`` is
#: the threshold of every role (a fact whose sentence passes takes at least its likeliest player).
THRESHOLDS = {"kind": 0.2, "allegation": 0.3, "outcome": 0.3, "role": 0.05}


def find_learned_facts(
    doc: Doc,
    index: MentionIndex,
    skip: Sequence[TextSpan] = (),
    models: tuple[Language, Language] | None = None,
    thresholds: dict[str, float] | None = None,
) -> Iterator[Fact]:
    """Facts the learned models read in ``doc``, over the mentions of ``index``.

    Raises
    ------
    ExtractionError
        When no trained models are there (``graph/models`` empty: run ``make train``).
    """
    models = models or load_models()
    if models is None:
        raise ExtractionError(f"No trained fact models in '{MODEL_DIR}'; run `make train`")
    sentence_model, role_model = models
    t = {**THRESHOLDS, **(thresholds or {})}
    sents = [s for s in _sentences(doc) if not any(x.overlaps(_span(s)) for x in skip)]
    per_sent = [(s, index.in_span(s.start_char, s.end_char)) for s in sents]
    sent_cats = [d.cats for d in sentence_model.pipe(s.text for s in sents)]
    # the role model reads only the sentences that state a fact (the others make none)
    stating = [_states_a_fact(cats, t) for cats in sent_cats]
    texts = [
        marked(
            s.text,
            m.span.start - s.start_char,
            m.span.end - s.start_char,
            syntax_words(doc, m),
        )
        for (s, ms), yes in zip(per_sent, stating, strict=True)
        if yes
        for m in ms
    ]
    role_cats = iter([d.cats for d in role_model.pipe(texts)])
    for (sent, mentions), cats, yes in zip(per_sent, sent_cats, stating, strict=True):
        if yes:
            roles = {m: next(role_cats) for m in mentions}
            yield from _facts_of(sent, roles, cats, t)


def _states_a_fact(cats: dict[str, float], t: dict[str, float]) -> bool:
    """Whether a sentence passes the threshold of some fact :func:`_facts_of` can make."""
    if any(
        cats[kind] >= t.get(kind, t["kind"])
        for kind in ("allegation", "investigation", "membership")
    ):
        return True
    return any(p >= t["outcome"] for label, p in cats.items() if label.startswith("outcome:"))


def _span(sent: Span) -> TextSpan:
    return TextSpan(sent.start_char, sent.end_char)


def _with(roles: dict[Mention, dict[str, float]], role: str, t: float, types=None):
    """The mentions likely to play ``role``: those at or above ``t`` or, when there is none, the
    single likeliest one if it reaches a third of ``t`` (the sentence states the fact, so
    somebody plays the role)."""
    cands = {m: p[role] for m, p in roles.items() if types is None or m.type in types}
    found = tuple(m for m, p in cands.items() if p >= t)
    if found or not cands:
        return found
    best = max(cands, key=lambda m: (cands[m], -m.span.start))
    return (best,) if cands[best] >= t / 3 else ()


def _facts_of(
    sent: Span, roles: dict[Mention, dict[str, float]], cats: dict[str, float], t: dict
) -> Iterable[Fact]:
    evidence = _span(sent)
    name = "model"
    role_t = t["role"]
    if cats["allegation"] >= t.get("allegation", t["kind"]):
        against = _with(roles, "accused", role_t)
        if against:
            yield Allegation(
                evidence=evidence,
                extractor=f"{name}:allegation",
                confidence=round(cats["allegation"], 3),
                summary=" ".join(sent.text.split())[:160],
                against=against,
                made_by=tuple(m for m in _with(roles, "maker", role_t) if m not in against),
            )
    if cats["investigation"] >= t.get("investigation", t["kind"]):
        subjects = _with(roles, "subject", role_t)
        for a in _with(roles, "investigator", role_t, {"Organisation", "Person"}):
            for b in subjects:
                if a != b:
                    yield Investigation(
                        evidence=evidence,
                        extractor=f"{name}:investigation",
                        confidence=round(cats["investigation"], 3),
                        investigator=a,
                        subject=b,
                    )
    applies = _with(roles, "applies", role_t)
    deciders = tuple(m for m in _with(roles, "decider", role_t) if m not in applies)
    for label, p in cats.items():
        if not label.startswith("outcome:") or p < t["outcome"] or not applies:
            continue
        groups = [m for m in applies if m.type == "Group" and m.count is not None]
        yield Outcome(
            evidence=evidence,
            extractor=f"{name}:outcome",
            confidence=round(p, 3),
            type=label.removeprefix("outcome:"),
            applies_to=applies,
            decided_by=deciders,
            count=groups[0].count if len(applies) == 1 and groups else None,
        )
    if cats["membership"] >= t.get("membership", t["kind"]):
        orgs = _with(roles, "employer", role_t, {"Organisation"})
        for member in _with(roles, "member", role_t, {"Person", "Group"}):
            if orgs:
                org = min(orgs, key=lambda o: abs(o.span.start - member.span.start))
                yield Membership(
                    evidence=evidence,
                    extractor=f"{name}:membership",
                    confidence=round(cats["membership"], 3),
                    member=member,
                    organisation=org,
                    role=member.role,
                )
