"""Read input files into :class:`~graph.model.SourceDocument` values.

Plain text (``.txt``), Markdown (``.md``), HTML (``.html``, ``.htm``), Word (``.docx``: its
paragraphs and table rows, through python-docx) and PDF (``.pdf``) are accepted.

Text files in UTF-8 or in any text encoding charset-normalizer detects (Windows-1252 wins ties:
that is how Word saves English text; the encoding is kept in ``SourceDocument.encoding`` and named
by ``build``) are kept as they are, with two exceptions: a UTF-8 byte order mark is dropped and
Windows line endings ``\\r\\n`` become ``\\n`` (a lone ``\\r`` is left alone). Nothing else is
changed, so every character offset computed later refers to the text exactly as the file holds
it, modulo those two rules.

HTML pages go through trafilatura, offline (a page is never fetched): the document text is the page
title, a blank line and the extracted main text, and offsets refer to that text.

A PDF's text layer is read page by page through PDFium (``pypdfium2``; six times faster than
pypdf on the same text, with the same words); the layout's line wraps are undone (a sentence is
one line again), pages are joined by a blank line, and ``SourceDocument.pages`` keeps where each
page starts. Offsets refer to that text.

A batch never stops at a bad file: :func:`read_documents` yields an
:class:`~graph.errors.IngestError` in place of each file it cannot read and goes on with the next.

Examples
--------
>>> slugify("Eastbury IPSO report (2023)")
'eastbury-ipso-report-2023'
"""

from __future__ import annotations

import codecs
import hashlib
import itertools
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from graph.errors import IngestError, network_reason
from graph.model import SourceDocument

__all__ = [
    "EXTENSIONS",
    "MAX_CHARS",
    "expand_paths",
    "fetch_document",
    "is_url",
    "read_document",
    "read_documents",
    "slugify",
]

#: Documents longer than this many characters are refused (``casegraph build --max-chars``): about
#: 300,000 words, two minutes of parsing and well under 2 GiB of memory.
MAX_CHARS = 2_000_000

#: File extensions read as documents (compared in lower case).
EXTENSIONS = (".txt", ".md", ".html", ".htm", ".docx", ".pdf")
_HTML = {".html", ".htm"}
_EXPECTED = ", ".join(EXTENSIONS)

#: How much of a file the binary check looks at, and the share of control bytes it tolerates.
_SNIFF_BYTES = 8192
_MAX_CONTROL_SHARE = 0.30
#: An undecodable file with more than this share of non-ASCII bytes is binary, not mis-encoded.
_MAX_HIGH_SHARE = 0.30
#: C0 control bytes that never occur in text (tab, newlines, form feed, backspace, escape excepted).
_CONTROL = bytes(b for b in range(32) if b not in b"\t\n\r\f\v\b\x1b") + b"\x7f"


def slugify(name: str) -> str:
    """Return a deterministic IRI-safe slug of ``name``: lower case ``[a-z0-9-]``.

    python-slugify transliterates to ASCII (``é`` -> ``e``, ``ß`` -> ``ss``, ``Ø`` -> ``o``,
    other scripts by their Unidecode reading) and makes every run of other characters one
    hyphen. A name with no usable character gets ``doc-`` and a short hash of the name, so it is
    never empty.

    Parameters
    ----------
    name
        Typically a file stem.

    Returns
    -------
    str

    Examples
    --------
    >>> slugify("Café_Report--Final"), slugify("Straße Ærø")
    ('cafe-report-final', 'strasse-aero')
    >>> slugify("---")
    'doc-58b63e27'
    """
    from slugify import slugify as transliterate

    slug = transliterate(name, lowercase=True, separator="-", regex_pattern=r"[^a-z0-9]+")
    if slug:
        return slug
    return "doc-" + hashlib.sha1(name.encode("utf-8", "surrogatepass")).hexdigest()[:8]


