"""RDF: a resolved document as an rdflib graph in the casegraph vocabulary (docs/model.md).

IRIs are deterministic: entities by type and canonical name, facts by a hash of their content,
sentences and mentions by their character offsets, so the same input gives the same graph.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

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
from .ns import CG, CGO, DCTERMS, NIF, PROV, XSD

__all__ = ["DEFAULT_BASE", "document_graph", "document_iri", "to_ntriples"]

#: Default namespace of instance IRIs.
DEFAULT_BASE = "https://w3id.org/casegraph/id/"

_KIND = {
    Membership: "membership",
    Investigation: "investigation",
    Allegation: "allegation",
    Outcome: "outcome",
    Statement: "statement",
}
_CLASS = {
    Membership: CG.Membership,
    Investigation: CG.Investigation,
    Allegation: CG.Allegation,
    Outcome: CG.Outcome,
    Statement: CG.Statement,
}
_ENTITY_CLASS = {
    "Organisation": CG.Organisation,
    "Person": CG.Person,
    "Group": CG.Group,
    "Place": CG.Place,
}


def document_iri(doc_id: str, base: str = DEFAULT_BASE) -> URIRef:
    """IRI of a document, which also names its graph.

    >>> str(document_iri("seed"))
    'https://w3id.org/casegraph/id/doc/seed'
    """
    return URIRef(f"{base}doc/{doc_id}")


def _nonneg(n: int) -> Literal:
    return Literal(n, datatype=XSD.nonNegativeInteger)


def _fact_iri(base: str, doc_id: str, fact: Fact, arg_keys: tuple[str, ...]) -> URIRef:
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
    digest = hashlib.sha1(content.encode()).hexdigest()[:12]
    return URIRef(f"{base}fact/{doc_id}/{kind}-{digest}")


def _add_span(g: Graph, node: URIRef, cls: URIRef, span: TextSpan, text: str, doc: URIRef):
    """Type a sentence or mention node and give it its NIF offsets, text and document."""
    g.add((node, RDF.type, cls))
    g.add((node, NIF.beginIndex, _nonneg(span.start)))
    g.add((node, NIF.endIndex, _nonneg(span.end)))
    g.add((node, NIF.anchorOf, Literal(span.of(text))))
    g.add((node, NIF.referenceContext, doc))


def document_graph(resolved: ResolvedDocument, base: str = DEFAULT_BASE) -> Graph:
    """Build the named graph of one document: document, sentences, entities, mentions, facts."""
    doc = resolved.document
    text = doc.text
    g = Graph(identifier=document_iri(doc.doc_id, base))
    g.bind("cg", CG._NS)
    g.bind("cgo", CGO)
    g.bind("nif", NIF)
    g.bind("prov", PROV)
    g.bind("dcterms", DCTERMS)
    g.bind("skos", SKOS)
    d = document_iri(doc.doc_id, base)
    g.add((d, RDF.type, CG.Document))
    g.add((d, NIF.isString, Literal(text)))
    g.add((d, DCTERMS.title, Literal(doc.title)))
    g.add((d, DCTERMS.source, Literal(doc.source)))

    sentence_iris: dict[TextSpan, URIRef] = {}

    def sentence(span: TextSpan) -> URIRef:
        span = span.strip(text)
        iri = sentence_iris.get(span)
        if iri is None:
            iri = URIRef(f"{d}#char={span.start},{span.end}")
            sentence_iris[span] = iri
            _add_span(g, iri, CG.Sentence, span, text, d)
        return iri

    entity_iri = {e.key: URIRef(base + e.key) for e in resolved.entities}
    for e in resolved.entities:
        node = entity_iri[e.key]
        g.add((node, RDF.type, _ENTITY_CLASS[e.type]))
        g.add((node, RDFS.label, Literal(e.label)))
        for alt in e.alt_labels:
            g.add((node, SKOS.altLabel, Literal(alt)))
        if e.count is not None:
            g.add((node, CG.count, Literal(e.count, datatype=XSD.integer)))
        for role in sorted({m.role for m in e.mentions if m.role}):
            g.add((node, CG.role, Literal(role)))
        for m in e.mentions:
            mi = URIRef(f"{d}#mention={m.span.start},{m.span.end}")
            g.add((node, CG.mention, mi))
            _add_span(g, mi, CG.Mention, m.span, text, d)

    def ent(m: Mention) -> URIRef:
        return entity_iri[resolved.entity_of[m]]

    fact_iris: dict[Fact, URIRef] = {}
    for fact in resolved.facts:
        args = tuple(resolved.entity_of[m] for m in fact_arguments(fact))
        node = fact_iris[fact] = _fact_iri(base, doc.doc_id, fact, args)
        g.add((node, RDF.type, _CLASS[type(fact)]))
        g.add((node, PROV.wasDerivedFrom, sentence(fact.evidence)))
        g.add((node, CG.confidence, Literal(Decimal(str(fact.confidence)), datatype=XSD.decimal)))
        g.add((node, CG.extractor, Literal(fact.extractor)))
        if isinstance(fact, Membership):
            member, org = ent(fact.member), ent(fact.organisation)
            g.add((node, CG.member, member))
            g.add((node, CG.organisation, org))
            g.add((member, CG.memberOf, org))
            if fact.role:
                g.add((node, CG.role, Literal(fact.role)))
                g.add((member, CG.role, Literal(fact.role)))
        elif isinstance(fact, Investigation):
            a, b = ent(fact.investigator), ent(fact.subject)
            g.add((node, CG.investigator, a))
            g.add((node, CG.subject, b))
            g.add((a, CG.investigated, b))
        elif isinstance(fact, Allegation):
            g.add((node, RDFS.label, Literal(fact.summary)))
            for m in fact.against:
                g.add((node, CG.against, ent(m)))
            for m in fact.made_by:
                g.add((node, CG.madeBy, ent(m)))
            if fact.count is not None:
                g.add((node, CG.count, Literal(fact.count, datatype=XSD.integer)))
        elif isinstance(fact, Outcome):
            g.add((node, CG.outcomeType, CGO[fact.type]))
            for m in fact.applies_to:
                g.add((node, CG.appliesTo, ent(m)))
            for m in fact.decided_by:
                g.add((node, CG.decidedBy, ent(m)))
            if fact.count is not None:
                g.add((node, CG.count, Literal(fact.count, datatype=XSD.integer)))
            if fact.detail:
                g.add((node, CG.detail, Literal(fact.detail)))
        elif isinstance(fact, Statement):
            for m in fact.speakers:
                g.add((node, CG.saidBy, ent(m)))
            g.add((node, CG.quote, Literal(fact.quote)))
    # an outcome may concern an allegation stated later in the text: link once all have IRIs
    for fact, node in fact_iris.items():
        if isinstance(fact, Outcome) and fact.concerns in fact_iris:
            g.add((node, CG.concerns, fact_iris[fact.concerns]))
    assert not any(isinstance(t, BNode) for t in g.all_nodes())
    return g


def to_ntriples(graph: Graph) -> bytes:
    """Serialise a graph as N-Triples, lines sorted (deterministic output)."""
    data = graph.serialize(format="nt", encoding="utf-8")
    lines = sorted(set(data.splitlines(keepends=True)))
    return b"".join(line for line in lines if line.strip())
