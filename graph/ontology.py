"""The bundled ontology, outcome scheme, SHACL shapes and competency questions.

The Turtle files live in ``ontology/`` at the top of the repository and are packaged into the wheel
as ``graph/ontology/``; :func:`ontology_dir` finds whichever is present. Nothing here imports
spaCy, so loading the ontology stays cheap.

``graph/ns.py`` is generated from ``ontology/casegraph.ttl`` by this module, so the term list is
never maintained by hand::

    python -m graph.ontology --write-ns
"""

from __future__ import annotations

import argparse
import functools
import keyword
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import rdflib
from rdflib import RDF, SKOS, Graph, URIRef

import graph
from graph.errors import OntologyError

__all__ = [
    "CGO_NAMESPACE",
    "CG_NAMESPACE",
    "ONTOLOGY_GRAPH",
    "CompetencyQuery",
    "OutcomeType",
    "competency_queries",
    "load_ontology",
    "load_shapes",
    "main",
    "ontology_dir",
    "ontology_terms",
    "outcome_scheme",
    "render_ns",
    "write_ns",
]

#: IRI of the ontology, and of the named graph that holds the ontology and the outcome scheme.
ONTOLOGY_GRAPH = "https://w3id.org/casegraph/ontology"
#: Namespace of the ontology's classes and properties (``cg:``).
CG_NAMESPACE = "https://w3id.org/casegraph/ontology#"
#: Namespace of the outcome concepts (``cgo:``).
CGO_NAMESPACE = "https://w3id.org/casegraph/outcomes#"

_ONTOLOGY_FILES = ("casegraph.ttl", "outcomes.ttl")
_SHAPES_FILE = "shapes.ttl"
_QUESTION_PREFIX = "# Question:"
_TOP_CONCEPTS = ("findings", "sanctions", "criminal-justice", "organisational-responses")
_PREFIXES = {
    "cg": CG_NAMESPACE,
    "cgo": CGO_NAMESPACE,
    "cgsh": "https://w3id.org/casegraph/shapes#",
    "nif": "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#",
    "prov": "http://www.w3.org/ns/prov#",
    "skos": str(SKOS),
    "dcterms": "http://purl.org/dc/terms/",
}


@dataclass(frozen=True)
class OutcomeType:
    """One concept of the outcome scheme.

    Parameters
    ----------
    slug
        The ``skos:notation`` users query by, e.g. ``"final-written-warning"``.
    iri
        The concept, ``cgo:{slug}``.
    pref_label
        Its English ``skos:prefLabel``.
    alt_labels
        Its English ``skos:altLabel`` phrasings, lower case, sorted.
    group
        The slug of its top concept: ``findings``, ``sanctions``, ``criminal-justice`` or
        ``organisational-responses``.
    """

    slug: str
    iri: URIRef
    pref_label: str
    alt_labels: tuple[str, ...]
    group: str


@dataclass(frozen=True)
class CompetencyQuery:
    """A bundled SPARQL query answering one competency question.

    Parameters
    ----------
    name
        The file name without ``.rq``, e.g. ``"01-who-investigated-whom"``.
    question
        The question in plain English, from the file's ``# Question:`` line.
    sparql
        The whole query text.
    """

    name: str
    question: str
    sparql: str


def ontology_dir() -> Path:
    """Return the directory holding the ontology files.

    The copy packaged in the wheel (``graph/ontology/``) wins; in a source checkout it is the
    repository's ``ontology/`` next to the ``graph`` package.

    Returns
    -------
    Path
        A directory containing ``casegraph.ttl``.

    Raises
    ------
    OntologyError
        If neither directory contains ``casegraph.ttl``; the message names both paths tried.

    Examples
    --------
    >>> (ontology_dir() / "casegraph.ttl").is_file()
    True
    """
    package = Path(graph.__file__).resolve().parent
    tried = (package / "ontology", package.parent / "ontology")
    for candidate in tried:
        if (candidate / _ONTOLOGY_FILES[0]).is_file():
            return candidate
    raise OntologyError(
        "Ontology files not found: tried " + " and ".join(repr(str(path)) for path in tried)
    )