def expand_paths(
    paths: Iterable[str | os.PathLike[str]], ignored: list[str] | None = None
) -> Iterator[Path | IngestError]:
    """Yield the document files named by ``paths``, or an error for each path that names none.

    A folder is searched recursively, in sorted order, for files with one of :data:`EXTENSIONS`;
    hidden files and folders (name starting with ``.``) and files of other kinds are skipped there.
    A file named explicitly is yielded whatever its extension (:func:`read_document` rejects it).
    Paths keep the form they were given in; a file reached twice is yielded once.

    Parameters
    ----------
    paths
        Files, folders and web addresses (``http://``, ``https://``: yielded as given, as str).
    ignored
        When given, a one-line note is appended for each file of a folder that is not read, with
        the reason ("Skipped 'a/report.pdf': not a document (.txt, .md, ...)", "hidden file",
        "hidden folder").

    Yields
    ------
    Path, str or IngestError
        ``IngestError`` for a missing path, a folder without documents or a sub-folder that
        cannot be listed.
    """
    seen: set[Path | str] = set()
    for given in paths:
        if is_url(given):
            if given not in seen:
                seen.add(given)
                yield given  # type: ignore[misc]  # an address, read by fetch_document
            continue
        path = Path(given)
        if path.is_dir():
            found, unreadable = _documents_in(path, ignored)
            yield from unreadable
            if not found:
                yield IngestError(f"Folder '{path}' contains no documents ({_EXPECTED})")
            candidates = found
        elif path.exists():
            candidates = [path]
        else:
            yield IngestError(f"Document '{path}' does not exist")
            continue
        for candidate in candidates:
            key = candidate.resolve()
            if key not in seen:
                seen.add(key)
                yield candidate


def _documents_in(
    folder: Path, ignored: list[str] | None = None
) -> tuple[list[Path], list[IngestError]]:
    """Return the document files under ``folder``, sorted by path, hidden entries skipped, and an
    error for each sub-folder that cannot be listed. Each file or folder not read is noted in
    ``ignored`` with its reason (a hidden folder once, not its contents)."""
    found: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    errors: list[IngestError] = []

    def unreadable(error: OSError) -> None:
        errors.append(IngestError(f"Folder '{error.filename}' cannot be read: {error.strerror}"))

    for root, dirs, files in os.walk(folder, onerror=unreadable):
        skipped += [(Path(root, d), "hidden folder") for d in dirs if d.startswith(".")]
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            path = Path(root, name)
            if name.startswith("."):
                skipped.append((path, "hidden file"))
            elif path.suffix.lower() in EXTENSIONS:
                found.append(path)
            else:
                skipped.append((path, f"not a document ({_EXPECTED})"))

    def order(path: Path) -> tuple[str, ...]:
        return path.relative_to(folder).parts

    if ignored is not None:
        skipped.sort(key=lambda item: order(item[0]))
        ignored += [f"Skipped '{path}': {why}" for path, why in skipped]
    return sorted(found, key=order), errors


def read_documents(
    paths: Iterable[str | os.PathLike[str]],
    *,
    max_chars: int = MAX_CHARS,
    ignored: list[str] | None = None,
) -> Iterator[SourceDocument | IngestError]:
    """Read every document named by ``paths``, yielding an error in place of each bad one.

    Parameters
    ----------
    paths
        Files and folders, as for :func:`expand_paths`.
    max_chars
        Refuse documents longer than this (see :func:`read_document`).
    ignored
        Notes on the files of folders that are not documents (see :func:`expand_paths`).

    Yields
    ------
    SourceDocument or IngestError
        In the order of :func:`expand_paths`. Two files whose names give the same ``doc_id`` are
        both yielded; the build tells them apart by their ``key`` (see
        :func:`graph.pipeline.build_documents`).

    Examples
    --------
    >>> docs = list(read_documents(["no-such-file.txt"]))
    >>> str(docs[0])
    "Document 'no-such-file.txt' does not exist"
    """
    for item in expand_paths(paths, ignored):
        if isinstance(item, IngestError):
            yield item
            continue
        try:
            if is_url(item):
                yield fetch_document(str(item), max_chars=max_chars)
            else:
                yield read_document(item, max_chars=max_chars)
        except IngestError as error:
            yield error


