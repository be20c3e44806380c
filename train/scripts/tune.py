"""Choose the decision thresholds of the learned fact layer on an annotated folder (a dev split).

Usage::

    python train/scripts/tune.py MODELS_DIR GOLD_DIR [GOLD_DIR ...]

``MODELS_DIR`` holds ``sentences/`` and ``roles/`` (``graph/models`` or a ``training/`` folder's
packaged copy).
Parses each document once, then builds and scores it (as ``casegraph evaluate`` does) with the
rules alone, the model alone and both, over a grid of thresholds; prints one line of F1 figures
per setting. Never point it at a test split.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

from graph.evaluate import EvaluationReport, load_gold, score_document
from graph.extract import extract, learned
from graph.ingest import read_document
from graph.nlp import load_pipeline, parse
from graph.pipeline import document_iri
from graph.rdf import document_ntriples
from graph.resolve import resolve
from graph.store import CaseStore

GRID = {"kind": (0.2, 0.3), "allegation": (0.3, 0.4, 0.5), "outcome": (0.3,), "role": (0.05, 0.1)}
METRICS = ("ent.all", "affiliation", "investigation", "outcome.type", "allegation", "statement")


def main(models: str, folders: list[str]) -> None:
    learned.MODEL_DIR = Path(models)
    learned.load_models.cache_clear()
    nlp = load_pipeline()
    items = []
    for folder in folders:
        for txt in sorted(Path(folder).glob("*.txt")):
            gold = txt.with_name(txt.stem + ".gold.json")
            if gold.is_file():
                items.append((read_document(txt), load_gold(gold)))
    docs = list(parse(nlp, (s.text for s, _ in items)))
    print(f"{len(items)} documents")

    def run(facts: tuple[str, ...]) -> EvaluationReport:
        scores = []
        for (source, gold), doc in zip(items, docs, strict=True):
            resolved = resolve(extract(doc, source, facts=facts))
            with CaseStore.open(None) as store:
                iri = str(document_iri(source.doc_id))
                store.replace_documents([(iri, document_ntriples(resolved))])
                scores.append(score_document(store.oxigraph, gold, source.text))
        return EvaluationReport.from_documents(scores)

    def line(name: str, report: EvaluationReport) -> None:
        figures = " ".join(f"{m} {report.totals[m].f1:.3f}" for m in METRICS)
        print(f"{name:40s} {figures}  victims {report.victims_named}")

    line("rules", run(("rules",)))
    keys = list(GRID)
    for values in itertools.product(*(GRID[k] for k in keys)):
        setting = dict(zip(keys, values, strict=True))
        learned.THRESHOLDS.update(setting)
        tag = " ".join(f"{k[:3]}{v}" for k, v in setting.items())
        line(f"model {tag}", run(("model",)))
        line(f"rules+model {tag}", run(("rules", "model")))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
