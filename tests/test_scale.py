"""Scale features of the build: worker processes, a Dask cluster, incremental builds, streaming.

Every build here runs the real spaCy pipeline on real documents. Worker and cluster builds must
store exactly the N-Quads of a plain build (content hashes included: the parent computes them).
"""

from __future__ import annotations

import builtins
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DEV, SEEDS, needs_shared
from pyoxigraph import Literal, NamedNode, RdfFormat, parse
from typer.testing import CliRunner

from graph import pipeline
from graph.cli import app
from graph.model import Entity, Mention, ResolvedDocument, SourceDocument, TextSpan
from graph.pipeline import (
    build,
    build_documents,
    content_hash,
    pipeline_fingerprint,
)
from graph.rdf import document_graph, document_iri, document_ntriples
from graph.store import CONTENT_HASH, CaseStore

pytestmark = pytest.mark.issue(5)

SEED = SEEDS / "rotherham-iopc.txt"
NIF_IS_STRING = NamedNode("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#isString")


def nquads(store_path: Path) -> list[bytes]:
    """The store's quads as sorted N-Quads lines."""
    with CaseStore.open(store_path, read_only=True) as store:
        return sorted(store.dump("nquads").splitlines())


def graph_lines(lines: list[bytes], doc_id: str) -> list[bytes]:
    """The lines of one document's graph."""
    suffix = f" <{document_iri(doc_id)}> .".encode()
    return [line for line in lines if line.endswith(suffix)]


def is_string(store_path: Path, doc_id: str) -> str:
    iri = NamedNode(str(document_iri(doc_id)))
    with CaseStore.open(store_path, read_only=True) as store:
        (quad,) = store.oxigraph.quads_for_pattern(iri, NIF_IS_STRING, None, iri)
    return quad.object.value


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The seed article under four names: two chunks of work, so both workers get one."""
    folder = tmp_path_factory.mktemp("corpus")
    for name in ("rotherham-a", "rotherham-b", "rotherham-c", "rotherham-d"):
        shutil.copy(SEED, folder / f"{name}.txt")
    return folder


@pytest.fixture(scope="module")
def plain(corpus, tmp_path_factory) -> list[bytes]:
    """The N-Quads of a plain one-process build of ``corpus``."""
    path = tmp_path_factory.mktemp("plain") / "store"
    report = build([corpus], path)
    assert len(report.documents) == 4 and not report.errors and not report.skipped
    return nquads(path)


# -- worker processes ------------------------------------------------------------------------------


def test_scale_two_workers_store_the_same_quads(corpus, plain, tmp_path):
    report = build([corpus], tmp_path / "store", workers=2)
    assert report.documents == ["rotherham-a", "rotherham-b", "rotherham-c", "rotherham-d"]
    assert nquads(tmp_path / "store") == plain
    assert any(CONTENT_HASH.value.encode() in line for line in plain)


@needs_shared()
def test_scale_two_workers_store_the_same_quads_dev(tmp_path):
    one = build([SEEDS, DEV], tmp_path / "one")
    two = build([SEEDS, DEV], tmp_path / "two", workers=2)
    assert one.documents == two.documents and len(one.documents) >= 8
    assert one.triples == two.triples > 0
    assert nquads(tmp_path / "one") == nquads(tmp_path / "two")


def test_scale_pool_reports_a_model_that_cannot_load(tmp_path):
    from graph.errors import ExtractionError

    with pytest.raises(ExtractionError, match="no_such_model"):
        build([SEED], tmp_path / "store", workers=2, model="no_such_model")


def tiny_documents(n: int, consumed: list[int]):
    """``n`` one-sentence documents; ``consumed[0]`` counts how many have been read so far."""
    for i in range(n):
        consumed[0] += 1
        text = f"Officer {i} of Example Police was dismissed after a hearing in Leeds.\n"
        yield SourceDocument(doc_id=f"t{i}", text=text, title=text.strip(), source=f"t{i}.txt")


@pytest.mark.parametrize("workers", [1, 2])
def test_scale_build_reads_documents_as_it_goes(workers, nlp):
    """Documents are pulled from the input as they are built, not read ahead all at once."""
    consumed = [0]
    ahead = []

    def progress(done: int, total: int, doc_id: str) -> None:
        ahead.append(consumed[0] - done)

    n = 240
    with CaseStore.open(None) as store:
        report = build_documents(
            tiny_documents(n, consumed), store, nlp, workers=workers, progress=progress
        )
        assert len(store.document_iris()) == n
    assert report.documents == [f"t{i}" for i in range(n)]
    assert len(ahead) == n and min(ahead) >= 0
    # in flight at most: one spaCy batch in this process; 2 chunks per worker + one being cut
    bound = 2 * 16 if workers == 1 else (2 * workers + 1) * pipeline.CHUNK_DOCS
    assert max(ahead) <= bound < n


# -- Dask ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dask_cluster():
    import logging

    import distributed  # the extra casegraph[cluster], which the dev extra includes

    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",
        scheduler_kwargs={"dashboard": False},
        silence_logs=logging.ERROR,
    )
    yield cluster.scheduler_address
    cluster.close()


def test_scale_dask_cluster_stores_the_same_quads(corpus, plain, dask_cluster, tmp_path):
    report = build([corpus], tmp_path / "store", cluster=dask_cluster)
    assert report.documents == ["rotherham-a", "rotherham-b", "rotherham-c", "rotherham-d"]
    assert nquads(tmp_path / "store") == plain


def test_scale_cli_cluster_local(corpus, plain, tmp_path):
    store = tmp_path / "store"
    result = CliRunner().invoke(
        app, ["build", str(corpus), "--store", str(store), "--cluster", "local"]
    )
    assert result.exit_code == 0, result.output
    assert "Stored 4 document(s)" in result.stderr
    assert nquads(store) == plain


def test_scale_cli_cluster_unreachable(tmp_path, monkeypatch):
    from graph import cluster

    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", 2)
    store = tmp_path / "store"
    address = "tcp://127.0.0.1:9"  # the discard port: nothing listens there
    result = CliRunner().invoke(
        app, ["build", str(SEED), "--store", str(store), "--cluster", address]
    )
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and errors[0].startswith(
        f"error: Cannot connect to the Dask scheduler '{address}'"
    ), result.stderr


def test_scale_cli_workers_and_cluster_exclusive(tmp_path):
    args = ["build", str(SEED), "--store", str(tmp_path / "s"), "--workers", "2", "--cluster", "x"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert "--workers or --cluster" in result.output


def _without_distributed(monkeypatch: pytest.MonkeyPatch) -> None:
    """As if casegraph[cluster] were not installed: importing distributed fails."""
    monkeypatch.setitem(sys.modules, "distributed", None)


def _without_dask(monkeypatch: pytest.MonkeyPatch) -> None:
    """As if only dask were missing: distributed's own ``import dask`` fails."""
    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name.split(".")[0] in ("dask", "distributed"):
            raise ModuleNotFoundError("No module named 'dask'", name="dask")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)


