"""The ``casegraph`` command line: thin commands over the library, rendered with rich.

Each command parses its arguments, calls one API function and prints the result. Errors the user
can fix (:class:`~graph.errors.CasegraphError`) are printed as one line, ``error: <message>``, on
standard error with exit status 1; anything else keeps its traceback.

Heavy modules (spaCy through :mod:`graph.pipeline`, rdflib, pyshacl, matplotlib) are imported inside
the commands that need them, so ``casegraph query`` starts quickly.
"""

from __future__ import annotations

import functools
import json
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
from graph.extract import DEFAULT_FACTS
from graph.ingest import MAX_CHARS
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
    markdown = "markdown"


class ExportFormat(StrEnum):
    """Output formats of ``casegraph export``."""

    turtle = "turtle"
    trig = "trig"
    nquads = "nquads"
    jsonld = "jsonld"
    html = "html"  # the interactive entity graph (graph/html.py), not RDF
    graphml = "graphml"  # the entity graph for yEd and Cytoscape (graph/export.py), not RDF
    gexf = "gexf"  # the entity graph for Gephi
    csv = "csv"  # the entity graph as nodes.csv and edges.csv in the folder -o
    neo4j = "neo4j"  # the entity graph as neo4j-admin import CSV: nodes.csv, relationships.csv


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


#: The width of tables written to a file or a pipe: wide enough that no row is ever wrapped.
FILE_WIDTH = 100_000


def _stdout() -> Console:
    """The console for results: the terminal's width on a terminal; elsewhere (``> f.txt``, a
    pipe) no width limit, so that every row stays on one line and can be grepped."""
    return Console(highlight=False, width=None if sys.stdout.isatty() else FILE_WIDTH)


def _stderr() -> Console:
    return Console(stderr=True, highlight=False)


def _open_existing(store: str) -> CaseStore:
    return CaseStore.open(store, create=False, read_only=True)


def _result_table(result: QueryResult, title: str | None = None) -> Table:
    table = Table(title=title, title_justify="left", header_style="bold")
    for column in result.columns:
        table.add_column(column, overflow="ellipsis")  # wrapped at spaces, never inside a word
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


def _facts(value: str) -> tuple[str, ...]:
    """``rules,model`` -> ("rules", "model"), checked against the known fact sources."""
    from graph.extract import FACT_SOURCES

    names = tuple(dict.fromkeys(v.strip() for v in value.split(",") if v.strip()))
    unknown = [n for n in names if n not in FACT_SOURCES]
    if not {"rules", "model"} & set(names) or unknown:
        raise typer.BadParameter(
            f"{value!r}: give rules or model or both, and ner if wanted, comma-separated "
            f"(known: {', '.join(FACT_SOURCES)})",
            param_hint="--facts",
        )
    return names


_DEFAULT_FACTS = ",".join(DEFAULT_FACTS)
FactsOption = Annotated[
    str,
    typer.Option(
        "--facts",
        metavar="SOURCES",
        help="Sources, comma-separated: rules (hand-written facts), model (facts learned from "
        "corpus/), ner (the entity recogniser fine-tuned on corpus/).",
    ),
]


