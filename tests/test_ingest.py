"""Tests of graph.ingest: reading files into SourceDocuments, and every way a file can be bad."""

from __future__ import annotations

import codecs
import hashlib
from pathlib import Path

import pytest

from graph.errors import IngestError
from graph.ingest import expand_paths, fetch_document, read_document, read_documents, slugify
from graph.model import SourceDocument

ARTICLE_HTML = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Force apologises over vetting failures | Example News</title>
  <meta property="og:title" content="Force apologises over vetting failures">
</head>
<body>
  <nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
  <article>
    <h1>Force apologises over vetting failures</h1>
    <p>South Yorkshire Police has apologised after a review found that 47 officers had not been
    properly vetted before they joined the force.</p>
    <p>The Independent Office for Police Conduct said PC Deborah Sands had a case to answer for
    gross misconduct over her handling of the complaints.</p>
  </article>
  <footer>Copyright 2024 Example News. All rights reserved.</footer>
</body>
</html>
"""


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_bytes(data.encode("utf-8"))
    else:
        path.write_bytes(data)
    return path


# -- good documents ----------------------------------------------------------------------------


def test_ingest_reads_text_document(tmp_path: Path) -> None:
    path = write(tmp_path / "Rotherham Report (2024).txt", "\n  The title  \n\nBody text.\n")
    document = read_document(path)
    assert document == SourceDocument(
        doc_id="rotherham-report-2024",
        text="\n  The title  \n\nBody text.\n",
        title="The title",
        source=str(path),
        key=hashlib.sha256(str(path.resolve()).encode()).hexdigest(),
    )


def test_ingest_source_is_the_path_as_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "a.txt", "Title\n")
    monkeypatch.chdir(tmp_path)
    assert read_document("./a.txt").source == "a.txt"  # str(Path(...)), no resolving
    assert read_document(Path("a.txt")).source == "a.txt"


def test_ingest_markdown_title_drops_heading_marks(tmp_path: Path) -> None:
    path = write(tmp_path / "story.md", "\n## Police failures exposed\n\nText.\n")
    document = read_document(path)
    assert document.title == "Police failures exposed"
    assert document.text == "\n## Police failures exposed\n\nText.\n"  # the text keeps its marks


def test_ingest_strips_utf8_bom_and_nothing_else(tmp_path: Path) -> None:
    text = "Café report\n\n  Indented line with trailing spaces   \n"
    path = write(tmp_path / "bom.txt", codecs.BOM_UTF8 + text.encode("utf-8"))
    document = read_document(path)
    assert document.text == text
    assert document.title == "Café report"


def test_ingest_normalises_crlf_only(tmp_path: Path) -> None:
    path = write(tmp_path / "crlf.txt", b"Title\r\n\r\nLine one.\r\nOld mac\rline.\n")
    document = read_document(path)
    assert document.text == "Title\n\nLine one.\nOld mac\rline.\n"
    assert document.title == "Title"


def test_ingest_html_main_text_and_title(tmp_path: Path) -> None:
    path = write(tmp_path / "force-apologises.html", ARTICLE_HTML)
    document = read_document(path)
    assert document.doc_id == "force-apologises"
    assert document.title == "Force apologises over vetting failures"
    title, blank, body = document.text.partition("\n\n")
    assert title == document.title and blank
    assert "47 officers" in body and "PC Deborah Sands" in body
    assert "Force apologises" not in body  # the <h1> is not repeated
    for boilerplate in ("Home", "Sport", "Copyright", "<p>"):
        assert boilerplate not in document.text


def test_ingest_htm_extension_is_html(tmp_path: Path) -> None:
    path = write(tmp_path / "page.HTM", ARTICLE_HTML)
    assert read_document(path).title == "Force apologises over vetting failures"


@pytest.mark.parametrize(
    ("stem", "slug"),
    [
        ("Simple", "simple"),
        ("IOPC -- Final_Report (v2)", "iopc-final-report-v2"),
        ("Café déjà vu", "cafe-deja-vu"),
        ("---", "doc-" + __import__("hashlib").sha1(b"---").hexdigest()[:8]),
    ],
)
def test_ingest_slugify(stem: str, slug: str) -> None:
    assert slugify(stem) == slug
    assert slugify(stem) == slugify(stem)


# -- bad documents -----------------------------------------------------------------------------

BAD_FILES = [
    # (file name, content, words the message must contain)
    ("empty.txt", b"", "is empty"),
    ("blank.md", b"  \n\t\r\n  ", "is empty"),
    ("bom-only.txt", codecs.BOM_UTF8 + b"\n", "is empty"),
    ("nul.txt", b"Title\n\x00\x01binary", "binary (it contains NUL bytes)"),
    ("controls.txt", bytes(range(1, 9)) * 50 + b"text", "binary (mostly non-text bytes)"),
    ("noise.txt", bytes(range(128, 256)) * 20, "binary (mostly non-text bytes)"),
    ("report.odt", b"PK\x03\x04 whatever", "extension '.odt'"),
    ("report.pdf", b"%PDF-1.4 whatever", "is a damaged PDF file"),
    ("README", b"Title\n", "no extension"),
    ("empty.html", b"<html><head><title>Nothing</title></head><body></body></html>", "no extract"),
]


@pytest.mark.parametrize(("name", "data", "reason"), BAD_FILES, ids=[f[0] for f in BAD_FILES])
def test_ingest_bad_file_raises(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    path = write(tmp_path / name, data)
    with pytest.raises(IngestError) as caught:
        read_document(path)
    message = str(caught.value)
    assert f"'{path}'" in message
    assert reason in message
    assert "\n" not in message


ENCODED = [
    # (file name, text, encoding written, what the reader may call it)
    (
        "word.txt",
        "Force apologises\n\nThe force said it was \u201cdeeply sorry\u201d \u2013 the "
        "caf\u00e9 owner\u2019s complaint was upheld in full after a review.\n",
        "cp1252",
        {"cp1252", "windows-1252"},
    ),
    (
        "latin1.txt",
        "Caf\u00e9 report\n\nThe r\u00e9sum\u00e9 of the na\u00efve officer was "
        "checked by the d\u00e9partement in Besan\u00e7on after the complaint.\n",
        "latin-1",
        {"latin_1", "iso8859_1", "cp1252", "iso8859_15"},
    ),
    ("utf16.txt", "Title\n\nPC Ann Lee was dismissed.\n", "utf-16", {"utf-16"}),
    (  # not Western: never misread as Windows-1252
        "cyrillic.txt",
        "\u041f\u043e\u043b\u0438\u0446\u0438\u044f \u0437\u0430\u044f\u0432\u0438"
        "\u043b\u0430, \u0447\u0442\u043e \u043e\u0444\u0438\u0446\u0435\u0440 "
        "\u0431\u044b\u043b \u0443\u0432\u043e\u043b\u0435\u043d.\n",
        "cp1251",
        {"cp1251"},
    ),
]


@pytest.mark.parametrize(("name", "text", "written", "named"), ENCODED, ids=[e[0] for e in ENCODED])
def test_ingest_reads_other_encodings_and_names_them(
    tmp_path: Path, name: str, text: str, written: str, named: set[str]
) -> None:
    """Issue 15: text saved by Word (Windows-1252), Latin-1 or UTF-16 is read, not refused, and
    the encoding it was read in is kept."""
    path = write(tmp_path / name, text.encode(written))
    document = read_document(path)
    assert document.text == text
    assert document.encoding in named
    assert read_document(write(tmp_path / "plain.txt", text)).encoding == "utf-8"


def test_ingest_build_names_the_encoding(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from graph.cli import app

    path = write(tmp_path / "word.txt", ENCODED[0][1].encode("cp1252"))
    result = CliRunner().invoke(app, ["build", str(path), "--store", str(tmp_path / "s")])
    assert result.exit_code == 0, result.output
    assert f"note: Document '{path}' is not UTF-8: read as cp1252" in result.output


def test_ingest_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "missing.txt"
    with pytest.raises(IngestError, match=r"'.*missing\.txt' does not exist"):
        read_document(path)
    assert [str(e) for e in read_documents([path])] == [f"Document '{path}' does not exist"]


def test_ingest_folder_without_documents(tmp_path: Path) -> None:
    folder = tmp_path / "pictures"
    write(folder / "photo.jpg", b"\xff\xd8\xff")
    write(folder / ".hidden.txt", "Hidden\n")
    (errors,) = read_documents([folder])
    assert isinstance(errors, IngestError)
    assert f"Folder '{folder}' contains no documents" in str(errors)


def test_ingest_folder_passed_to_read_document(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="is a folder"):
        read_document(tmp_path)


def test_ingest_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "secret.txt", "Title\n")

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)  # chmod 0 does not stop root
    with pytest.raises(IngestError, match=r"'.*secret\.txt' cannot be read: Permission denied"):
        read_document(path)


# -- batches -----------------------------------------------------------------------------------


def test_ingest_folder_with_good_and_bad_files(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    write(folder / "b.txt", "Second\n")
    write(folder / "a.md", "# First\n")
    write(folder / "sub" / "c.html", ARTICLE_HTML)
    write(folder / "sub" / "empty.txt", "")
    write(folder / "binary.txt", b"\x00\x00")
    write(folder / "notes.odt", b"PK")  # not a document kind: skipped in a folder
    write(folder / ".git" / "d.txt", "Hidden folder\n")
    write(folder / ".e.txt", "Hidden file\n")

    items = list(read_documents([folder]))

    documents = [item for item in items if isinstance(item, SourceDocument)]
    errors = [str(item) for item in items if isinstance(item, IngestError)]
    assert [d.doc_id for d in documents] == ["a", "b", "c"]
    assert len(errors) == 2
    assert any("binary.txt" in e and "binary" in e for e in errors)
    assert any("empty.txt" in e and "is empty" in e for e in errors)
    assert all(isinstance(item, SourceDocument | IngestError) for item in items)


def test_ingest_expand_paths_sorted_recursive_and_deduplicated(tmp_path: Path) -> None:
    write(tmp_path / "z.txt", "Z\n")
    write(tmp_path / "m" / "y.TXT", "Y\n")
    write(tmp_path / "a" / "x.htm", ARTICLE_HTML)
    paths = list(expand_paths([tmp_path, tmp_path / "z.txt"]))
    assert paths == [tmp_path / "a" / "x.htm", tmp_path / "m" / "y.TXT", tmp_path / "z.txt"]


@pytest.mark.issue(14)
def test_ingest_same_name_in_two_folders_gives_two_keys(tmp_path: Path) -> None:
    first = write(tmp_path / "one" / "Report.txt", "One\n")
    second = write(tmp_path / "two" / "report.md", "Two\n")
    items = list(read_documents([first, second]))
    assert [d.doc_id for d in items] == ["report", "report"]
    assert items[0].key != items[1].key
    assert len(items[0].key) == 64 and items[0].key == read_document(first).key


def test_ingest_batch_continues_past_missing_path(tmp_path: Path) -> None:
    good = write(tmp_path / "good.txt", "Good\n")
    items = list(read_documents([tmp_path / "nope.txt", good]))
    assert isinstance(items[0], IngestError)
    assert isinstance(items[1], SourceDocument) and items[1].doc_id == "good"


# -- Word documents (issue 15) -----------------------------------------------------------------


def make_docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_heading("Officer dismissed after watchdog inquiry", level=1)
    document.add_paragraph("PC Ann Lee of Eastmoor Police was dismissed without notice.")
    table = document.add_table(rows=2, cols=2)
    for row, cells in zip(table.rows, [("Outcome", "Officers"), ("Dismissal", "1")], strict=True):
        for cell, value in zip(row.cells, cells, strict=True):
            cell.text = value
    document.add_paragraph("")
    document.add_paragraph("The force said it accepted the findings.")
    document.save(path)
    return path


@pytest.mark.issue(15)
def test_ingest_reads_a_word_document_in_order(tmp_path: Path) -> None:
    document = read_document(make_docx(tmp_path / "Lee dismissal.docx"))
    assert document.text == (
        "Officer dismissed after watchdog inquiry\n\n"
        "PC Ann Lee of Eastmoor Police was dismissed without notice.\n\n"
        "Outcome | Officers\nDismissal | 1\n\n"
        "The force said it accepted the findings.\n"
    )
    assert document.title == "Officer dismissed after watchdog inquiry"
    assert document.doc_id == "lee-dismissal"


@pytest.mark.issue(15)
@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"PK\x03\x04 not really a zip", "is not a Word .docx file"),
        (b"%PDF-1.4 renamed", "is not a Word .docx file"),
    ],
)
def test_ingest_bad_word_document(tmp_path: Path, data: bytes, reason: str) -> None:
    path = write(tmp_path / "bad.docx", data)
    with pytest.raises(IngestError) as caught:
        read_document(path)
    assert f"'{path}'" in str(caught.value) and reason in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.issue(15)
def test_ingest_word_body_over_the_limit_is_refused_before_parsing(tmp_path: Path) -> None:
    """A small, well-compressed file whose body is huge (a zip bomb's shape) is refused from the
    archive's directory, before its XML is parsed."""
    import docx

    document = docx.Document()
    for _ in range(8000):
        document.add_paragraph("The same sentence, again and again and again.")
    path = tmp_path / "big.docx"
    document.save(path)
    assert path.stat().st_size < 4 * 12_000  # passes the file-size check
    with pytest.raises(IngestError, match=r"body of [\d,]+ bytes of XML, over the limit"):
        read_document(path, max_chars=12_000)


@pytest.mark.issue(15)
def test_ingest_word_document_builds(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from graph.cli import app

    folder = tmp_path / "in"
    folder.mkdir()
    make_docx(folder / "lee.docx")
    write(folder / "other.txt", "Second\n\nThe council apologised.\n")
    store = tmp_path / "s"
    result = CliRunner().invoke(app, ["build", str(folder), "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert "Stored 2 document(s)" in result.output


# -- PDF (issue 15) ----------------------------------------------------------------------------

PDF_PAGES = (
    (
        "Eastmoor Police officer dismissed",
        "An independent panel found that PC Ann Lee of Eastmoor Police had lied to investigators "
        "about the arrest of a teenager in the town centre, and she was dismissed without notice.",
    ),
    (
        "Response",
        'The chief constable of Eastmoor Police said: "Officers who lie have no place in this '
        'force." The watchdog said its investigation had taken eleven months.',
    ),
)


def make_pdf(path: Path, pages=PDF_PAGES, *, password: str | None = None) -> Path:
    """A text PDF, one page per (heading, paragraph), written by fpdf2 with a core font: the
    paragraph is wrapped by the layout, as in a real report."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=12)
    for heading, paragraph in pages:
        pdf.add_page()
        pdf.multi_cell(0, 8, heading)
        pdf.ln(4)
        pdf.multi_cell(0, 8, paragraph)
    if password is not None:
        pdf.set_encryption(owner_password="owner", user_password=password)
    pdf.output(str(path))
    return path


@pytest.mark.issue(15)
def test_ingest_reads_a_pdf_page_by_page(tmp_path: Path) -> None:
    document = read_document(make_pdf(tmp_path / "Lee report.pdf"))
    assert document.doc_id == "lee-report"
    assert document.title == "Eastmoor Police officer dismissed"
    assert len(document.pages) == 2 and document.pages[0] == 0
    first, second = document.text[: document.pages[1]], document.text[document.pages[1] :]
    # the layout's line wraps are undone: each paragraph is one line again
    assert PDF_PAGES[0][1] in first and PDF_PAGES[1][1] in second
    assert second.startswith("Response\n")
    at = document.text.index("The watchdog said")
    assert document.page_at(at) == 2 and document.page_at(0) == 1


@pytest.mark.issue(15)
def test_ingest_pdf_builds_with_page_provenance(tmp_path: Path) -> None:
    """Every sentence of a PDF has its page; a fact cites a sentence on the right page, and the
    offsets still point into the stored text."""
    from typer.testing import CliRunner

    from graph.cli import app
    from graph.store import CaseStore

    make_pdf(tmp_path / "lee.pdf")
    store = tmp_path / "s"
    result = CliRunner().invoke(app, ["build", str(tmp_path / "lee.pdf"), "--store", str(store)])
    assert result.exit_code == 0, result.output
    query = """
    SELECT ?text ?page ?begin ?end ?doc WHERE {
      ?s a cg:Sentence ; cg:page ?page ; nif:anchorOf ?text ; nif:beginIndex ?begin ;
         nif:endIndex ?end ; nif:referenceContext/nif:isString ?doc .
    } ORDER BY ?begin"""
    with CaseStore.open(store) as case_store:
        rows = [
            (str(r["text"].value), int(r["page"].value), int(r["begin"].value), int(r["end"].value))
            for r in case_store.query(query)
        ]
        text = str(next(iter(case_store.query(query)))["doc"].value)
        pages = {
            str(r["text"].value): int(r["page"].value)
            for r in case_store.query(
                "SELECT ?text ?page WHERE { ?f a cg:Outcome ; prov:wasDerivedFrom ?s . "
                "?s cg:page ?page ; nif:anchorOf ?text }"
            )
        }
    assert rows and {page for _, page, _, _ in rows} == {1, 2}
    for sentence, page, begin, end in rows:
        assert text[begin:end] == sentence
        assert page == (1 if begin < text.index("Response") else 2)
    # the dismissal is stated on page 1
    assert any("dismissed without notice" in s and p == 1 for s, p in pages.items()), pages


@pytest.mark.issue(15)
def test_ingest_encrypted_pdf_is_one_line(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "locked.pdf", password="secret")
    with pytest.raises(IngestError) as caught:
        read_document(path)
    message = str(caught.value)
    assert message.startswith(f"Document '{path}' is an encrypted PDF") and "\n" not in message


@pytest.mark.issue(15)
def test_ingest_scanned_pdf_needs_ocr(tmp_path: Path) -> None:
    """A PDF of page images (a scan) has no text layer: refused, saying that it needs OCR."""
    from fpdf import FPDF
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (800, 300), "white")
    ImageDraw.Draw(image).text((20, 20), "PC Ann Lee was dismissed", fill="black")
    pdf = FPDF()
    pdf.add_page()
    pdf.image(image, x=10, y=10, w=180)
    path = tmp_path / "scan.pdf"
    pdf.output(str(path))
    with pytest.raises(IngestError) as caught:
        read_document(path)
    assert str(caught.value) == (
        f"Document '{path}' is a PDF with no text layer (a scanned PDF needs OCR first)"
    )


@pytest.mark.issue(15)
@pytest.mark.parametrize(
    ("cut", "reason"),
    [(0.5, "is a damaged PDF file"), (None, "is not a PDF file (no %PDF- header)")],
)
def test_ingest_corrupt_pdf_is_one_line(tmp_path: Path, cut: float | None, reason: str) -> None:
    data = make_pdf(tmp_path / "whole.pdf").read_bytes()
    data = data[: int(len(data) * cut)] if cut is not None else b"PK\x03\x04" + data[8:]
    path = write(tmp_path / "bad.pdf", data)
    with pytest.raises(IngestError) as caught:
        read_document(path)
    assert str(caught.value).startswith(f"Document '{path}' {reason}")
    assert "\n" not in str(caught.value)


@pytest.mark.issue(15)
def test_ingest_a_bad_pdf_does_not_stop_the_batch(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    make_pdf(folder / "a-good.pdf")
    make_pdf(folder / "b-locked.pdf", password="secret")
    items = list(read_documents([folder]))
    assert [type(item).__name__ for item in items] == ["SourceDocument", "IngestError"]


# -- web addresses (issue 15) ------------------------------------------------------------------

ARTICLE_PAGE = """<!doctype html>
<html><head><title>Eastmoor officer sacked for lying</title>
<meta name="author" content="Jane Reporter">
<meta property="article:published_time" content="2024-05-21T10:00:00+00:00">
</head><body>
<nav><a href="/">Home</a> | <a href="/news">News</a></nav>
<article><h1>Eastmoor officer sacked for lying</h1>
<p>A police officer has been dismissed after a misconduct hearing found she lied to
investigators about the arrest of a teenager in Eastmoor town centre.</p>
<p>PC Ann Lee of Eastmoor Police was dismissed without notice on Friday, the force said.
The Independent Office for Police Conduct had investigated her conduct for eleven months.</p>
<p>"Officers who lie have no place in this force," the chief constable said.</p>
</article><footer>Copyright Eastmoor Gazette</footer></body></html>
"""


@pytest.fixture
def web(tmp_path: Path):
    """A web server on loopback: ``web(path, content_type, body)`` publishes a page and returns
    its address; unknown paths answer 404."""
    import http.server
    import threading

    pages: dict[str, tuple[str, bytes]] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path not in pages:
                self.send_error(404, "Not Found")
                return
            content_type, body = pages[self.path]
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"

    def publish(path: str, content_type: str, body: bytes) -> str:
        pages[path] = (content_type, body)
        return base + path

    yield publish
    server.shutdown()
    server.server_close()


@pytest.mark.issue(15)
def test_ingest_url_builds_with_its_metadata(tmp_path: Path, web) -> None:
    """`casegraph build http://...` fetches the page (not a file called 'http:/...') and keeps
    its address, title, byline and publication date on the document."""
    from typer.testing import CliRunner

    from graph.cli import app
    from graph.store import CaseStore

    url = web(
        "/news/2024/eastmoor-officer-sacked.html",
        "text/html; charset=utf-8",
        ARTICLE_PAGE.encode(),
    )
    store = tmp_path / "s"
    result = CliRunner().invoke(app, ["build", url, "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert "Stored 1 document(s)" in result.output
    query = """
    SELECT ?doc ?source ?title ?creator ?issued ?text WHERE {
      ?doc a cg:Document ; dcterms:source ?source ; dcterms:title ?title ;
           dcterms:creator ?creator ; dcterms:issued ?issued ; nif:isString ?text .
    }"""
    with CaseStore.open(store) as case_store:
        (row,) = list(case_store.query(query))
        dismissed = list(
            case_store.query(
                "SELECT ?s WHERE { ?o cg:outcomeType cgo:dismissal ; prov:wasDerivedFrom ?s }"
            )
        )
    assert row["doc"].value.endswith("/doc/eastmoor-officer-sacked")
    assert row["source"].value == url
    assert row["title"].value == "Eastmoor officer sacked for lying"
    assert row["creator"].value == "Jane Reporter"
    assert (row["issued"].value, row["issued"].datatype.value) == (
        "2024-05-21",
        "http://www.w3.org/2001/XMLSchema#date",
    )
    assert "PC Ann Lee of Eastmoor Police was dismissed" in row["text"].value
    assert "Copyright" not in row["text"].value  # the page's furniture is left out
    assert dismissed  # and the story's facts are extracted


@pytest.mark.issue(15)
def test_ingest_url_of_a_pdf_keeps_its_pages(tmp_path: Path, web) -> None:
    url = web("/reports/lee", "application/pdf", make_pdf(tmp_path / "lee.pdf").read_bytes())
    document = fetch_document(url)
    assert (document.doc_id, document.source, len(document.pages)) == ("lee", url, 2)
    assert document.page_at(document.text.index("The watchdog said")) == 2


@pytest.mark.issue(15)
def test_ingest_url_errors_are_one_line(tmp_path: Path, web) -> None:
    import socket

    missing = web("/exists", "text/plain", b"x").replace("/exists", "/gone")
    image = web("/photo", "image/png", b"\x89PNG\r\n\x1a\n")
    with socket.socket() as probe:  # a port nobody listens on: what an offline machine meets
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}/news"
    cases = [
        (missing, f"Document '{missing}' cannot be fetched: HTTP 404 Not Found"),
        (image, f"Document '{image}' is of type 'image/png'; expected an HTML page, a PDF"),
        (closed, f"Document '{closed}' cannot be fetched ("),
    ]
    for url, start in cases:
        with pytest.raises(IngestError) as caught:
            fetch_document(url, timeout=5)
        assert str(caught.value).startswith(start), str(caught.value)
        assert "\n" not in str(caught.value)
        if url == closed:
            assert str(caught.value).endswith("check the address and that this machine is online")


@pytest.mark.issue(15)
def test_ingest_bad_url_does_not_stop_the_batch(tmp_path: Path, web) -> None:
    good = web(
        "/a.txt",
        "text/plain; charset=windows-1252",
        "Caf\u00e9 report\n\nThe council apologised.\n".encode("cp1252"),
    )
    bad = good.replace("/a.txt", "/b.txt")
    write(tmp_path / "c.txt", "Third\n\nThe force apologised.\n")
    items = list(read_documents([good, bad, tmp_path / "c.txt", good]))
    assert [type(i).__name__ for i in items] == ["SourceDocument", "IngestError", "SourceDocument"]
    assert items[0].text.startswith("Café report") and items[0].encoding == "cp1252"
