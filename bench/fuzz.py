"""Build many adversarial documents (``tests/adversarial.py``) and count crashes.

Usage::

    python bench/fuzz.py [--size 10000] [--seed 0] [--workers 2] [--validate 500]

Writes the documents under a temporary folder, builds them all in one ``casegraph build`` (the
real command, so a crash shows as a traceback or a non-zero status other than 1), then checks:
every document is stored or refused with a one-line error, and a sample of ``--validate`` stored
document graphs conforms to the SHACL shapes. Prints the figures; exits 1 on a crash.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from adversarial import documents

from graph.store import CaseStore
from graph.validate import validate


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--validate", type=int, default=500, help="graphs to check with SHACL")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="casegraph-fuzz-"))
    try:
        folder = work / "docs"
        folder.mkdir()
        for name, data in documents(args.size, seed=args.seed):
            (folder / name).write_bytes(data)
        store = work / "store"
        command = [str(Path(sys.executable).parent / "casegraph"), "build", str(folder)]
        command += ["--store", str(store), "--workers", str(args.workers)]
        start = time.monotonic()
        run = subprocess.run(command, capture_output=True, text=True)
        elapsed = time.monotonic() - start
        errors = [line for line in run.stderr.splitlines() if line.startswith("error: ")]
        crashed = run.returncode not in (0, 1) or "Traceback" in run.stderr
        with CaseStore.open(store, read_only=True) as opened:
            stored = [i for i in opened.document_iris() if opened.content_hash(i) is not None]
            dataset = opened.to_rdflib() if args.validate else None
        print(
            f"{args.size} documents in {elapsed:.0f} s ({args.workers} workers): "
            f"{len(stored)} stored, {len(errors)} refused in one line, exit {run.returncode}"
        )
        lost = args.size - len(stored) - len(errors)
        print(f"documents neither stored nor refused: {lost}; crash: {crashed}")
        violations = 0
        if dataset is not None:
            sample = random.Random(args.seed).sample(stored, min(args.validate, len(stored)))
            for iri in sample:
                violations += not validate(dataset.graph(iri)).conforms
            print(f"SHACL: {len(sample) - violations} of {len(sample)} sampled graphs conform")
        if crashed:
            print(run.stderr[-3000:])
        return 1 if crashed or lost or violations else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