@app.command()
@_reports_errors
def build(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Documents (.txt .md .html .htm .docx .pdf), folders of them, or web addresses."
        ),
    ],
    store: StoreOption = DEFAULT_STORE,
    model: Annotated[
        str | None, typer.Option(help="spaCy model name (default: the pipeline's).")
    ] = None,
    base: Annotated[
        str | None, typer.Option(help="Base IRI of instances (default: the pipeline's).")
    ] = None,
    workers: Annotated[
        int, typer.Option(min=1, help="Processes that parse and extract (each loads the model).")
    ] = 1,
    cluster: Annotated[
        str | None,
        typer.Option(
            metavar="ADDRESS",
            help="Parse and extract on a Dask cluster: tcp://HOST:PORT, or local (2 workers).",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Build every document, even unchanged ones.")
    ] = False,
    max_chars: Annotated[
        int,
        typer.Option(
            min=1,
            metavar="N",
            help="Size budget: a document longer than N characters is reported and skipped.",
        ),
    ] = MAX_CHARS,
    facts: FactsOption = _DEFAULT_FACTS,
    endpoint: Annotated[
        str | None,
        typer.Option(metavar="URL", help="Then push the store there (see `casegraph push`)."),
    ] = None,
    name_victims: Annotated[
        bool,
        typer.Option(
            "--name-victims",
            help="Opt-in: name persons the text marks as victims (only where their names are "
            "public and central, such as a death in custody).",
        ),
    ] = False,
    corrections: Annotated[
        str | None,
        typer.Option(
            metavar="FILE",
            help="Corrections to apply (default: STORE/corrections.jsonl when it exists; see "
            "`casegraph correct`).",
        ),
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
    if workers != 1:
        if cluster is not None:
            raise typer.BadParameter("give --workers or --cluster", param_hint="--cluster")
        options["workers"] = workers
    if cluster is not None:
        from graph.cluster import require_dask  # an extra: casegraph[cluster]

        require_dask()
        options["cluster"] = cluster
    if force:
        options["force"] = True
    if max_chars != MAX_CHARS:
        options["max_chars"] = max_chars
    sources = _facts(facts)
    if sources != DEFAULT_FACTS:
        options["facts"] = sources
    if name_victims:
        options["name_victims"] = True
    if corrections is not None:
        options["corrections"] = corrections
    err = _stderr()
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=err,
        disable=not sys.stderr.isatty(),  # a bar in a log file is noise: only on a terminal
    ) as bar:
        task = bar.add_task("reading", total=None)

        def progress(done: int, total: int, doc_id: str) -> None:
            bar.update(task, completed=done, total=total, description=doc_id)

        report = build_graph(paths, store, progress=progress, **options)
    for error in report.errors:
        typer.echo(f"error: {_one_line(error)}", err=True)
    for note in getattr(report, "ignored", ()):
        typer.echo(f"note: {note}", err=True)
    for source, encoding in getattr(report, "decoded", ()):
        typer.echo(f"note: Document '{source}' is not UTF-8: read as {encoding}", err=True)
    for source, doc_id in getattr(report, "renamed", ()):
        typer.echo(
            f"note: Document '{source}' has the name of another file in the store; "
            f"stored as {doc_id!r}",
            err=True,
        )
    for note in getattr(report, "corrections", ()):
        typer.echo(f"note: {note}", err=True)
    if getattr(report, "corrected", 0):
        typer.echo(f"note: {report.corrected} correction(s) applied", err=True)
    skipped = len(getattr(report, "skipped", ()))
    err.print(
        f"Stored {len(report.documents)} document(s), {report.triples} triples, in {store}"
        + (f"; {skipped} unchanged document(s) skipped" if skipped else ""),
        markup=False,
    )
    if endpoint is not None:
        push(endpoint, store)
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
    sentences_only: Annotated[
        bool,
        typer.Option(
            "--sentences-only",
            help="html: show each cited sentence alone, not in its paragraph of the document "
            "(for a page shared outside the newsroom: the text around a sentence may name people "
            "the graph does not).",
        ),
    ] = False,
) -> None:
    """Write the graph to a file: turtle (all graphs merged), trig, nquads or jsonld (named graphs).

    The entity graph (organisations, people, groups, places, allegations, outcomes and the facts
    between them, each with its sentence) goes to graphml, gexf, csv or neo4j (neo4j-admin's bulk
    import files); for csv and neo4j, -o names a folder.

    Example: casegraph export --format trig -o out/casegraph.trig
    """
    if fmt in (ExportFormat.csv, ExportFormat.neo4j):  # two files in the folder -o
        from graph.export import export_store  # networkx

        if output == "-":
            raise CasegraphError(
                f"The {fmt.value} export writes two files: give a folder with -o DIR"
            )
        with _open_existing(store) as case_store:
            written = export_store(case_store, fmt.value, output)
        _stderr().print(f"Wrote {', '.join(map(str, written))} ({fmt.value})", markup=False)
        return
    with _open_existing(store) as case_store:
        if fmt is ExportFormat.html:
            from graph.html import html_page  # networkx

            options = {"context": 0} if sentences_only else {}
            data = html_page(case_store, **options).encode("utf-8")
        elif fmt is ExportFormat.jsonld:
            from graph.store import PREFIXES

            dataset = case_store.to_rdflib()
            data = dataset.serialize(format="json-ld", context=PREFIXES, indent=2, encoding="utf-8")
        elif fmt in (ExportFormat.graphml, ExportFormat.gexf):
            from graph.analysis import entity_graph
            from graph.export import graph_bytes  # networkx

            data = graph_bytes(entity_graph(case_store), fmt.value)
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
def ask(
    store: StoreOption = DEFAULT_STORE,
    full: Annotated[
        bool, typer.Option("--full", help="Also show the columns of IRIs (hidden by default).")
    ] = False,
    fmt: Annotated[
        QueryFormat,
        typer.Option(
            "--format", help="Output format (markdown: a heading and a table per question)."
        ),
    ] = QueryFormat.table,
) -> None:
    """Answer the bundled competency questions, one table each.

    Example: casegraph ask --store casegraph.store --format markdown > answers.md
    """
    from graph.ontology import competency_queries  # rdflib
    from graph.query import without_iri_columns

    console = _stdout()
    failed = 0
    with _open_existing(store) as case_store:
        for competency in competency_queries():
            heading = f"{competency.name}: {competency.question}"
            if fmt is QueryFormat.table:
                console.print(Text(heading, style="bold"))
            try:
                result = run_query(case_store, competency.sparql)
            except QueryError as error:
                typer.echo(f"error: {competency.name}: {_one_line(error)}", err=True)
                failed += 1
                continue
            shown = result if full else without_iri_columns(result)
            if fmt is QueryFormat.table:
                _print_result(console, shown)
                console.print()
            elif fmt is QueryFormat.markdown:
                typer.echo(f"## {heading}\n\n{format_result(shown, 'markdown')}")
            else:  # csv, tsv, json: a line naming the question, then the standard format
                typer.echo(f"# {heading}")
                typer.echo(format_result(shown, fmt.value), nl=False)
    if failed:
        raise typer.Exit(1)


