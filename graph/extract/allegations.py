"""Allegations: claims of wrongdoing against an entity, who made them and how many.

Rules (the ``extractor`` name of each fact):

- ``counted``: "N allegations / complaints (made) by G (against Y)";
- ``allegation-that``: claim nouns and the verb *allege*: "allegations (made) against Y",
  "complaints involving Y", "allegations that Y stole ..., lied ... and ..." (one allegation per
  coordinated claim), "an indictment alleging that Y ...", "Y is alleged to have ...", "Y denied
  the allegations";
- ``accusation``: verbs that accuse, with the wrong they name: "Y was accused of / charged with /
  suspected of / indicted for ...", "X accused Y of ...", "Y was wrongly convicted of ...";
- ``wrongdoing-clause``: a clause whose subject is an organisation, its officers or a person and
  whose verb is a wrong or a failing ("officers mocked the callers", "X failed to
  safeguard", "PC X kicked him ...", "X committed offences", "X allegedly paid ...");
- ``failing-clause``: omissions and unmet duties: "staff did nothing", "the council took no
  action", "managers were not diligent in ...";
- ``harm-clause``: "the decisions of X caused hardship, distress and injury";
- ``wrongdoing-noun``: a wrong named as a noun with its doer: "the fraud committed by X",
  "the guards' use of force against ...", "her alleged misconduct", "failings by X".

Claims stay claims: nothing here says they were proven (that is an Outcome). So a clause that an
inquiry reports as a finding amounting to an outcome ("The panel found that X had assaulted ...",
"the review concluded the trust failed ...", see
:func:`~graph.extract.clauses.finding_outcome_type`) and a wrong named as the ground of an outcome
("a case to answer for ...", "convicted of ...", "dismissed for ...") give no allegation; nor do
negated, hypothetical or generic clauses, withdrawn or fabricated claims, and headings (which
restate the body). One claim is one allegation: coordinated wrongs of one subject ("stole ... and
lied ...") and the sentences that go on to detail one person's wrong ("X punched the prisoner. X
then kicked him twice.") add none.

Safeguarding: the ``against`` target is never a victim (a victim noun, the object of the wrong,
the subject of a passive wrong without its agent, a pronoun whose nearest antecedent is not an
accused person), and never a group the text describes by ethnicity, nationality or religion.
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
    clause_verb,
    conjuncts,
    coordinated_persons,
    count_of,
    finding_outcome_type,
    findings,
    is_heading,
    is_negated,
    sentence_span,
)
from .lexicon import (
    ACCUSATION_VERBS,
    ALLEGED_WORDS,
    CLAIM_NOUNS,
    DISCREDITING_WORDS,
    DUTY_ADJECTIVES,
    DUTY_HOLDERS,
    FAILURE_NOUNS,
    GROUP_NOUNS,
    HARM_NOUNS,
    OUTCOME_GROUNDS,
    TITLES,
    VICTIM_NOUNS,
    WRONGDOING_NOUNS,
    WRONGFUL_ADVERBS,
)
from .mentions import MentionIndex, main_force, victim_group

__all__ = ["find_allegations"]

#: Verbs of failing: "X failed to act", "staff blamed patients", "X ignored warnings".
_FAILING_VERBS = {"fail", "blame", "ignore", "neglect", "mislead"}
#: Wrongdoing verbs of :data:`WRONGDOING` too broad to stand alone ("the force accepted ...").
_AMBIGUOUS_WRONGS = {"accept", "offence", "offending", "misconduct", "theft", "fraud"}
_WRONG_VERBS = (WRONGDOING - _AMBIGUOUS_WRONGS) | {"defraud", "embezzle", "molest", "torture"}
#: Phrasal verbs of wrongdoing, with their particle: "covered up", "hushed up".
_PHRASAL_WRONGS = {"cover": "up", "hush": "up", "beat": "up"}
#: Words by which a text judges a use of force justified.
_JUSTIFIED = {"reasonable", "proportionate", "justified", "lawful", "necessary", "appropriate"}
#: Words that make a use of force a wrong: "excessive force", "force against a girl".
_FORCE_WRONG = {"excessive", "unreasonable", "unlawful", "unnecessary", "disproportionate"}
#: Verbs of violence, whose object must be a person to make them a wrong ("struck a deal").
_VIOLENCE_VERBS = {"attack", "strike", "beat", "kick", "punch", "slap", "spray", "assault"}
#: Objects of "miss" that make it a failing: "missed opportunities to protect her".
_MISSED = {"chance", "opportunity", "sign", "warning", "signal"}
#: Verbs that make, have or report a claim or a failing: negated, there is none.
_MAKING_VERBS = {"make", "receive", "bring", "file", "lodge", "raise", "face", "have", "be", "find"}
#: Verbs of duties whose negation is an omission: "did not investigate", "chose not to act".
_DUTY_VERBS = {
    "act",
    "intervene",
    "respond",
    "investigate",
    "record",
    "refer",
    "protect",
    "safeguard",
    "follow",
}
#: Manner adverbs that make a negated act an exoneration: "did not act improperly".
_WRONG_MANNER = {
    "improperly",
    "unlawfully",
    "inappropriately",
    "wrongly",
    "illegally",
    "dishonestly",
    "unreasonably",
}
#: Claim nouns that always claim a wrong; other claims ("claim", "case") must name one.
_WRONG_CLAIMS = {"allegation", "complaint", "accusation", "charge", "grievance"}
#: Further words by which a clause names a wrong: "acted unlawfully", "was negligent".
_WRONG_WORDS = {
    "unlawfully",
    "illegally",
    "improperly",
    "dishonestly",
    "negligent",
    "unlawful",
    "illegal",
    "corrupt",
    "false",
    "falsely",
    "racist",
    "sexist",
    "excessive",
    "cover",
    "bribe",
}
_POLICE_WORDS = {"police", "officers", "officer", "force", "constabulary"}
_PERSON_PRONOUNS = {"he", "she", "him", "her", "his"}
_RELATIVES = {"who", "that", "which"}
#: Modal auxiliaries of clauses that do not state that something happened.
_HYPOTHETICAL = {"may", "might", "could", "would", "can", "will", "must"}
#: Participles that attach a target or a complainant to a claim noun: "allegations made against".
_CLAIM_ACL = {"make", "bring", "lodge", "level", "file", "raise", "lay", "submit"}
#: Participles and prepositions that name what a claim is about: "complaints involving X".
_TOPIC_ACL = {"involve", "concern", "regard"}
_TOPIC_PREPS = {"about", "concerning", "regarding", "involving"}
#: Verbs whose subject answers a claim noun: "X denied the allegations".
_ANSWER_VERBS = {"deny", "dispute", "contest", "face", "reject", "defend", "settle"}
#: Modifiers that make "action" a legal claim: "a group action", "legal action".
_LEGAL_ACTION = {"legal", "group", "class", "civil", "court"}
#: Verbs that commit a wrong named by their object: "committed offences".
_COMMIT_VERBS = {"commit", "perpetrate"}
#: Verbs by which something causes a harm: "caused hardship".
_CAUSE_VERBS = {"cause", "inflict"}
#: Verbs by which an inquiry or a tribunal states what it established.
_FINDING_VERBS = {"find", "conclude", "establish", "determine", "rule", "prove", "confirm"}
_CLAUSE_DEPS = {"ROOT", "ccomp", "conj", "relcl", "xcomp", "advcl", "csubj"}


def _summary(tok: Token, without_conjuncts: bool = False) -> str:
    """The words of ``tok``'s phrase, without coordinated clauses when asked."""
    skip: set[int] = set()
    if without_conjuncts:
        for c in tok.children:
            if c.dep_ in {"conj", "cc"} or (c.dep_ == "punct" and c.i > tok.i):
                skip.update(t.i for t in c.subtree)
    words = [t.text_with_ws for t in tok.subtree if t.i not in skip]
    text = "".join(words).strip().strip(",;")
    return text if len(text) <= 160 else text[:157].rstrip() + "..."


