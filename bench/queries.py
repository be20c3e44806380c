"""Latency of the competency queries on a store of a million triples, against rdflib.

Usage::

    python bench/queries.py [--store DIR] [--min-triples 1000000] [--runs 5] [--seed 0]
                            [--timeout 120] [--rdflib-timeout 60] [--no-rdflib]
                            [--queries DIR] [--json FILE]

1. **The store.** With ``--store DIR`` an existing store is used as it is. Otherwise it builds a
   small probe corpus (35 documents) to count triples per document, works out how many
   documents give ``--min-triples`` (rounded up to a hundred), generates that corpus with
   ``bench/corpus.py`` and builds it with ``casegraph build`` (2 workers when the command has
   ``--workers``) into ``/tmp/casegraph-bench/store-N-sS``, which later runs reuse (a change of
   the pipeline can change the number of documents, and so the store).
2. **Oxigraph, in process**: each bundled competency query (``ontology/queries/*.rq``) through
   :class:`graph.store.CaseStore` and :func:`graph.query.run_query` (results converted to Python
   values, as the command line does): one warm-up, then ``--runs`` timed runs; median and min.
   Target: median under 200 ms on at least 1M triples.
3. **``casegraph query`` as a whole process** (``casegraph query --store DIR --file Q.rq
   --format csv``, output discarded): start-up, opening the store, the query and printing. One
   warm-up, then ``--runs`` runs. Target: under 1 s.
4. **rdflib**, in a subprocess: the store's N-Quads loaded into an in-memory
   ``rdflib.Dataset(default_union=True)`` (:meth:`CaseStore.to_rdflib`), then each query the same
   way, with a time limit per run (``--rdflib-timeout``); a query whose warm-up takes over 10 s
   gets one timed run. Prints the rdflib/Oxigraph ratio.

Every child process is stopped after ``--timeout`` seconds or when its RSS passes 6 GB (the
machine is shared; a runaway query can otherwise take all its memory). ``--queries DIR`` times
other ``.rq`` files (rewritten competency queries, say) instead of the bundled ones.

It prints a table, writes the results as JSON with ``--json`` and asserts nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import platform
import re
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import throughput  # bench/throughput.py: run_measured, build_options, print_table

import corpus  # bench/corpus.py, beside this file

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "ontology" / "queries"
CASEGRAPH = Path(sys.executable).parent / "casegraph"
PROBE_DOCS = 35
SIMPLE = "SELECT ?org ?label WHERE { ?org a cg:Organisation ; rdfs:label ?label } LIMIT 10"
SLOW_WARMUP = 10.0
_STORED = re.compile(r"Stored\s+(\d+)\s+document\(s\),\s+(\d+)\s+triples")


# -- the store --------------------------------------------------------------------------------


def _build(corpus_dir: Path, store: Path, workers: int | None) -> dict:
    command = [str(CASEGRAPH), "build", str(corpus_dir), "--store", str(store)]
    if workers:
        command += ["--workers", str(workers)]
    run = throughput.run_measured(command)
    if run["returncode"] != 0:
        sys.exit(f"{' '.join(command)} failed:\n{run['stderr'][-2000:]}")
    stored = _STORED.search(run["stderr"])
    if stored is None:
        sys.exit(f"cannot read the triple count from casegraph build:\n{run['stderr'][-2000:]}")
    return {
        "docs": int(stored.group(1)),
        "triples": int(stored.group(2)),
        "seconds": run["seconds"],
        "peak_rss_mb": run["peak_rss_mb"],
        "load_before": run["load_before"],
    }


def prepare_store(min_triples: int, seed: int) -> tuple[Path, dict]:
    """Build (or reuse) a store from the generated corpus with at least ``min_triples``."""
    workers = 2 if "--workers" in throughput.build_options() else None
    probe_dir = corpus.default_out(PROBE_DOCS, seed)
    corpus.generate(PROBE_DOCS, probe_dir, seed)
    with tempfile.TemporaryDirectory(prefix="casegraph-bench-probe-") as tmp:
        probe = _build(probe_dir, Path(tmp) / "probe.store", None)
    per_doc = probe["triples"] / probe["docs"]
    docs = math.ceil(min_triples * 1.02 / per_doc / 100) * 100
    print(f"probe: {per_doc:.0f} triples per document -> {docs} documents")
    store = corpus.WORK / f"store-{docs}-s{seed}"
    info = {"probe_triples_per_doc": per_doc, "docs": docs, "reused": store.exists()}
    if store.exists():
        print(f"reusing {store}")
        return store, info
    corpus_dir = corpus.default_out(docs, seed)
    manifest = corpus.generate(docs, corpus_dir, seed)
    print(f"building {docs} documents ({manifest['words_total']:,} words) into {store} ...")
    info["build"] = _build(corpus_dir, store, workers)
    info["build"]["workers"] = workers or 1
    print(f"built in {info['build']['seconds']:.0f} s")
    return store, info


# -- timing -----------------------------------------------------------------------------------


def time_runs(call, runs: int, *, warmup: bool = True) -> dict:
    """Warm up once (unless told not to), then time ``runs`` calls of ``call()``, which returns
    a row count."""
    rows, warmup_s = None, None
    if warmup:
        start = time.perf_counter()
        rows = call()
        warmup_s = time.perf_counter() - start
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        rows = call()
        times.append(time.perf_counter() - start)
    return {
        "rows": rows,
        "warmup_s": warmup_s,
        "median_s": statistics.median(times),
        "min_s": min(times),
        "runs": len(times),
    }


def oxigraph_child(store: Path, query: Path, runs: int) -> None:
    """In a child process: time one query through CaseStore and run_query; JSON on stdout."""
    from graph.query import run_query
    from graph.store import CaseStore

    sparql = query.read_text(encoding="utf-8")
    with CaseStore.open(store, read_only=True) as case_store:
        begin = time.perf_counter()
        rows = len(run_query(case_store, sparql).rows)
        warmup = time.perf_counter() - begin
        call = lambda: len(run_query(case_store, sparql).rows)  # noqa: E731
        timed = time_runs(call, 1 if warmup > SLOW_WARMUP else runs, warmup=False)
    print(json.dumps({**timed, "rows": rows, "warmup_s": warmup}))


def store_size(store: Path) -> tuple[int, int]:
    """The number of quads and of document graphs in the store."""
    from graph.store import CaseStore

    with CaseStore.open(store, read_only=True) as case_store:
        return case_store.count_quads(), len(case_store.document_iris())


def _stopped(run: dict, timeout: float) -> dict:
    if run["stopped"] == "memory":
        return {"stopped": "memory", "max_rss_mb": throughput.MAX_RSS_MB, "after_s": run["seconds"]}
    return {"stopped": "time", "timeout_s": timeout, "after_s": run["seconds"]}


def oxigraph_times(
    store: Path, files: dict[str, Path], runs: int, timeout: float
) -> dict[str, dict]:
    """Each query in process (one child process per query, stopped after ``timeout`` seconds or
    at :data:`throughput.MAX_RSS_MB`)."""
    results = {}
    for name, file in files.items():
        command = [sys.executable, __file__, "--child-oxigraph", str(store), str(file), str(runs)]
        run = throughput.run_measured(command, timeout=timeout)
        if run["stopped"]:
            results[name] = _stopped(run, timeout)
            print(f"  oxigraph {name}: stopped ({run['stopped']})", flush=True)
            continue
        if run["returncode"] != 0:
            sys.exit(f"{' '.join(command)} failed:\n{run['stderr'][-2000:]}")
        results[name] = json.loads(run["stdout"].strip().splitlines()[-1])
        results[name]["peak_rss_mb"] = run["peak_rss_mb"]
        print(f"  oxigraph {name}: {results[name]['median_s'] * 1000:.1f} ms", flush=True)
    return results


def cli_times(
    store: Path, files: dict[str, Path | None], runs: int, timeout: float, skip: set[str]
) -> dict[str, dict]:
    """``casegraph query`` as a whole process, output discarded; ``skip`` names are not run."""
    results: dict[str, dict] = {}
    for name, file in files.items():
        if name in skip:
            results[name] = {"skipped": "stopped in process"}
            continue
        if file is None:
            command = [str(CASEGRAPH), "query", SIMPLE]
        else:
            command = [str(CASEGRAPH), "query", "--file", str(file)]
        command += ["--store", str(store), "--format", "csv"]
        times, rows, stopped = [], 0, None
        for _ in range(runs + 1):  # the first is the warm-up
            run = throughput.run_measured(command, timeout=timeout)
            if run["stopped"]:
                stopped = _stopped(run, timeout)
                break
            if run["returncode"] != 0:
                sys.exit(f"{' '.join(command)} failed:\n{run['stderr'][-2000:]}")
            times.append(run["seconds"])
            rows = max(0, run["stdout"].count("\n") - 1)
        if stopped:
            results[name] = stopped
            print(f"  casegraph query {name}: stopped ({stopped['stopped']})", flush=True)
            continue
        results[name] = {
            "rows": rows,
            "warmup_s": times[0],
            "median_s": statistics.median(times[1:]),
            "min_s": min(times[1:]),
            "runs": len(times) - 1,
        }
        print(f"  casegraph query {name}: {results[name]['median_s']:.2f} s", flush=True)
    return results


class _Timeout(Exception):
    pass


def _alarm(signum, frame) -> None:
    raise _Timeout


def rdflib_child(store: Path, runs: int, timeout: float, folder: Path) -> None:
    """In a child process: load the store into rdflib and time each query; JSON on stdout."""
    from graph.store import PREFIXES, CaseStore

    start = time.perf_counter()
    with CaseStore.open(store, read_only=True) as case_store:
        dataset = case_store.to_rdflib()
    results: dict[str, dict] = {}
    loaded = {"_load_s": time.perf_counter() - start, "_triples": len(dataset)}
    print(json.dumps(loaded), flush=True)
    signal.signal(signal.SIGALRM, _alarm)
    for name, sparql in _queries(folder).items():

        def call(sparql=sparql) -> int:
            signal.setitimer(signal.ITIMER_REAL, timeout)
            try:
                return len(list(dataset.query(sparql, initNs=PREFIXES)))
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)

        try:
            begin = time.perf_counter()
            rows = call()
            warmup = time.perf_counter() - begin
            timed = time_runs(call, 1 if warmup > SLOW_WARMUP else runs, warmup=False)
            results[name] = {**timed, "rows": rows, "warmup_s": warmup}
        except _Timeout:
            results[name] = {"stopped": "time", "timeout_s": timeout}
        print(json.dumps({name: results[name]}), flush=True)


def rdflib_times(store: Path, runs: int, timeout: float, folder: Path) -> dict:
    """Run :func:`rdflib_child` in a subprocess (clean memory figure, and it can be stopped).

    The child prints one JSON line per query; queries it did not reach (stopped at
    :data:`throughput.MAX_RSS_MB`, or by the overall limit) are marked as stopped.
    """
    command = [sys.executable, __file__, "--child-rdflib", str(store), str(runs), str(timeout)]
    command.append(str(folder))
    queries = _queries(folder)
    budget = 600 + len(queries) * timeout * 3
    run = throughput.run_measured(command, timeout=budget)
    results: dict = {}
    for line in run["stdout"].splitlines():
        with contextlib.suppress(ValueError):
            results.update(json.loads(line))
    for name in queries:
        if name not in results and run["stopped"]:
            results[name] = _stopped(run, budget)
    if run["returncode"] != 0 and not run["stopped"]:
        print(f"rdflib measurement failed:\n{run['stderr'][-2000:]}", file=sys.stderr)
    for name in queries:
        print(f"  rdflib {name}: {results.get(name)}", flush=True)
    results["_peak_rss_mb"] = run["peak_rss_mb"]
    results["_process_s"] = run["seconds"]
    return results


def _queries(folder: Path = QUERIES) -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.rq"))}


def _shown(result: dict, scale: float, pattern: str) -> str:
    if "median_s" in result:
        return pattern.format(result["median_s"] * scale)
    if result.get("stopped") == "memory":
        return f"RSS>{result['max_rss_mb'] / 1024:.0f}GB"
    if result.get("stopped") == "time":
        return ">" + pattern.format(result["timeout_s"] * scale)
    return "-" if "skipped" in result else ""


def _verdict(result: dict, target: float) -> str:
    if "median_s" in result:
        return "yes" if result["median_s"] < target else "NO"
    return "NO" if "stopped" in result else ""


# -- main -------------------------------------------------------------------------------------


def main() -> None:
    """Build or reuse the store, time the queries, print the table and write the JSON."""
    if len(sys.argv) == 6 and sys.argv[1] == "--child-rdflib":
        rdflib_child(Path(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), Path(sys.argv[5]))
        return
    if len(sys.argv) == 5 and sys.argv[1] == "--child-oxigraph":
        oxigraph_child(Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, help="use this existing store")
    parser.add_argument("--min-triples", type=int, default=1_000_000)
    parser.add_argument(
        "--queries", type=Path, default=QUERIES, help="folder of .rq files (default: the bundled)"
    )
    parser.add_argument("--runs", type=int, default=5, help="timed runs after a warm-up")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--timeout", type=float, default=120.0, help="seconds per query (all its runs)"
    )
    parser.add_argument("--rdflib-timeout", type=float, default=60.0, help="seconds per run")
    parser.add_argument("--no-rdflib", action="store_true", help="skip the rdflib comparison")
    parser.add_argument("--json", type=Path, help="write the results to this JSON file")
    options = parser.parse_args()
    if not CASEGRAPH.exists():
        sys.exit(f"{CASEGRAPH} not found: install casegraph in this environment first")

    if options.store is not None:
        if not options.store.is_dir():
            sys.exit(f"{options.store} is not a store folder")
        store, store_info = options.store, {"reused": True}
    else:
        store, store_info = prepare_store(options.min_triples, options.seed)
    quads, documents = store_size(store)
    print(f"store {store}: {documents} documents, {quads:,} quads")
    load_before = os.getloadavg()[0]
    files: dict[str, Path | None] = {"simple (LIMIT 10)": None}
    files.update({p.stem: p for p in sorted(options.queries.glob("*.rq"))})
    oxigraph = oxigraph_times(
        store, {n: f for n, f in files.items() if f is not None}, options.runs, options.timeout
    )
    slow = {name for name, result in oxigraph.items() if "stopped" in result}
    cli = cli_times(store, files, options.runs, options.timeout, slow)
    rdflib = (
        {}
        if options.no_rdflib
        else rdflib_times(store, options.runs, options.rdflib_timeout, options.queries)
    )
    load_after = os.getloadavg()[0]

    rows = []
    for name in files:
        ox, rd, pr = oxigraph.get(name, {}), rdflib.get(name, {}), cli[name]
        ratio = ""
        if "median_s" in rd and "median_s" in ox:
            value = rd["median_s"] / ox["median_s"]
            ratio = f"{value:,.0f}x" if value >= 10 else f"{value:.2f}x"
        rows.append(
            [
                name,
                str(ox.get("rows", pr.get("rows", rd.get("rows", "")))),
                _shown(ox, 1000, "{:,.1f}"),
                _verdict(ox, 0.2),
                _shown(pr, 1, "{:.2f}"),
                _verdict(pr, 1.0),
                _shown(rd, 1000, "{:,.0f}"),
                ratio,
            ]
        )
    throughput.print_table(
        f"Query latency, {quads:,} quads in {documents} documents; median of {options.runs} "
        f"after a warm-up (load average {load_before:.1f} -> {load_after:.1f})",
        [
            "query",
            "rows",
            "oxigraph ms",
            "<200 ms",
            "casegraph query s",
            "<1 s",
            "rdflib ms",
            "rdflib/oxigraph",
        ],
        rows,
    )
    if rdflib and "_load_s" in rdflib:
        print(
            f"rdflib: loading {rdflib['_triples']:,} triples took {rdflib['_load_s']:.0f} s, "
            f"peak RSS {rdflib['_peak_rss_mb']:,.0f} MB"
        )
    if options.json:
        results = {
            "benchmark": "queries",
            "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
            "store": str(store),
            "store_info": store_info,
            "quads": quads,
            "documents": documents,
            "runs": options.runs,
            "load_average": [load_before, load_after],
            "oxigraph": oxigraph,
            "cli": cli,
            "rdflib": rdflib,
        }
        options.json.parent.mkdir(parents=True, exist_ok=True)
        options.json.write_text(json.dumps(results, indent=2) + "\n")
        print(f"\nwrote {options.json}")


if __name__ == "__main__":
    main()