@app.command()
@_reports_errors
def draw(
    output: Annotated[
        str, typer.Option("--output", "-o", help="Image file to write (.png, .svg, .pdf).")
    ],
    focus: Annotated[
        str | None,
        typer.Option(help="Draw only the part around this entity (label, other name or IRI)."),
    ] = None,
    depth: Annotated[int, typer.Option(min=0, help="Steps around --focus to include.")] = 1,
    funnel_of: Annotated[
        str | None,
        typer.Option("--funnel", metavar="ORG", help="Draw the accountability funnel of ORG."),
    ] = None,
    store: StoreOption = DEFAULT_STORE,
) -> None:
    """Draw the entity graph, the part of it around one entity, or an accountability funnel.

    Example: casegraph draw --focus "Westshire Police" --depth 2 -o out/wsp.png
    """
    from graph.draw import draw_funnel_store, draw_store  # networkx and matplotlib

    if funnel_of is not None and focus is not None:
        raise typer.BadParameter("give --focus or --funnel, not both", param_hint="--funnel")
    with _open_existing(store) as case_store:
        if funnel_of is not None:
            draw_funnel_store(case_store, funnel_of, Path(output))
        else:
            draw_store(case_store, Path(output), focus=focus, depth=depth)
    _stderr().print(f"Wrote {output}", markup=False)


