"""Errors a user can cause and fix. The CLI prints them as one line and exits 1.

Every message names the bad input and the reason, e.g. ``"Document 'a.txt' is empty"``.
Programming errors are not wrapped: they keep their traceback.
"""

import re

__all__ = [
    "CasegraphError",
    "ExtractionError",
    "IngestError",
    "OntologyError",
    "QueryError",
    "StoreError",
    "network_reason",
]


class CasegraphError(Exception):
    """Base class of errors caused by the user's input or environment."""


class IngestError(CasegraphError):
    """A document cannot be read: missing, empty, binary, undecodable or of an unknown kind."""


class ExtractionError(CasegraphError):
    """The NLP pipeline cannot be loaded or cannot process a document."""


class OntologyError(CasegraphError):
    """The ontology files are missing or invalid."""


class StoreError(CasegraphError):
    """The store cannot be opened, is locked by another process, or is not a casegraph store."""


class QueryError(CasegraphError):
    """A SPARQL query is malformed or not allowed."""


def network_reason(error: BaseException) -> str:
    """The reason of a network error as one short line: ``"Connection refused"``, not
    ``"[Errno 111] Connection refused"``.

    >>> network_reason(ConnectionRefusedError(111, "Connection refused"))
    'Connection refused'
    """
    text = str(error).split("\n", 1)[0].strip()
    return re.sub(r"^\[Errno -?\d+\]\s*", "", text) or type(error).__name__
