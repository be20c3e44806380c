"""Plain data passed between the stages: documents, mentions, entities and facts.

Nothing here holds a spaCy object, so ``resolve``, ``rdf`` and ``store`` never see a ``Doc`` and the
values cross process boundaries as they are. Every fact carries its evidence: the character span of
the sentence that states it, end exclusive, so ``text[span.start:span.end]`` is that sentence.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "ENTITY_TYPES",
    "Allegation",
    "Entity",
    "Extraction",
    "Fact",
    "Investigation",
    "Membership",
    "Mention",
    "Outcome",
    "ResolvedDocument",
    "SourceDocument",
    "Statement",
    "TextSpan",
    "fact_arguments",
]

#: The entity classes of the ontology (``cg:Organisation`` ...), in a fixed order.
ENTITY_TYPES = ("Organisation", "Person", "Group", "Place")


@dataclass(frozen=True)
class SourceDocument:
    """One input document, as read by :mod:`graph.ingest`.

    ``doc_id`` is a slug used in IRIs; ``text`` is never altered after reading, so every offset
    computed on it stays valid in the graph.
    """

    doc_id: str
    text: str
    title: str
    source: str
    #: SHA-256 (hex) of the file's resolved path, or None for a document not read from a file. Two
    #: files of the same name in different folders have different keys, so the build keeps both.
    key: str | None = None
    #: The encoding the file was read in (``utf-8`` unless detected otherwise).
    encoding: str = "utf-8"
    #: For a paged source (PDF): the offset in ``text`` where each page starts, page 1 first.
    pages: tuple[int, ...] = ()
    #: For a web page: its byline and publication date (ISO 8601), when the page gives them.
    author: str | None = None
    published: str | None = None

    def page_at(self, offset: int) -> int | None:
        """The page (1-based) holding the character at ``offset``, or None for unpaged text.

        >>> SourceDocument("d", "one\\n\\ntwo", "t", "d.pdf", pages=(0, 5)).page_at(6)
        2
        """
        if not self.pages:
            return None
        import bisect

        return bisect.bisect_right(self.pages, offset)


@dataclass(frozen=True, order=True)
class TextSpan:
    """Character offsets into a document's text, end exclusive."""

    start: int
    end: int

    def of(self, text: str) -> str:
        """Return the text this span covers.

        >>> TextSpan(4, 9).of("the force said")
        'force'
        """
        return text[self.start : self.end]

    def strip(self, text: str) -> TextSpan:
        """This span without the white space at its ends.

        >>> TextSpan(0, 8).strip(" force \\n")
        TextSpan(start=1, end=6)
        """
        start, end = self.start, self.end
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        return TextSpan(start, end)

    def overlaps(self, other: TextSpan) -> bool:
        """True when the two spans share at least one character."""
        return self.start < other.end and other.start < self.end

    def contains(self, other: TextSpan) -> bool:
        """True when ``other`` lies inside this span."""
        return self.start <= other.start and other.end <= self.end


@dataclass(frozen=True, order=True)
class Mention:
    """A surface form of an entity in the text.

    Parameters
    ----------
    span, text
        Where the mention is and what it says (``text == span.of(document.text)``).
    type
        One of :data:`ENTITY_TYPES`.
    name
        The canonical name this mention suggests: titles and ranks stripped from a person
        ("Anna Morley" for "PC Anna Morley"), a leading "the" dropped from organisations.
    role
        A title or rank the mention carries ("PC", "director-general"), or None.
    count
        For a group, how many people it counts ("38 officers" -> 38), or None.
    generic
        A definite description ("the force", "the watchdog") that refers back to a named
        entity; :mod:`graph.resolve` links it to its antecedent or drops it.
    """

    span: TextSpan
    type: str
    text: str
    name: str
    role: str | None = None
    count: int | None = None
    generic: bool = False


@dataclass(frozen=True, kw_only=True)
class Fact:
    """Base of all facts: the sentence it was derived from and the rule that produced it."""

    evidence: TextSpan
    extractor: str
    confidence: float = 0.8


@dataclass(frozen=True, kw_only=True)
class Membership(Fact):
    """A person or group works for, leads, represents or belongs to an organisation."""

    member: Mention
    organisation: Mention
    role: str | None = None


@dataclass(frozen=True, kw_only=True)
class Investigation(Fact):
    """An organisation or person investigated, reviewed or inquired into another entity."""

    investigator: Mention
    subject: Mention


@dataclass(frozen=True, kw_only=True)
class Allegation(Fact):
    """A claim of wrongdoing against one or more entities."""

    summary: str
    against: tuple[Mention, ...]
    made_by: tuple[Mention, ...] = ()
    count: int | None = None


@dataclass(frozen=True, kw_only=True)
class Outcome(Fact):
    """A finding, sanction or response; ``type`` is a slug of the outcome scheme.

    ``range_count`` is for an end of a range ("five officers received sanctions ranging from A to
    B"): how many received one outcome of the range, shared by both ends and counted once.
    """

    type: str
    applies_to: tuple[Mention, ...]
    count: int | None = None
    range_count: int | None = None
    decided_by: tuple[Mention, ...] = ()
    detail: str | None = None
    concerns: Allegation | None = None


@dataclass(frozen=True, kw_only=True)
class Statement(Fact):
    """A direct quote and who said it; ``quote_span`` locates the quoted words."""

    speakers: tuple[Mention, ...]
    quote: str
    quote_span: TextSpan


@dataclass(frozen=True)
class Extraction:
    """Everything the extractors found in one document, before resolution.

    ``excluded`` lists the spans (photo captions, credits, "Read more:" lines) that produce no
    story facts; the document text itself is untouched.
    """

    document: SourceDocument
    sentences: tuple[TextSpan, ...]
    mentions: tuple[Mention, ...]
    facts: tuple[Fact, ...]
    excluded: tuple[TextSpan, ...] = ()


@dataclass(frozen=True)
class Entity:
    """A resolved entity: one node of the graph.

    ``key`` is deterministic (type and canonical name, plus the document for unnamed groups), so
    the same organisation named in two documents is one node.
    """

    key: str
    type: str
    label: str
    alt_labels: tuple[str, ...] = ()
    count: int | None = None
    mentions: tuple[Mention, ...] = ()


@dataclass(frozen=True)
class ResolvedDocument:
    """A document's entities and facts, ready for :mod:`graph.rdf`.

    ``entity_of`` maps each resolved mention to the key of its :class:`Entity`; facts whose
    arguments did not resolve have been dropped or trimmed by :mod:`graph.resolve`.
    """

    document: SourceDocument
    sentences: tuple[TextSpan, ...]
    entities: tuple[Entity, ...]
    facts: tuple[Fact, ...]
    entity_of: dict[Mention, str] = field(default_factory=dict)


def fact_arguments(fact: Fact) -> tuple[Mention, ...]:
    """Every mention a fact refers to, in a fixed order."""
    if isinstance(fact, Membership):
        return (fact.member, fact.organisation)
    if isinstance(fact, Investigation):
        return (fact.investigator, fact.subject)
    if isinstance(fact, Allegation):
        return (*fact.against, *fact.made_by)
    if isinstance(fact, Outcome):
        return (*fact.applies_to, *fact.decided_by)
    if isinstance(fact, Statement):
        return fact.speakers
    return ()
