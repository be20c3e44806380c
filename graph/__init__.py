"""casegraph: news articles and official reports about institutional failures, as an RDF knowledge
graph of organisations, people, allegations and outcomes, every fact linked to its sentence.

The stages run one way: ``ingest -> nlp -> extract -> resolve -> rdf -> store -> query | analyse |
draw``. Importing :mod:`graph` is cheap: spaCy is only imported by the stages that parse.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
