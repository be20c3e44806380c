"""The ``casegraph`` command line: thin commands over the library, rendered with rich.

Each command parses its arguments, calls one API function and prints the result. Errors the user
can fix (:class:`~graph.errors.CasegraphError`) are printed as one line, ``error: <message>``, on
standard error with exit status 1; anything else keeps its traceback.

Heavy modules (spaCy through :mod:`graph.pipeline`, rdflib, pyshacl, matplotlib) are imported inside
the commands that need them, so ``casegraph query`` starts quickly.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from graph.errors import CasegraphError, QueryError
from graph.query import QueryResult, compact_iri, display_rows, format_result, run_query
from graph.store import CaseStore

__all__ = ["app", "main"]

DEFAULT_STORE = "casegraph.store"

app = typer.Typer(
    name="casegraph",
    help="Turn news articles about institutional failures into an RDF knowledge graph.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)

F = TypeVar("F", bound=Callable[..., Any])

StoreOption = Annotated[
    str, typer.Option("--store", help="The store folder.", show_default=True, metavar="DIR")
]


class QueryFormat(StrEnum):
    """Output formats of ``casegraph query``."""

    table = "table"
    csv = "csv"
    tsv = "tsv"
    json = "json"


class ExportFormat(StrEnum):
    """Output formats of ``casegraph export``."""

    turtle = "turtle"
    trig = "trig"
    nquads = "nquads"
    jsonld = "jsonld"


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())


def _reports_errors(command: F) -> F:
    """Print a CasegraphError as ``error: <message>`` on stderr and exit 1."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except CasegraphError as error:
            typer.echo(f"error: {_one_line(error)}", err=True)
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def _stdout() -> Console:
    return Console(highlight=False)


def _stderr() -> Console:
    return Console(stderr=True, highlight=False)


def _open_existing(store: str) -> CaseStore:
    return CaseStore.open(store, create=False, read_only=True)


def _result_table(result: QueryResult, title: str | None = None) -> Table:
    table = Table(title=title, title_justify="left", header_style="bold")
    for column in result.columns:
        table.add_column(column, overflow="fold")
    for row in display_rows(result):
        table.add_row(*(Text(cell) for cell in row))  # Text: no rich markup in the data
    return table


def _print_result(console: Console, result: QueryResult, title: str | None = None) -> None:
    if result.columns or result.rows:
        console.print(_result_table(result, title))
        count = len(result.rows)
        console.print(f"({count} row{'s' if count != 1 else ''})")
    elif result.boolean is not None or result.graph_ntriples is not None:
        if title:
            console.print(Text(title, style="italic"))
        console.print(Text(format_result(result, "table").rstrip("\n")))
    else:  # a SELECT without variables or rows
        console.print("(0 rows)")


# -- commands ----------------------------------------------------------------------------------


