"""Plot the benchmark results: build time and peak memory by corpus size, query latency.

Usage::

    python bench/plot.py [--throughput bench/results/throughput.json]
                         [--queries bench/results/queries.json] [--out bench/results]

Writes ``build-scaling.png`` (from ``bench/throughput.py --json``) and ``query-latency.png``
(from ``bench/queries.py --json``) into ``--out``; a missing JSON file is skipped with a message.
``python bench/plot.py --out docs/img`` refreshes the pictures of ``docs/scaling.md``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

RESULTS = Path(__file__).resolve().parent / "results"


def plot_build(results: dict, out: Path) -> Path:
    """Build time and peak RSS against the number of documents, one line per worker count."""
    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 4), dpi=120)
    by_workers: dict[int, list[dict]] = {}
    for run in results["memory"]:
        by_workers.setdefault(run["workers"], []).append(run)
    for workers, runs in sorted(by_workers.items()):
        runs.sort(key=lambda r: r["docs"])
        docs = [r["docs"] for r in runs]
        label = f"{workers} worker{'s' if workers > 1 else ''}"
        left.plot(docs, [r["seconds"] for r in runs], marker="o", label=label)
        right.plot(docs, [r["peak_rss_mb"] for r in runs], marker="o", label=label)
    words = results["corpus"]["words_per_doc_mean"]
    left.set(
        xlabel=f"documents (~{words:.0f} words each)",
        ylabel="seconds (whole process)",
        title="casegraph build: wall time",
        xscale="log",
        yscale="log",
    )
    right.set(
        xlabel="documents",
        ylabel="peak RSS of the process tree, MB",
        title="casegraph build: peak memory",
        xscale="log",
        ylim=(0, None),
    )
    for axis in (left, right):
        axis.grid(True, alpha=0.3)
        axis.legend()
    figure.suptitle(f"measured {results['date']} on {results['machine']['cpus']} shared cores")
    figure.tight_layout()
    path = out / "build-scaling.png"
    figure.savefig(path)
    plt.close(figure)
    return path


def plot_queries(results: dict, out: Path) -> Path:
    """Median latency of each competency query: Oxigraph in process, the CLI, rdflib (log)."""
    names = [n for n in results["cli"] if n in results["oxigraph"]]
    series = [
        ("Oxigraph (in process)", results["oxigraph"]),
        ("casegraph query (process)", results["cli"]),
        ("rdflib (in memory)", results.get("rdflib", {})),
    ]
    figure, axis = plt.subplots(figsize=(10, 5.2), dpi=120)
    width = 0.27
    for i, (label, values) in enumerate(series):
        heights, hatches = [], []
        for name in names:
            result = values.get(name, {})
            seconds = result.get("median_s", result.get("after_s", result.get("timeout_s")))
            heights.append(seconds * 1000 if seconds is not None else 0)
            hatches.append({"time": "//", "memory": "xx"}.get(result.get("stopped"), ""))
        positions = [x + (i - 1) * width for x in range(len(names))]
        bars = axis.bar(positions, heights, width, label=label)
        for bar, hatch in zip(bars, hatches, strict=True):
            bar.set_hatch(hatch)
    axis.axhline(200, color="grey", linestyle="--", linewidth=1)
    axis.axhline(1000, color="grey", linestyle=":", linewidth=1)
    axis.set_yscale("log")
    axis.set_xticks(range(len(names)), [n.split("-", 1)[-1] for n in names], rotation=20)
    axis.set_ylabel("median ms (log)")
    axis.set_title(
        f"Competency queries on {results['quads']:,} quads ({results['documents']} documents); "
        "dashed 200 ms, dotted 1 s;\nhatched // stopped at the time limit, xx at the memory limit "
        "(bar: time when stopped); missing: not run"
    )
    axis.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=3)
    axis.grid(True, axis="y", alpha=0.3)
    figure.tight_layout()
    path = out / "query-latency.png"
    figure.savefig(path)
    plt.close(figure)
    return path


def markdown(throughput: dict | None, queries: dict | None) -> str:
    """The results as Markdown tables (for docs/scaling.md)."""
    lines: list[str] = []
    if throughput:
        corpus = throughput["corpus"]
        limit = throughput["spacy"][0]["words_per_s"]
        lines += [
            f"Throughput on {corpus['size']} documents, {corpus['words_total']:,} words "
            f"({throughput['date']}):",
            "",
            "| measure | seconds | words/s | vs limit | peak RSS MB | load avg before |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        for r in throughput["spacy"]:
            lines.append(
                f"| spaCy `nlp.pipe`, n_process={r['n_process']}"
                f"{' (the limit)' if r['n_process'] == 1 else ''} | {r['seconds']:.1f} "
                f"| {r['words_per_s']:,.0f} | {r['words_per_s'] / limit:.2f} "
                f"| {r['peak_rss_mb']:,.0f} | {r['load_before']:.1f} |"
            )
        for r in throughput["build"]:
            lines.append(
                f"| `casegraph build --workers {r['workers']}` (whole process) "
                f"| {r['seconds']:.1f} | {r['words_per_s']:,.0f} | {r['words_per_s'] / limit:.2f} "
                f"| {r['peak_rss_mb']:,.0f} | {r['load_before']:.1f} |"
            )
        first = throughput["build"][0]
        if "rebuild_seconds" in first:
            lines.append(
                f"| the same build again (incremental, {first['rebuild_skipped']} skipped) "
                f"| {first['rebuild_seconds']:.1f} | | | {first['rebuild_peak_rss_mb']:,.0f} | |"
            )
        lines += [
            "",
            "| documents | workers | words | triples | seconds | words/s | peak RSS MB "
            "| store MB |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for r in sorted(throughput["memory"], key=lambda r: (r["docs"], r["workers"])):
            triples = f"{r['triples']:,}" if r["triples"] is not None else "?"
            lines.append(
                f"| {r['docs']:,} | {r['workers']} | {r['words']:,} | {triples} "
                f"| {r['seconds']:.1f} | {r['words_per_s']:,.0f} | {r['peak_rss_mb']:,.0f} "
                f"| {r['store_mb']:,.0f} |"
            )
        lines.append("")
    if queries:
        lines += [
            f"Queries on {queries['quads']:,} quads, {queries['documents']:,} documents "
            f"({queries['date']}; median of {queries['runs']} after a warm-up; load average "
            f"{queries['load_average'][0]:.1f} before, {queries['load_average'][1]:.1f} after):",
            "",
            "| query | rows | Oxigraph ms | < 200 ms | `casegraph query` s | < 1 s | rdflib ms "
            "| rdflib / Oxigraph |",
            "| --- | ---: | ---: | :---: | ---: | :---: | ---: | ---: |",
        ]
        for name, cli in queries["cli"].items():
            ox = queries["oxigraph"].get(name, {})
            rd = queries.get("rdflib", {}).get(name, {})
            ratio = ""
            if "median_s" in ox and "median_s" in rd:
                value = rd["median_s"] / ox["median_s"]
                ratio = f"{value:,.0f}x" if value >= 10 else f"{value:.2f}x"
            rows = ox.get("rows", cli.get("rows", rd.get("rows", "")))
            lines.append(
                f"| {name} | {rows} | {_md(ox, 1000, '{:,.1f}')} | {_ok(ox, 0.2)} "
                f"| {_md(cli, 1, '{:.2f}')} | {_ok(cli, 1.0)} | {_md(rd, 1000, '{:,.0f}')} "
                f"| {ratio} |"
            )
        lines.append("")
    return "\n".join(lines)


def _md(result: dict, scale: float, pattern: str) -> str:
    if "median_s" in result:
        return pattern.format(result["median_s"] * scale)
    if result.get("stopped") == "memory":
        return f"stopped at {result['max_rss_mb'] / 1024:.0f} GB RSS"
    if result.get("stopped") == "time":
        return "> " + pattern.format(result["timeout_s"] * scale)
    return "not run" if "skipped" in result else ""


def _ok(result: dict, target: float) -> str:
    if "median_s" in result:
        return "yes" if result["median_s"] < target else "**no**"
    return "**no**" if "stopped" in result else ""


def main() -> None:
    """Draw whichever plots have results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--throughput", type=Path, default=RESULTS / "throughput.json")
    parser.add_argument("--queries", type=Path, default=RESULTS / "queries.json")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument(
        "--markdown", action="store_true", help="print the results as Markdown tables instead"
    )
    options = parser.parse_args()
    if options.markdown:
        loaded = [
            json.loads(p.read_text()) if p.is_file() else None
            for p in (options.throughput, options.queries)
        ]
        print(markdown(*loaded))
        return
    options.out.mkdir(parents=True, exist_ok=True)
    for source, draw in ((options.throughput, plot_build), (options.queries, plot_queries)):
        if not source.is_file():
            print(f"{source} not found: run the benchmark with --json {source} first")
            continue
        print(f"wrote {draw(json.loads(source.read_text()), options.out)}")


if __name__ == "__main__":
    main()
