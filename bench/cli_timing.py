"""Time the casegraph command line as a user feels it: whole processes, start-up included.

Usage::

    python bench/cli_timing.py [--dev ../shared/eval/dev] [--runs 5]

1. builds the seed store (``seeds/``) in a temporary folder with ``casegraph build``;
2. times ``casegraph query`` (a simple SELECT) on it, ``--runs`` times: median and min;
3. times ``casegraph build`` of every ``.txt`` file in the dev folder into a fresh store, 3 times:
   median, and words per second. Skipped, with a message, when the dev folder is missing.

It prints a small table and asserts nothing.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASEGRAPH = Path(sys.executable).parent / "casegraph"
QUERY = "SELECT ?org ?label WHERE { ?org a cg:Organisation ; rdfs:label ?label } LIMIT 10"
BUILD_RUNS = 3


def run(args: list[str | Path]) -> float:
    """Run ``casegraph`` with ``args`` and return its wall-clock time in seconds."""
    start = time.perf_counter()
    result = subprocess.run(
        [str(CASEGRAPH), *map(str, args)], capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"casegraph {' '.join(map(str, args))} failed:\n{result.stderr.strip()}")
    return elapsed


def main() -> None:
    """Run the timings and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev", type=Path, default=ROOT.parent / "shared" / "eval" / "dev")
    parser.add_argument("--runs", type=int, default=5, help="query runs (default 5)")
    options = parser.parse_args()
    if not CASEGRAPH.exists():
        sys.exit(f"{CASEGRAPH} not found: install casegraph in this environment first")

    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="casegraph-bench-") as tmp:
        seed_store = Path(tmp) / "seed.store"
        seconds = run(["build", ROOT / "seeds", "--store", seed_store])
        rows.append(("build seeds/ (1 run)", f"{seconds:.2f} s"))

        times = [
            run(["query", QUERY, "--store", seed_store, "--format", "csv"])
            for _ in range(options.runs)
        ]
        rows.append((f"query, median of {options.runs}", f"{statistics.median(times):.3f} s"))
        rows.append((f"query, min of {options.runs}", f"{min(times):.3f} s"))

        files = sorted(options.dev.glob("*.txt")) if options.dev.is_dir() else []
        if not files:
            print(f"No .txt files in {options.dev}: skipping the dev build timing.")
        else:
            words = sum(len(f.read_text(encoding="utf-8").split()) for f in files)
            times = []
            for i in range(BUILD_RUNS):
                store = Path(tmp) / f"dev-{i}.store"
                times.append(run(["build", *files, "--store", store]))
                shutil.rmtree(store, ignore_errors=True)
            median = statistics.median(times)
            rows.append((f"build dev ({len(files)} files, {words} words)", f"{median:.2f} s"))
            rows.append(("build dev, words/s", f"{words / median:.0f}"))

    width = max(len(name) for name, _ in rows)
    print(f"{'measure':<{width}}  value")
    print(f"{'-' * width}  {'-' * 10}")
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()