@app.command()
@_reports_errors
def build(
    paths: Annotated[
        list[str], typer.Argument(help="Documents (.txt .md .html .htm) or folders of them.")
    ],
    store: StoreOption = DEFAULT_STORE,
    model: Annotated[
        str | None, typer.Option(help="spaCy model name (default: the pipeline's).")
    ] = None,
    base: Annotated[
        str | None, typer.Option(help="Base IRI of instances (default: the pipeline's).")
    ] = None,
) -> None:
    """Read documents, extract their facts and store one named graph per document.

    Documents that fail are reported and skipped; the others are stored, and the exit status is 1.

    Example: casegraph build seeds/ --store casegraph.store
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from graph.pipeline import build as build_graph  # imports spaCy

    options: dict[str, Any] = {}
    if model is not None:
        options["model"] = model
    if base is not None:
        options["base"] = base
    err = _stderr()
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=err
    ) as bar:
        task = bar.add_task("reading", total=None)

        def progress(done: int, total: int, doc_id: str) -> None:
            bar.update(task, completed=done, total=total, description=doc_id)

        report = build_graph(paths, store, progress=progress, **options)
    for error in report.errors:
        typer.echo(f"error: {_one_line(error)}", err=True)
    err.print(
        f"Stored {len(report.documents)} document(s), {report.triples} triples, in {store}",
        markup=False,
    )
    if report.errors:
        raise typer.Exit(1)


@app.command()
@_reports_errors
def query(
    sparql: Annotated[
        str | None, typer.Argument(metavar="QUERY", help="SPARQL query text.", show_default=False)
    ] = None,
    file: Annotated[
        Path | None, typer.Option("--file", "-f", help="Read the query from a .rq file.")
    ] = None,
    fmt: Annotated[QueryFormat, typer.Option("--format", help="Output format.")] = (
        QueryFormat.table
    ),
    store: StoreOption = DEFAULT_STORE,
) -> None:
    """Run a read-only SPARQL query over all documents (the prefixes cg:, cgo:, id: ... are known).

    Example: casegraph query 'SELECT ?org WHERE { ?org a cg:Organisation }' --format csv
    """
    if (sparql is None) == (file is None):
        raise typer.BadParameter("give either QUERY or --file, not both", param_hint="QUERY")
    if file is not None:
        try:
            sparql = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            reason = getattr(error, "strerror", None) or error
            raise QueryError(f"Query file '{file}' cannot be read: {reason}") from None
    assert sparql is not None
    with _open_existing(store) as case_store:
        result = run_query(case_store, sparql)
    if fmt is QueryFormat.table:
        _print_result(_stdout(), result)
    else:
        typer.echo(format_result(result, fmt.value), nl=False)


@app.command()
@_reports_errors
def export(
    output: Annotated[
        str, typer.Option("--output", "-o", help="File to write, or - for standard output.")
    ],
    fmt: Annotated[ExportFormat, typer.Option("--format", help="RDF format.")] = (
        ExportFormat.turtle
    ),
    store: StoreOption = DEFAULT_STORE,
) -> None:
    """Write the graph to a file: turtle (all graphs merged), trig, nquads or jsonld (named graphs).

    Example: casegraph export --format trig -o out/casegraph.trig
    """
    with _open_existing(store) as case_store:
        if fmt is ExportFormat.jsonld:
            from graph.store import PREFIXES

            dataset = case_store.to_rdflib()
            data = dataset.serialize(format="json-ld", context=PREFIXES, indent=2, encoding="utf-8")
        else:
            data = case_store.dump(fmt.value)
    if output == "-":
        typer.echo(data, nl=False)  # click writes bytes to the binary stream
        return
    try:
        Path(output).write_bytes(data)
    except OSError as error:
        raise CasegraphError(f"Cannot write '{output}': {error.strerror}") from None
    _stderr().print(f"Wrote {output} ({fmt.value}, {len(data):,} bytes)", markup=False)


@app.command()
@_reports_errors
def validate(store: StoreOption = DEFAULT_STORE) -> None:
    """Check the graph against the SHACL shapes; exit 1 when a constraint is violated.

    Example: casegraph validate --store casegraph.store
    """
    from graph.validate import validate as validate_graph  # rdflib and pyshacl

    with _open_existing(store) as case_store:
        dataset = case_store.to_rdflib()
    report = validate_graph(dataset)
    console = _stdout()
    if report.conforms:
        console.print(f"{store}: conforms to the casegraph shapes", markup=False)
        return
    table = Table("focus", "path", "message", header_style="bold")
    for focus, path, message in report.violations:
        table.add_row(
            Text(compact_iri(str(focus))),
            Text("" if path is None else compact_iri(str(path))),
            Text(str(message)),
        )
    console.print(table)
    count = len(report.violations)
    typer.echo(f"error: {count} SHACL violation(s) in {store}", err=True)
    raise typer.Exit(1)


@app.command()
@_reports_errors
def ask(store: StoreOption = DEFAULT_STORE) -> None:
    """Answer the bundled competency questions, one table each.

    Example: casegraph ask --store casegraph.store
    """
    from graph.ontology import competency_queries  # rdflib

    console = _stdout()
    failed = 0
    with _open_existing(store) as case_store:
        for competency in competency_queries():
            console.print(Text(f"{competency.name}: {competency.question}", style="bold"))
            try:
                result = run_query(case_store, competency.sparql)
            except QueryError as error:
                typer.echo(f"error: {competency.name}: {_one_line(error)}", err=True)
                failed += 1
                continue
            _print_result(console, result)
            console.print()
    if failed:
        raise typer.Exit(1)


@app.command()
@_reports_errors
def draw(
    output: Annotated[
        str, typer.Option("--output", "-o", help="Image file to write (.png, .svg).")
    ],
    store: StoreOption = DEFAULT_STORE,
) -> None:
    """Draw the entity graph (organisations, people, who investigated whom) as an image.

    Example: casegraph draw -o out/casegraph.png
    """
    from graph.draw import draw_store  # networkx and matplotlib

    with _open_existing(store) as case_store:
        draw_store(case_store, Path(output))
    _stderr().print(f"Wrote {output}", markup=False)


@app.command()
@_reports_errors
def evaluate(
    gold_dir: Annotated[str, typer.Argument(help="Folder of NAME.txt + NAME.gold.json files.")],
    json_path: Annotated[
        str | None, typer.Option("--json", help="Also write the scores as JSON to this file.")
    ] = None,
    misses: Annotated[
        bool, typer.Option("--misses", help="List every missed and spurious item.")
    ] = False,
    model: Annotated[str | None, typer.Option(help="spaCy model name.")] = None,
) -> None:
    """Score extraction against annotated documents (each built alone, in memory).

    Example: casegraph evaluate ../shared/eval/dev --misses
    """
    import json

    from graph.evaluate import evaluate_dir, render_misses, render_table
    from graph.pipeline import evaluation_builder  # imports spaCy

    report = evaluate_dir(Path(gold_dir), evaluation_builder(model=model))
    typer.echo(render_table(report))
    if misses:
        typer.echo(render_misses(report))
    if json_path:
        Path(json_path).write_text(json.dumps(report.to_json(misses=misses), indent=2) + "\n")


def main() -> None:
    """Run the ``casegraph`` command; a CasegraphError becomes one line on stderr and exit 1."""
    try:
        app()
    except CasegraphError as error:  # raised outside a command (the commands catch their own)
        typer.echo(f"error: {_one_line(error)}", err=True)
        sys.exit(1)