def _is_hypothetical(verb: Token) -> bool:
    return any(c.dep_ == "aux" and c.lower_ in _HYPOTHETICAL for c in verb.children)


def _negated_noun(noun: Token) -> bool:
    """ "no allegations", "no failures", "did not make a complaint" ("did not substantiate the
    allegation" still reports one)."""
    if any(c.dep_ == "det" and c.lower_ in {"no", "none"} for c in noun.children):
        return True
    head = noun.head
    return (
        head.pos_ in {"VERB", "AUX"}
        and head.lemma_.lower() in _MAKING_VERBS
        and any(c.dep_ == "neg" for c in head.children)
    )


def _governing_subject(verb: Token) -> Token | None:
    """The subject of ``verb``, also through a noun it complements: "X made an effort to
    conceal ..." -> X."""
    t = verb
    for _ in range(6):
        s = clause_subject(t)
        if s is not None:
            return s
        if (
            t.dep_ in {"acl", "xcomp"}
            and t.head.pos_ in {"NOUN", "PROPN"}
            and t.head.head != t.head
        ):
            t = t.head.head
            continue
        return None
    return None


def _personal(tok: Token) -> bool:
    """True when ``tok`` can name a person hurt by a violent act: a pronoun, a name, a noun of
    people."""
    if tok.pos_ in {"PRON", "PROPN"} or tok.ent_type_ == "PERSON":
        return True
    word = tok.lemma_.lower()
    return word in VICTIM_NOUNS or word in GROUP_NOUNS or tok.lower_ in GROUP_NOUNS


