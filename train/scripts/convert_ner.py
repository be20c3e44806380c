"""Corpus annotations -> spaCy NER examples for fine-tuning the base model's entity recogniser.

Usage::

    python train/scripts/convert_ner.py corpus train/data

For every annotated document of each split, one Doc (``SPLIT-ner.spacy``) whose entities are:

- **the annotators' names**: every mention of an ``Organisation`` (``ORG``), ``Person``
  (``PERSON``) or ``Place`` (``GPE``, or ``LOC`` where the base model says ``LOC``) that is a
  name, that is, starts with a capital letter or a digit ("Northmoor Police", "NMP", "Dalton";
  not "the force", which is resolution's job, not the recogniser's);
- **rehearsal**: what the base model (``en_core_web_sm``) finds of its other labels (``DATE``,
  ``CARDINAL``, ``NORP``, ``LAW`` ...) and the places it finds that no annotation overlaps, so
  that fine-tuning keeps what the base model knew (the pipeline reads dates, counts and
  nationalities from these labels).

A base ``ORG`` or ``PERSON`` that no annotated name overlaps is left out, so the model learns that
"CCTV" or "Foreword" is no organisation: the corpus guide asks for every named organisation and
person to be annotated. The base model's own span conventions are kept where they agree with the
annotation's (titles are outside person names in both).
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import spacy
from spacy.tokens import DocBin, Span
from spacy.util import filter_spans

from graph.corpus import split_documents
from graph.nlp import default_model

#: Annotation type -> NER label.
LABELS = {"Organisation": "ORG", "Person": "PERSON", "Place": "GPE"}
#: Base labels that the annotation decides: a base span of these is kept only if annotated.
DECIDED = {"ORG", "PERSON"}
#: Base labels of places: kept where no annotation overlaps them.
PLACES = {"GPE", "LOC", "FAC"}


def is_name(text: str) -> bool:
    """A mention that a recogniser should find: it starts with a capital letter or a digit."""
    return bool(text) and (text[0].isupper() or text[0].isdigit())


def entities_of(ann, doc) -> tuple[list[Span], Counter]:
    """The training entities of one document (see the module's docstring)."""
    counts: Counter[str] = Counter()
    gold: list[Span] = []
    for mention in ann.mentions:
        kind = ann.entities[mention.entity]["type"]
        if kind not in LABELS or not is_name(mention.span.text):
            continue
        span = doc.char_span(mention.span.start, mention.span.end, alignment_mode="contract")
        if span is None or not len(span):
            counts["unaligned"] += 1
            continue
        label = LABELS[kind]
        if label == "GPE" and any(e.label_ == "LOC" and e.start == span.start for e in doc.ents):
            label = "LOC"
        gold.append(Span(doc, span.start, span.end, label=label))
    gold = filter_spans(gold)
    taken = {i for span in gold for i in range(span.start, span.end)}
    rehearsed = [
        Span(doc, e.start, e.end, label=e.label_)
        for e in doc.ents
        if e.label_ not in DECIDED and not taken & set(range(e.start, e.end))
    ]
    counts.update(s.label_ for s in gold)
    counts.update(f"base:{s.label_}" for s in rehearsed)
    return sorted(gold + rehearsed), counts


def main(corpus: str, out: str) -> None:
    target = Path(out)
    target.mkdir(parents=True, exist_ok=True)
    base = spacy.load(
        default_model(), disable=["parser", "tagger", "lemmatizer", "attribute_ruler"]
    )
    for split in ("train", "dev", "test"):
        anns = split_documents(corpus, split)
        bin_ = DocBin(attrs=["ENT_IOB", "ENT_TYPE"], store_user_data=False)
        counts: Counter[str] = Counter()
        for ann, doc in zip(anns, base.pipe(a.text for a in anns), strict=True):
            ents, found = entities_of(ann, doc)
            doc.set_ents(ents, default="outside")
            bin_.add(doc)
            counts.update(found)
        bin_.to_disk(target / f"{split}-ner.spacy")
        print(f"{split}: {len(anns)} documents")
        print("  " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


if __name__ == "__main__":
    main(*sys.argv[1:3])