def read_document(path: str | os.PathLike[str], *, max_chars: int = MAX_CHARS) -> SourceDocument:
    """Read one document file.

    Parameters
    ----------
    path
        A ``.txt``, ``.md``, ``.html``, ``.htm``, ``.docx`` or ``.pdf`` file; text in UTF-8 (a
        byte order mark is allowed), UTF-16 with a byte order mark, or another text encoding that is
        detected (and named in ``SourceDocument.encoding``).
    max_chars
        The size budget: a longer document is refused (its text is never parsed).

    Returns
    -------
    SourceDocument
        ``doc_id`` is :func:`slugify` of the file stem, ``source`` the path as given. The title is
        the first non-empty line (without leading ``#`` for Markdown), or the page title for HTML.

    Raises
    ------
    IngestError
        When the file is missing, a folder, of an unknown kind, unreadable, empty, binary, in no
        text encoding, or an HTML page without extractable text. The message names the file and
        the reason.
    """
    path = Path(path)
    name = str(path)
    suffix = path.suffix.lower()
    if not path.exists():
        raise IngestError(f"Document '{name}' does not exist")
    if path.is_dir():
        raise IngestError(f"Document '{name}' is a folder; pass it as a path to read every file")
    if suffix not in EXTENSIONS:
        kind = f"extension '{path.suffix}'" if path.suffix else "no extension"
        raise IngestError(f"Document '{name}' has {kind}; expected one of {_EXPECTED}")
    try:
        size = path.stat().st_size
        # UTF-8 has at most 4 bytes a character (a .docx is compressed); a PDF holds fonts and
        # images beside its text, and its text is measured page by page as it is read
        if size > (64 if suffix == ".pdf" else 4) * max_chars:
            raise IngestError(
                f"Document '{name}' has {size:,} bytes, over the limit of "
                f"{max_chars:,} characters (raise it with --max-chars)"
            )
        data = path.read_bytes()
    except OSError as error:
        raise IngestError(f"Document '{name}' cannot be read: {error.strerror}") from error
    key = hashlib.sha256(str(path.resolve()).encode("utf-8", "surrogateescape")).hexdigest()
    return _document(data, suffix, name, slugify(path.stem), key, max_chars)


def _document(
    data: bytes,
    suffix: str,
    name: str,
    doc_id: str,
    key: str,
    max_chars: int,
    *,
    charset: str | None = None,
) -> SourceDocument:
    """A document from the bytes of a file or a fetched page of kind ``suffix`` (``.txt``,
    ``.html``, ``.pdf`` ...); ``charset`` is the encoding a web server declared, tried first."""
    pages: tuple[int, ...] = ()
    if suffix == ".docx":
        text, encoding = _from_docx(data, name, max_chars), "utf-8"
    elif suffix == ".pdf":
        (text, pages), encoding = _from_pdf(data, name, max_chars), "utf-8"
    else:
        text, encoding = _decode(data, name, charset)
    text = text.replace("\r\n", "\n")
    if not text.strip():
        raise IngestError(f"Document '{name}' is empty")
    if len(text) > max_chars:
        raise IngestError(
            f"Document '{name}' has {len(text):,} characters, over the limit of {max_chars:,} "
            "(raise it with --max-chars)"
        )
    author = published = None
    if suffix in _HTML:
        title, text, author, published = _from_html(text, name)
    else:
        title = _first_line(text, markdown=suffix == ".md")
    return SourceDocument(
        doc_id=doc_id,
        text=text,
        title=title,
        source=name,
        key=key,
        encoding=encoding,
        pages=pages,
        author=author,
        published=published,
    )