def _things_only(verb: Token) -> bool:
    """True when ``verb`` has objects and none of them is a person ("struck a deal")."""
    objs = [c for c in verb.children if c.dep_ in {"dobj", "dative"}]
    return bool(objs) and not any(_personal(o) for o in objs)


def _speaks_of_wrong(clause: Token) -> bool:
    """True when a clause names a wrong or a failing ("that he knew of the abuse"), as a bare
    claim or denial must to be an allegation ("the claim that officers acted lawfully" is not).
    """
    words = {t.lemma_.lower() for t in clause.subtree} | {t.lower_ for t in clause.subtree}
    return bool(
        words & (_WRONG_VERBS | WRONGDOING_NOUNS | FAILURE_NOUNS | _FAILING_VERBS | _WRONG_WORDS)
    )


def _noun_phrase_path(prep: Token, noun: Token) -> bool:
    """True when ``prep`` hangs off ``noun`` through prepositional phrases only."""
    t = prep.head
    for _ in range(6):
        if t == noun:
            return True
        if t.dep_ not in {"pobj", "prep"}:
            return False
        t = t.head
    return False


def _outcome_ground(noun: Token) -> bool:
    """True when ``noun`` names the wrong an outcome was given for: "a case to answer for
    misconduct", "the conviction of two guards for assault", "sacked for gross misconduct".
    """
    t = noun
    for _ in range(8):
        if t.head == t:
            return False
        t = t.head
        if t.lemma_.lower() in OUTCOME_GROUNDS:
            return True
        if t.pos_ in {"VERB", "AUX"} and t.dep_ not in {"xcomp", "acl", "relcl"}:
            return any(
                c.lemma_.lower() in OUTCOME_GROUNDS for c in t.subtree if c.i < noun.i
            ) and any(c.lower_ == "for" for c in t.subtree if c.i < noun.i)
    return False


