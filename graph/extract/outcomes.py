"""Outcomes: findings, sanctions and responses, with who they apply to, how many and who decided.

Phrases of each outcome type are matched on lemmas (:data:`PATTERNS`, active and passive voice
alike: "were dismissed", "X dismissed Y", "the dismissal of Y"). Then, from the dependency parse:

- applies-to: the passive subject or active object of the outcome verb, else the clause subject;
  a bare number subject ("three were found ...") refers to the group counted nearby;
- count: digits or number words on that subject ("three", "Two of these guards", "Another");
  none inside a range ("five got penalties ranging from A to B" gives A and B, neither counted:
  the five is their shared ``range_count``);
- decided-by: the "by" agent, or the active subject of a deciding verb;
- negation: "no manager lost their job" is ``no-sanction``; other negated outcomes are dropped,
  and so are outcomes that the same clause reverses ("convictions ... were quashed").

Criticism and sustained findings come from inquiry findings
(:func:`graph.extract.clauses.findings`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from spacy.matcher import Matcher
from spacy.tokens import Doc, Span, Token

from ..model import Membership, Mention, Outcome, Statement, TextSpan
from .clauses import (
    ENTITY_TYPES,
    INQUIRY_NOUNS,
    agent_of,
    clause_subject,
    clause_verb,
    coordinated_persons,
    count_of,
    finding_outcome_type,
    findings,
    is_negated,
    pronoun_antecedent,
    sentence_span,
)
from .entities import title_length
from .mentions import MentionIndex, group_mention

__all__ = ["PATTERNS", "find_outcomes", "quoted_admissions"]


#: Plurals a phrase may take: "final written warnings", "cases to answer".
_PLURALS = {"warning": "warnings", "case": "cases"}


def _w(*words: str) -> list[dict]:
    return [{"LOWER": {"IN": [w, _PLURALS[w]]}} if w in _PLURALS else {"LOWER": w} for w in words]


def _lemma(lemma: str, pos: str = "VERB") -> dict:
    return {"LEMMA": lemma, "POS": pos}


#: Outcome slug -> token patterns (spaCy Matcher syntax). General phrasings only.
PATTERNS: dict[str, list[list[dict]]] = {
    "case-to-answer-gross-misconduct": [_w("case", "to", "answer", "for", "gross", "misconduct")],
    "case-to-answer-misconduct": [_w("case", "to", "answer", "for", "misconduct")],
    "no-case-to-answer": [_w("no", "case", "to", "answer")],
    "gross-misconduct-proven": [
        [{"LEMMA": "commit"}, {"LOWER": "gross"}, {"LOWER": "misconduct"}],
        _w("gross", "misconduct", "proven"),
        _w("gross", "misconduct", "was", "proven"),
        [{"LEMMA": "find"}, {"LOWER": "guilty"}, {"LOWER": "of"}, {"LOWER": "gross"}],
    ],
    "misconduct-proven": [
        [{"LEMMA": "commit"}, {"LOWER": "misconduct"}],
        [
            {"LEMMA": "breach"},
            {"LOWER": "the"},
            {"IS_LOWER": True, "OP": "?"},  # "the police standards of ..."
            {"LOWER": "standards"},
            {"LOWER": "of"},
        ],
        _w("misconduct", "proven"),
        _w("misconduct", "was", "proven"),
        [{"LEMMA": "find"}, {"LOWER": "guilty"}, {"LOWER": "of"}, {"LOWER": "misconduct"}],
    ],
    "not-proven": [_w("not", "proven")],
    "sustained": [
        [{"LEMMA": {"IN": ["uphold", "substantiate", "sustain"]}, "POS": "VERB"}],
    ],
    "not-sustained": [_w("not", "sustained"), _w("not", "substantiated"), _w("not", "upheld")],
    "unfounded": [_w("unfounded")],
    "exonerated": [
        [_lemma("exonerate")],
        [{"LOWER": "exonerated"}],  # the small model often tags the participle as ADJ
        [_lemma("clear"), {"LOWER": "of"}],
    ],
    "referral": [
        [
            {"LEMMA": {"IN": ["refer", "pass", "send"]}, "POS": "VERB"},
            {"OP": "{0,5}"},  # "referred a file of evidence to prosecutors"
            {"LOWER": "to"},
            {"OP": "?"},
            {"LOWER": {"IN": ["prosecutors", "cps", "crown", "prosecution"]}},
        ],
    ],
    "criminal-charge": [
        [_lemma("indict")],
        [{"LOWER": "indictment"}],
        [{"LEMMA": "charge", "POS": "VERB"}, {"LOWER": "with"}],
    ],
    "conviction": [
        [_lemma("convict")],
        [{"LOWER": {"IN": ["conviction", "convictions"]}}, {"LOWER": "of"}],
        [{"LEMMA": "find"}, {"LOWER": "guilty"}],
        [{"LEMMA": "plead"}, {"LOWER": "guilty"}],
    ],
    "acquittal": [
        [_lemma("acquit")],
        [{"LOWER": "acquitted"}],
        [{"LEMMA": "find"}, {"LOWER": "not"}, {"LOWER": "guilty"}],
    ],
    "no-further-action": [
        _w("no", "further", "action"),
        # "the charges against X were dropped", "prosecutors dropped the case"
        [{"LOWER": {"IN": ["charge", "charges"]}}, {"OP": "{0,5}"}, {"LEMMA": "drop"}],
        [{"LEMMA": "drop", "POS": "VERB"}, {"OP": "?"}, {"LOWER": {"IN": ["charges", "case"]}}],
        [{"LEMMA": "decide"}, {"LOWER": "not"}, {"LOWER": "to"}, {"LOWER": "charge"}],
    ],
    "admission": [
        [{"LEMMA": {"IN": ["admit", "apologise", "apologize"]}, "POS": "VERB"}],
        [{"LEMMA": "accept"}, {"LOWER": {"IN": ["responsibility", "liability"]}}],
        # a guilty plea is an admission (and a conviction)
        [{"LEMMA": "plead"}, {"LOWER": "guilty"}],
    ],
    "management-action": [_w("management", "action")],
    "reflective-practice": [_w("reflective", "practice")],
    "written-warning": [[{"LOWER": {"NOT_IN": ["final"]}}, *_w("written", "warning")]],
    "final-written-warning": [_w("final", "written", "warning")],
    "reduction-in-rank": [_w("reduction", "in", "rank"), [_lemma("demote")]],
    "dismissal": [
        [_lemma("dismiss")],
        [{"LOWER": "sacked"}],
        [_lemma("fire")],  # only of a person: see find_outcomes
        [{"LOWER": {"IN": ["contract", "contracts"]}}, {"LOWER": "terminated"}],
        [
            {"LEMMA": "lose"},
            {"LOWER": {"IN": ["their", "his", "her"]}},
            {"LOWER": {"IN": ["job", "jobs"]}},
        ],
    ],
    "would-have-been-dismissed": [_w("would", "have", "been", "dismissed")],
    "suspension": [[_lemma("suspend")]],
    "resignation": [
        [_lemma("resign")],
        [{"LOWER": "resignation"}],  # "announced his resignation"
        [{"LEMMA": {"IN": ["step", "stand"]}, "POS": "VERB"}, {"LOWER": "down"}],
    ],
    "retirement": [[_lemma("retire")]],
    "barred": [_w("barred", "list"), _w("barred", "from")],
    "custodial-sentence": [
        [
            {"LEMMA": "sentence", "POS": "VERB"},
            {"OP": "*", "IS_SENT_START": False},
            {"LOWER": {"IN": ["prison", "jail", "imprisonment", "custody"]}},
        ],
        [_lemma("jail")],
        [_lemma("imprison")],
        # "two received prison sentences", "was given a long jail term"
        [
            {"LEMMA": {"IN": ["receive", "serve", "get", "give", "hand"]}, "POS": "VERB"},
            {"OP": "?"},
            {"OP": "?"},
            {"LOWER": {"IN": ["prison", "jail", "custodial"]}},
            {"LOWER": {"IN": ["sentence", "sentences", "term", "terms"]}},
        ],
    ],
    "suspended-sentence": [_w("suspended", "sentence")],
    "probation": [_w("probation")],
    # "X was criticised by the inquiry", "the report criticised X" (kept only when an
    # organisation decides: see find_outcomes)
    "criticised": [[{"LEMMA": {"IN": ["criticise", "criticize", "condemn"]}, "POS": "VERB"}]],
    "fine": [
        [{"LEMMA": "fine", "POS": "VERB"}],
        # "ordered to pay a $5,000 fine", "pay a fine of"
        [{"LEMMA": "pay"}, {"OP": "?"}, {"OP": "?"}, {"OP": "?"}, {"LOWER": "fine"}],
    ],
    "compensation": [
        [
            {"LEMMA": {"IN": ["pay", "award"]}},
            {"OP": "{0,6}", "IS_SENT_START": False},  # "pay A$4.2 million in compensation"
            {"LOWER": {"IN": ["compensation", "restitution", "damages", "redress"]}},
        ]
    ],
}

#: Types whose negation means nobody was sanctioned.
_SANCTIONS = {
    "dismissal",
    "suspension",
    "reduction-in-rank",
    "final-written-warning",
    "written-warning",
    "management-action",
    "barred",
}
#: Types whose phrase carries its own negation ("not proven", "no case to answer").
_NEGATIVE_TYPES = {
    "not-proven",
    "not-sustained",
    "no-case-to-answer",
    "no-further-action",
    "acquittal",
    "unfounded",
}
#: Verbs that undo an outcome in the same clause.
_REVERSALS = {"quash", "overturn", "revoke", "set", "rescind"}
#: Types that are always the result of someone else's decision (a doer is the decider).
_DECIDED = {
    "dismissal",
    "conviction",
    "custodial-sentence",
    "exonerated",
    "criminal-charge",
    "suspension",
    "fine",
    "acquittal",
    "sustained",
}
#: Outcome types that state a finding on a person's conduct.
_FOUND_TYPES = {
    "case-to-answer-misconduct",
    "case-to-answer-gross-misconduct",
    "misconduct-proven",
    "gross-misconduct-proven",
    "conviction",
    "sustained",
}
#: Within a type's match, a more specific type that wins on overlap.
_SPECIFIC = {
    "written-warning": {"final-written-warning"},
    "case-to-answer-misconduct": {"case-to-answer-gross-misconduct"},
    "misconduct-proven": {"gross-misconduct-proven"},
    "dismissal": {"would-have-been-dismissed"},
    # "found guilty of gross misconduct" by a panel is no conviction
    "conviction": {"misconduct-proven", "gross-misconduct-proven"},
}

#: What a "sustained" / "upheld" verb must be about to be a finding on a complaint.
_FINDING_OBJECTS = {
    "allegation",
    "complaint",
    "claim",
    "appeal",
    "finding",
    "case",
    "charge",
    "grievance",
}
#: Nouns of officers: "both officers", "the two constables" refer to the officers named before.
_OFFICER_NOUNS = {"officer", "officers", "constable", "constables", "agent", "agents"}
_FIRST_PERSON = {"i", "we"}
#: Last words of the ranks of serving officers (chief officers, who lead forces, are not "the
#: officers" of a case).
_RANK_WORDS = {
    "pc",
    "wpc",
    "dc",
    "ds",
    "di",
    "sgt",
    "sergeant",
    "constable",
    "inspector",
    "officer",
    "agent",
    "trooper",
    "deputy",
    "detective",
}

_MATCHERS: dict[int, Matcher] = {}


def _matcher(doc: Doc) -> Matcher:
    key = id(doc.vocab)
    if key not in _MATCHERS:
        m = Matcher(doc.vocab)
        for slug, pats in PATTERNS.items():
            m.add(slug, pats)
        _MATCHERS[key] = m
    return _MATCHERS[key]


def _in_range(span: Span) -> bool:
    """True for a match inside "ranging from A (up) to B" or "from A to B"."""
    sent = span.sent
    doc = span.doc
    words = [t.lower_ for t in doc[sent.start : span.start]]
    return (
        "ranging" in words[-8:]
        or ("from" in words[-6:] and "to" in [t.lower_ for t in doc[span.end : sent.end]][:3])
        or ("from" in words[-8:] and "to" in words[-4:])
    )


def _applies_to(
    anchor: Token, slug: str, index: MentionIndex, sent: Span
) -> tuple[Mention | None, int | None, Mention | None]:
    """(applies-to mention, count, decided-by mention) for an outcome anchored at ``anchor``."""
    verb = clause_verb(anchor)
    decided = None
    target_tok = None
    # noun outcomes: "the conviction of both officers", "an indictment alleging that X ..."
    if anchor.pos_ == "NOUN":
        for c in anchor.children:
            if c.dep_ == "prep" and c.lower_ in {"of", "against"}:
                target_tok = next((p for p in c.children if p.dep_ == "pobj"), None)
            if c.dep_ == "poss" and target_tok is None:
                target_tok = c  # "his resignation"
        if target_tok is None:
            for c in anchor.subtree:
                if c.dep_ in {"nsubj", "nsubjpass"} and c.head.dep_ in {"ccomp", "acl", "advcl"}:
                    target_tok = c
                    break
    if (
        target_tok is None
        and verb.pos_ == "VERB"
        and verb.lemma_
        in {
            "dismiss",
            "convict",
            "sentence",
            "exonerate",
            "charge",
            "indict",
            "suspend",
            "fine",
            "acquit",
            "jail",
            "imprison",
            "clear",
            "demote",
            "bar",
            "criticise",
            "criticize",
            "condemn",
            "fire",
        }
    ):
        objs = [c for c in verb.children if c.dep_ == "dobj"]
        if objs:
            target_tok = objs[0]
            subj = clause_subject(verb)
            if subj is not None:
                decided = index.head_mention(subj, ("Organisation", "Person"))
    if target_tok is None and slug == "compensation":
        # "paid compensation to 23 former prisoners": the recipients
        for t in [verb, *verb.subtree]:
            if t.dep_ == "prep" and t.lower_ == "to" and t.head.i in {verb.i, anchor.i}:
                target_tok = next((p for p in t.children if p.dep_ == "pobj"), None)
                break
    if target_tok is None:
        # "gross misconduct was proven against X", "the charges against X were dropped"
        # "the allegations against X were found not proven" (the parser may hang the subject on
        # an auxiliary)
        subjects = [clause_subject(verb)] + [
            c
            for aux in verb.children
            if aux.dep_ in {"aux", "auxpass"}
            for c in aux.children
            if c.dep_ in {"nsubj", "nsubjpass"}
        ]
        for t in [anchor, verb, *(s for s in subjects if s is not None)]:
            against = [c for c in t.children if c.dep_ == "prep" and c.lower_ == "against"]
            pobj = [p for a in against for p in a.children if p.dep_ == "pobj"]
            if pobj:
                target_tok = pobj[0]
                break
    if target_tok is None:
        target_tok = clause_subject(verb)
    agent = agent_of(verb)
    if agent is not None and decided is None:
        decided = index.head_mention(agent, ("Organisation", "Person"))
    count = count_of(target_tok)
    target = None
    if target_tok is not None:
        target = index.at(target_tok, ENTITY_TYPES) or group_mention(target_tok)
        if target is None and target_tok.lower_ in {"he", "she", "him", "her"}:
            target = pronoun_antecedent(target_tok, index)  # "He was jailed for 12 years"
        if target is None:
            # "the former chief constable, Ann Hale,": the person in apposition
            apposed = [c for c in target_tok.children if c.dep_ == "appos"]
            target = next(filter(None, (index.at(c, ("Person",)) for c in apposed)), None)
        if target is None and title_length(target_tok.doc, target_tok.i):
            # "Eastbrook's council leader and her deputy resigned": the subject phrase
            left, right = target_tok.left_edge, target_tok.right_edge
            span = target_tok.doc[left.i : right.i + 1]
            target = Mention(
                TextSpan(span.start_char, span.end_char), "Group", span.text, span.text
            )
        if target is None:
            target = index.head_mention(target_tok, ENTITY_TYPES)
        if target is None:
            # "the school's governing body was criticised": the organisation it governs
            owner = [c for c in target_tok.children if c.dep_ == "poss"]
            target = index.at(owner[0], ("Organisation",)) if owner else None
        if target is None and (target_tok.like_num or target_tok.lower_ in {"another"}):
            # "three were found ...": the group counted in this sentence or just before
            groups = index.in_span(sent.start_char, sent.end_char, ("Group",)) or index.before(
                sent.start_char, ("Group",)
            )
            target = groups[0] if groups else None
    if target is None or target.span.start == anchor.idx:
        # "the charge was found not proven": the subject of the sentence's first clause
        root_subj = clause_subject(sent.root)
        if root_subj is not None and root_subj != target_tok:
            t = index.head_mention(root_subj, ENTITY_TYPES)
            if t is not None or root_subj.like_num or root_subj.lower_ == "another":
                target = t or target
                count = count if count is not None else count_of(root_subj)
                if target is None:
                    groups = index.before(sent.start_char, ("Group",))
                    target = groups[0] if groups else None
    return target, count, decided


def find_outcomes(doc: Doc, index: MentionIndex, skip=()) -> Iterator[Outcome]:
    """Yield the outcomes stated in a parsed document (see the module docstring)."""
    matches = _matcher(doc)(doc)
    spans: list[tuple[str, Span]] = []
    for match_id, start, end in matches:
        slug = doc.vocab.strings[match_id]
        spans.append((slug, doc[start:end]))
    # a specific type wins over the general one it contains
    kept = []
    for slug, span in spans:
        if any(
            other in _SPECIFIC.get(slug, ()) and o.start <= span.end and span.start <= o.end
            for other, o in spans
        ):
            continue
        kept.append((slug, span))
    seen: set[tuple[str, TextSpan, int | None]] = set()
    stated: set[TextSpan] = set()
    for slug, span in sorted(kept, key=lambda x: (x[1].start, x[0])):
        sent = span.sent
        evidence = TextSpan(sent.start_char, sent.end_char)
        if any(x.overlaps(evidence) for x in skip):
            continue
        anchor = span.root if slug != "written-warning" else span[1:].root
        verb = clause_verb(anchor)
        if any(t.lemma_ in _REVERSALS for t in [verb, *verb.children, *anchor.ancestors][:12]):
            continue
        if anchor.dep_ == "amod":
            continue  # "a convicted fraudster" describes, it does not report an outcome
        if slug != "would-have-been-dismissed" and _unreal(verb):
            continue  # "to consider whether X should be charged"
        if slug == "sustained" and not _about_complaint(anchor):
            continue  # "pledged to uphold the rules"
        negated = slug not in _NEGATIVE_TYPES and is_negated(anchor)
        target, count, decided = _applies_to(anchor, slug, index, sent)
        if slug == "misconduct-proven" and any(
            other == "dismissal" and o.sent == sent for other, o in kept
        ):
            slug = "gross-misconduct-proven"  # only gross misconduct can end in dismissal
        if slug == "admission" and (target is None or target.type == "Group"):
            subject = clause_subject(clause_verb(anchor))
            if subject is not None and subject.lower_ in _FIRST_PERSON:
                orgs = index.in_span(sent.start_char, sent.end_char, ("Organisation",))
                if len({o.name for o in orgs}) == 1:
                    target = orgs[0]  # "I apologise for the failings of X"
        targets: tuple[Mention, ...] = (target,) if target is not None else ()
        officers = _named_officers(target, count, index, sent) or coordinated_persons(target, index)
        if officers:
            targets, count = officers, None
        if negated:
            if slug not in _SANCTIONS:
                continue
            slug, count = "no-sanction", None
        elif slug == "dismissal" and span[0].lemma_ == "lose":
            continue  # losing a job is only an outcome when negated ("no officer lost ...")
        range_count = None
        if _in_range(span):
            range_count, count = count, None  # shared by both ends, not each end's own count
        if target is None:
            continue
        if slug == "criticised" and not _official_criticism(verb, decided):
            continue  # only an official body's criticism is an outcome, not anyone's
        if slug == "dismissal" and span[0].lemma_ == "fire" and not _fired_person(verb, index):
            continue  # "officers fired shots"
        if slug in _DECIDED and decided is not None and decided in targets:
            decided = None
        key = (slug, evidence, target.span.start)
        if key in seen:
            continue
        seen.add(key)
        if slug in _FOUND_TYPES:
            stated.add(evidence)
        yield Outcome(
            type=slug,
            applies_to=targets,
            count=count,
            range_count=range_count,
            decided_by=(decided,) if decided is not None else (),
            evidence=evidence,
            extractor=f"outcome-phrase:{slug}",
            confidence=0.8,
        )
    # a finding already stated as a specific outcome ("X was found to have committed gross
    # misconduct") is not also a general "sustained"
    yield from (
        o
        for o in _finding_outcomes(index, skip)
        if not (o.type == "sustained" and o.evidence in stated)
    )


_APOLOGY = re.compile(r"\b(?:I|we|We)\b[^.!?\"”]{0,60}?\b(?:sorry|apologi[sz]e)", re.IGNORECASE)


def quoted_admissions(
    doc: Doc, statements: Iterable[Statement], memberships: Iterable[Membership], done=()
) -> Iterator[Outcome]:
    """Apologies in quotes: '"I am sorry ...," said X' is X's admission; with "we" or "on
    behalf of ORG" it is the organisation's (X's own, when X is a person who belongs to one).

    ``done`` holds the evidence spans of admissions found already (by the verb "apologised").
    """
    orgs: dict[str, Mention] = {}
    for m in memberships:
        if not m.organisation.generic:  # "the council's chief executive": no name to hold
            orgs.setdefault(m.member.name, m.organisation)
    seen = set(done)
    text = doc.text  # spaCy rebuilds it on every access
    for st in statements:
        quote = text[st.quote_span.start : st.quote_span.end]
        found = _APOLOGY.search(quote)
        if found is None or not st.speakers:
            continue
        at = doc.char_span(
            st.quote_span.start + found.end() - 1,
            st.quote_span.start + found.end(),
            alignment_mode="expand",
        )
        if at is None:
            continue
        evidence = sentence_span(at[0])
        if evidence in seen:
            continue
        seen.add(evidence)
        speaker = st.speakers[0]
        sentence = text[evidence.start : evidence.end]
        behalf = re.search(r"on behalf of (?:the )?([A-Z][\w'’ ]+)", sentence)
        target = speaker
        if behalf or re.search(r"\b(?:we|We|our|Our)\b", found.group(0) + sentence):
            named = [
                m
                for m in st.speakers + tuple(orgs.values())
                if m.type == "Organisation" and behalf and m.name in behalf.group(1)
            ]
            if named:
                target = named[0]
            elif speaker.type == "Person" and speaker.name in orgs:
                target = orgs[speaker.name]
        yield Outcome(
            type="admission",
            applies_to=(target,),
            evidence=evidence,
            extractor="outcome-quote:admission",
            confidence=0.7,
        )


def _unreal(verb: Token) -> bool:
    """A clause that does not report what happened: with "should", "could", "may", "might" or
    "must", or asked after "whether" / "if"."""
    if any(
        c.dep_ == "aux" and c.lower_ in {"should", "could", "may", "might", "must"}
        for c in verb.children
    ):
        return True
    return any(c.dep_ == "mark" and c.lower_ in {"whether", "if"} for c in verb.children)


def _official_criticism(verb: Token, decided: Mention | None) -> bool:
    """Criticism by an organisation or an inquiry's report ("the review criticised X"), or in
    the passive with nobody named ("X was also criticised")."""
    if decided is not None:
        return decided.type == "Organisation"
    subj = [c for c in verb.children if c.dep_ == "nsubj"]
    if subj:
        return subj[0].lemma_.lower() in INQUIRY_NOUNS
    return not any(c.dep_ == "agent" for c in verb.children)


def _fired_person(verb: Token, index: MentionIndex) -> bool:
    """ "fired X" / "X was fired" of a person or group, not "fired shots"."""
    for c in verb.children:
        if c.dep_ in {"dobj", "nsubjpass"}:
            m = index.head_mention(c, ENTITY_TYPES)
            return m is not None and m.type in {"Person", "Group"}
    return False


def _about_complaint(anchor: Token) -> bool:
    """True when an "uphold" / "sustain" verb has a complaint or allegation as its object or
    passive subject (or is the adjective of one: "sustained allegations")."""
    verb = clause_verb(anchor)
    words = [c for c in verb.children if c.dep_ in {"dobj", "nsubjpass", "nsubj"}]
    if anchor.dep_ == "amod":
        words.append(anchor.head)
    return any(w.lemma_.lower() in _FINDING_OBJECTS for w in words)


def _named_officers(
    target: Mention | None, count: int | None, index: MentionIndex, sent: Span
) -> tuple[Mention, ...]:
    """The named officers a plural description refers to: "both officers", "the two officers",
    "the officers", when the document has named two or three persons with a rank or title
    before the end of this sentence (and their number agrees with any count)."""
    if target is None or target.type != "Group":
        return ()
    words = target.text.lower().split()
    first = index.doc.char_span(target.span.start, target.span.end, alignment_mode="expand")
    if first is not None and first.start > 0:
        before = index.doc[first.start - 1].lower_
        if before in {"the", "these"} and words and words[0] not in {"both", "the", "these"}:
            words = [before, *words]  # a group's name drops its article: "(the) officers"
    if not words or words[-1] not in _OFFICER_NOUNS or words[0] not in {"both", "the", "these"}:
        return ()
    if len(words) > 3:
        return ()
    persons: dict[str, Mention] = {}
    for m in index.before(sent.end_char, ("Person",)):
        role = (m.role or "").lower().split()
        if not role or role[-1] not in _RANK_WORDS or "chief" in role:
            continue
        if m.name.split()[-1] not in persons:
            persons[m.name.split()[-1]] = m
    k = len(persons)
    if not 2 <= k <= 3 or (count is not None and count != k) or (words[0] == "both" and k != 2):
        return ()
    return tuple(sorted(persons.values(), key=lambda m: m.span))


def _finding_outcomes(index: MentionIndex, skip) -> Iterator[Outcome]:
    """'The report concluded the force failed ...' -> criticised; 'She found that X abused ...'
    -> sustained."""
    for f in findings(index.doc, index):
        evidence = sentence_span(f.verb)
        if any(x.overlaps(evidence) for x in skip):
            continue
        slug = finding_outcome_type(f, index)
        if slug is None:
            continue
        yield Outcome(
            type=slug,
            applies_to=(f.subject,),
            decided_by=(f.finder,) if f.finder is not None else (),
            evidence=evidence,
            extractor=f"outcome-finding:{slug}",
            confidence=0.7,
        )
