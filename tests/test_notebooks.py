"""The notebooks run top to bottom in the venv's kernel and show what the graph holds.

Each notebook is executed once per module with nbclient (a cell error fails the run); the
expected figures are read from the seed store built by the session fixture, not written down here.
The stored notebooks carry no outputs.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from collections.abc import Callable
from html import escape, unescape
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from graph.analysis import centrality, entity_graph, funnel
from graph.ontology import competency_queries
from graph.query import run_query

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
EXPLORE = "01-explore.ipynb"
FUNNEL = "02-accountability-funnel.ipynb"
DEV = ROOT.parent / "shared" / "eval" / "dev"

Run = Callable[[str], nbformat.NotebookNode]


@pytest.fixture(scope="module")
def run() -> Run:
    """Execute a notebook (once per module) from its own folder, as Jupyter would."""
    done: dict[str, nbformat.NotebookNode | Exception] = {}

    def execute(name: str) -> nbformat.NotebookNode:
        if name not in done:
            nb = nbformat.read(NOTEBOOKS / name, as_version=4)
            client = NotebookClient(
                nb,
                timeout=600,
                kernel_name="python3",
                resources={"metadata": {"path": str(NOTEBOOKS)}},
            )
            try:
                client.execute()  # raises CellExecutionError on the first cell that fails
            except Exception as error:  # every test of this notebook fails with it, at once
                done[name] = error
            else:
                done[name] = nb
        result = done[name]
        if isinstance(result, Exception):
            raise result
        return result

    return execute


def _outputs(nb: nbformat.NotebookNode) -> list[dict]:
    return [output for cell in nb.cells if cell.cell_type == "code" for output in cell.outputs]


def _printed(nb: nbformat.NotebookNode) -> str:
    """Everything the notebook printed (stdout and stderr)."""
    return "".join(o["text"] for o in _outputs(nb) if o["output_type"] == "stream")


def _html(nb: nbformat.NotebookNode) -> list[str]:
    """The HTML outputs, in order."""
    return [
        o["data"]["text/html"]
        for o in _outputs(nb)
        if o["output_type"] in ("display_data", "execute_result") and "text/html" in o["data"]
    ]


def _table(html: str) -> list[list[str]]:
    """The body rows of a notebook's HTML table, as plain text cells."""
    body = html.split("<tbody>", 1)[1]
    return [
        [unescape(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def _captioned(nb: nbformat.NotebookNode, caption: str) -> str:
    """The one HTML table whose caption starts with ``caption``."""
    found = [h for h in _html(nb) if re.search(r"<caption[^>]*>" + re.escape(caption), h)]
    assert len(found) == 1, f"expected one table captioned {caption!r}, found {len(found)}"
    return found[0]


def _header(html: str) -> list[str]:
    """The column names of a notebook's HTML table."""
    head = html.split("<thead>", 1)[1].split("</thead>", 1)[0]
    return [unescape(cell) for cell in re.findall(r"<th[^>]*>(.*?)</th>", head, re.S)]


def _images(nb: nbformat.NotebookNode) -> int:
    return sum(1 for o in _outputs(nb) if "image/png" in o.get("data", {}))


# -- the stored files -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", [EXPLORE, FUNNEL])
def test_stored_notebook_has_no_outputs(name):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert code, f"{name} has no code cells"
    for cell in code:
        assert cell.outputs == [], f"{name} cell {cell.id} is stored with outputs"
        assert cell.execution_count is None, f"{name} cell {cell.id} has an execution count"


def test_python3_kernel_is_this_python():
    # nbclient starts the kernelspec "python3"; its command must be this interpreter (the venv's),
    # or the notebooks would run without casegraph's dependencies.
    from jupyter_client import KernelManager

    command = KernelManager(kernel_name="python3").format_kernel_cmd()
    assert command[0] == sys.executable
    assert command[1:3] == ["-m", "ipykernel_launcher"]


# -- 01-explore -----------------------------------------------------------------------------------


def test_explore_answers_the_competency_questions(run, seed_store):
    nb = run(EXPLORE)
    for query in competency_queries():
        expected = run_query(seed_store, query.sparql)
        table = _captioned(nb, f"{query.name}.rq: {len(expected.rows)} row(s)")
        assert f"<h4>{escape(query.question)}</h4>" in _html(nb)
        assert len(_table(table)) == min(len(expected.rows), 12)
    investigations = run_query(seed_store, competency_queries()[0].sparql)
    rows = _table(_captioned(nb, "01-who-investigated-whom.rq"))
    shown = {(row[0], row[1]) for row in rows}
    assert shown == {(row[0], row[1]) for row in investigations.rows}
    # The watchdog investigated the force.
    assert ("Independent Office for Police Conduct", "South Yorkshire Police") in shown


def test_explore_ranks_central_entities(run, seed_store):
    nb = run(EXPLORE)
    G = entity_graph(seed_store)
    expected = [G.nodes[node]["label"] for node in centrality(G, top=10)]
    rows = _table(_captioned(nb, "The ten most central entities"))
    assert [row[0] for row in rows] == expected
    assert expected[0] == "South Yorkshire Police"
    printed = _printed(nb)
    assert f"{G.number_of_nodes()} nodes" in printed
    assert f"{G.number_of_edges()} edges (facts)" in printed


def test_explore_follows_a_fact_to_its_sentence(run, seed_store):
    nb = run(EXPLORE)
    (label, begin, end, anchor, text), *_ = run_query(
        seed_store,
        """SELECT ?label ?begin ?end ?anchor ?text WHERE {
             ?fact a cg:Allegation ; rdfs:label ?label ; cg:count ?count ;
                   prov:wasDerivedFrom ?s .
             ?s nif:beginIndex ?begin ; nif:endIndex ?end ; nif:anchorOf ?anchor ;
                nif:referenceContext ?doc .
             ?doc nif:isString ?text .
           } ORDER BY DESC(?count) ?fact""",
    ).rows
    begin, end = int(begin), int(end)
    assert text[begin:end] == anchor
    assert "265 separate allegations made by 51 complainants" in anchor
    printed = _printed(nb)
    assert f"label:    {label}" in printed
    assert f"text[{begin}:{end}] == nif:anchorOf: True" in printed
    assert f"\n{anchor}\n" in printed
    assert any("<mark>" in h and anchor in unescape(h) for h in _html(nb))


def test_explore_counts_facts_per_entity_as_integers(run, seed_store):
    nb = run(EXPLORE)
    # to_dataframe() typed the SPARQL counts: the notebook prints the dtypes.
    printed = _printed(nb)
    for column in ("allegations", "outcomes", "statements"):
        assert re.search(rf"^{column}\s+Int64$", printed, re.M), column
    assert re.search(r"^label\s+string$", printed, re.M)
    table = _captioned(nb, "Facts about each entity")
    assert _header(table) == ["label", "type", "allegations", "outcomes", "statements", "total"]
    rows = _table(table)
    # The same counts, read from the networkx graph instead of SPARQL.
    G = entity_graph(seed_store)
    expected = {}
    for node, data in G.nodes(data=True):
        if data["type"] not in ("Organisation", "Person", "Group"):
            continue
        kinds = [edge["kind"] for _, _, edge in G.in_edges(node, data=True)]
        counts = [kinds.count("against"), kinds.count("applies to"), data["statements"]]
        if sum(counts):
            expected[data["label"]] = [f"cg:{data['type']}", *map(str, counts), str(sum(counts))]
    assert {row[0]: row[1:] for row in rows} == expected
    assert len(rows) == len(expected)
    totals = [int(row[5]) for row in rows]
    assert totals == sorted(totals, reverse=True)  # sorted as numbers
    assert rows[0][:3] == ["South Yorkshire Police", "cg:Organisation", "9"]


def test_explore_draws_the_graph_inline(run):
    nb = run(EXPLORE)
    assert _images(nb) == 3  # the facts per entity, the whole graph, the force's neighbourhood


# -- 02-accountability-funnel ---------------------------------------------------------------------


def test_funnel_says_which_documents_it_read(run):
    printed = _printed(run(FUNNEL))
    if DEV.is_dir():
        assert f"development documents found: {DEV}" in printed
        # The evaluation set's copy of the seed is read once, not twice.
        assert "skipped seed-rotherham-iopc: the same text as rotherham-iopc" in printed
    else:
        assert f"{DEV} not found: using seeds/ only" in printed
    assert "rotherham-iopc: The shocking police failures" in printed


def test_funnel_shows_the_forces_figures(run, seed_store):
    nb = run(FUNNEL)
    expected = funnel(seed_store, "South Yorkshire Police")
    assert expected.stage("allegations").count == 265  # "265 separate allegations"
    assert expected.stage("investigated").count == 47  # "Of the 47 officers investigated"

    def shown(count):
        return "unknown" if count is None else f"{count:,}"

    # The development documents say nothing else about the force, so its funnel is the seed's
    # (and not doubled by the evaluation set's copy of the seed).
    line = "South Yorkshire Police: " + " -> ".join(
        f"{shown(stage.count)} {stage.label.lower()}" for stage in expected.stages
    )
    assert line in _printed(nb).splitlines()
    rows = _table(_captioned(nb, "Accountability funnels of"))
    force = [row for row in rows if row[0] == "South Yorkshire Police"]
    assert force == [
        ["South Yorkshire Police", str(len(expected.members))]
        + [shown(stage.count) for stage in expected.stages]
    ]
    # Every organisation listed has at least one known stage.
    assert rows and all(any(cell != "unknown" for cell in row[2:]) for row in rows)


def test_funnel_cites_the_sentences_and_draws_the_charts(run):
    nb = run(FUNNEL)
    rows = _table(_captioned(nb, "The sentences behind each stage"))
    allegations = [row for row in rows if row[:2] == ["South Yorkshire Police", "Allegations"]]
    assert allegations[0][2] == "265"
    assert allegations[0][4].startswith("However despite the IOPC looking into 265 separate")
    assert _images(nb) == 2  # the funnels, the outcomes by document


def test_funnel_counts_outcomes_by_document(run, seed_store):
    nb = run(FUNNEL)
    printed = _printed(nb)
    assert re.search(r"^outcomes\s+Int64$", printed, re.M)
    assert re.search(r"^document\s+string$", printed, re.M)
    table = _captioned(nb, "Outcomes by document and kind")
    header = _header(table)
    assert header[0] == "document" and header[-1] == "total"
    rows = [dict(zip(header, row, strict=True)) for row in _table(table)]
    for row in rows:
        counts = [int(row[kind]) for kind in header[1:-1]]  # integers, 0 where none
        assert sum(counts) == int(row["total"]) > 0
    totals = [int(row["total"]) for row in rows]
    assert totals == sorted(totals, reverse=True)
    # The seed article's row holds its outcomes, by the top concept of their type (the groups
    # of the entity graph); the development documents, when present, add rows of their own.
    G = entity_graph(seed_store)
    expected = Counter(d["group"] for _, d in G.nodes(data=True) if d["type"] == "Outcome")
    (seed,) = [row for row in rows if row["document"] == "rotherham-iopc"]
    assert {kind: int(seed[kind]) for kind in header[1:-1] if int(seed[kind])} == expected
    assert len(rows) > 1 if DEV.is_dir() else len(rows) == 1
