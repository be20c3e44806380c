"""Corpus annotations -> spaCy training examples for the fact layer.

Usage::

    python train/scripts/convert.py corpus train/data

For every annotated document of each split, the text is parsed with casegraph's pipeline and
its own mention finder runs (so the examples look like what the model will see at run time:
the pipeline's sentences and mentions, not the annotators'). Two kinds of examples:

- ``SPLIT-sentences.spacy``: one Doc per sentence, ``doc.cats`` the fact kinds the annotation
  states in it (``allegation``, ``investigation``, ``membership``, ``statement``) and each outcome
  type (``outcome:dismissal`` ...);
- ``SPLIT-roles.spacy``: one Doc per (sentence, pipeline mention) with the mention marked
  ``⟪ ... ⟫`` in the sentence, ``doc.cats`` the roles its entity plays in facts stated in that
  sentence (``accused``, ``maker``, ``applies``, ``decider``, ``investigator``, ``subject``,
  ``member``, ``employer``, ``speaker``).

A pipeline mention stands for the annotated entity whose mention it overlaps most; a fact is
stated in a sentence when its evidence (or quote) overlaps the sentence. In the train split an
example with at least one label is repeated ``UPSAMPLE`` times in all, so that the rare positive
examples weigh more (the classes are very unbalanced: most mentions play no role).
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from spacy.tokens import DocBin

from graph.corpus import split_documents
from graph.extract.learned import (
    ROLES,
    SENTENCE_LABELS,
    marked,
    mention_roles_of,
    sentence_labels_of,
    syntax_words,
)
from graph.nlp import load_pipeline, parse

#: Copies of each example with a label, in the train split.
UPSAMPLE = 3


def main(corpus: str, out: str) -> None:
    target = Path(out)
    target.mkdir(parents=True, exist_ok=True)
    nlp = load_pipeline()
    for split in ("train", "dev", "test"):
        docs = split_documents(corpus, split)
        sentences, roles = DocBin(store_user_data=False), DocBin(store_user_data=False)
        counts: Counter[str] = Counter()
        for ann, doc in zip(docs, parse(nlp, (a.text for a in docs)), strict=True):
            for sent, labels in sentence_labels_of(ann, doc):
                example = nlp.make_doc(sent.text)
                example.cats = {label: float(label in labels) for label in SENTENCE_LABELS}
                for _ in range(UPSAMPLE if split == "train" and labels else 1):
                    sentences.add(example)
                counts.update(labels)
            for sent, mention, found in mention_roles_of(ann, doc):
                example = nlp.make_doc(
                    marked(
                        sent.text,
                        mention.span.start - sent.start_char,
                        mention.span.end - sent.start_char,
                        syntax_words(doc, mention),
                    )
                )
                example.cats = {role: float(role in found) for role in ROLES}
                for _ in range(UPSAMPLE if split == "train" and found else 1):
                    roles.add(example)
                counts.update(f"role:{r}" for r in found)
        sentences.to_disk(target / f"{split}-sentences.spacy")
        roles.to_disk(target / f"{split}-roles.spacy")
        print(f"{split}: {len(docs)} documents, {len(sentences)} sentences, {len(roles)} mentions")
        print("  " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


if __name__ == "__main__":
    main(*sys.argv[1:3])
