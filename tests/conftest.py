"""Shared fixtures: the spaCy pipeline (loaded once), the seed store, the development documents."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"
DEV = SHARED / "eval" / "dev"
#: Debian's Chromium, installed by `make browser` (part of `make test`).
CHROMIUM = Path("/usr/bin/chromium")


def run_chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium with a throwaway profile; fail the test when it is not installed.

    Host names do not resolve (``--host-resolver-rules``): only 127.0.0.1 and ``file:`` URLs
    can be reached, so a page under test never reaches the network, nor does the browser.
    """
    if not CHROMIUM.is_file():
        pytest.fail(
            f"{CHROMIUM} not found: the pages are tested in headless Chromium; install it with "
            "`make browser` (`make test` does this)"
        )
    profile = tmp_path / "chromium-profile"
    command = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        f"--user-data-dir={profile}",
        "--window-size=1400,900",
        *args,
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=180, cwd=tmp_path)
    assert result.returncode == 0, f"chromium failed ({result.returncode}): {result.stderr[-2000:]}"
    return result


def needs_shared() -> pytest.MarkDecorator:
    """Skip when ../shared (the annotated development documents) is not beside the repository."""
    return pytest.mark.skipif(
        not DEV.is_dir(),
        reason=f"{DEV} not found: the annotated development documents are only present in CI",
    )


def resolve_text(nlp, text: str, *, name_victims: bool = False):
    """The resolved document of ``text`` (title: its first line) through the real pipeline, and
    a function from a mention to its entity's label."""
    from graph.extract import extract
    from graph.model import SourceDocument
    from graph.resolve import resolve

    source = SourceDocument(doc_id="t", text=text, title=text.split("\n", 1)[0], source="test")
    resolved = resolve(extract(nlp(text), source, name_victims=name_victims))
    labels = {e.key: e.label for e in resolved.entities}
    return resolved, lambda m: labels[resolved.entity_of[m]]


@pytest.fixture(scope="session")
def nlp():
    from graph.nlp import load_pipeline

    return load_pipeline()


@pytest.fixture(scope="session")
def seed_store(tmp_path_factory, nlp):
    """The store built from seeds/ with the real pipeline, opened read-only."""
    from graph.ingest import read_documents
    from graph.pipeline import build_documents
    from graph.store import CaseStore

    path = tmp_path_factory.mktemp("seed") / "casegraph.store"
    docs = [d for d in read_documents([SEEDS]) if not isinstance(d, Exception)]
    with CaseStore.open(path) as store:
        build_documents(docs, store, nlp)
    with CaseStore.open(path, read_only=True) as store:
        yield store