def _parse(graph_: Graph, name: str) -> Graph:
    path = ontology_dir() / name
    if not path.is_file():
        raise OntologyError(f"Ontology file {str(path)!r} is missing")
    try:
        graph_.parse(path, format="turtle")
    except Exception as error:  # rdflib raises several unrelated types for bad Turtle
        raise OntologyError(f"Ontology file {str(path)!r} is not valid Turtle: {error}") from error
    return graph_


def _new_graph(identifier: str | None = None) -> Graph:
    result = Graph(identifier=URIRef(identifier) if identifier else None)
    for prefix, namespace in _PREFIXES.items():
        result.bind(prefix, namespace)
    return result


def load_ontology() -> Graph:
    """Return the ontology and the outcome scheme as one new graph.

    The graph's identifier is :data:`ONTOLOGY_GRAPH`, the named graph the store keeps it in.
    Each call parses the files again, so the caller may modify the result.

    Raises
    ------
    OntologyError
        If a file is missing or is not valid Turtle.

    Examples
    --------
    >>> from rdflib import OWL, RDF, URIRef
    >>> (URIRef(ONTOLOGY_GRAPH), RDF.type, OWL.Ontology) in load_ontology()
    True
    """
    result = _new_graph(ONTOLOGY_GRAPH)
    for name in _ONTOLOGY_FILES:
        _parse(result, name)
    return result


def load_shapes() -> Graph:
    """Return the SHACL shapes of ``ontology/shapes.ttl`` as a new graph.

    Raises
    ------
    OntologyError
        If the file is missing or is not valid Turtle.
    """
    return _parse(_new_graph(), _SHAPES_FILE)


@functools.cache
def _outcome_types() -> tuple[OutcomeType, ...]:
    scheme = _parse(_new_graph(), _ONTOLOGY_FILES[1])
    cgo = rdflib.Namespace(CGO_NAMESPACE)
    tops = {cgo[slug]: slug for slug in _TOP_CONCEPTS}
    found = []
    for concept in sorted(scheme.subjects(RDF.type, SKOS.Concept)):
        if concept in tops:
            continue
        notation = scheme.value(concept, SKOS.notation)
        broader = [tops[b] for b in scheme.objects(concept, SKOS.broader) if b in tops]
        pref = [
            label
            for label in scheme.objects(concept, SKOS.prefLabel)
            if label.language in ("en", None)
        ]
        if notation is None or len(broader) != 1 or len(pref) != 1:
            raise OntologyError(
                f"Outcome concept {str(concept)!r} needs one skos:notation, one English "
                "skos:prefLabel and one skos:broader top concept"
            )
        alt = sorted(
            {
                str(label)
                for label in scheme.objects(concept, SKOS.altLabel)
                if label.language in ("en", None)
            }
        )
        found.append(OutcomeType(str(notation), concept, str(pref[0]), tuple(alt), broader[0]))
    return tuple(found)


def outcome_scheme() -> dict[str, OutcomeType]:
    """Map each outcome slug to its :class:`OutcomeType`, read once from ``outcomes.ttl``.

    The four top concepts are not outcome types and are left out. The result is a new dict on
    each call (the parsed scheme is cached).

    Raises
    ------
    OntologyError
        If the file is missing or a concept lacks its notation, label or group.

    Examples
    --------
    >>> outcome_scheme()["final-written-warning"].group
    'sanctions'
    >>> "sacked" in outcome_scheme()["dismissal"].alt_labels
    True
    """
    return {outcome.slug: outcome for outcome in _outcome_types()}