def is_url(given: str | os.PathLike[str]) -> bool:
    """True for an ``http://`` or ``https://`` address (read by :func:`fetch_document`).

    >>> is_url("https://example.org/news/officer-dismissed"), is_url("news/a.txt")
    (True, False)
    """
    return isinstance(given, str) and given.lower().startswith(("http://", "https://"))


#: How long a fetch may wait for the server, in seconds.
FETCH_TIMEOUT = 30.0
_FETCHED_KINDS = {
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "application/pdf": ".pdf",
    "text/plain": ".txt",
    "text/markdown": ".md",
}


def fetch_document(
    url: str, *, max_chars: int = MAX_CHARS, timeout: float = FETCH_TIMEOUT
) -> SourceDocument:
    """Fetch a web page, a PDF or a text file by its address and read it as a document.

    The kind comes from the server's ``Content-Type`` (HTML, PDF, plain text, Markdown). An HTML
    page is read as an HTML file is (trafilatura's main text), and its byline and publication
    date, when the page gives them, become ``author`` and ``published``. ``source`` is the address
    as given; ``doc_id`` is the slug of its last path segment (its host when there is none);
    ``key`` is the SHA-256 of the address.

    Raises
    ------
    IngestError
        One line naming the address: it cannot be fetched (offline, no such host, refused,
        timed out, an HTTP error status), it is of another kind, over the size limit, or its
        content cannot be read.
    """
    from urllib.parse import urlsplit

    import httpx

    parts = urlsplit(url)
    if not parts.hostname:
        raise IngestError(f"Document '{url}' is not a web address (no host)")
    limit = 64 * max_chars
    try:
        with (
            httpx.Client(
                follow_redirects=True,
                timeout=timeout,
                headers={"User-Agent": "casegraph (+https://w3id.org/casegraph)"},
            ) as client,
            client.stream("GET", url) as response,
        ):
            if response.status_code >= 400:
                raise IngestError(
                    f"Document '{url}' cannot be fetched: HTTP {response.status_code} "
                    f"{response.reason_phrase}"
                )
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > limit:
                    raise IngestError(
                        f"Document '{url}' has over {limit:,} bytes, over the limit of "
                        f"{max_chars:,} characters (raise it with --max-chars)"
                    )
                chunks.append(chunk)
            mime = response.headers.get("content-type", "").partition(";")[0].strip().lower()
            charset = response.charset_encoding  # the charset the server declares, or None
    except httpx.HTTPError as error:
        raise IngestError(
            f"Document '{url}' cannot be fetched ({network_reason(error)}): check the address "
            "and that this machine is online"
        ) from None
    suffix = _FETCHED_KINDS.get(mime) or _url_suffix(parts.path)
    if suffix is None:
        raise IngestError(
            f"Document '{url}' is of type '{mime or 'unknown'}'; expected an HTML page, a PDF "
            "or plain text"
        )
    segments = [s for s in parts.path.split("/") if s]
    stem = Path(segments[-1]).stem if segments else parts.hostname
    key = hashlib.sha256(url.encode("utf-8")).hexdigest()
    return _document(b"".join(chunks), suffix, url, slugify(stem), key, max_chars, charset=charset)


def _url_suffix(path: str) -> str | None:
    """The document kind of an address by its extension (``/a/report.pdf`` -> ``.pdf``)."""
    suffix = Path(path).suffix.lower()
    return suffix if suffix in EXTENSIONS and suffix != ".docx" else None


#: The XML of a .docx body may be this many times the character limit (markup is verbose); a
#: larger one is refused before it is parsed (a zip bomb never reaches the XML parser).
_DOCX_XML_PER_CHAR = 40


