"""Tests of graph.store: opening, locking, replacing document graphs, union queries and dumps."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import rdflib

from graph.errors import StoreError
from graph.store import CaseStore

CG = "https://w3id.org/casegraph/ontology#"
ID = "https://w3id.org/casegraph/id/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


def document_ntriples(doc_id: str, *labels: str) -> tuple[str, bytes]:
    """A small document graph: the document node and one person per label."""
    iri = f"{ID}doc/{doc_id}"
    lines = [
        f"<{iri}> <{RDF_TYPE}> <{CG}Document> .",
        f'<{iri}> <http://purl.org/dc/terms/title> "Title of {doc_id}" .',
    ]
    for label in labels:
        person = f"{ID}person/{label.lower().replace(' ', '-')}"
        lines.append(f"<{person}> <{RDF_TYPE}> <{CG}Person> .")
        lines.append(f'<{person}> <{LABEL}> "{label}" .')
    return iri, ("\n".join(lines) + "\n").encode("utf-8")


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "casegraph.store"


def test_store_open_creates_marked_store(store_path: Path) -> None:
    with CaseStore.open(store_path) as store:
        assert store.count_quads() == 0
        assert not store.read_only
    assert (store_path / "casegraph-store.json").is_file()
    with CaseStore.open(store_path, create=False, read_only=True) as store:
        assert store.read_only
        assert store.document_iris() == []


def test_store_open_in_memory() -> None:
    with CaseStore.open(None) as store:
        store.replace_documents([document_ntriples("a", "Deborah Sands")])
        assert store.count_quads() == 4


def test_store_open_missing_without_create(store_path: Path) -> None:
    for options in ({"create": False}, {"read_only": True}):
        with pytest.raises(StoreError) as caught:
            CaseStore.open(store_path, **options)
        assert str(caught.value) == (
            f"Store '{store_path}' does not exist; run `casegraph build` first"
        )
    assert not store_path.exists()


def test_store_open_empty_folder_creates(store_path: Path) -> None:
    store_path.mkdir()
    CaseStore.open(store_path).close()
    assert (store_path / "casegraph-store.json").is_file()


def test_store_not_a_store_file(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    with pytest.raises(StoreError, match=r"Store '.*notes\.txt' is not a casegraph store"):
        CaseStore.open(path)
    assert path.read_text() == "hello"


def test_store_not_a_store_foreign_folder(tmp_path: Path) -> None:
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "important.doc").write_text("do not touch")
    with pytest.raises(StoreError, match=r"Store '.*project' is not a casegraph store"):
        CaseStore.open(folder)
    assert sorted(p.name for p in folder.iterdir()) == ["important.doc"]


@pytest.mark.parametrize(
    ("marker", "reason"),
    [("not json", "is not valid"), ('{"format": "casegraph-store", "version": 99}', "version 99")],
)
def test_store_bad_marker(store_path: Path, marker: str, reason: str) -> None:
    store_path.mkdir()
    (store_path / "casegraph-store.json").write_text(marker)
    with pytest.raises(StoreError, match=reason):
        CaseStore.open(store_path)


def test_store_replace_document_twice_keeps_quad_count(store_path: Path) -> None:
    with CaseStore.open(store_path) as store:
        assert store.replace_documents([document_ntriples("a", "Deborah Sands")]) == 4
        first = store.count_quads()
        store.replace_documents([document_ntriples("a", "Deborah Sands")])
        assert store.count_quads() == first == 4
        store.replace_documents([document_ntriples("a", "Jane Doe", "John Roe")])  # smaller/larger
        assert store.count_quads() == 6
        labels = {s["l"].value for s in store.query("SELECT ?l WHERE { ?p rdfs:label ?l }")}
        assert labels == {"Jane Doe", "John Roe"}


def test_store_two_documents_and_union_query(store_path: Path) -> None:
    with CaseStore.open(store_path) as store:
        store.replace_documents(
            [document_ntriples("b", "Deborah Sands"), document_ntriples("a", "Deborah Sands")]
        )
        assert store.document_iris() == [f"{ID}doc/a", f"{ID}doc/b"]
        assert store.count_quads() == 8  # the person is stated in both graphs
    with CaseStore.open(store_path, read_only=True) as store:
        people = list(store.query("SELECT DISTINCT ?p WHERE { ?p a cg:Person }"))
        assert [s["p"].value for s in people] == [f"{ID}person/deborah-sands"]
        graphs = list(store.query("SELECT ?g WHERE { GRAPH ?g { ?p a cg:Person } } ORDER BY ?g"))
        assert [s["g"].value for s in graphs] == [f"{ID}doc/a", f"{ID}doc/b"]


@pytest.mark.xfail(
    strict=True,
    reason="oxigraph#1919: pyoxigraph 0.5 counts a triple once per graph in the union default "
    "graph (fixed by oxigraph#1920 for 0.6); queries need DISTINCT until then",
)
def test_store_union_is_a_set(store_path: Path) -> None:
    with CaseStore.open(store_path) as store:
        store.replace_documents(
            [document_ntriples("a", "Deborah Sands"), document_ntriples("b", "Deborah Sands")]
        )
        rows = list(store.query("SELECT ?p WHERE { ?p a cg:Person }"))
        assert len(rows) == 1


def test_store_bad_ntriples_writes_nothing(store_path: Path) -> None:
    with CaseStore.open(store_path) as store:
        store.replace_documents([document_ntriples("a", "Old Name")])
        before = store.count_quads()
        with pytest.raises(ValueError, match=r"doc/b> is not valid N-Triples"):
            store.replace_documents(
                [document_ntriples("a", "New Name"), (f"{ID}doc/b", b"<broken .\n")]
            )
        assert store.count_quads() == before
        labels = {s["l"].value for s in store.query("SELECT ?l WHERE { ?p rdfs:label ?l }")}
        assert labels == {"Old Name"}


def test_store_ensure_graph(store_path: Path) -> None:
    ontology = "https://w3id.org/casegraph/ontology"
    data = f'<{CG}Person> <{LABEL}> "Person" .\n'.encode()
    with CaseStore.open(store_path) as store:
        assert store.ensure_graph(ontology, data) == 1
        assert store.ensure_graph(ontology, data) == 1
        assert store.count_quads() == 1
        assert store.document_iris() == []  # not typed cg:Document


def test_store_reopen_keeps_data(store_path: Path) -> None:
    with CaseStore.open(store_path) as store:
        store.replace_documents([document_ntriples("a", "Deborah Sands")])
    with CaseStore.open(store_path) as store:
        assert store.count_quads() == 4


def test_store_closed_store_raises(store_path: Path) -> None:
    store = CaseStore.open(store_path)
    store.close()
    store.close()
    with pytest.raises(StoreError, match="is closed"):
        store.count_quads()


# -- locking -----------------------------------------------------------------------------------

HOLD_LOCK = textwrap.dedent(
    """
    import sys
    from graph.store import CaseStore
    store = CaseStore.open(sys.argv[1], read_only=sys.argv[2] == "read")
    print("locked", flush=True)
    sys.stdin.read()  # hold the lock until the test closes our stdin
    store.close()
    """
)


@pytest.fixture
def holder(store_path: Path):
    """Start a process that opens the store (as writer or reader) and holds it until closed."""
    CaseStore.open(store_path).close()
    processes = []

    def start(mode: str) -> subprocess.Popen[str]:
        process = subprocess.Popen(
            [sys.executable, "-c", HOLD_LOCK, str(store_path), mode],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        processes.append(process)
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "locked"
        return process

    yield start
    for process in processes:
        process.communicate(timeout=30)


def test_store_second_writer_refused(store_path: Path, holder) -> None:
    process = holder("write")
    with pytest.raises(StoreError) as caught:
        CaseStore.open(store_path)
    assert str(caught.value) == (
        f"Store '{store_path}' is being written by another process (pid {process.pid})"
    )


def test_store_reader_refused_while_writing(store_path: Path, holder) -> None:
    process = holder("write")
    with pytest.raises(
        StoreError, match=rf"being written by another process \(pid {process.pid}\)"
    ):
        CaseStore.open(store_path, read_only=True)


def test_store_writer_refused_while_reading(store_path: Path, holder) -> None:
    holder("read")
    with pytest.raises(StoreError, match="is open for reading by another process"):
        CaseStore.open(store_path)
    with CaseStore.open(store_path, read_only=True) as store:  # readers share the lock
        assert store.count_quads() == 0


def test_store_lock_released_when_writer_exits(store_path: Path, holder) -> None:
    process = holder("write")
    process.communicate(timeout=30)
    with CaseStore.open(store_path) as store:
        assert store.count_quads() == 0


def test_store_writers_in_one_process_conflict(store_path: Path) -> None:
    with CaseStore.open(store_path), pytest.raises(StoreError, match="being written"):
        CaseStore.open(store_path)


# -- dumps -------------------------------------------------------------------------------------


@pytest.fixture
def filled(store_path: Path) -> CaseStore:
    with CaseStore.open(store_path) as store:
        store.replace_documents(
            [document_ntriples("a", "Deborah Sands"), document_ntriples("b", "Deborah Sands")]
        )
    store = CaseStore.open(store_path, read_only=True)
    yield store
    store.close()


@pytest.mark.parametrize(
    ("fmt", "rdflib_format", "expected"),
    [
        ("turtle", "turtle", 6),  # the union: the shared person's 2 triples counted once
        ("ntriples", "nt", 6),
        ("trig", "trig", 8),
        ("nquads", "nquads", 8),
    ],
)
def test_store_dump_round_trips(filled: CaseStore, fmt: str, rdflib_format: str, expected: int):
    data = filled.dump(fmt)
    if fmt in ("trig", "nquads"):
        dataset = rdflib.Dataset()
        dataset.parse(data=data, format=rdflib_format)
        assert (
            len(list(dataset.quads((None, None, None, None)))) == expected == filled.count_quads()
        )
        assert {str(g.identifier) for g in dataset.graphs()} >= {f"{ID}doc/a", f"{ID}doc/b"}
    else:
        assert len(rdflib.Graph().parse(data=data, format=rdflib_format)) == expected
    if fmt in ("turtle", "trig"):
        assert b"@prefix cg: <https://w3id.org/casegraph/ontology#>" in data


def test_store_dump_unknown_format(filled: CaseStore) -> None:
    with pytest.raises(ValueError, match="Unknown format 'xml'"):
        filled.dump("xml")


def test_store_to_rdflib(filled: CaseStore) -> None:
    dataset = filled.to_rdflib()
    assert len(list(dataset.quads((None, None, None, None)))) == 8
    person = rdflib.URIRef(f"{ID}person/deborah-sands")
    assert {str(o) for o in dataset.objects(person, rdflib.RDFS.label)} == {"Deborah Sands"}