class _Finder:
    """The allegations of one document, found rule by rule and emitted once each."""

    def __init__(self, doc: Doc, index: MentionIndex, skip: tuple[TextSpan, ...]):
        self.doc = doc
        self.index = index
        self.skip = skip
        self.force = main_force(index)
        self.sents = list(doc.sents)
        text = doc.text
        #: start of each sentence -> whether it is a heading
        self.heading = {s.start_char: is_heading(s[0], text) for s in self.sents if len(s)}
        #: (sentence start, surname) of the persons whose wrongs a sentence narrates
        self.narrated: set[tuple[int, str]] = set()
        self.title_end = self.sents[0].end_char
        self.out: list[Allegation] = []
        self.keys: set[tuple[int, TextSpan, int]] = set()
        #: clause verb -> targets already held against its subject (coordinated wrongs merge)
        self.clause_targets: dict[int, set[TextSpan]] = {}
        self.proven = {
            f.clause.i for f in findings(doc, index) if finding_outcome_type(f, index) is not None
        }

    # ---- targets -----------------------------------------------------------------------------

    def antecedent(self, tok: Token) -> Mention | None:
        """The person "he" / "his" refers to: the nearest person, or single officer ("an
        officer"), named before it in the same sentence; else None (a pronoun reaching further
        back may be the victim's)."""
        for m in self.index.before(tok.idx, ("Person", "Group")):
            if m.span.start < tok.sent.start_char:
                return None
            if m.type == "Person":
                return m
            if m.count == 1:  # the nearest single person decides: "a woman ... she" is hers
                return m if m.text.split()[-1].lower() in DUTY_HOLDERS else None
        return None

    def described_person(self, tok: Token) -> Mention | None:
        """ "the (former) police chief": a person named before with that title, else the force
        when the description is a police one."""
        if (tok.lower_,) not in TITLES or not any(
            c.dep_ == "det" and c.lower_ == "the" for c in tok.children
        ):
            return None
        for m in self.index.before(tok.idx, ("Person",)):
            if m.role and tok.lower_ in m.role.lower().split():
                return m
            if m.role:
                continue
            span = self.doc.char_span(m.span.start, m.span.end, alignment_mode="expand")
            # "Former chief of the Eastbrook Police Department, Carl Dunn": a person without
            # another title named in a sentence that gives the title
            if span is not None and any(
                t.lower_ == tok.lower_ and t.i != tok.i and not t.ent_type_ for t in span.sent
            ):
                return m
        words = {t.lower_ for t in tok.subtree}
        if words & _POLICE_WORDS and self._police_force() is not None:
            return self.force
        return None

    def _police_force(self) -> Mention | None:
        """The document's force when its name says police ("Transport Ministry" does not)."""
        if self.force is None:
            return None
        names = {w.lower() for w in self.force.name.split()}
        return self.force if names & {"police", "constabulary", "force"} else None

    def accused(self, tok: Token | None) -> Mention | None:
        """The entity ``tok`` names as a wrongdoer, or None (victims, ethnic groups, unknowns)."""
        if tok is None:
            return None
        if tok.lower_ in _RELATIVES and tok.head.dep_ == "relcl":
            tok = tok.head.head
        if tok.lower_ in VICTIM_NOUNS or tok.lemma_.lower() in VICTIM_NOUNS:
            return None
        if tok.pos_ == "PRON":
            return self.antecedent(tok) if tok.lower_ in _PERSON_PRONOUNS else None
        # "the council's chief executive, Paul Barr": the person in apposition
        appos = [self.index.at(c, ("Person",)) for c in tok.children if c.dep_ == "appos"]
        m = self.index.at(tok, ENTITY_TYPES)
        if m is None or m.type == "Group":
            m = next((a for a in appos if a), None) or m
        if m is None:
            # the nearest mention inside the phrase that is no victim: "the council's
            # children's services department" -> the council
            m = next(
                (
                    c
                    for c in self.index.in_subtree(tok, ENTITY_TYPES)
                    if not (c.type == "Group" and victim_group(c))
                ),
                None,
            )
        if m is None:
            m = self.described_person(tok)
            if m is None and tok.lower_ in _POLICE_WORDS:
                m = self.force
            return m
        if m.type == "Group":
            if victim_group(m):
                return None
            # never a group labelled by ethnicity, nationality or religion
            if any(t.ent_type_ == "NORP" for t in tok.subtree):
                return None
            if self.force is not None and tok.lower_ in _POLICE_WORDS:
                return self.force
        return m

    def party(self, tok: Token | None) -> Mention | None:
        """Who made a claim: any organisation, person or group (victims included)."""
        if tok is None:
            return None
        return self.index.head_mention(tok, ENTITY_TYPES)

    def elaborates(self, tok: Token, target: Mention) -> bool:
        """True when the sentence before ``tok``'s already holds the same person to account: a
        narrative sentence that details one person's wrong ("X punched the prisoner ... X
        then kicked him twice") adds no new claim."""
        if target.type != "Person":
            return False
        start = tok.sent.start_char
        prev = [s for s in self.sents if s.end_char <= start and not self.heading[s.start_char]]
        if not prev:
            return False
        last = target.name.split()[-1].lower()
        self.narrated.add((start, last))
        return (prev[-1].start_char, last) in self.narrated

    def wrongful_force(self, use: Token) -> bool:
        """ "use of force" as a wrong: excessive, or against someone, and not judged justified
        in its sentence ("the use of force was reasonable")."""
        words = list(use.subtree)
        end = use.right_edge.i + 1
        if end < len(use.doc):
            words.append(use.doc[end])  # "use of force against ...", the parser's attachment aside
        if not any(
            t.lower_ in _FORCE_WRONG or (t.dep_ == "prep" and t.lower_ in {"against", "on"})
            for t in words
        ):
            return False
        return not any(
            t.lower_ in _JUSTIFIED and not any(c.dep_ == "neg" for c in t.head.children)
            for t in use.sent
        )

    def found(self, verb: Token, subj: Token | None) -> bool:
        """True when ``verb``'s clause is what someone found or concluded and amounts to an
        outcome: a person found to have done a wrong (sustained), an organisation or a group
        named with its organisation found to have failed (criticised)."""
        t = verb
        while t.dep_ == "conj" and t.head != t:
            t = t.head
        if t.dep_ != "ccomp" or t.head.lemma_.lower() not in _FINDING_VERBS or subj is None:
            return False
        if is_negated(t.head):
            return False
        raw = self.index.head_mention(subj, ENTITY_TYPES)
        if raw is None:
            return False
        if raw.type == "Person" or (raw.type == "Group" and raw.count == 1):
            return True  # a person, or one described by role ("the lieutenant")
        if raw.type == "Organisation":
            return True
        return any(m.type == "Organisation" for m in self.index.in_subtree(subj, ENTITY_TYPES))

    # ---- output ------------------------------------------------------------------------------

    def emit(
        self,
        key: Token,
        against,
        made_by=(),
        *,
        summary: str,
        rule: str,
        confidence: float,
        count: int | None = None,
    ) -> bool:
        ev = sentence_span(key)
        if ev.start < self.title_end or any(x.overlaps(ev) for x in self.skip):
            return False
        if self.heading.get(key.sent.start_char, False):
            return False
        against = tuple(
            dict.fromkeys(
                m
                for a in against
                if a is not None
                for m in (coordinated_persons(a, self.index) or (a,))
            )
        )
        if not against:
            return False
        k = (ev.start, against[0].span, key.i)
        if k in self.keys:
            return False
        self.keys.add(k)
        for m in against:
            if m.type == "Person":
                self.narrated.add((key.sent.start_char, m.name.split()[-1].lower()))
        self.clause_targets.setdefault(key.i, set()).add(against[0].span)
        made_by = tuple(dict.fromkeys(m for m in made_by if m is not None and m not in against))
        self.out.append(
            Allegation(
                summary=summary,
                against=against,
                made_by=made_by,
                count=count,
                evidence=ev,
                extractor=rule,
                confidence=confidence,
            )
        )
        return True

    def claimed_clause(self, verb: Token, made_by, rule: str) -> bool:
        """Emit one allegation per coordinated clause of a claim ("that Y stole ... and lied")."""
        done = False
        for c in conjuncts(verb):
            if c.pos_ not in {"VERB", "AUX"}:
                continue
            target = self.accused(clause_subject(c))
            done |= self.emit(
                c,
                [target],
                made_by,
                summary=_summary(c, without_conjuncts=True),
                rule=rule,
                confidence=0.75,
            )
        return done

    # ---- rules -------------------------------------------------------------------------------

    def claim_noun(self, tok: Token) -> None:
        """ "allegations (made) against Y", "complaints involving Y", "allegations that ..."."""
        lemma = tok.lemma_.lower()
        legal_action = lemma == "action" and any(
            c.dep_ in {"amod", "compound"} and c.lower_ in _LEGAL_ACTION for c in tok.children
        )
        if tok.pos_ != "NOUN" or not (lemma in CLAIM_NOUNS or legal_action):
            return
        if _negated_noun(tok):
            return
        if tok.head.lemma_.lower() in DISCREDITING_WORDS or any(
            c.dep_ == "amod" and c.lower_ in DISCREDITING_WORDS for c in tok.children
        ):
            return  # "withdrew the allegations", "false claims"
        if lemma == "case" and not any(
            c.dep_ == "prep"
            and c.lower_ == "of"
            and any(
                p.lemma_.lower() in WRONGDOING_NOUNS
                or any(a.lower_ in ALLEGED_WORDS for a in p.children)
                for p in c.children
            )
            for c in tok.children
        ):
            return  # "a case to answer", "in many cases": only "cases of (alleged) misconduct"
        against: list[Mention | None] = []
        made_by: list[Mention | None] = []
        clause = None
        for c in tok.children:
            if (c.dep_ == "prep" and c.lower_ == "against") or (
                c.dep_ == "prep" and c.lower_ in _TOPIC_PREPS
            ):
                against += [self.accused(p) for p in c.children if p.dep_ == "pobj"]
            elif c.dep_ == "prep" and c.lower_ in {"by", "from"}:
                made_by += [self.party(p) for p in c.children if p.dep_ == "pobj"]
            elif c.dep_ == "prep" and c.lower_ == "of":
                # "allegations of misconduct by X", "cases of alleged misconduct against X"
                for p in c.children:
                    for b in p.children:
                        if b.dep_ == "prep" and b.lower_ in {"by", "against"}:
                            against += [self.accused(q) for q in b.children if q.dep_ == "pobj"]
            elif c.dep_ in {"acl", "relcl"} and c.lemma_.lower() in _CLAIM_ACL:
                # "allegations made against Y by G", "the complaint that G made against Y"
                made_by += [self.party(a) for a in c.children if a.dep_ == "nsubj"]
                for a in c.children:
                    if a.dep_ == "prep" and a.lower_ == "against":
                        against += [self.accused(p) for p in a.children if p.dep_ == "pobj"]
                    if a.dep_ == "agent" or (a.dep_ == "prep" and a.lower_ == "by"):
                        made_by += [self.party(p) for p in a.children if p.dep_ == "pobj"]
            elif c.dep_ == "acl" and c.lemma_.lower() in _TOPIC_ACL:
                for a in c.children:
                    if a.dep_ == "dobj":
                        against += [self.accused(p) for p in conjuncts(a)]
            elif (
                c.dep_ in {"acl", "ccomp", "relcl"}
                and c.pos_ in {"VERB", "AUX"}
                and any(
                    s.dep_ in {"nsubj", "nsubjpass"} and s.lower_ not in _RELATIVES
                    for s in c.children
                )
                and (
                    c.dep_ != "relcl"
                    or any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children)
                )
            ):
                clause = c  # "allegations that Y ...", also when parsed as a relative clause
            elif c.dep_ in {"acl", "ccomp"} and c.left_edge.lower_ == "that":
                # a that-clause the parser read as a noun phrase: "allegations that a clerk,
                # X, forged ...": its head names the accused
                against.append(self.accused(c))
        head = tok.head
        if (
            not any(against)
            and tok.dep_ == "dobj"
            and head.lemma_.lower() in _ANSWER_VERBS
            and not is_negated(head)
            and not _is_hypothetical(head)
        ):
            # "X denied the allegations", "X tried to settle a class action"
            against.append(self.accused(_governing_subject(head)))
        if clause is not None:
            if not (lemma in _WRONG_CLAIMS or _speaks_of_wrong(clause)):
                return  # "the claim that officers acted lawfully"
            if self.claimed_clause(clause, made_by, "allegation-that"):
                return
        count = count_of(tok)
        if (
            (count or any(made_by))
            and not any(against)
            and lemma in {"allegation", "complaint"}
            and self.force is not None
            and not any(
                m.name == self.force.name
                for m in self.index.in_span(tok.sent.start_char, tok.sent.end_char)
            )
        ):
            # counted complaints with no target, in a document about a force that the sentence
            # does not name in another part (investigator, recipient): against the force
            against = [self.force]
        self.emit(
            tok,
            against,
            made_by,
            summary=_summary(tok),
            rule="counted" if count else "allegation-that",
            confidence=0.75,
            count=count,
        )

    def allege_verb(self, tok: Token) -> None:
        """ "an indictment alleging that Y stole ...", "Y is alleged to have ..."."""
        if tok.lemma_.lower() != "allege" or tok.pos_ != "VERB" or is_negated(tok):
            return
        made_by = [self.party(c) for c in tok.children if c.dep_ == "nsubj"]
        for c in tok.children:
            if c.dep_ == "ccomp":
                self.claimed_clause(c, made_by, "allegation-that")
        subj = [c for c in tok.children if c.dep_ == "nsubjpass"]
        xcomp = [c for c in tok.children if c.dep_ == "xcomp"]
        if subj and xcomp and subj[0].lower_ != "it":
            made_by = [self.party(p) for a in tok.children if a.dep_ == "agent" for p in a.children]
            self.emit(
                xcomp[0],
                [self.accused(subj[0])],
                made_by,
                summary=_summary(tok),
                rule="allegation-that",
                confidence=0.75,
            )

    def denial(self, tok: Token) -> None:
        """A denial answers a claim: "X denied that he had known of the abuse", "X denies any
        wrongdoing" (the claim is held against whom it concerns; nothing says it is true)."""
        if tok.lemma_.lower() != "deny" or tok.pos_ != "VERB" or is_negated(tok):
            return
        for c in tok.children:
            if c.dep_ == "ccomp" and c.pos_ in {"VERB", "AUX"} and _speaks_of_wrong(c):
                self.claimed_clause(c, [], "allegation-that")
            elif c.dep_ == "dobj" and c.lemma_.lower() in WRONGDOING_NOUNS:
                self.emit(
                    c,
                    [self.accused(clause_subject(tok))],
                    summary=_summary(tok),
                    rule="allegation-that",
                    confidence=0.7,
                )

    def accusation(self, tok: Token) -> None:
        """ "Y was charged with fraud", "X accused Y of ...", "Y was wrongly convicted of ..."."""
        lemma = tok.lemma_.lower()
        if tok.pos_ != "VERB" or is_negated(tok) or _is_hypothetical(tok):
            return
        preps = ACCUSATION_VERBS.get(lemma)
        if lemma == "convict" and any(c.lower_ in WRONGFUL_ADVERBS for c in tok.children):
            preps = {"of", "for"}
        if not preps:
            return
        # the preposition that names the wrong, attached anywhere in the verb's own clause
        # ("convicted in 2004 and 2006 of fraud")
        wrong = [
            c
            for c in tok.subtree
            if c.i > tok.i
            and c.dep_ == "prep"
            and c.lower_ in preps
            and clause_verb(c.head) == tok
            and any(p.dep_ in {"pobj", "pcomp"} for p in c.children)
        ]
        if not wrong:
            return
        passive = [c for c in tok.children if c.dep_ == "nsubjpass"]
        if passive:
            if passive[0].lower_ in _RELATIVES and tok.dep_ == "relcl":
                targets = [self.accused(tok.head)]
            else:
                targets = [self.accused(c) for c in conjuncts(passive[0])]
            made_by = [self.party(p) for a in tok.children if a.dep_ == "agent" for p in a.children]
        else:
            objs = [c for c in tok.children if c.dep_ == "dobj"]
            if not objs:
                return
            targets = [self.accused(c) for c in conjuncts(objs[0])]
            made_by = [self.party(clause_subject(tok))]
        if lemma == "blame" and not any(targets):
            return  # "staff blamed patients for ...": a failing, see wrongdoing_clause
        self.emit(
            tok,
            targets,
            made_by,
            summary=_summary(tok),
            rule="accusation",
            confidence=0.75,
        )

    def wrongdoing_clause(self, tok: Token) -> None:
        """A clause whose subject did a wrong, failed a duty or caused a harm."""
        if tok.pos_ not in {"VERB", "AUX"} or tok.dep_ not in _CLAUSE_DEPS:
            return
        lemma = tok.lemma_.lower()
        kids = list(tok.children)
        objs = [c for c in kids if c.dep_ in {"dobj", "attr"}]
        alleged = any(c.dep_ == "advmod" and c.lower_ in ALLEGED_WORDS for c in kids)
        rule = None
        if (
            lemma in _FAILING_VERBS
            or lemma in _WRONG_VERBS
            or (
                lemma in _COMMIT_VERBS
                and any(o.lemma_.lower() in WRONGDOING_NOUNS for c in objs for o in conjuncts(c))
            )
        ):
            rule = "wrongdoing-clause"
        elif lemma in _CAUSE_VERBS and any(
            o.lemma_.lower() in HARM_NOUNS for c in objs for o in c.subtree
        ):
            rule = "harm-clause"
        elif lemma in _PHRASAL_WRONGS and any(
            c.dep_ == "prt" and c.lower_ == _PHRASAL_WRONGS[lemma] for c in kids
        ):
            rule = "wrongdoing-clause"  # "covered up the abuse"
        elif alleged:
            rule = "wrongdoing-clause"
        failing = False
        if rule is None:
            # omissions: "did nothing", "took no action", "were not diligent in ..."
            if (lemma == "do" and any(o.lower_ == "nothing" for o in objs)) or (
                lemma == "take"
                and any(any(d.dep_ == "det" and d.lower_ == "no" for d in o.children) for o in objs)
            ):
                failing = True
            elif (
                lemma in _DUTY_VERBS
                and is_negated(tok)
                and not any(c.dep_ == "advmod" and c.lower_ in _WRONG_MANNER for c in kids)
            ):
                failing = True  # "officers chose not to act", "the force did not investigate"
            elif lemma == "miss" and any(o.lemma_.lower() in _MISSED for o in objs):
                failing = True  # "missed chances to stop him"
            elif lemma == "be" and any(c.dep_ == "neg" for c in kids):
                failing = any(
                    c.dep_ == "acomp" and c.lemma_.lower() in DUTY_ADJECTIVES for c in kids
                )
            if not failing:
                return
            rule = "failing-clause"
        elif is_negated(tok) or _is_hypothetical(tok):
            return
        elif tok.dep_ == "relcl" and tok.tag_ in {"VBP", "VBZ"}:
            return  # generic: "officers who assault detainees will be prosecuted"
        elif lemma in _VIOLENCE_VERBS and _things_only(tok):
            return  # "struck a deal", "attacked the decision"
        subj = clause_subject(tok)
        if tok.i in self.proven or self.found(tok, subj):
            return  # an inquiry's finding: an Outcome
        if subj is not None and subj.dep_ == "nsubjpass" and subj.head == tok:
            # "girls were abused by X": the wrongdoer is the agent, never the victim
            subj = agent_of(tok)
        if lemma == "blame" and not any(
            o.lower_ in VICTIM_NOUNS or o.lemma_.lower() in VICTIM_NOUNS for o in objs
        ):
            return  # "X blamed Y for ...": an accusation against Y (see accusation)
        target = self.accused(subj)
        if target is None or target.type not in {"Organisation", "Person", "Group"}:
            return
        if (
            (rule == "failing-clause" or lemma in _FAILING_VERBS)
            and target.type == "Group"
            and target.text.split()[-1].lower() not in DUTY_HOLDERS
        ):
            return  # "the family were not aware": only those with a duty fail in it
        if tok.dep_ == "conj" and target.span in self.clause_targets.get(tok.head.i, set()):
            self.clause_targets.setdefault(tok.i, set()).add(target.span)
            return  # "X stole ... and lied ...": one claim with the first clause
        if self.elaborates(tok, target):
            return
        self.emit(
            tok,
            [target],
            summary=_summary(tok),
            rule=rule,
            confidence=0.6,
        )

    def wrongdoing_noun(self, tok: Token) -> None:
        """ "the fraud committed by X", "the guards' use of force", "her alleged misconduct",
        "failings by X"."""
        if tok.pos_ != "NOUN":
            return
        lemma = tok.lemma_.lower()
        force_use = lemma == "use" and any(
            c.dep_ == "prep"
            and c.lower_ == "of"
            and any(p.lemma_.lower() == "force" for p in c.children)
            for c in tok.children
        )
        if force_use and not self.wrongful_force(tok):
            return
        failure = lemma in FAILURE_NOUNS
        if not (force_use or failure or lemma in WRONGDOING_NOUNS):
            return
        if _negated_noun(tok) or _outcome_ground(tok):
            return
        alleged = any(c.lower_ in ALLEGED_WORDS for c in tok.children if c.dep_ == "amod")
        doers: list[Token] = []
        for c in tok.children:
            if c.dep_ == "acl" and c.lemma_.lower() in {"commit", "perpetrate", "carry"}:
                a = agent_of(c)
                if a is not None:
                    doers.append(a)
            elif c.dep_ == "prep" and c.lower_ == "of" and failure:
                doers += [p for p in c.children if p.dep_ == "pobj"]
            elif c.dep_ == "poss" and (c.pos_ != "PRON" or alleged):
                doers.append(c)
        # "the assault on a girl by PC X": "by" on the noun or on its prepositional phrases
        for t in tok.subtree:
            if t.dep_ == "prep" and t.lower_ == "by" and _noun_phrase_path(t, tok):
                doers += [p for p in t.children if p.dep_ == "pobj" and p.pos_ != "VERB"]
        targets = [self.accused(d) for d in doers]
        existential = tok.dep_ == "attr" and any(c.dep_ == "expl" for c in tok.head.children)
        if failure and not any(targets) and existential:
            # "..., and there were failures to record calls": the failing of whoever the
            # sentence has just been holding to account
            ev = sentence_span(tok)
            prior = [a for a in self.out if a.evidence == ev]
            if prior:
                targets = [prior[-1].against[0]]
        if any(t is not None and self.elaborates(tok, t) for t in targets):
            return
        self.emit(
            tok,
            targets,
            summary=_summary(tok),
            rule="wrongdoing-noun",
            confidence=0.6 if alleged else 0.55,
        )


def find_allegations(doc: Doc, index: MentionIndex, skip=()) -> Iterator[Allegation]:
    """Yield the allegations of a parsed document (see the module docstring)."""
    finder = _Finder(doc, index, tuple(skip))
    for tok in doc:
        finder.claim_noun(tok)
        finder.allege_verb(tok)
        finder.accusation(tok)
        finder.denial(tok)
        finder.wrongdoing_clause(tok)
        finder.wrongdoing_noun(tok)
    yield from finder.out