def _from_docx(data: bytes, name: str, max_chars: int) -> str:
    """The text of a Word document: its paragraphs and table rows in document order, paragraphs
    separated by a blank line, a table row's cells by `` | ``."""
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            body = archive.getinfo("word/document.xml").file_size
    except (zipfile.BadZipFile, KeyError):
        raise IngestError(
            f"Document '{name}' is not a Word .docx file (no document body)"
        ) from None
    if body > _DOCX_XML_PER_CHAR * max_chars:
        raise IngestError(
            f"Document '{name}' has a body of {body:,} bytes of XML, over the limit for "
            f"{max_chars:,} characters (raise it with --max-chars)"
        )
    import docx
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises several kinds for a damaged file
        raise IngestError(f"Document '{name}' is a damaged .docx file ({error})") from None
    blocks = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            rows = [" | ".join(c.text.strip() for c in row.cells) for row in block.rows]
            blocks.append("\n".join(r for r in rows if r.strip(" |")))
        else:
            blocks.append(block.text.strip())
    return "\n\n".join(b for b in blocks if b) + "\n"


#: Pages of a PDF are joined by this; ``SourceDocument.pages`` says where each page starts.
PAGE_BREAK = "\n\n"


def _from_pdf(data: bytes, name: str, max_chars: int) -> tuple[str, tuple[int, ...]]:
    """The text layer of a PDF, page by page (through PDFium, ``pypdfium2``), and the offset
    where each page starts. Pages are joined by :data:`PAGE_BREAK`; within a page, lines are kept
    as PDFium gives them (``\r\n`` made ``\n``)."""
    import pypdfium2 as pdfium

    if not data.startswith(b"%PDF-"):
        raise IngestError(f"Document '{name}' is not a PDF file (no %PDF- header)")
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        reason = str(error)
        if "password" in reason.lower():
            raise IngestError(
                f"Document '{name}' is an encrypted PDF: decrypt it first (e.g. qpdf --decrypt)"
            ) from None
        raise IngestError(f"Document '{name}' is a damaged PDF file ({reason})") from None
    texts: list[str] = []
    pages: list[int] = []
    offset = 0
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            try:
                textpage = page.get_textpage()
                text = textpage.get_text_bounded().replace("\r\n", "\n").replace("\r", "\n")
                textpage.close()
            finally:
                page.close()
            text = _unwrap("\n".join(line.rstrip() for line in text.strip("\n").split("\n")))
            pages.append(offset)
            texts.append(text)
            offset += len(text) + len(PAGE_BREAK)
            if offset > max_chars:
                break  # read_document refuses it with the size message
    except pdfium.PdfiumError as error:
        raise IngestError(f"Document '{name}' is a damaged PDF file ({error})") from None
    finally:
        pdf.close()
    if not any(t.strip() for t in texts):
        raise IngestError(
            f"Document '{name}' is a PDF with no text layer (a scanned PDF needs OCR first)"
        )
    return PAGE_BREAK.join(texts) + "\n", tuple(pages)


#: A PDF line at least this share of the page's full line length was wrapped by the layout, not
#: ended by the writer (a paragraph's last line, a heading, a list item are shorter).
_FULL_LINE = 0.7


def _unwrap(page: str) -> str:
    """Join the lines a PDF's layout wrapped: a line break after a full-width line becomes a
    space (so a sentence is one line again), other breaks stay. The length is unchanged, so the
    page's offsets are kept.

    >>> _unwrap("The panel found that the officer had\\nlied to investigators and misled\\n"
    ...         "her sergeant.\\nNext")
    'The panel found that the officer had lied to investigators and misled her sergeant.\\nNext'
    """
    lines = page.split("\n")
    widths = sorted(len(line) for line in lines if line.strip())
    if len(widths) < 3:
        return page
    full = widths[int(0.9 * (len(widths) - 1))]  # the page's full line length, less outliers
    out = []
    for line, after in itertools.pairwise(lines):
        soft = len(line) >= _FULL_LINE * full and after[:1].strip() and not line.endswith("-")
        out.append(line + (" " if soft else "\n"))
    return "".join(out) + lines[-1]


