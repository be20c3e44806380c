"""Run user SPARQL over a store and format the results.

This module is on the fast path of ``casegraph query``: it imports neither spaCy nor rdflib, only
pyoxigraph and the standard library.

Queries are read-only: SPARQL Update and ``SERVICE`` (which would make Oxigraph fetch from the
network) are rejected before anything runs. The prefixes of :data:`graph.store.PREFIXES` (``cg:``,
``cgo:``, ``id:`` ...) are predeclared, and the default graph is the union of all graphs (with
pyoxigraph 0.5, a bag: see :mod:`graph.store`). A ``/`` in a prefixed name must be escaped
(``id:organisation\\/ipso``) or the IRI written in full.

In a :class:`QueryResult`, ``rows`` hold plain strings: IRIs in full, literals as their lexical
form, blank nodes as ``_:label`` and unbound variables as None. Only the ``table`` format compacts
IRIs with the known prefixes, for reading; ``csv``, ``tsv`` and ``json`` follow the SPARQL 1.1 Query
Results formats and keep every IRI in full. :meth:`QueryResult.to_dataframe` gives a pandas
DataFrame with a typed column per variable (pandas is imported only then).

Examples
--------
>>> from graph.store import CaseStore
>>> store = CaseStore.open(None)
>>> _ = store.replace_documents([(
...     "https://w3id.org/casegraph/id/doc/a",
...     b'<https://w3id.org/casegraph/id/person/anna-morley> '
...     b'<http://www.w3.org/2000/01/rdf-schema#label> "Anna Morley" .\\n')])
>>> result = run_query(store, "SELECT ?who ?name WHERE { ?who rdfs:label ?name }")
>>> result.rows
[('https://w3id.org/casegraph/id/person/anna-morley', 'Anna Morley')]
>>> print(format_result(result, "table"), end="")
who                    name
---------------------  -----------
id:person/anna-morley  Anna Morley
<BLANKLINE>
(1 row)
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from pyoxigraph import BlankNode, Literal, NamedNode, QueryBoolean, QueryTriples, RdfFormat

from graph.errors import QueryError
from graph.store import PREFIXES

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "FORMATS",
    "QueryResult",
    "check_query",
    "compact_iri",
    "display_rows",
    "format_result",
    "run_query",
    "without_iri_columns",
]

#: Output formats of :func:`format_result`.
FORMATS = ("table", "csv", "tsv", "json", "markdown")

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
#: First keywords of the SPARQL 1.1 Update operations (none of them is a query keyword).
_UPDATE_WORDS = frozenset(
    ["INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"]
)
_QUERY_FORMS = frozenset(["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"])
_MAX_MESSAGE = 200
#: Oxigraph lists the characters a name may start with as ``['A' ..= 'Z' | ...]``.
_CHAR_RANGES = re.compile(r"\[[^\[\]]*\.\.=[^\[\]]*\]")
#: Tabs and line breaks, which the table format shows as a space.
_BREAKS = re.compile(r"[\t\r\n]+")

# A lexer good enough to find keywords and prefixes outside comments, strings and IRIs.
_TOKENS = re.compile(
    r"""
    (?P<comment>\#[^\n]*)
  | (?P<string>"{3}(?:[^"\\]|\\.|"(?!""))*"{3}|'{3}(?:[^'\\]|\\.|'(?!''))*'{3}
              |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\s]*>)
  | (?P<var>[?$]\w+)
  | (?P<bnode>_:[\w.-]*)
  | (?P<pname>(?:[^\W\d_][\w.-]*)?:(?:[\w:%-]|\\.|\.(?=[\w:%-]))*)
  | (?P<word>[A-Za-z_]\w*)
  | (?P<other>\S)
    """,
    re.VERBOSE,
)


class _Queryable(Protocol):
    def query(self, sparql: str, **options: Any) -> Any: ...


@dataclass(frozen=True)
class QueryResult:
    """The result of one query, as plain values.

    Exactly one of these is filled, by the query form: ``columns`` and ``rows`` (SELECT),
    ``boolean`` (ASK) or ``graph_ntriples`` (CONSTRUCT and DESCRIBE, as N-Triples text).
    ``terms`` keeps the RDF terms behind ``rows`` (with datatypes and languages) for the
    standard result formats.
    """

    columns: list[str] = field(default_factory=list)
    rows: list[tuple[str | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    graph_ntriples: str | None = None
    terms: list[tuple[Any, ...]] = field(default_factory=list, repr=False, compare=False)

    def to_dataframe(self) -> pd.DataFrame:
        """The rows of a SELECT result as a pandas DataFrame, one typed column per variable.

        Columns are in the order of the query's variables; each one's dtype follows the datatypes
        of its values:

        - integers (``xsd:integer``, ``xsd:int``, ``xsd:long`` ...): ``Int64`` (nullable);
        - numbers, at least one ``xsd:decimal``, ``xsd:double`` or ``xsd:float``: ``float64``;
        - ``xsd:boolean``: ``boolean`` (nullable);
        - ``xsd:date`` and ``xsd:dateTime``: ``datetime64``, in UTC (``datetime64[..., UTC]``)
          when any value has a time zone, values without one being read as UTC; the time zone
          of an ``xsd:date`` is ignored;
        - anything else (IRIs in full, other literals, blank nodes as ``_:label``): ``string``.

        Unbound values are missing: ``pd.NA`` (``NaN`` in a ``float64`` column, ``NaT`` in a
        datetime one). A column that mixes kinds (an IRI and a number), or holds a value that is
        not valid for its datatype or does not fit (an integer beyond 64 bits, a year outside
        pandas' range), holds the lexical forms as strings instead. Languages of strings are
        dropped. A result built by hand, without ``terms``, gives string columns.

        Returns
        -------
        pandas.DataFrame
            With a default index ``0 .. n-1``.

        Raises
        ------
        ValueError
            For the result of an ASK, CONSTRUCT or DESCRIBE query.

        Examples
        --------
        >>> from graph.store import CaseStore
        >>> query = '''SELECT ?n ?x ?d WHERE {
        ...   VALUES (?n ?x) { (1 2.5) (2 UNDEF) } BIND("2024-05-01"^^xsd:date AS ?d) }'''
        >>> frame = run_query(CaseStore.open(None), query).to_dataframe()
        >>> [str(dtype) for dtype in frame.dtypes]
        ['Int64', 'float64', 'datetime64[us]']
        >>> frame["n"].sum(), frame["x"].isna().tolist()
        (np.int64(3), [False, True])
        """
        import pandas as pd

        if self.boolean is not None or self.graph_ntriples is not None:
            form = "ASK" if self.boolean is not None else "CONSTRUCT or DESCRIBE"
            raise ValueError(f"to_dataframe() needs a SELECT result, not the result of {form}")
        rows = self.terms or self.rows  # a result built by hand has plain strings only
        cells = [[row[i] for row in rows] for i in range(len(self.columns))]
        data = {
            name: _frame_column(values) for name, values in zip(self.columns, cells, strict=True)
        }
        return pd.DataFrame(data, columns=self.columns)


def run_query(store: _Queryable, sparql: str) -> QueryResult:
    """Run a read-only SPARQL query over the union of the store's graphs.

    Parameters
    ----------
    store
        A :class:`graph.store.CaseStore` (or a :class:`pyoxigraph.Store`).
    sparql
        A SELECT, ASK, CONSTRUCT or DESCRIBE query. The known prefixes need no declaration.

    Returns
    -------
    QueryResult

    Raises
    ------
    QueryError
        For SPARQL Update, ``SERVICE``, an undeclared prefix or a syntax error; the message is
        one line and names the problem.

    Examples
    --------
    >>> from graph.store import CaseStore
    >>> run_query(CaseStore.open(None), "INSERT DATA { <a:s> <a:p> <a:o> }")
    Traceback (most recent call last):
    ...
    graph.errors.QueryError: SPARQL Update (INSERT) is not allowed: queries only read the store
    """
    check_query(sparql)
    try:
        results = store.query(sparql, use_default_graph_as_union=True, prefixes=PREFIXES)
        if isinstance(results, QueryBoolean):
            return QueryResult(boolean=bool(results))
        if isinstance(results, QueryTriples):
            data = results.serialize(format=RdfFormat.N_TRIPLES) or b""
            return QueryResult(graph_ntriples=data.decode("utf-8"))
        columns = [variable.value for variable in results.variables]
        terms = [tuple(solution[name] for name in columns) for solution in results]
    except SyntaxError as error:
        raise QueryError(f"Malformed SPARQL query: {_one_line(error)}") from None
    except OSError as error:
        raise QueryError(f"Query failed: {_one_line(error)}") from None
    rows = [tuple(_plain(term) for term in row) for row in terms]
    return QueryResult(columns=columns, rows=rows, terms=terms)


def format_result(result: QueryResult, fmt: str = "table") -> str:
    """Write a result as text.

    Parameters
    ----------
    result
        From :func:`run_query`.
    fmt
        ``table`` (aligned plain text, IRIs compacted), ``markdown`` (a pipe table, IRIs
        compacted, ``|`` escaped), or ``csv``, ``tsv``, ``json``: the SPARQL 1.1 Query Results
        CSV, TSV and JSON formats. ASK gives ``true`` or ``false`` (JSON: the
        standard boolean document); CONSTRUCT and DESCRIBE give N-Triples in every format.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        For an unknown format.
    """
    if fmt not in FORMATS:
        raise ValueError(f"Unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if result.graph_ntriples is not None:
        return result.graph_ntriples
    if result.boolean is not None:
        if fmt == "json":
            return json.dumps({"head": {}, "boolean": result.boolean}, indent=2) + "\n"
        return "true\n" if result.boolean else "false\n"
    return _FORMATTERS[fmt](result)


def compact_iri(iri: str, prefixes: Mapping[str, str] = PREFIXES) -> str:
    """Write ``iri`` as ``prefix:rest`` when it starts with a known namespace (for display only).

    >>> compact_iri("https://w3id.org/casegraph/ontology#Outcome")
    'cg:Outcome'
    """
    for prefix, namespace in prefixes.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def display_rows(result: QueryResult) -> list[tuple[str, ...]]:
    """Return the rows as the ``table`` format shows them.

    IRIs are compacted, tabs and line breaks shown as one space, unbound variables as ``""``.

    A result built by hand, without ``terms``, shows its ``rows`` as they are.
    """
    return [tuple(_display(term) for term in row) for row in result.terms or result.rows]


def without_iri_columns(result: QueryResult) -> QueryResult:
    """The result without the columns that hold only IRIs, for reading by people.

    The competency queries return the IRIs of the things they name, for linking; on screen the
    labels and sentences say the same. A result with no other column is returned as it is.
    """
    if not result.terms or not result.columns:
        return result
    keep = [
        i
        for i in range(len(result.columns))
        if any(row[i] is not None and not isinstance(row[i], NamedNode) for row in result.terms)
    ]
    if not keep or len(keep) == len(result.columns):
        return result
    return QueryResult(
        columns=[result.columns[i] for i in keep],
        rows=[tuple(row[i] for i in keep) for row in result.rows],
        terms=[tuple(row[i] for i in keep) for row in result.terms],
    )


# -- data frames -------------------------------------------------------------------------------

_XSD = "http://www.w3.org/2001/XMLSchema#"
#: The kind of column (see :meth:`QueryResult.to_dataframe`) of each typed-literal datatype.
_KINDS = {
    **{
        _XSD + name: "int"
        for name in (
            "integer",
            "int",
            "long",
            "short",
            "byte",
            "nonNegativeInteger",
            "positiveInteger",
            "negativeInteger",
            "nonPositiveInteger",
            "unsignedLong",
            "unsignedInt",
            "unsignedShort",
            "unsignedByte",
        )
    },
    **{_XSD + name: "float" for name in ("decimal", "double", "float")},
    _XSD + "boolean": "bool",
    _XSD + "date": "date",
    _XSD + "dateTime": "datetime",
    _XSD + "dateTimeStamp": "datetime",
}
_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}
#: The date of an ``xsd:date`` (its time zone, if any, is dropped).
_DATE = re.compile(r"\s*(-?\d{4,}-\d\d-\d\d)")
#: A time zone at the end of an ``xsd:dateTime``.
_ZONE = re.compile(r"(?:Z|[+-]\d\d:\d\d)\s*$")


def _kind(term: Any) -> str:
    """``int``, ``float``, ``bool``, ``date``, ``datetime`` or ``str`` (anything else)."""
    if isinstance(term, Literal):
        return _KINDS.get(term.datatype.value, "str")
    return "str"


def _frame_column(terms: list[Any]) -> Any:
    """A pandas array of one result column, typed by the datatypes of its bound values."""
    import pandas as pd

    kinds = {_kind(term) for term in terms if term is not None}
    # Typed kinds are literals only: their lexical forms.
    lexical = [term.value if isinstance(term, Literal) else None for term in terms]
    try:
        if kinds and kinds <= {"int"}:
            return pd.array([None if v is None else int(v) for v in lexical], dtype="Int64")
        if kinds and kinds <= {"int", "float"}:
            return pd.array(
                [float("nan") if v is None else float(v) for v in lexical], dtype="float64"
            )
        if kinds == {"bool"}:
            return pd.array(
                [None if v is None else _BOOLEANS[v.strip()] for v in lexical], dtype="boolean"
            )
        if kinds and kinds <= {"date", "datetime"}:
            return _datetimes(terms, lexical)
    except (ValueError, KeyError, OverflowError, TypeError):
        pass  # a value not valid for its datatype, or too large: keep the lexical forms
    strings = [None if term is None else _plain(term) for term in terms]
    return pd.array(strings, dtype="string")


def _datetimes(terms: list[Any], lexical: list[str | None]) -> Any:
    """``xsd:date`` and ``xsd:dateTime`` values as a datetime64 array (UTC if any has a zone)."""
    import pandas as pd

    values: list[str | None] = []
    zoned = False
    for term, value in zip(terms, lexical, strict=True):
        if value is None:
            values.append(None)
        elif _kind(term) == "date":
            match = _DATE.match(value)
            if match is None:
                raise ValueError(value)
            values.append(match.group(1))
        else:
            zoned = zoned or _ZONE.search(value) is not None
            values.append(value.strip())
    return pd.array(pd.to_datetime(values, format="ISO8601", utc=zoned))


# -- checking ----------------------------------------------------------------------------------


def check_query(sparql: str) -> None:
    """Reject updates, ``SERVICE`` and undeclared prefixes before Oxigraph sees the query.

    Raises
    ------
    QueryError
        Naming the reason, e.g. ``SERVICE is not allowed: queries only read the local store``.

    Examples
    --------
    >>> check_query("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    Traceback (most recent call last):
    graph.errors.QueryError: SERVICE is not allowed: queries only read the local store
    """
    declared = set(PREFIXES)
    words = []
    previous = ""
    for match in _TOKENS.finditer(sparql):
        kind, text = match.lastgroup, match.group()
        if kind == "word":
            words.append(text.upper())
        elif kind == "pname":
            prefix = text.split(":", 1)[0]
            if previous == "PREFIX":
                declared.add(prefix)
            elif prefix not in declared:
                raise QueryError(f"Malformed SPARQL query: prefix '{prefix}:' is not declared")
        previous = text.upper() if kind == "word" else ""
    form = next((word for word in words if word not in ("PREFIX", "BASE")), "")
    if form in _UPDATE_WORDS:
        raise QueryError(f"SPARQL Update ({form}) is not allowed: queries only read the store")
    if "SERVICE" in words:
        raise QueryError("SERVICE is not allowed: queries only read the local store")
    if form not in _QUERY_FORMS:
        found = f"found {form!r}" if form else "found none"
        raise QueryError(
            f"Malformed SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE, {found}"
        )


def _one_line(error: BaseException) -> str:
    """The parser's message on one line, its Unicode character ranges shortened to ``a name``."""
    message = " ".join(str(error).split())
    message = re.sub(r"a name(, a name)+", "a name", _CHAR_RANGES.sub("a name", message))
    if len(message) > _MAX_MESSAGE:
        message = message[: _MAX_MESSAGE - 1] + "…"
    return message


# -- terms -------------------------------------------------------------------------------------


def _plain(term: Any) -> str | None:
    if term is None:
        return None
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    if isinstance(term, NamedNode | Literal):
        return term.value
    return str(term)  # an RDF-star triple, in N-Triples syntax


def _display(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, NamedNode):
        return compact_iri(term.value)
    return _BREAKS.sub(" ", term if isinstance(term, str) else _plain(term) or "")


def _json_term(term: Any) -> dict[str, Any]:
    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, Literal):
        value: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            value["xml:lang"] = term.language
        elif term.datatype.value not in (_XSD_STRING, _RDF_LANG_STRING):
            value["datatype"] = term.datatype.value
        return value
    if isinstance(term, str):
        return {"type": "literal", "value": term}
    return {  # RDF-star triple term (SPARQL 1.2 JSON)
        "type": "triple",
        "value": {
            "subject": _json_term(term.subject),
            "predicate": _json_term(term.predicate),
            "object": _json_term(term.object),
        },
    }


# -- formats -----------------------------------------------------------------------------------


def _table(result: QueryResult) -> str:
    rows = display_rows(result)
    widths = [len(column) for column in result.columns]
    for row in rows:
        widths = [max(width, len(cell)) for width, cell in zip(widths, row, strict=True)]
    lines = [
        "  ".join(
            column.ljust(width) for column, width in zip(result.columns, widths, strict=True)
        ),
        "  ".join("-" * width for width in widths),
    ]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    count = len(rows)
    lines += ["", f"({count} row{'s' if count != 1 else ''})"]
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _csv(result: QueryResult) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # CRLF, as the SPARQL CSV format says
    writer.writerow(result.columns)
    writer.writerows(tuple("" if cell is None else cell for cell in row) for row in result.rows)
    return out.getvalue()


def _tsv(result: QueryResult) -> str:
    lines = ["\t".join(f"?{column}" for column in result.columns)]
    for row in result.terms or result.rows:
        lines.append("\t".join(_tsv_term(term) for term in row))
    return "\n".join(lines) + "\n"


def _tsv_term(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, str):  # hand-built result: write it as a plain literal
        return str(Literal(term))
    return str(term)  # N-Triples syntax, with tabs and newlines escaped


def _json(result: QueryResult) -> str:
    bindings = [
        {
            name: _json_term(term)
            for name, term in zip(result.columns, row, strict=True)
            if term is not None
        }
        for row in result.terms or result.rows
    ]
    document = {"head": {"vars": result.columns}, "results": {"bindings": bindings}}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _markdown(result: QueryResult) -> str:
    def cell(text: str) -> str:
        return text.replace("\\", "\\\\").replace("|", "\\|")

    lines = [
        "| " + " | ".join(cell(c) for c in result.columns) + " |",
        "|" + "---|" * len(result.columns),
    ]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in display_rows(result)]
    return "\n".join(lines) + "\n"


_FORMATTERS = {"table": _table, "csv": _csv, "tsv": _tsv, "json": _json, "markdown": _markdown}