def competency_queries() -> list[CompetencyQuery]:
    """Return the bundled competency questions, sorted by file name.

    Raises
    ------
    OntologyError
        If the ``queries`` directory is missing or a file does not start with ``# Question:``.

    Examples
    --------
    >>> competency_queries()[0].question
    'Who investigated whom?'
    """
    folder = ontology_dir() / "queries"
    if not folder.is_dir():
        raise OntologyError(f"Query directory {str(folder)!r} is missing")
    queries = []
    for path in sorted(folder.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        first = text.split("\n", 1)[0]
        if not first.startswith(_QUESTION_PREFIX):
            raise OntologyError(f"Query {str(path)!r} does not start with {_QUESTION_PREFIX!r}")
        queries.append(CompetencyQuery(path.stem, first[len(_QUESTION_PREFIX) :].strip(), text))
    return queries


def ontology_terms() -> dict[str, str]:
    """Map the local name of every ``cg:`` class and property to its ``rdfs:comment``.

    A term is any ``cg:`` IRI typed in ``casegraph.ttl`` (the same rule as rdflib's
    ``defined_namespace_creator``); sorted by name.

    Examples
    --------
    >>> "Allegation" in ontology_terms()
    True
    """
    ontology = _parse(_new_graph(), _ONTOLOGY_FILES[0])
    terms = {}
    for subject in set(ontology.subjects(RDF.type, None)):
        if isinstance(subject, URIRef) and subject.startswith(CG_NAMESPACE):
            name = subject[len(CG_NAMESPACE) :]
            if name:
                comment = ontology.value(subject, rdflib.RDFS.comment)
                terms[name] = " ".join(str(comment or "").split())
    return dict(sorted(terms.items()))


_NS_HEADER = '''"""Namespaces of casegraph graphs: ``CG`` (ontology), ``CGO`` (outcomes), ``NIF``.

GENERATED from ontology/casegraph.ttl by ``python -m graph.ontology --write-ns``: do not edit by
hand. ``CG`` fails on unknown names, so a typo is an error rather than a new IRI.
"""

from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD, DefinedNamespace, Namespace
from rdflib.term import URIRef

__all__ = ["CG", "CGO", "DCTERMS", "NIF", "PROV", "RDF", "RDFS", "SKOS", "XSD"]

#: Outcome concepts ``cgo:{slug}``; slugs have hyphens: write ``CGO["final-written-warning"]``.
CGO = Namespace("{cgo}")

#: NIF 2.0 core, for documents, sentences and mentions.
NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")


class CG(DefinedNamespace):
    """The casegraph ontology, ``cg:`` (https://w3id.org/casegraph/ontology)."""

    _fail = True
    _NS = Namespace("{cg}")

'''


def render_ns() -> str:
    """Return the source of ``graph/ns.py`` generated from ``casegraph.ttl``.

    Raises
    ------
    OntologyError
        If a term's local name is not a Python identifier.
    """
    lines = [_NS_HEADER.replace("{cg}", CG_NAMESPACE).replace("{cgo}", CGO_NAMESPACE)]
    for name, comment in ontology_terms().items():
        if not name.isidentifier() or keyword.iskeyword(name):
            raise OntologyError(f"Ontology term {name!r} is not a Python identifier")
        doc = textwrap.fill(
            comment.replace('"', "'").replace("\\", "/"),
            width=96,
            initial_indent='    """',
            subsequent_indent="    ",
        )
        lines.append(f'    {name}: URIRef\n{doc}"""\n\n')
    return "".join(lines).rstrip("\n") + "\n"


def write_ns(path: Path | None = None) -> Path:
    """Regenerate ``graph/ns.py`` (or ``path``) from the ontology and return the path written."""
    target = path or Path(__file__).with_name("ns.py")
    target.write_text(render_ns(), encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m graph.ontology --write-ns [PATH]``."""
    parser = argparse.ArgumentParser(prog="python -m graph.ontology", description=__doc__)
    parser.add_argument(
        "--write-ns",
        nargs="?",
        const="",
        metavar="PATH",
        help="regenerate graph/ns.py (or PATH) from ontology/casegraph.ttl",
    )
    args = parser.parse_args(argv)
    if args.write_ns is None:
        parser.print_help()
        return 2
    print(write_ns(Path(args.write_ns) if args.write_ns else None))
    return 0


if __name__ == "__main__":
    sys.exit(main())