@pytest.mark.parametrize("missing", [_without_distributed, _without_dask])
def test_scale_cli_cluster_without_dask(tmp_path, monkeypatch, missing):
    store = tmp_path / "store"
    missing(monkeypatch)
    result = CliRunner().invoke(
        app, ["build", str(SEED), "--store", str(store), "--cluster", "local"]
    )
    assert result.exit_code == 1
    assert result.stderr == "error: --cluster needs dask: pip install 'casegraph[cluster]'\n"
    assert not store.exists()  # refused before anything is built


def test_scale_build_cluster_without_dask(tmp_path, monkeypatch):
    from graph.cluster import ClusterError

    _without_distributed(monkeypatch)
    with pytest.raises(ClusterError, match=r"^--cluster needs dask: pip install"):
        build([SEED], tmp_path / "store", cluster="local")


def test_scale_bench_without_psutil():
    # psutil is an extra (casegraph[bench]): the benchmark says so on one line.
    script = Path(__file__).resolve().parent.parent / "bench" / "throughput.py"
    code = (
        "import runpy, sys; sys.modules['psutil'] = None; "
        f"sys.argv = [{str(script)!r}, '--help']; runpy.run_path(sys.argv[0], run_name='__main__')"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr == (
        "error: bench/throughput.py needs psutil: pip install 'casegraph[bench]'\n"
    )


# -- incremental builds ----------------------------------------------------------------------------

SHORT = {
    "leeds": "Leeds officer dismissed\n\nWest Yorkshire Police dismissed PC John Smith after the "
    "IOPC found he had lied to investigators.\n",
    "essex": "Essex inquiry\n\nThe IOPC investigated Essex Police over its handling of 12 "
    "complaints. Chief Constable Ben-Julian Harrington apologised.\n",
}


def test_scale_incremental_rebuild(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(SEED, folder / "rotherham.txt")
    for name, text in SHORT.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    store = tmp_path / "store"
    everything = ["essex", "leeds", "rotherham"]

    first = build([folder], store)
    assert sorted(first.documents) == everything and first.skipped == []
    before = nquads(store)

    # nothing changed: every document skipped, the store untouched
    again = build([folder], store)
    assert again.documents == [] and sorted(again.skipped) == everything
    assert again.triples == 0
    assert nquads(store) == before

    # one text changed: only that document built again, its graph replaced
    changed = SHORT["leeds"].replace("John Smith", "Jane Doe")
    (folder / "leeds.txt").write_text(changed, encoding="utf-8")
    third = build([folder], store)
    assert third.documents == ["leeds"] and sorted(third.skipped) == ["essex", "rotherham"]
    after = nquads(store)
    assert is_string(store, "leeds") == changed
    assert not any(b"John Smith" in line for line in graph_lines(after, "leeds"))
    assert any(b"Jane Doe" in line for line in graph_lines(after, "leeds"))
    for doc_id in ("essex", "rotherham"):
        assert graph_lines(after, doc_id) == graph_lines(before, doc_id)

    # --force: everything built again, and the same graphs come out
    forced = CliRunner().invoke(app, ["build", str(folder), "--store", str(store), "--force"])
    assert forced.exit_code == 0, forced.output
    assert "Stored 3 document(s)" in forced.stderr and "skipped" not in forced.stderr
    assert nquads(store) == after


def test_scale_document_without_hash_is_built_again(tmp_path):
    """A document whose load was interrupted has no hash (hashes are written last)."""
    store = tmp_path / "store"
    build([SEED], store)
    iri = NamedNode(str(document_iri("rotherham-iopc")))
    with CaseStore.open(store) as case_store:
        assert case_store.content_hash(iri.value) is not None
        case_store.oxigraph.remove_graph(iri)  # as if the bulk load had stopped half way
        data = document_graph_without_hash(SEED)
        case_store.replace_documents([(iri.value, data)])
        assert case_store.content_hash(iri.value) is None
    report = build([SEED], store)
    assert report.documents == ["rotherham-iopc"] and report.skipped == []


def document_graph_without_hash(path: Path) -> bytes:
    """A stand-in for a half-loaded graph: the document node alone, without a hash."""
    text = path.read_text(encoding="utf-8")
    return f"<{document_iri(path.stem)}> <{NIF_IS_STRING.value}> {Literal(text)} .\n".encode()


def test_scale_changed_options_build_again(tmp_path):
    store = tmp_path / "store"
    build([SEED], store)
    assert build([SEED], store).skipped == ["rotherham-iopc"]
    assert build([SEED], store, name_victims=True).documents == ["rotherham-iopc"]


def test_scale_fingerprint_same_for_model_name_and_loaded_pipeline(nlp):
    """build_documents(..., nlp) and build(...) hash alike, so they skip each other's work."""
    assert pipeline_fingerprint(nlp=nlp) == pipeline_fingerprint()
    assert pipeline_fingerprint() != pipeline_fingerprint(base="https://example.org/id/")


def test_scale_content_hash_covers_the_document():
    doc = SourceDocument(doc_id="a", text="Some text.", title="Some text.", source="a.txt")
    fingerprint = pipeline_fingerprint()
    digest = content_hash(doc, fingerprint)
    assert len(digest) == 64 and int(digest, 16) >= 0
    for changed in (
        SourceDocument(doc_id="b", text="Some text.", title="Some text.", source="a.txt"),
        SourceDocument(doc_id="a", text="Some text!", title="Some text.", source="a.txt"),
        SourceDocument(doc_id="a", text="Some text.", title="Other", source="a.txt"),
        SourceDocument(doc_id="a", text="Some text.", title="Some text.", source="b/a.txt"),
    ):
        assert content_hash(changed, fingerprint) != digest


# -- errors and streaming --------------------------------------------------------------------


@pytest.mark.parametrize("workers", ["1", "2"])
def test_scale_cli_bad_files_reported_good_ones_stored(tmp_path, workers):
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(SEED, folder / "rotherham.txt")
    (folder / "leeds.txt").write_text(SHORT["leeds"], encoding="utf-8")
    (folder / "broken.txt").write_bytes(b"\x00\x01\x02binary")
    missing = tmp_path / "missing.txt"
    store = tmp_path / "store"
    args = ["build", str(folder), str(missing), "--store", str(store), "--workers", workers]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert errors == [
        f"error: Document '{folder / 'broken.txt'}' is binary (it contains NUL bytes)",
        f"error: Document '{missing}' does not exist",
    ]
    assert "Stored 2 document(s)" in result.stderr
    with CaseStore.open(store, read_only=True) as case_store:
        assert [iri.rsplit("/", 1)[1] for iri in case_store.document_iris()] == [
            "leeds",
            "rotherham",
        ]


# -- the N-Triples writer --------------------------------------------------------------------------


def test_scale_ntriples_writer_escapes_literals():
    text = 'Title "quoted" \\ back\r\nline\ttab — café ☕ 𝄞\nPC Ann Lee spoke.'
    start = text.index("Ann Lee")
    mention = Mention(TextSpan(start, start + 7), "Person", "Ann Lee", "Ann Lee", role="PC")
    person = Entity("person/ann-lee", "Person", 'Ann "A" Lee', ("Lee\\",), mentions=(mention,))
    doc = SourceDocument(doc_id="x", text=text, title=text.splitlines()[0], source="x.txt")
    resolved = ResolvedDocument(
        document=doc,
        sentences=(TextSpan(0, len(text)),),
        entities=(person,),
        facts=(),
        entity_of={mention: person.key},
    )
    data = document_ntriples(resolved, content_hash="0" * 64)
    assert data.endswith(b" .\n") and data == b"".join(sorted(set(data.splitlines(True))))
    triples = list(parse(input=data, format=RdfFormat.N_TRIPLES))
    values = {
        (t.predicate.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1], t.object.value) for t in triples
    }
    assert ("isString", text) in values
    assert ("title", doc.title) in values
    assert ("label", 'Ann "A" Lee') in values and ("altLabel", "Lee\\") in values
    assert ("anchorOf", "Ann Lee") in values and ("role", "PC") in values
    assert ("contentHash", "0" * 64) in values
    # the rdflib view holds the same triples
    assert len(document_graph(resolved)) == len(triples) - 1  # no hash there