def _decode(data: bytes, name: str, charset: str | None = None) -> tuple[str, str]:
    """Decode ``data`` and name its encoding, or say why the file is not text.

    UTF-8 first (a byte order mark dropped), UTF-16 with a byte order mark, then the encoding
    charset-normalizer detects (Windows-1252 as Word saves it, Latin-1 ...); only bytes that are
    no text in any encoding are refused.
    """
    if not data.strip():
        raise IngestError(f"Document '{name}' is empty")
    if charset is not None:  # declared by a web server: trusted when it decodes the bytes
        try:
            return data.decode(charset).lstrip("\ufeff"), codecs.lookup(charset).name
        except (LookupError, UnicodeDecodeError):
            pass
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16").lstrip("\ufeff"), "utf-16"
        except UnicodeDecodeError:
            raise IngestError(
                f"Document '{name}' is not valid UTF-16 despite its byte order mark"
            ) from None
    if b"\x00" in data:
        raise IngestError(f"Document '{name}' is binary (it contains NUL bytes)")
    sample = data[:_SNIFF_BYTES]
    controls = sum(sample.count(byte) for byte in _CONTROL)
    if controls > _MAX_CONTROL_SHARE * len(sample):
        raise IngestError(f"Document '{name}' is binary (mostly non-text bytes)")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as error:
        bad = f"byte 0x{data[error.start]:02x} at offset {error.start}"
    from charset_normalizer import from_bytes
    from charset_normalizer.md import mess_ratio

    best = from_bytes(data).best()
    try:  # Windows-1252, as Word saves English text, wins every tie: short texts are ambiguous
        western = data.decode("cp1252")
    except UnicodeDecodeError:
        western = None
    if western is not None and (best is None or mess_ratio(western) <= best.chaos):
        return western, "cp1252"
    if best is None:
        high = sum(1 for byte in sample if byte >= 0x80)
        if high > _MAX_HIGH_SHARE * len(sample):
            raise IngestError(f"Document '{name}' is binary (mostly non-text bytes)")
        raise IngestError(
            f"Document '{name}' is not valid UTF-8 ({bad}) and no other text encoding fits"
        )
    return str(best), best.encoding


def _first_line(text: str, *, markdown: bool = False) -> str:
    """Return the first non-empty line of ``text``, heading marks removed for Markdown."""
    for line in text.splitlines():
        title = line.strip()
        if markdown:
            title = title.lstrip("#").strip()
        if title:
            return title
    return ""


def _from_html(html: str, name: str) -> tuple[str, str, str | None, str | None]:
    """Return ``(title, text, author, published)`` of an HTML page: the text is the title line, a
    blank line and the main text; the byline and the publication date (ISO 8601) are None when
    the page does not give them."""
    import trafilatura  # about 0.15 s to import: only paid when a build reads HTML

    body = trafilatura.extract(
        html,
        output_format="txt",
        include_comments=False,
        include_images=False,
        deduplicate=False,
        with_metadata=False,
    )
    if not body or not body.strip():
        raise IngestError(f"Document '{name}' is an HTML page with no extractable text")
    body = body.replace("\r\n", "\n").strip("\n")
    metadata = trafilatura.extract_metadata(html)
    title = " ".join((metadata.title or "").split()) if metadata is not None else ""
    author = " ".join((metadata.author or "").split()) or None if metadata is not None else None
    published = metadata.date if metadata is not None else None
    if published is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", published):
        published = None  # an xsd:date or nothing
    first, _, rest = body.partition("\n")
    if not title:
        return first.strip(), body, author, published
    if first.strip() == title:  # trafilatura keeps the <h1>: do not repeat the title
        body = rest.lstrip("\n")
    return title, f"{title}\n\n{body}" if body.strip() else title, author, published
