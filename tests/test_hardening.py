"""Issue 14: a build never loses a batch to one bad document, and never skips a file in silence."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from graph import nlp as nlp_module
from graph.cli import app
from graph.ingest import read_document
from graph.nlp import parse
from graph.store import CaseStore

pytestmark = pytest.mark.issue(14)

STORY = (
    "Officer {n} dismissed\n\nThe Independent Office for Police Conduct investigated PC Sam "
    "Reed{n} of Eastmoor Police. A panel found gross misconduct and he was dismissed.\n"
)


def stored_ids(store: Path) -> list[str]:
    with CaseStore.open(store, read_only=True) as opened:
        return sorted(iri.rsplit("/", 1)[-1] for iri in opened.document_iris())


def test_hardening_huge_document_is_reported_and_the_batch_is_stored(tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    for n in range(21):
        (folder / f"story-{n:02d}.txt").write_text(STORY.format(n=n), encoding="utf-8")
    huge = folder / "story-10b.txt"
    with huge.open("w", encoding="utf-8") as fh:  # 20 MB of prose
        line = "The watchdog said the force had failed victims for years. " * 20 + "\n\n"
        while fh.tell() < 20_000_000:
            fh.write(line)
    store = tmp_path / "store"
    result = CliRunner().invoke(app, ["build", str(folder), "--store", str(store)])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "story-10b.txt" in errors[0] and "--max-chars" in errors[0]
    assert "Traceback" not in result.output
    assert stored_ids(store) == sorted(f"story-{n:02d}" for n in range(21))


def test_hardening_max_chars_is_configurable(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(STORY.format(n=1), encoding="utf-8")
    store = tmp_path / "store"
    args = ["build", str(path), "--store", str(store), "--max-chars", "50"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1
    n = len(STORY.format(n=1))
    assert f"Document '{path}' has {n} characters, over the limit of 50" in result.stderr


def test_hardening_long_text_is_parsed_in_parts_with_its_offsets(monkeypatch) -> None:
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    text = "".join(f"Paragraph {k} names Eastmoor Police.\n\n" for k in range(60)) + "The end."
    whole = nlp(text)
    monkeypatch.setattr(nlp_module, "PART_CHARS", 300)
    (parsed, short) = parse(nlp, [text, "Short one."])
    assert parsed.text == text and short.text == "Short one."
    assert [t.idx for t in parsed] == [t.idx for t in whole]
    assert len(list(parsed.sents)) >= 60


def test_hardening_folder_names_every_file_it_does_not_build(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text(STORY.format(n=1), encoding="utf-8")
    (folder / "report.pages").write_bytes(b"PK\x03\x04 not really")
    (folder / "sub" / "notes.odt").write_bytes(b"PK\x03\x04")
    (folder / ".hidden.txt").write_text("hidden", encoding="utf-8")
    store = tmp_path / "store"
    result = CliRunner().invoke(app, ["build", str(folder), "--store", str(store)])
    assert result.exit_code == 0, result.output
    notes = [line for line in result.stderr.splitlines() if line.startswith("note: Skipped")]
    documents = ".txt, .md, .html, .htm, .docx, .pdf"
    assert [n.split("'", 2)[1:] for n in notes] == [
        [str(folder / ".hidden.txt"), ": hidden file"],
        [str(folder / "report.pages"), f": not a document ({documents})"],
        [str(folder / "sub" / "notes.odt"), f": not a document ({documents})"],
    ]
    assert stored_ids(store) == ["a"]


def test_hardening_a_few_control_characters_are_no_refusal(tmp_path: Path) -> None:
    path = tmp_path / "ctrl.txt"
    text = "Title\x07\n\nThe force\x01 said\x02 it was\x03 sorry.\n"
    path.write_text(text, encoding="utf-8")
    assert read_document(path).text == text
    binary = tmp_path / "bin.txt"
    binary.write_bytes(bytes(range(1, 32)) * 20)
    with pytest.raises(Exception, match="binary"):
        read_document(binary)
