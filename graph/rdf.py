"""RDF: a resolved document as N-Triples in the casegraph vocabulary (docs/model.md).

IRIs are deterministic: entities by type and canonical name, facts by a hash of their content,
sentences and mentions by their character offsets, so the same input gives the same graph.

:func:`document_ntriples` writes the N-Triples lines itself (no rdflib graph in between: building
and serialising an rdflib graph cost more than the rest of the stage). :func:`document_graph` is
the same triples as an :class:`rdflib.Graph`, for callers that want one.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import TYPE_CHECKING

from .model import (
    Allegation,
    Fact,
    Investigation,
    Membership,
    Mention,
    Outcome,
    ResolvedDocument,
    Statement,
    TextSpan,
    fact_arguments,
)

if TYPE_CHECKING:
    from rdflib import Graph, URIRef

__all__ = [
    "DEFAULT_BASE",
    "document_graph",
    "document_iri",
    "document_ntriples",
    "to_ntriples",
]

#: Default namespace of instance IRIs.
DEFAULT_BASE = "https://w3id.org/casegraph/id/"

_CG = "https://w3id.org/casegraph/ontology#"
_CGO = "https://w3id.org/casegraph/outcomes#"
_NIF = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_PROV = "http://www.w3.org/ns/prov#"

# Predicates and classes, written once as N-Triples terms.
_A = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
_LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
_ALT_LABEL = "<http://www.w3.org/2004/02/skos/core#altLabel>"
_TITLE = "<http://purl.org/dc/terms/title>"
_SOURCE = "<http://purl.org/dc/terms/source>"
_CREATOR = "<http://purl.org/dc/terms/creator>"
_ISSUED = "<http://purl.org/dc/terms/issued>"
_DERIVED_FROM = f"<{_PROV}wasDerivedFrom>"
_IS_STRING = f"<{_NIF}isString>"
_BEGIN = f"<{_NIF}beginIndex>"
_END = f"<{_NIF}endIndex>"
_ANCHOR = f"<{_NIF}anchorOf>"
_CONTEXT = f"<{_NIF}referenceContext>"
_NON_NEGATIVE = f"<{_XSD}nonNegativeInteger>"
_INTEGER = f"<{_XSD}integer>"
_DECIMAL = f"<{_XSD}decimal>"


def _cg(name: str) -> str:
    return f"<{_CG}{name}>"


_KIND = {
    Membership: "membership",
    Investigation: "investigation",
    Allegation: "allegation",
    Outcome: "outcome",
    Statement: "statement",
}
_CLASS = {cls: _cg(cls.__name__) for cls in _KIND}
_ENTITY_CLASS = {name: _cg(name) for name in ("Organisation", "Person", "Group", "Place")}

#: N-Triples escapes of a string literal (the four characters STRING_LITERAL_QUOTE excludes).
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def document_iri(doc_id: str, base: str = DEFAULT_BASE) -> URIRef:
    """IRI of a document, which also names its graph.

    >>> str(document_iri("seed"))
    'https://w3id.org/casegraph/id/doc/seed'
    """
    from rdflib import URIRef

    return URIRef(f"{base}doc/{doc_id}")


def _literal(value: str) -> str:
    """A plain (xsd:string) literal as an N-Triples term.

    >>> print(_literal('say "no"\\n'))
    "say \\"no\\"\\n"
    """
    return f'"{value.translate(_ESCAPES)}"'


def _integer(value: int, datatype: str = _INTEGER) -> str:
    return f'"{int(value)}"^^{datatype}'


def _fact_iri(base: str, doc_id: str, fact: Fact, arg_keys: tuple[str, ...]) -> str:
    kind = _KIND[type(fact)]
    content = repr(
        (
            kind,
            fact.evidence,
            arg_keys,
            getattr(fact, "type", None),
            getattr(fact, "role", None),
            getattr(fact, "quote", None),
            getattr(fact, "summary", None),
            getattr(fact, "count", None),
            fact.extractor,
        )
    )
    if getattr(fact, "range_count", None) is not None:  # only then: other IRIs stay as they were
        content += repr(fact.range_count)
    digest = hashlib.sha1(content.encode()).hexdigest()[:12]
    return f"<{base}fact/{doc_id}/{kind}-{digest}>"


def document_ntriples(
    resolved: ResolvedDocument, base: str = DEFAULT_BASE, *, content_hash: str | None = None
) -> bytes:
    """Write the named graph of one document: document, sentences, entities, mentions, facts.

    Parameters
    ----------
    resolved
        The document's entities and facts.
    base
        Namespace of instance IRIs.
    content_hash
        When given, also state ``<document> cg:contentHash "..."`` (see
        :func:`graph.pipeline.content_hash`), so a rebuild can skip an unchanged document.

    Returns
    -------
    bytes
        UTF-8 N-Triples, one triple a line, lines sorted and unique (deterministic output).
    """
    doc = resolved.document
    text = doc.text
    d_iri = f"{base}doc/{doc.doc_id}"
    d = f"<{d_iri}>"
    lines: set[str] = set()
    add = lines.add

    def triple(s: str, p: str, o: str) -> None:
        add(f"{s} {p} {o} .\n")

    def span_node(node: str, cls: str, span: TextSpan) -> None:
        """Type a sentence or mention node and give it its NIF offsets, text and document."""
        triple(node, _A, cls)
        triple(node, _BEGIN, _integer(span.start, _NON_NEGATIVE))
        triple(node, _END, _integer(span.end, _NON_NEGATIVE))
        triple(node, _ANCHOR, _literal(span.of(text)))
        triple(node, _CONTEXT, d)

    triple(d, _A, _cg("Document"))
    triple(d, _IS_STRING, _literal(text))
    triple(d, _TITLE, _literal(doc.title))
    triple(d, _SOURCE, _literal(doc.source))
    if doc.author:
        triple(d, _CREATOR, _literal(doc.author))
    if doc.published:
        triple(d, _ISSUED, f"{_literal(doc.published)}^^<{_XSD}date>")
    if content_hash is not None:
        triple(d, _cg("contentHash"), _literal(content_hash))
    if doc.key is not None:
        triple(d, _cg("sourceKey"), _literal(doc.key))

    sentence_iris: dict[TextSpan, str] = {}

    def sentence(span: TextSpan) -> str:
        span = span.strip(text)
        iri = sentence_iris.get(span)
        if iri is None:
            iri = sentence_iris[span] = f"<{d_iri}#char={span.start},{span.end}>"
            span_node(iri, _cg("Sentence"), span)
            page = doc.page_at(span.start)
            if page is not None:
                triple(iri, _cg("page"), _integer(page))
        return iri

    entity_iri = {e.key: f"<{base}{e.key}>" for e in resolved.entities}
    for e in resolved.entities:
        node = entity_iri[e.key]
        triple(node, _A, _ENTITY_CLASS[e.type])
        triple(node, _LABEL, _literal(e.label))
        for alt in e.alt_labels:
            triple(node, _ALT_LABEL, _literal(alt))
        if e.count is not None:
            triple(node, _cg("count"), _integer(e.count))
        for role in sorted({m.role for m in e.mentions if m.role}):
            triple(node, _cg("role"), _literal(role))
        for m in e.mentions:
            mi = f"<{d_iri}#mention={m.span.start},{m.span.end}>"
            triple(node, _cg("mention"), mi)
            span_node(mi, _cg("Mention"), m.span)

    def ent(m: Mention) -> str:
        return entity_iri[resolved.entity_of[m]]

    fact_iris: dict[Fact, str] = {}
    for fact in resolved.facts:
        args = tuple(resolved.entity_of[m] for m in fact_arguments(fact))
        node = fact_iris[fact] = _fact_iri(base, doc.doc_id, fact, args)
        confidence = format(Decimal(str(fact.confidence)), "f")  # as rdflib writes a Decimal
        triple(node, _A, _CLASS[type(fact)])
        triple(node, _DERIVED_FROM, sentence(fact.evidence))
        triple(node, _cg("confidence"), f'"{confidence}"^^{_DECIMAL}')
        triple(node, _cg("extractor"), _literal(fact.extractor))
        if isinstance(fact, Membership):
            member, org = ent(fact.member), ent(fact.organisation)
            triple(node, _cg("member"), member)
            triple(node, _cg("organisation"), org)
            triple(member, _cg("memberOf"), org)
            if fact.role:
                triple(node, _cg("role"), _literal(fact.role))
                triple(member, _cg("role"), _literal(fact.role))
        elif isinstance(fact, Investigation):
            a, b = ent(fact.investigator), ent(fact.subject)
            triple(node, _cg("investigator"), a)
            triple(node, _cg("subject"), b)
            triple(a, _cg("investigated"), b)
        elif isinstance(fact, Allegation):
            triple(node, _LABEL, _literal(fact.summary))
            for m in fact.against:
                triple(node, _cg("against"), ent(m))
            for m in fact.made_by:
                triple(node, _cg("madeBy"), ent(m))
            if fact.count is not None:
                triple(node, _cg("count"), _integer(fact.count))
        elif isinstance(fact, Outcome):
            triple(node, _cg("outcomeType"), f"<{_CGO}{fact.type}>")
            for m in fact.applies_to:
                triple(node, _cg("appliesTo"), ent(m))
            for m in fact.decided_by:
                triple(node, _cg("decidedBy"), ent(m))
            if fact.count is not None:
                triple(node, _cg("count"), _integer(fact.count))
            if fact.range_count is not None:
                triple(node, _cg("rangeCount"), _integer(fact.range_count))
            if fact.detail:
                triple(node, _cg("detail"), _literal(fact.detail))
        elif isinstance(fact, Statement):
            for m in fact.speakers:
                triple(node, _cg("saidBy"), ent(m))
            triple(node, _cg("quote"), _literal(fact.quote))
    # an outcome may concern an allegation stated later in the text: link once all have IRIs
    for fact, node in fact_iris.items():
        if isinstance(fact, Outcome) and fact.concerns in fact_iris:
            triple(node, _cg("concerns"), fact_iris[fact.concerns])
    # UTF-8 byte order is code point order: sorting the strings sorts the lines as bytes
    return "".join(sorted(lines)).encode("utf-8")


def document_graph(resolved: ResolvedDocument, base: str = DEFAULT_BASE) -> Graph:
    """The triples of :func:`document_ntriples` as an rdflib graph named by the document IRI."""
    from rdflib import Graph

    from .ns import CG, CGO, DCTERMS, NIF, PROV, SKOS

    g = Graph(identifier=document_iri(resolved.document.doc_id, base))
    for prefix, namespace in (
        ("cg", CG._NS),
        ("cgo", CGO),
        ("nif", NIF),
        ("prov", PROV),
        ("dcterms", DCTERMS),
        ("skos", SKOS),
    ):
        g.bind(prefix, namespace)
    g.parse(data=document_ntriples(resolved, base), format="nt")
    return g


def to_ntriples(graph: Graph) -> bytes:
    """Serialise an rdflib graph as N-Triples, lines sorted (deterministic output)."""
    data = graph.serialize(format="nt", encoding="utf-8")
    lines = sorted(set(data.splitlines(keepends=True)))
    return b"".join(line for line in lines if line.strip())