@app.command()
@_reports_errors
def stats(
    store: StoreOption = DEFAULT_STORE,
    top: Annotated[int, typer.Option(min=0, help="How many central entities to list.")] = 10,
    fmt: Annotated[QueryFormat, typer.Option("--format", help="Output format.")] = (
        QueryFormat.table
    ),
) -> None:
    """Count the nodes of each class and list the most central entities.

    Example: casegraph stats --top 5
    Example: casegraph stats --format csv > stats.csv
    """
    from graph.analysis import centrality, class_counts, components, entity_graph  # networkx

    with _open_existing(store) as case_store:
        counts = class_counts(case_store)
        graph = entity_graph(case_store)
    parts = components(graph)
    ranked = centrality(graph, top=top)
    summary = (
        f"Entity graph: {graph.number_of_nodes():,} nodes, {graph.number_of_edges():,} edges, "
        f"{len(parts):,} connected parts (largest {len(parts[0]) if parts else 0:,} nodes)"
    )
    classes = [(name, count) for name, count in counts.items()]
    central = [
        (
            rank,
            str(graph.nodes[node].get("label", node)),
            str(graph.nodes[node].get("type", "")),
            node,
            scores["degree"],
            round(scores["betweenness"], 3),
            round(scores["pagerank"], 3),
        )
        for rank, (node, scores) in enumerate(ranked.items(), start=1)
    ]
    central_columns = ("rank", "entity", "type", "iri", "degree", "betweenness", "pagerank")
    if fmt is QueryFormat.json:
        document = {
            "classes": dict(classes),
            "entity_graph": {
                "nodes": graph.number_of_nodes(),
                "edges": graph.number_of_edges(),
                "connected_parts": len(parts),
                "largest_part": len(parts[0]) if parts else 0,
            },
            "central": [dict(zip(central_columns, row, strict=True)) for row in central],
        }
        typer.echo(json.dumps(document, indent=2, ensure_ascii=False))
        return
    if fmt is not QueryFormat.table:
        _write_tables(
            fmt,
            [
                ("Nodes by class", ("class", "count"), classes),
                ("Most central entities (by PageRank)", central_columns, central),
            ],
        )
        return
    console = _stdout()
    table = Table("class", "count", title="Nodes by class", title_justify="left")
    for name, count in classes:
        table.add_row(name, f"{count:,}")
    console.print(table)
    console.print(summary, markup=False)
    columns = ("rank", "entity", "type", "degree", "betweenness", "pagerank")
    shown = Table(*columns, title="Most central entities (by PageRank)", title_justify="left")
    for rank, label, kind, _, degree, betweenness, pagerank in central:
        shown.add_row(
            str(rank), Text(label), kind, str(degree), f"{betweenness:.3f}", f"{pagerank:.3f}"
        )
    console.print(shown)


def _write_tables(
    fmt: QueryFormat, tables: list[tuple[str, tuple[str, ...], list[tuple[Any, ...]]]]
) -> None:
    """Write titled tables as CSV, TSV or Markdown: each cell whole, one row a line.

    CSV and TSV give a ``# title`` line before each table (as ``ask`` does); TSV cells have their
    tabs and line breaks made spaces; Markdown gives a ``## title`` heading and a pipe table.
    """
    import csv
    import io

    for index, (title, columns, rows) in enumerate(tables):
        cells = [["" if cell is None else str(cell) for cell in row] for row in rows]
        if fmt is QueryFormat.markdown:
            result = QueryResult(columns=list(columns), rows=[tuple(row) for row in cells])
            gap = "\n" if index else ""
            typer.echo(f"{gap}## {title}\n\n{format_result(result, 'markdown')}", nl=False)
            continue
        typer.echo(f"# {title}")
        if fmt is QueryFormat.csv:
            out = io.StringIO()
            csv.writer(out, lineterminator="\n").writerows([list(columns), *cells])
            typer.echo(out.getvalue(), nl=False)
        else:  # tsv
            for row in [list(columns), *cells]:
                typer.echo("\t".join(" ".join(cell.split()) for cell in row))


