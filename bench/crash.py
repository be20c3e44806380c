"""Kill a build with SIGKILL at random moments; check what it kept and that a rebuild is exact.

Usage::

    python bench/crash.py [--size 200] [--runs 20] [--seed 0] [--at90 100]

A clean build of a generated corpus (``bench/corpus.py``) gives the reference N-Quads. Then, for
each run, a fresh store is built by ``casegraph build`` in a child process that is killed with
SIGKILL at a random moment between 5 % and 95 % of the clean build's time; the bench records how
many documents the killed store kept (documents whose graph has its content hash), checks that
the store opens and that every kept document's graph is identical to the reference, rebuilds, and
compares the whole store with the reference, byte for byte (sorted N-Quads). Last, a build of
``--at90`` documents is killed at 90 % of its time and the documents it kept are counted.

Prints one line per run and a summary: runs consistent (store opens, kept graphs exact, rebuild
exact), documents kept, timings. Asserts nothing; exits 1 if a run was inconsistent.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import default_out, generate
from graph.store import CaseStore

CASEGRAPH = [str(Path(sys.executable).parent / "casegraph")]


def build(corpus: Path, store: Path, kill_after: float | None = None) -> float:
    """Run ``casegraph build``; kill it after ``kill_after`` seconds. Returns the elapsed time."""
    start = time.monotonic()
    process = subprocess.Popen(
        [*CASEGRAPH, "build", str(corpus), "--store", str(store)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    if kill_after is None:
        process.wait()
    else:
        try:
            process.wait(kill_after)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    return time.monotonic() - start


def graphs(store: Path) -> dict[str, list[bytes]]:
    """Each graph's sorted N-Quads lines, keyed by graph IRI; opens the store read-only."""
    out: dict[str, list[bytes]] = {}
    with CaseStore.open(store, read_only=True) as opened:
        for line in opened.dump("nquads").splitlines():
            graph = line.rsplit(b" ", 2)[-2].decode()
            out.setdefault(graph, []).append(line)
    return {g: sorted(lines) for g, lines in out.items()}


def kept_documents(store: Path) -> list[str]:
    with CaseStore.open(store, read_only=True) as opened:
        return [iri for iri in opened.document_iris() if opened.content_hash(iri) is not None]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=200)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--at90", type=int, default=100, help="documents of the 90 %% run")
    args = parser.parse_args()

    corpus = default_out(args.size, 0)
    generate(args.size, corpus, seed=0)
    work = Path(tempfile.mkdtemp(prefix="casegraph-crash-"))
    rng = random.Random(args.seed)
    try:
        clean = work / "clean"
        clean_time = build(corpus, clean)
        reference = graphs(clean)
        n_docs = len(kept_documents(clean))
        print(f"clean build: {n_docs} documents, {clean_time:.1f} s")
        consistent = 0
        kept_counts = []
        for run in range(1, args.runs + 1):
            store = work / f"run-{run}"
            at = rng.uniform(0.05, 0.95) * clean_time
            build(corpus, store, kill_after=at)
            ok = True
            try:
                kept = kept_documents(store)
                partial = graphs(store)
                exact = all(partial.get(iri) == reference.get(iri) for iri in kept)
            except Exception as error:  # the store must open: anything else is a failure
                print(f"run {run:2d}: killed at {at:5.1f} s: store does not open: {error}")
                kept, exact, ok = [], False, False
            rebuild_time = build(corpus, store)
            same = graphs(store) == reference
            ok = ok and exact and same
            consistent += ok
            kept_counts.append(len(kept))
            print(
                f"run {run:2d}: killed at {at:5.1f} s, kept {len(kept):3d}/{n_docs} documents "
                f"(graphs exact: {exact}); rebuild {rebuild_time:5.1f} s, equal to clean: {same}"
            )
            shutil.rmtree(store)
        print(f"consistent runs: {consistent}/{args.runs}")
        if kept_counts:
            print(f"documents kept when killed: min {min(kept_counts)}, max {max(kept_counts)}")
        small = default_out(args.at90, 0)
        generate(args.at90, small, seed=0)
        full = build(small, work / "at90-clean")
        build(small, work / "at90", kill_after=0.9 * full)
        kept = kept_documents(work / "at90")
        at = 0.9 * full
        print(f"{args.at90} documents killed at 90 % ({at:.1f} of {full:.1f} s): kept {len(kept)}")
        return 0 if consistent == args.runs else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
