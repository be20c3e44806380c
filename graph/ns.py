"""Namespaces of casegraph graphs: ``CG`` (ontology), ``CGO`` (outcomes), ``NIF``.

GENERATED from ontology/casegraph.ttl by ``python -m graph.ontology --write-ns``: do not edit by
hand. ``CG`` fails on unknown names, so a typo is an error rather than a new IRI.
"""

from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD, DefinedNamespace, Namespace
from rdflib.term import URIRef

__all__ = ["CG", "CGO", "DCTERMS", "NIF", "PROV", "RDF", "RDFS", "SKOS", "XSD"]

#: Outcome concepts ``cgo:{slug}``; slugs have hyphens: write ``CGO["final-written-warning"]``.
CGO = Namespace("https://w3id.org/casegraph/outcomes#")

#: NIF 2.0 core, for documents, sentences and mentions.
NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")


class CG(DefinedNamespace):
    """The casegraph ontology, ``cg:`` (https://w3id.org/casegraph/ontology)."""

    _fail = True
    _NS = Namespace("https://w3id.org/casegraph/ontology#")

    Allegation: URIRef
    """A claim of wrongdoing against one or more entities, with a short description as its
    rdfs:label, who made it and how many allegations the text counts."""

    Correction: URIRef
    """A decision of an editor about the extracted graph (drop a fact, retype a fact or an
    entity, merge or split entities, set a fact's argument, add a fact), kept in a corrections
    file and applied on every build. It says what it did (cg:operation), to what (cg:target),
    who decided (dcterms:creator), when (dcterms:date) and why (rdfs:comment)."""

    Document: URIRef
    """An input article or report. Its full text is nif:isString; its IRI also names the graph
    holding its facts."""

    Entity: URIRef
    """Something a fact can be about: an organisation, a person, a group of people or a place.
    Each entity has exactly one rdfs:label (its canonical name) and a skos:altLabel for every
    other surface form seen in the text."""

    Fact: URIRef
    """A statement extracted from one sentence. Every fact has prov:wasDerivedFrom its
    cg:Sentence, a cg:confidence and the cg:extractor rule that produced it."""

    Group: URIRef
    """An unnamed set of people that the text counts or that an outcome applies to ('38
    officers', 'complainants', 'a detective constable'). Groups are local to their document and
    never merge across documents."""

    Investigation: URIRef
    """An organisation or person investigated, reviewed or inquired into another entity. Also
    written as the shortcut triple ?investigator cg:investigated ?subject."""

    Membership: URIRef
    """A person or group works for, leads, represents or belongs to an organisation, in a role
    as the text words it. Also written as the shortcut triples ?member cg:memberOf ?organisation
    and ?member cg:role '...'."""

    Mention: URIRef
    """A surface form of an entity in a document, located like a sentence by NIF offsets; linked
    from its entity by cg:mention."""

    Organisation: URIRef
    """A named organisation: a police force, watchdog, council, court, company, charity,
    newspaper or law firm. The same organisation named in two documents is one node."""

    Outcome: URIRef
    """A finding, sanction, criminal-justice step or organisational response, typed by a concept
    of the outcome scheme (cgo:scheme), applying to entities and decided by others."""

    Person: URIRef
    """A named individual; titles and ranks are not part of the label. Victims and survivors are
    never recorded as persons."""

    Place: URIRef
    """A town, region or country named in the text."""

    Sentence: URIRef
    """A sentence of a document, located by nif:beginIndex and nif:endIndex (end exclusive) in
    the nif:isString of its nif:referenceContext; nif:anchorOf is its text. Facts are derived
    from sentences."""

    Statement: URIRef
    """A direct quotation and the entities who said it."""

    against: URIRef
    """An entity the allegation is made against."""

    appliesTo: URIRef
    """An entity the outcome applies to (the officer dismissed, the force criticised)."""

    concerns: URIRef
    """The allegation an outcome decides on."""

    confidence: URIRef
    """How confident the extractor is in the fact, a decimal from 0 to 1."""

    contentHash: URIRef
    """SHA-256 (hex) of what the document graph was built from: the document's id, title, source
    and text and the version of the extraction pipeline and model. A rebuild skips a document
    whose hash is unchanged."""

    correctedBy: URIRef
    """A fact or entity that an editor's correction changed or added."""

    count: URIRef
    """How many the text counts: people in a group, allegations in an allegation, people an
    outcome applies to."""

    decidedBy: URIRef
    """An entity that decided, found or imposed the outcome (a panel, watchdog, court)."""

    detail: URIRef
    """Free-text detail of an outcome as worded (a sentence length, an amount)."""

    extractor: URIRef
    """The name of the extraction rule that produced the fact."""

    investigated: URIRef
    """Shortcut of a cg:Investigation: the investigator investigated the subject."""

    investigator: URIRef
    """The organisation or person that investigated, reviewed or inquired."""

    madeBy: URIRef
    """An entity (often a group of complainants) that made the allegation."""

    member: URIRef
    """The person or group a membership is about."""

    memberOf: URIRef
    """Shortcut of a cg:Membership: the member belongs to the organisation."""

    mention: URIRef
    """A mention of the entity in a document."""

    operation: URIRef
    """What a correction did: drop, retype, merge, split, set or add."""

    organisation: URIRef
    """The organisation a membership is in."""

    outcomeType: URIRef
    """The kind of outcome: a skos:Concept of the outcome scheme cgo:scheme, queried by its
    skos:notation."""

    page: URIRef
    """For a document read from a paged source (PDF): the page, counted from 1, on which the
    sentence starts."""

    quote: URIRef
    """The quoted words, without the quotation marks."""

    rangeCount: URIRef
    """For an outcome at one end of a range ('five officers received sanctions ranging from
    management action to a final written warning'): how many people received one outcome of the
    range. Both ends carry it; it counts those people once, never once per end."""

    role: URIRef
    """The role, title or rank as the text words it ('director-general', 'solicitor'), on a
    membership and, as a shortcut, on its member. A literal, unlike the org:role object property
    it mirrors."""

    saidBy: URIRef
    """An entity that made the statement."""

    sourceKey: URIRef
    """SHA-256 (hex) of the resolved path of the file a document was read from. It tells two
    files of the same name apart without publishing the path: a build that meets a second file
    whose name gives an id already taken by another file stores it under the id with the first
    eight digits of its key appended."""

    subject: URIRef
    """The entity that was investigated."""

    target: URIRef
    """The fact or entity a correction is about (for a drop, the fact that is no longer in the
    graph)."""