@app.command()
@_reports_errors
def funnel(
    organisation: Annotated[
        str, typer.Argument(metavar="ORG", help="Organisation: label, other name or IRI.")
    ],
    store: StoreOption = DEFAULT_STORE,
    fmt: Annotated[QueryFormat, typer.Option("--format", help="Output format.")] = (
        QueryFormat.table
    ),
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the funnel as JSON (same as --format json).")
    ] = False,
) -> None:
    """Print the accountability funnel of an organisation: allegations down to dismissals.

    Counts come from the facts about the organisation and its members; "unknown" means the
    sources give no number. Every stage lists the sentences it was counted from.

    Example: casegraph funnel "Westshire Police"
    Example: casegraph funnel "Westshire Police" --format csv > funnel.csv
    """
    from graph.analysis import funnel as accountability  # networkx

    with _open_existing(store) as case_store:
        result = accountability(case_store, organisation)
    if as_json or fmt is QueryFormat.json:
        typer.echo(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
        return
    if fmt is not QueryFormat.table:
        rows = [
            (
                stage.name,
                stage.label,
                stage.count,
                stage.out_of,
                "; ".join(
                    [
                        *([stage.detail] if stage.detail else []),
                        *(f"{name} {n}" for name, n in stage.breakdown.items()),
                    ]
                ),
                " | ".join(stage.cited),
            )
            for stage in result.stages
        ]
        columns = ("stage", "label", "count", "out_of", "detail", "stated_in")
        _write_tables(fmt, [(f"Accountability funnel: {result.label}", columns, rows)])
        return
    console = _stdout()
    title = f"Accountability funnel: {result.label}"
    table = Table("stage", "count", "detail", "facts", title=title, title_justify="left")
    for stage in result.stages:
        table.add_row(
            stage.label,
            _stage_count(stage),
            Text(
                ", ".join(
                    [
                        *([stage.detail] if stage.detail else []),
                        *(
                            f"{name} {'unknown' if n is None else n}"
                            for name, n in stage.breakdown.items()
                        ),
                    ]
                )
            ),
            str(len({fact["fact"] or fact["sentence"] for fact in stage.facts})),
        )
    console.print(table)
    for stage in result.stages:
        cited = stage.cited
        others = sorted(
            {(f["char_begin"], f["evidence"]) for f in stage.facts if f["evidence"]}
            - {(f["char_begin"], f["evidence"]) for f in stage.facts if f["counted"]}
        )
        if cited or others:
            console.print(Text(f"{stage.label}: {_stage_count(stage)}", style="bold"))
            for sentence in cited:
                console.print(Text(f"  stated in: {sentence}"))
            for _, sentence in others:
                console.print(Text(f"  also: {sentence}"))


def _stage_count(stage: Any) -> str:
    """``"14"``, ``"0 of 1"`` (proven of decided) or ``"unknown"``."""
    if stage.count is None:
        return "unknown"
    return f"{stage.count:,}" + (f" of {stage.out_of:,}" if stage.out_of is not None else "")


@app.command()
@_reports_errors
def evaluate(
    gold_dir: Annotated[
        str | None, typer.Argument(help="Folder of NAME.txt + NAME.gold.json files.")
    ] = None,
    conll04: Annotated[
        str | None,
        typer.Option("--conll04", help="Score entities and Work_For on a CoNLL04 .jsonl file."),
    ] = None,
    json_path: Annotated[
        str | None, typer.Option("--json", help="Also write the scores as JSON to this file.")
    ] = None,
    misses: Annotated[
        bool, typer.Option("--misses", help="List every missed and spurious item.")
    ] = False,
    model: Annotated[str | None, typer.Option(help="spaCy model name.")] = None,
    name_victims: Annotated[
        bool,
        typer.Option(
            "--name-victims",
            help="Build as `build --name-victims` does, to measure what safeguarding costs.",
        ),
    ] = False,
    facts: FactsOption = _DEFAULT_FACTS,
) -> None:
    """Score extraction against annotated documents or a CoNLL04 file.

    Each annotated document (or CoNLL04 sentence) is built alone, in memory.

    Example: casegraph evaluate ../shared/eval/dev --misses
    Example: casegraph evaluate --conll04 ../shared/eval/conll04/dev.jsonl
    """
    from graph import evaluate as ev

    if (gold_dir is None) == (conll04 is None):
        raise CasegraphError("evaluate needs either GOLD_DIR or --conll04 FILE (one of them)")
    if conll04 is not None:
        from graph.pipeline import sentence_stores  # imports spaCy

        conll = ev.evaluate_conll04(
            conll04,
            lambda texts: sentence_stores(
                texts, model=model, name_victims=name_victims, facts=_facts(facts)
            ),
        )
        typer.echo(ev.render_conll04(conll), nl=False)
        if misses:
            typer.echo(ev.render_conll04_misses(conll), nl=False)
        data = conll.to_json()
    else:
        from graph.pipeline import evaluation_builder  # imports spaCy

        builder = evaluation_builder(model=model, name_victims=name_victims, facts=_facts(facts))
        report = ev.evaluate_dir(Path(gold_dir), builder)
        typer.echo(ev.render_table(report))
        if misses:
            typer.echo(ev.render_misses(report))
        data = report.to_json(misses=misses)
    if json_path:
        Path(json_path).write_text(json.dumps(data, indent=2) + "\n")


@app.command()
@_reports_errors
def serve(
    store: StoreOption = DEFAULT_STORE,
    host: Annotated[
        str, typer.Option(help="Address to listen on (the server has no authentication).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 7878,
    timeout: Annotated[
        int, typer.Option(min=1, metavar="SECONDS", help="Cancel queries that run longer.")
    ] = 30,
    max_result_mb: Annotated[
        int, typer.Option(min=1, metavar="MB", help="Refuse results larger than this (507).")
    ] = 64,
    threads: Annotated[
        int, typer.Option(min=1, max=64, help="Requests answered at once; others wait.")
    ] = 8,
    without_text: Annotated[
        bool,
        typer.Option(
            "--without-text",
            help="Publish a copy without the documents' full text and file paths (the cited "
            "sentences stay).",
        ),
    ] = False,
) -> None:
    """Serve the store read-only over the SPARQL 1.1 Protocol (Oxigraph server) until Ctrl-C.

    The query page is at / and the endpoint at /query. Updates and federated queries (SERVICE)
    are refused; a query past its time limit or a result past the size cap ends with an error
    status. A build into the store is refused while it is served. See docs/serving.md.

    Example: casegraph serve --port 7878   (then open http://127.0.0.1:7878/)
    """
    from graph.serve import serve as serve_store

    def announce(server: Any) -> None:
        _stderr().print(
            f"Serving {store} at {server.url} (SPARQL endpoint {server.query_url}); "
            "press Ctrl-C to stop",
            markup=False,
            soft_wrap=True,
        )

    serve_store(
        store,
        host,
        port,
        timeout,
        max_result_bytes=max_result_mb * 1024 * 1024,
        threads=threads,
        without_text=without_text,
        announce=announce,
    )


@app.command()
@_reports_errors
def push(
    endpoint: Annotated[
        str,
        typer.Option(
            "--endpoint",
            "--graph-store",
            metavar="URL",
            help="The remote store's Graph Store Protocol URL (Oxigraph: http://HOST:7878/store, "
            "Fuseki: http://HOST:3030/DATASET/data).",
        ),
    ],
    store: StoreOption = DEFAULT_STORE,
    timeout: Annotated[
        float, typer.Option(min=0.1, metavar="SECONDS", help="Wait this long for each request.")
    ] = 60.0,
) -> None:
    """Copy every named graph of the store to a remote SPARQL store (HTTP PUT, replacing each).

    Example: casegraph push --endpoint http://localhost:7878/store
    """
    from graph.remote import push_store

    report = push_store(store, endpoint, timeout=timeout)
    _stderr().print(
        f"Pushed {len(report.graphs)} graph(s), {report.triples} triples, to {endpoint}",
        markup=False,
        soft_wrap=True,
    )


# -- corrections ----------------------------------------------------------------------------------

correct_app = typer.Typer(
    help="Record an editor's decision about the graph in the corrections file (one JSON line "
    "each); `casegraph build` applies the file on every rebuild.",
    no_args_is_help=True,
)
app.add_typer(correct_app, name="correct")

WhyOption = Annotated[str, typer.Option("--why", help="Why: kept with the correction.")]
ByOption = Annotated[str | None, typer.Option("--by", help="Who decides (default: the user name).")]
FileOption = Annotated[
    str | None,
    typer.Option(
        "--file", metavar="FILE", help="Corrections file (default: STORE/corrections.jsonl)."
    ),
]


def _record(
    store: str, file: str | None, decision: dict[str, Any], why: str, by: str | None
) -> None:
    """Append a decision (with who, when and why) to the corrections file and say so."""
    import datetime
    import getpass

    from graph.correct import CORRECTIONS_FILE, append_correction

    when = datetime.datetime.now(datetime.UTC).replace(microsecond=0).isoformat()
    decision = {**decision, "by": by or getpass.getuser(), "when": when, "why": why}
    path = Path(file) if file is not None else Path(store) / CORRECTIONS_FILE
    correction = append_correction(path, decision)
    typer.echo(
        f"Recorded {correction.op} on line {correction.line} of {path}; "
        "build the documents again to apply it"
    )


def _fact(case_store: CaseStore, fact: str) -> str:
    """The full IRI of a fact in the store, or a one-line error."""
    from graph.correct import _expand
    from graph.rdf import DEFAULT_BASE

    iri = _expand(fact, "Fact", DEFAULT_BASE)
    found = case_store.query(
        "ASK { VALUES ?c { cg:Membership cg:Investigation cg:Allegation cg:Outcome "
        f"cg:Statement }} <{iri}> a ?c }}"
    )
    if not bool(found):
        raise CasegraphError(f"No fact <{iri}> in the store")
    return iri


def _entity(case_store: CaseStore, name: str) -> tuple[str, str]:
    """(IRI, label) of the entity a label, other name or IRI names, or a one-line error."""
    from graph.analysis import entity_graph, find_node
    from graph.correct import _expand
    from graph.rdf import DEFAULT_BASE

    graph = entity_graph(case_store, facts=False)
    if name.startswith(("http://", "https://", "id:")):
        name = _expand(name, "Entity", DEFAULT_BASE)
    node = find_node(graph, name)
    return node, str(graph.nodes[node].get("label", node))


@correct_app.command("drop")
@_reports_errors
def correct_drop(
    fact: Annotated[str, typer.Argument(help="The fact's IRI (full, or id:fact/...).")],
    why: WhyOption,
    by: ByOption = None,
    store: StoreOption = DEFAULT_STORE,
    file: FileOption = None,
) -> None:
    """Drop a wrong fact.

    Example: casegraph correct drop id:fact/seed/outcome-1a2b3c4d5e6f --why "not an outcome"
    """
    with _open_existing(store) as case_store:
        target = _fact(case_store, fact)
    _record(store, file, {"op": "drop", "target": target}, why, by)


@correct_app.command("retype")
@_reports_errors
def correct_retype(
    target: Annotated[str, typer.Argument(help="An outcome's IRI, or an entity (name or IRI).")],
    kind: Annotated[
        str,
        typer.Argument(metavar="TYPE", help="An outcome type, or Organisation|Person|Group|Place."),
    ],
    why: WhyOption,
    by: ByOption = None,
    store: StoreOption = DEFAULT_STORE,
    file: FileOption = None,
) -> None:
    """Give an outcome another outcome type, or an entity another class.

    Example: casegraph correct retype "Rotherham Council" Organisation --why "a council"
    """
    from graph.rdf import DEFAULT_BASE

    with _open_existing(store) as case_store:
        if target.startswith(("id:fact/", f"{DEFAULT_BASE}fact/")):
            iri = _fact(case_store, target)
        else:
            iri, _ = _entity(case_store, target)
    _record(store, file, {"op": "retype", "target": iri, "type": kind}, why, by)


@correct_app.command("merge")
@_reports_errors
def correct_merge(
    entity: Annotated[str, typer.Argument(help="The entity that goes (name or IRI).")],
    into: Annotated[str, typer.Argument(help="The entity it becomes (name or IRI).")],
    why: WhyOption,
    by: ByOption = None,
    store: StoreOption = DEFAULT_STORE,
    file: FileOption = None,
) -> None:
    """Merge two entities that are one: every fact of the first moves to the second.

    Example: casegraph correct merge "SYP" "South Yorkshire Police" --why "same force"
    """
    with _open_existing(store) as case_store:
        gone, _ = _entity(case_store, entity)
        kept, label = _entity(case_store, into)
    decision = {"op": "merge", "target": gone, "into": kept, "label": label}
    _record(store, file, decision, why, by)


@correct_app.command("split")
@_reports_errors
def correct_split(
    entity: Annotated[str, typer.Argument(help="The entity that is two (name or IRI).")],
    document: Annotated[str, typer.Argument(help="The document's id, where to split it.")],
    forms: Annotated[
        list[str],
        typer.Option("--form", help="The words of the mentions that are the other entity."),
    ],
    label: Annotated[str, typer.Option("--label", help="The other entity's name.")],
    why: WhyOption,
    kind: Annotated[
        str | None, typer.Option("--type", help="Its class (default: the entity's).")
    ] = None,
    by: ByOption = None,
    store: StoreOption = DEFAULT_STORE,
    file: FileOption = None,
) -> None:
    """Split an entity that is two: the mentions worded so, and their facts, become a new one.

    Example: casegraph correct split "47 officers" d --form "Five of these officers"
    --label "five sanctioned officers" --why "a subgroup"
    """
    with _open_existing(store) as case_store:
        iri, _ = _entity(case_store, entity)
    decision: dict[str, Any] = {
        "op": "split",
        "target": iri,
        "document": document,
        "forms": forms,
        "label": label,
    }
    if kind is not None:
        decision["type"] = kind
    _record(store, file, decision, why, by)


@correct_app.command("set")
@_reports_errors
def correct_set(
    fact: Annotated[str, typer.Argument(help="The fact's IRI.")],
    role: Annotated[str, typer.Argument(help="appliesTo, decidedBy, against, madeBy, ...")],
    entities: Annotated[list[str], typer.Argument(help="The entities (names or IRIs).")],
    why: WhyOption,
    by: ByOption = None,
    store: StoreOption = DEFAULT_STORE,
    file: FileOption = None,
) -> None:
    """Point an argument of a fact at other entities.

    Example: casegraph correct set id:fact/d/outcome-1a2b appliesTo "PC Ann Lee" --why "she was"
    """
    with _open_existing(store) as case_store:
        target = _fact(case_store, fact)
        iris = [_entity(case_store, name)[0] for name in entities]
    _record(store, file, {"op": "set", "target": target, "role": role, "entities": iris}, why, by)


@correct_app.command("add")
@_reports_errors
def correct_add(
    document: Annotated[str, typer.Argument(help="The document's id (its file name's slug).")],
    fact: Annotated[
        str, typer.Argument(help="Membership, Investigation, Allegation, Outcome or Statement.")
    ],
    evidence: Annotated[
        str, typer.Option("--evidence", help="The exact words of the document that state it.")
    ],
    args: Annotated[
        list[str],
        typer.Option(
            "--arg", metavar="ROLE=ENTITY", help="An argument, e.g. appliesTo='PC Ann Lee'."
        ),
    ],
    why: WhyOption,
    kind: Annotated[
        str | None, typer.Option("--type", help="The outcome type (for an Outcome).")
    ] = None,
    by: ByOption = None,
    store: StoreOption = DEFAULT_STORE,
    file: FileOption = None,
) -> None:
    """Add a fact the extraction missed, with the words that state it.

    Example: casegraph correct add d Outcome --type dismissal --evidence "was sacked"
    --arg appliesTo="PC Ann Lee" --why "missed"
    """
    roles: dict[str, list[str]] = {}
    with _open_existing(store) as case_store:
        for arg in args:
            role, equals, name = arg.partition("=")
            if not equals:
                raise typer.BadParameter(f"{arg!r} is not ROLE=ENTITY", param_hint="--arg")
            roles.setdefault(role.strip(), []).append(_entity(case_store, name.strip())[0])
    decision: dict[str, Any] = {
        "op": "add",
        "document": document,
        "fact": fact,
        "evidence": evidence,
        "args": roles,
    }
    if kind is not None:
        decision["type"] = kind
    _record(store, file, decision, why, by)


def main() -> None:
    """Run the ``casegraph`` command; a CasegraphError becomes one line on stderr and exit 1."""
    try:
        app()
    except CasegraphError as error:  # raised outside a command (the commands catch their own)
        typer.echo(f"error: {_one_line(error)}", err=True)
        sys.exit(1)
