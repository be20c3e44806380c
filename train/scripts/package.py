"""Copy the trained models into the package (``graph/models/NAME``), without training leftovers.

Usage::

    python train/scripts/package.py training graph/models [NAME ...]

``training/NAME/model-best`` (spaCy's output) becomes ``graph/models/NAME``; its ``meta.json``
loses the timings and the paths of the machine that trained it, so that two trainings of the same
data give the same files.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

NAMES = ("sentences", "roles", "ner")


def main(training: str, target: str, *names: str) -> None:
    for name in names or NAMES:
        source = Path(training) / name / "model-best"
        dest = Path(target) / name
        if not (source / "meta.json").is_file():
            sys.exit(f"{source}: no trained model there (run `make train`)")
        if dest.exists():
            shutil.rmtree(dest)
        shutil.copytree(source, dest)
        meta_path = dest / "meta.json"
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        for key in ("performance", "speed", "spacy_git_version"):
            meta.pop(key, None)
        meta["name"] = f"casegraph_{name}"
        meta_path.write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        size = sum(p.stat().st_size for p in dest.rglob("*") if p.is_file())
        print(f"{dest}: {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main(*sys.argv[1:])
