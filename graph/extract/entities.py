"""Corrections to the small English model's entities for this genre.

The model was trained on general news; on reports about police and public bodies it makes
systematic errors that a few general rules fix:

- an organisation named like a place ("Westshire Police", "North Marsh Police") is an
  organisation: capitalised names that contain an organisation head word (Police, Office, Court,
  Inquiry, ...) are ``ORG`` (the organisation-name grammar, :func:`org_name_spans`);
- ranks and job titles ("Detective Constable") are roles, never organisations, and are stripped
  from the front of person names ("Constable Anna Morley" -> "Anna Morley");
- an all-capitals token whose letters are the initials of an organisation named in the document
  ("IPSO" for "Independent Police Standards Office") is that organisation's acronym;
- a capitalised token equal to the surname of a person named in the document is that person
  (the model often tags a bare surname as ``ORG`` or ``GPE``);
- entities never cross a line break, and never keep a leading "the" or a trailing "(".
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from .lexicon import (
    ACRONYM_STOP,
    HONORIFICS,
    LEGAL_SUFFIXES,
    MEMBER_NOUNS,
    ORG_HEADS,
    ORG_INNER,
    ORG_TYPE_NOUNS,
    POST_NOMINALS,
    TITLES,
    initials,
    number_value,
)

__all__ = [
    "after_title",
    "fix_entities",
    "is_acronym",
    "org_name_spans",
    "title_before",
    "title_case_line",
    "title_length",
]

_ORGISH = {"ORG"}
_PLACEISH = {"GPE", "LOC", "FAC", "NORP"}
_NAMEISH = {"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "PRODUCT", "WORK_OF_ART"}
_POSSESSIVE = {"'s", "’s", "'", "’"}
_TITLE_STRINGS = {" ".join(t) for t in TITLES}
_TITLE_MAX = max(len(t) for t in TITLES) + 2  # hyphenated titles take extra tokens
#: Head words that are a name on their own ("Parliament").
_NAMES_ALONE = {"parliament", "ombudsman"}
#: Heads of an inquiry's name, which may go on with "into": "Inquiry into Prison Deaths".
_INQUIRY_HEADS = {"inquiry", "investigation", "review", "commission"}
#: Words a report appends to an inquiry's name ("the X Inquiry Report").
_TRAILING_REPORT = {"report", "reports"}


def is_acronym(token: Token) -> bool:
    """True for an all-capitals token of 2-6 letters that is not a common abbreviation."""
    t = token.text
    return 2 <= len(t) <= 6 and t.isalpha() and t.isupper() and t.lower() not in ACRONYM_STOP


def title_case_line(sent: Span) -> bool:
    """True for a headline-style line where (nearly) every word is capitalised."""
    words = [t for t in sent if t.is_alpha]
    if len(words) < 2:
        return False
    last = [t for t in sent if not t.is_space]
    if last and last[-1].text == "." and any(t.pos_ == "VERB" for t in sent):
        return False  # a sentence full of names ("X of the Y Office for Z prosecuted it.")
    caps = sum(1 for t in words if t.text[0].isupper() or t.lower_ in ORG_INNER)
    return caps / len(words) > 0.85


def title_length(doc: Doc, i: int, end: int | None = None) -> int:
    """Number of tokens of the longest rank or title starting at token ``i`` (0 if none).

    Hyphenated titles count their hyphen as a token: "director-general" is 3 tokens.
    """
    end = len(doc) if end is None else end
    for n in range(min(_TITLE_MAX, end - i), 0, -1):
        if doc[i : i + n].text.lower() in _TITLE_STRINGS:
            return n
    return 0


def after_title(tok: Token) -> Token | None:
    """The token right after the rank or title that ``tok`` is part of ("Agent" in "Special Agent
    in Charge Ann Lee" -> "Ann"), or None when ``tok`` is in no title."""
    doc = tok.doc
    for i in range(max(tok.i - 3, 0), tok.i + 1):
        n = title_length(doc, i)
        if n and i + n > tok.i:
            return doc[i + n] if i + n < len(doc) else None
    return None


def title_before(doc: Doc, i: int, start: int = 0) -> int:
    """Start of the longest rank or title that ends just before token ``i`` (``i`` if none)."""
    for n in range(min(_TITLE_MAX, i - start), 0, -1):
        if doc[i - n : i].text.lower() in _TITLE_STRINGS:
            return i - n
    return i


def _capitalised(tok: Token) -> bool:
    return tok.text[:1].isupper() and (tok.is_alpha or "." in tok.text or tok.text == "&")


def _is_head(tok: Token) -> bool:
    return tok.lower_ in ORG_HEADS and tok.text[:1].isupper()


def org_name_spans(doc: Doc) -> list[Span]:
    """Organisation names by the genre's name grammar.

    A run of capitalised words, possibly joined by "of", "for", "the", "and", "&", a possessive
    after a title ("Attorney's Office") or a comma-enclosed place ("Millbrook, Ohio, Police
    Department"), that contains an organisation head word or ends in a legal suffix ("Harlan
    Freight Corp."). In a headline-style line the whole line
    must be the name (so "Ex-Westshire Police Sergeant Jailed ..." is not one).
    """
    found: list[Span] = []
    for sent in doc.sents:
        toks = [t for t in sent if not t.is_space]
        if not toks:
            continue
        if title_case_line(sent):
            heads = [t for t in toks if _is_head(t)]
            with_complement = (
                heads
                and heads[0].i + 1 < sent.end
                and doc[heads[0].i + 1].lower_ in {"of", "for"}
                and not any(t.pos_ == "VERB" for t in toks)
            )
            if heads and (
                _is_head(toks[-1]) or toks[-1].lower_ in _TRAILING_REPORT or with_complement
            ):
                span = doc[toks[0].i : toks[-1].i + 1]
                if all(_capitalised(t) or t.lower_ in ORG_INNER for t in span):
                    found.append(span)
            continue
        i = sent.start
        while i < sent.end:
            if not _capitalised(doc[i]) or doc[i].pos_ in {"DET", "PRON", "NUM", "ADP"}:
                i += 1
                continue
            j = i
            while j + 1 < sent.end:
                nxt = doc[j + 1]
                if _capitalised(nxt):
                    j += 1
                    continue
                # "Acme Paving & Haulage LLC", "Smith & Jones"
                if nxt.text == "&" and j + 2 < sent.end and _capitalised(doc[j + 2]):
                    j += 2
                    continue
                # "National Aeronautics and Space Administration": "and" inside a name whose
                # head comes after it
                if nxt.lower_ == "and" and j + 2 < sent.end and _capitalised(doc[j + 2]):
                    m = j + 2
                    while m + 1 < sent.end and _capitalised(doc[m + 1]):
                        m += 1
                    if any(_is_head(t) for t in doc[j + 2 : m + 1]) and not any(
                        _is_head(t) for t in doc[i : j + 1]
                    ):
                        j = m
                        continue
                # connectors: "of the", "for", "and", "&" followed by a capitalised word
                k = j + 1
                if doc[j].lower_ in _INQUIRY_HEADS and doc[k].lower_ == "into":
                    k += 1  # "Independent Inquiry into Child Abuse"
                while k < sent.end and doc[k].lower_ in ORG_INNER:
                    k += 1
                # only a name that already has its head takes a complement ("Office of the
                # Police Ombudsman"); "Chief of the X Police" is a title before a name; after a
                # legal suffix "of" gives the company's place ("Acme Corp. of Boston")
                if (
                    k > j + 1
                    and k < sent.end
                    and _capitalised(doc[k])
                    and any(_is_head(t) for t in doc[i : j + 1])
                    and doc[j].lower_ not in LEGAL_SUFFIXES
                ):
                    j = k
                    continue
                # possessive inside a name after a title: "District Attorney's Office"
                if (
                    nxt.text in _POSSESSIVE
                    and title_before(doc, j + 1) <= j
                    and j + 2 < sent.end
                    and _is_head(doc[j + 2])
                ):
                    j += 2
                    continue
                # "Millbrook, Ohio, Police Department": a place between commas, then heads
                if (
                    nxt.text == ","
                    and j + 3 < sent.end
                    and doc[j + 2].ent_type_ in _PLACEISH | {"ORG"}
                    and doc[j + 3].text == ","
                    and j + 4 < sent.end
                    and _is_head(doc[j + 4])
                ):
                    j += 4
                    continue
                break
            span = doc[i : j + 1]
            heads = [t for t in span if _is_head(t)]
            if len(span) > 1 and span[-1].lower_ in LEGAL_SUFFIXES:
                found.append(span)  # "Harlan Freight Corp."
                i = j + 1
                continue
            if heads:
                # trim trailing words after the last head unless they are capitalised name words
                # of a longer name ("Office for Police Integrity" keeps "Integrity")
                if len(span) > 1 and span[0].lower_ == "former":
                    span = doc[span.start + 1 : span.end]
                # stop at a title that follows the name ("Westshire Police Chief Constable")
                for t in span:
                    if (
                        t.i > span.start
                        and not _is_head(t)
                        and title_length(doc, t.i, span.end)
                        and any(_is_head(h) for h in doc[span.start : t.i])
                    ):
                        span = doc[span.start : t.i]
                        break
                # "Chief Executive Tom Hale": a title before a name, not an organisation
                n = title_length(doc, span.start, span.end)
                if n and not any(_is_head(t) for t in span[n:]):
                    i = j + 1
                    continue
                # a head word alone ("Police", "Inquiry finds ...") names no organisation
                if any(_is_head(t) for t in span) and not (
                    len(span) == 1 and span[0].lower_ not in _NAMES_ALONE
                ):
                    found.append(span)
            i = j + 1
    return found


def _trim(span: Span) -> Span | None:
    """Cut an entity at a line break or "(", drop a leading determiner and a trailing possessive."""
    doc = span.doc
    start, end = span.start, span.end
    for t in span:
        if (t.is_space and "\n" in t.text) or t.text in {"(", "["}:
            end = t.i
            break
    while start < end and (
        doc[start].lower_ in {"the", "a", "an"} or doc[start].is_punct or doc[start].pos_ == "ADP"
    ):
        start += 1
    while end > start and (doc[end - 1].text in _POSSESSIVE or doc[end - 1].is_punct):
        end -= 1
    if start >= end:
        return None
    return Span(doc, start, end, label=span.label_)


def _strip_titles(span: Span) -> Span | None:
    """Remove ranks, titles and honorifics from the front of a person entity."""
    doc = span.doc
    start = span.start
    while start < span.end - 1:
        n = title_length(doc, start, span.end - 1)
        if n:
            start += n
        elif doc[start].lower_ in HONORIFICS or doc[start].text in {"-", "."}:
            start += 1
        elif _is_head(doc[start]) and title_length(doc, start + 1, span.end - 1):
            start += 1  # the service before a rank: "Police Major X", "Army Colonel X"
        else:
            break
    if start >= span.end:
        return None
    return Span(doc, start, span.end, label="PERSON")


def _only_titles(span: Span) -> bool:
    return title_length(span.doc, span.start, span.end) == len(span)


def fix_entities(doc: Doc) -> tuple[Span, ...]:
    """Return the document's entities with the genre's corrections applied.

    See the module docstring for the rules. The result is non-overlapping and sorted.
    """
    ents: list[Span] = []
    for ent in doc.ents:
        span = _trim(ent)
        if span is None:
            continue
        if span.label_ == "ORG" and _only_titles(span):
            continue  # "Detective Constable" is a rank, not an organisation
        if span.label_ == "ORG" and len(span) == 1 and span[0].lower_ in ACRONYM_STOP:
            continue
        if span.label_ == "ORG" and span[0].text in _TIME_ZONES:
            continue  # "GMT", "GMT 2 Feb 94"
        if span.label_ == "ORG" and _glossed_or_titled(span):
            continue  # "CSX (an irritant)", "their report, Voices Unheard,"
        if span.label_ == "ORG":
            span, place = _split_company_place(span)
            if place is not None:
                ents.append(place)
        if span.label_ in {"ORG", "PERSON"} and _hometown(span):
            span = Span(doc, span.start, span.end, label="GPE")  # "X, 41, of Linden Falls"
        elif span.label_ == "ORG" and _titled_name(span):
            span = Span(doc, span.start, span.end, label="PERSON")  # "Chief Executive Ann Lee"
        elif span.label_ == "ORG" and _person_like(span):
            span = Span(doc, span.start, span.end, label="PERSON")
        elif span.label_ in _PLACEISH and len(span) <= 3 and _role_apposition(span.root):
            span = Span(doc, span.start, span.end, label="PERSON")  # "X, 53, a former nurse"
        elif span.label_ in {"ORG", "FAC"} and _place_like(span):
            span = Span(doc, span.start, span.end, label="GPE")
        if (
            span.label_ == "PERSON"
            and len(span) == 1
            and span[0].is_sent_start
            and span[0].lemma_.lower() != span[0].lower_
        ):
            continue  # a plural noun opening a sentence ("Delays by ...") is no name
        if span.label_ == "PERSON":
            span = _strip_titles(span)
            if span is None:
                continue
            while len(span) > 1 and span[-1].lower_.strip(".") in POST_NOMINALS:
                span = Span(doc, span.start, span.end - 1, label="PERSON")  # "X Y KC"
        ents.append(span)

    # the organisation-name grammar wins over the model's place and partial-org readings
    grammar = [Span(doc, s.start, s.end, label="ORG") for s in org_name_spans(doc)]
    for s in list(grammar):
        # "the Harlow Review Report" -> the inquiry's name without "Report"
        if s[-1].lower_ in _TRAILING_REPORT and len(s) > 1 and _is_head(s[-2]):
            grammar.remove(s)
            grammar.append(Span(doc, s.start, s.end - 1, label="ORG"))
    grammar += _typed_org_names(doc)
    grammar += _dateline_spans(doc)
    grammar += _credit_line_spans(doc)
    grammar += [
        place
        for g in grammar
        if g[-1].lower_ in LEGAL_SUFFIXES and (place := _company_place(doc, g.end)) is not None
    ]
    persons = [e for e in ents if e.label_ == "PERSON"]
    # a country the model knows ("Soviet Union", "United Kingdom") stays a place
    places = {(e.start, e.end) for e in ents if e.label_ in {"GPE", "LOC"}}
    grammar = [
        g for g in grammar if not ((g.start, g.end) in places and g[-1].lower_ in _COUNTRY_HEADS)
    ]
    # the grammar wins over any overlapping entity of the model
    kept = [e for e in ents if not any(g.start < e.end and e.start < g.end for g in grammar)]
    ents = filter_spans(grammar + kept)

    # acronyms: of organisations named in the document, or of lower-case phrases ("PSD" for
    # "professional standards department") which are then no organisation at all
    org_initials = {
        initials([t.text for t in e if not t.is_punct]) for e in ents if e.label_ == "ORG"
    }
    phrase_initials = _lowercase_initials(doc)
    ents = [
        e
        for e in ents
        if not (
            e.label_ == "ORG"
            and len(e) == 1
            and is_acronym(e[0])
            and e.text.lower() in phrase_initials
            and e.text not in org_initials
        )
    ]
    taken = {t.i for e in ents for t in e}
    ents += _apposed_names(doc, taken)
    taken = {t.i for e in ents for t in e}
    # "the National Workers' Union (UNT)": an acronym in brackets right after an organisation
    # is its short name, whatever its initials
    defined = {
        e.end + 1
        for e in ents
        if e.label_ == "ORG"
        and e.end + 2 < len(doc)
        and doc[e.end].text == "("
        and doc[e.end + 2].text == ")"
    }
    extra: list[Span] = []
    for tok in doc:
        if tok.i in taken or not is_acronym(tok):
            continue
        if tok.text in org_initials or tok.i in defined:
            extra.append(Span(doc, tok.i, tok.i + 1, label="ORG"))

    # bare surnames of persons named in the document
    surnames = {p[-1].text for p in persons if len(p) > 1}
    for e in list(ents):
        if e.label_ != "PERSON" and len(e) == 1 and e[0].text in surnames:
            ents.remove(e)
            ents.append(Span(doc, e.start, e.end, label="PERSON"))
            taken.discard(e.start)
    taken = {t.i for e in ents for t in e}
    for tok in doc:
        if tok.i in taken or tok.text not in surnames or tok.pos_ not in {"PROPN", "NOUN", "ADJ"}:
            continue
        prev = doc[tok.i - 1] if tok.i > 0 else None
        if (
            prev is not None
            and prev.text[:1].isupper()
            and title_before(doc, tok.i) == tok.i
            and prev.lower_ not in HONORIFICS
            and not tok.is_sent_start
        ):
            continue  # part of another capitalised name
        extra.append(Span(doc, tok.i, tok.i + 1, label="PERSON"))
    return tuple(sorted(filter_spans(ents + extra), key=lambda s: s.start))


#: Nouns of written or broadcast works: a name in apposition to one is a title, not a body.
_WORK_NOUNS = {"report", "book", "film", "documentary", "study", "paper", "series", "programme"}


def _glossed_or_titled(span: Span) -> bool:
    """A model ``ORG`` that is a thing: an acronym glossed in brackets by a common noun ("CSX
    (an irritant)"), or a title in apposition to a work ("their report, Voices Unheard,")."""
    doc = span.doc
    if (
        len(span) == 1
        and span.end + 2 < len(doc)
        and doc[span.end].text == "("
        and doc[span.end + 1].lower_ in {"a", "an"}
    ):
        return True
    if any(_is_head(t) or t.lower_ in ORG_TYPE_NOUNS for t in span):
        return False
    root = span.root
    set_off = span.start > 0 and doc[span.start - 1].text == ","
    return (
        (root.dep_ == "appos" or (root.dep_ == "acl" and set_off))  # the parser's two readings
        and root.head.lower_ in _WORK_NOUNS
        and root.head.is_lower
    )


def _split_company_place(span: Span) -> tuple[Span, Span | None]:
    """ "Acme Corp. of Boston" -> the company "Acme Corp." and the place "Boston" (GPE)."""
    doc = span.doc
    for t in span[:-2]:
        if t.lower_ in LEGAL_SUFFIXES and doc[t.i + 1].lower_ == "of":
            return Span(doc, span.start, t.i + 1, label="ORG"), _company_place(doc, t.i + 1)
    return span, None


def _company_place(doc: Doc, i: int) -> Span | None:
    """The place in "of Boston" at token ``i`` after a company's legal suffix."""
    if i >= len(doc) or doc[i].lower_ != "of":
        return None
    end = i + 1
    while end < len(doc) and doc[end].sent_start != 1 and _capitalised(doc[end]):
        end += 1
    return Span(doc, i + 1, end, label="GPE") if end > i + 1 else None


def _lowercase_initials(doc: Doc) -> set[str]:
    """Initials of every run of 2-6 lower-case words ("domestic violence unit" -> "dvu")."""
    out: set[str] = set()
    for sent in doc.sents:
        words = [t for t in sent if t.is_alpha]
        for n in range(2, 7):
            for k in range(len(words) - n + 1):
                run = words[k : k + n]
                if all(t.is_lower for t in run):
                    out.add("".join(t.text[0] for t in run))
    return out


def _typed_org_names(doc: Doc) -> list[Span]:
    """Names introduced by an organisation-type noun or followed by "council".

    "the retailer Halbrook", "the supermarket chain Fennimores" -> ORG; "Eastbury council",
    "Eastbury's council" -> ORG (a place with a lower-case council is the local authority).
    """
    out: list[Span] = []
    for tok in doc:
        if tok.pos_ != "PROPN" or not tok.text[:1].isupper():
            continue
        prev = doc[tok.i - 1] if tok.i > 0 else None
        if prev is not None and prev.lower_ in ORG_TYPE_NOUNS and prev.is_lower:
            start = prev.i - 1
            while start >= 0 and doc[start].pos_ in {"NOUN", "ADJ"} and doc[start].is_lower:
                start -= 1
            if start >= 0 and doc[start].lower_ in {"the", "a", "an"}:
                end = tok.i + 1
                while end < len(doc) and doc[end].pos_ == "PROPN" and doc[end].text[:1].isupper():
                    end += 1
                out.append(Span(doc, tok.i, end, label="ORG"))
                continue
        # "Harwell Academy is a boarding school", "Harwell Academy, a boarding school,"
        if tok.dep_ != "compound" and _typed_by_predicate(tok):
            start = tok.i
            while (
                start > 0 and doc[start - 1].dep_ == "compound" and doc[start - 1].pos_ == "PROPN"
            ):
                start -= 1
            out.append(Span(doc, start, tok.i + 1, label="ORG"))
            continue
        nxt = tok.i + 1
        if nxt < len(doc) and doc[nxt].text in _POSSESSIVE:
            nxt += 1
        if (
            tok.ent_type_ in {"GPE", "PERSON", ""}
            and nxt < len(doc)
            and doc[nxt].lower_ == "council"
            and doc[nxt].is_lower
        ):
            out.append(Span(doc, tok.i, nxt + 1, label="ORG"))
    return out


def _typed_by_predicate(tok: Token) -> bool:
    """True when a name is said to be an organisation of a type: "X is a boarding school",
    "X, a supermarket chain,"."""
    if tok.dep_ in {"nsubj", "nsubjpass"} and tok.head.lemma_ == "be":
        attrs = [c for c in tok.head.children if c.dep_ == "attr"]
    else:
        attrs = []
    attrs += [c for c in tok.children if c.dep_ == "appos"]
    return any(a.lower_ in ORG_TYPE_NOUNS and a.pos_ == "NOUN" for a in attrs)


#: Last words of country names that are also organisation heads ("Soviet Union").
_COUNTRY_HEADS = {"union", "republic", "kingdom", "federation", "states", "emirates"}
#: Time zones, which the model sometimes tags as organisations.
_TIME_ZONES = {"GMT", "UTC", "EST", "EDT", "CST", "PST", "PDT", "BST", "CET"}

#: Verbs whose subject is a person, not an organisation: "X said", "X died", "X was born".
_PERSON_VERBS = {"say", "tell", "die", "bear", "marry", "recall", "smile", "laugh"}
#: Nouns for one person: "a man called X".
_PERSON_NOUNS = {"man", "woman", "boy", "girl", "person", "someone", "child", "officer", "friend"}
#: Nouns whose possessor is a person: "X's wife", "X's lawyers", "X's home".
_PERSON_POSSESSED = {
    "wife",
    "husband",
    "son",
    "daughter",
    "mother",
    "father",
    "brother",
    "sister",
    "lawyer",
    "lawyers",
    "attorney",
    "attorneys",
    "home",
    "house",
    "birthday",
    "death",
    "funeral",
    "widow",
}


def _hometown(span: Span) -> bool:
    """A name after a person's age and "of": "X, 41, of Linden Falls" is where X lives."""
    doc = span.doc
    i = span.start
    return (
        i >= 4
        and doc[i - 1].lower_ == "of"
        and doc[i - 2].text == ","
        and doc[i - 3].like_num
        and doc[i - 4].text == ","
        and not any(_is_head(t) or t.lower_ in ORG_TYPE_NOUNS for t in span)
    )


def _titled_name(span: Span) -> bool:
    """A model ``ORG`` that is a title and a name: "Chief Executive Ann Lee" (one to three
    capitalised name words after the title, none an organisation word)."""
    n = title_length(span.doc, span.start, span.end)
    rest = [t for t in span[n:] if not t.is_punct]
    return (
        n > 0
        and 1 <= len(rest) <= 3
        and all(t.pos_ == "PROPN" and t.text[:1].isupper() and not _is_head(t) for t in rest)
    )


def _role_apposition(tok: Token) -> bool:
    """True when ``tok`` has an apposition that only a person takes: an age ("X, 53,") or a
    role noun ("X, a senior ministry official", "X, a professor of law")."""
    for c in tok.children:
        if c.dep_ != "appos":
            continue
        if c.like_num and c.i == tok.i + 2 and (number_value(c.text) or 0) in range(1, 120):
            return True
        if c.pos_ == "NOUN" and c.is_lower and (c.lower_ in MEMBER_NOUNS or (c.lower_,) in TITLES):
            return True
    return False


def _apposed_names(doc: Doc, taken: set[int]) -> list[Span]:
    """Names the model missed that an age or role apposition marks as persons: "Brandt, 53, a
    former law lecturer", "Okoro, a senior council official"."""
    out: list[Span] = []
    for tok in doc:
        if tok.i in taken or not tok.text[:1].isupper() or not tok.is_alpha:
            continue
        if tok.pos_ not in {"PROPN", "NOUN"} or tok.dep_ == "compound":
            continue
        if not _role_apposition(tok):
            continue
        start = tok.i
        while (
            start > 0
            and doc[start - 1].dep_ == "compound"
            and doc[start - 1].head.i == tok.i
            and doc[start - 1].pos_ == "PROPN"
            and start - 1 not in taken
        ):
            start -= 1
        name = _strip_titles(Span(doc, start, tok.i + 1, label="PERSON"))
        if name is not None and (name.text.lower(),) not in TITLES:
            out.append(name)
    return out


def _person_like(span: Span) -> bool:
    """A model ``ORG`` that reads as a person: no organisation word, and an age apposition
    ("X, 53,"), a person's verb ("X said", "X died") or a person's possession ("X's wife")."""
    doc = span.doc
    words = [t for t in span if not t.is_punct]
    if not words or len(words) > 4 or any(not t.text[:1].isupper() for t in words):
        return False
    if any(_is_head(t) or t.lower_ in ORG_TYPE_NOUNS or is_acronym(t) for t in words):
        return False
    if any(t.text.isupper() and len(t) > 2 for t in words):
        return False
    end = span.end
    if (
        end + 2 < len(doc)
        and doc[end].text == ","
        and doc[end + 1].like_num
        and doc[end + 2].text == ","
    ):
        return True
    root = span.root
    if root.dep_ in {"nsubj", "nsubjpass"} and root.head.lemma_ in _PERSON_VERBS:
        return True
    if _role_apposition(root):
        return True
    # "a man called X"
    if root.dep_ == "oprd" and root.head.lemma_ in {"call", "name"}:
        return root.head.head.lower_ in _PERSON_NOUNS
    # "Ann Lee, Bo Dent and X": a name listed with persons
    conjuncts = [root.head] if root.dep_ == "conj" else []
    conjuncts += [c for c in root.children if c.dep_ == "conj"]
    if conjuncts and all(c.ent_type_ == "PERSON" for c in conjuncts):
        return True
    return root.dep_ == "poss" and root.head.lower_ in _PERSON_POSSESSED


def _dateline_spans(doc: Doc) -> list[Span]:
    """A news dateline: "LIMA, Peru (AP) --" -> the place in capitals (GPE) and the news
    agency in brackets (ORG)."""
    out: list[Span] = []
    for sent in doc.sents:
        i = sent.start
        while i < sent.end and doc[i].is_space:
            i += 1
        j = i
        while j < sent.end and doc[j].is_alpha and doc[j].is_upper and len(doc[j]) > 1:
            j += 1
        if j == i or j >= sent.end:
            continue
        if doc[j].text == "(":
            # "SAN ESTEBAN (AP) --": no comma, but the agency in brackets ends the dateline
            close = next(
                (m for m in range(j + 1, min(j + 5, sent.end)) if doc[m].text == ")"), None
            )
            after = [t for t in doc[close + 1 : sent.end] if not t.is_space][:1] if close else None
            if close is None or j - i > 4 or (after and after[0].text not in _DASHES):
                continue
        elif doc[j].text != ",":
            continue
        out.append(Span(doc, i, j, label="GPE"))
        # the agency: "(AP)", "(AFP-DPA)" within the next few tokens
        for k in range(j, min(j + 8, sent.end - 2)):
            if doc[k].text == "(":
                close = next(
                    (m for m in range(k + 1, min(k + 5, sent.end)) if doc[m].text == ")"), None
                )
                inner = doc[k + 1 : close] if close else None
                if inner and all(t.is_upper or t.text == "-" for t in inner):
                    out.append(Span(doc, inner.start, inner.end, label="ORG"))
                break
    return out


_DASHES = {"-", "--", "\u2013", "\u2014"}
#: A monitoring service's reference code before a credit line ("AB1234567890").
_REFERENCE_CODE = re.compile(r"[A-Z]{2}\d{6,}")
#: Words that end a city's name ("Mexico City"), read as part of the place in a credit line.
_CITY_WORDS = {"city", "town"}
_HYPHENATED = re.compile(r"[^\W\d_]+(?:-[^\W_]+)+")


def _credit_line_spans(doc: Doc) -> list[Span]:
    """A media credit line names the place and the source of a monitored report: "Lisbon AFP in
    Portuguese 1430 GMT 3 Mar 95", "Oslo NORDPOSTEN" (a reference code and a headline may come
    before it).

    The place (GPE) is the run's first word (with a following "City"), or the words before the
    first all-capitals word; the source (ORG) is the rest of the run. A run with no all-capitals
    word must be followed by "in LANGUAGE" and a number.
    """
    out: list[Span] = []
    for sent in doc.sents:
        toks = [t for t in sent if not t.is_space]
        start = next((k + 1 for k, t in enumerate(toks) if _REFERENCE_CODE.fullmatch(t.text)), 0)
        run: list[Token] = []
        for t in toks[start:]:
            # words of a name, hyphenated ones ("Kanal-9", "AL-SHAMS") included
            glued = bool(run) and not run[-1].whitespace_
            word = t.text[:1].isupper() and (
                t.is_alpha or _HYPHENATED.fullmatch(t.text) is not None
            )
            hyphen = glued and t.text == "-" and not t.whitespace_
            after_hyphen = glued and run[-1].text == "-" and (t.is_alpha or t.like_num)
            if not (word or hyphen or after_hyphen):
                break
            run.append(t)
        if len(run) < 2 or run[-1].text == "-":
            continue
        rest = toks[start + len(run) :]
        language = (
            len(rest) >= 3 and rest[0].lower_ == "in" and _capitalised(rest[1]) and rest[2].like_num
        )
        upper = next(
            (k for k, t in enumerate(run) if k and t.is_upper and len(t) > 1 and t.is_alpha), None
        )
        if upper is not None and not run[0].is_upper and (language or not rest):
            split = upper
        elif language:
            split = 1
            while split < len(run) - 1 and run[split].lower_ in _CITY_WORDS:
                split += 1
        else:
            continue
        out.append(Span(doc, run[0].i, run[split - 1].i + 1, label="GPE"))
        out.append(Span(doc, run[split].i, run[-1].i + 1, label="ORG"))
    return out


#: Nouns of places: the possessor of "X's busiest street" or the object of "the town of X" is a
#: place.
_PLACE_NOUNS = {
    "city",
    "town",
    "village",
    "county",
    "state",
    "province",
    "region",
    "capital",
    "suburb",
    "suburbs",
    "outskirts",
    "border",
    "street",
    "streets",
    "hometown",
    "district",
    "port",
    "coast",
}
#: Words of direction and distance: "70 miles northeast of X".
_DIRECTIONS = {
    "north",
    "south",
    "east",
    "west",
    "northeast",
    "northwest",
    "southeast",
    "southwest",
    "miles",
    "kilometers",
    "kilometres",
    "km",
}
#: Last words of a geographic or built feature's name: "X National Forest", "X Street".
_FEATURE_HEADS = {
    "street",
    "road",
    "avenue",
    "boulevard",
    "square",
    "river",
    "channel",
    "forest",
    "park",
    "lake",
    "bay",
    "island",
    "islands",
    "mountains",
    "valley",
    "desert",
    "range",
    "canyon",
    "beach",
    "theater",
    "theatre",
    "bridge",
}


def _place_like(span: Span) -> bool:
    """A model ``ORG`` or ``FAC`` that names a place: a feature name ("X National Forest", "X
    Street"), or a single name after "in", "near", "into" ..., after a place noun or a direction
    ("the town of X", "70 miles northeast of X"), or the possessor of a place noun ("X's busiest
    street")."""
    words = [t for t in span if not t.is_punct]
    if not words or any(_is_head(t) or t.lower_ in ORG_TYPE_NOUNS or is_acronym(t) for t in words):
        return False
    if len(words) > 1 and words[-1].lower_ in _FEATURE_HEADS and words[-1].text[:1].isupper():
        return True
    if len(words) > 2:
        return False
    root = span.root
    prep = root.head if root.dep_ == "pobj" else None
    if prep is not None:
        if prep.lower_ in {"in", "near", "outside", "throughout", "into"}:
            return True
        if prep.lower_ == "of" and (
            prep.head.lower_ in _PLACE_NOUNS or prep.head.lower_ in _DIRECTIONS
        ):
            return True
    return root.dep_ == "poss" and root.head.lower_ in _PLACE_NOUNS
