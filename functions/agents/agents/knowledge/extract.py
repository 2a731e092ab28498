"""A document's text, page by page, within `Limits`. pypdf reads PDFs and python-docx Word documents; each is
imported only on the path that needs it, so a plain-text upload (and the function's cold start) pays for neither.

Every way a hostile or damaged file can break a parser ends here as a `DocumentRejected` with a reason the owner
can act on: never an exception the event source would retry."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from agents.knowledge.detect import DocumentKind, decode_text, detect
from agents.knowledge.failures import DocumentRejected, FailureKind
from agents.knowledge.limits import Budget, Limits

if TYPE_CHECKING:
    from docx.document import Document as WordDocument
    from docx.table import Table
    from docx.text.paragraph import Paragraph
    from pypdf import PdfReader

NO_TEXT = "no text; scanned documents are not supported"
# XML that declares a document type can declare entities: external ones (XXE) read files or URLs, nested internal
# ones (billion laughs) expand without bound. Word never writes one, so any is refused before lxml parses it.
DOCTYPE = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
XML_START = (b"<", b"\xef\xbb\xbf<")
BLANK_LINES = re.compile(r"\n{3,}")


@dataclass(frozen=True)
class Page:
    number: int
    text: str


@dataclass(frozen=True)
class Extraction:
    kind: DocumentKind
    pages: tuple[Page, ...]

    @property
    def text(self) -> str:
        return "\n\n".join(page.text for page in self.pages)


def extract(data: bytes, limits: Limits | None = None, budget: Budget | None = None) -> Extraction:
    limits = limits or Limits()
    budget = budget or Budget(limits)
    kind = detect(data, limits)
    readers = {DocumentKind.PDF: _pdf_pages, DocumentKind.DOCX: _docx_pages, DocumentKind.TEXT: _text_pages}
    pages = []
    try:
        for page in readers[kind](data, limits):
            budget.spend(page.text)
            if page.text.strip():
                pages.append(page)
    except DocumentRejected:
        raise
    # The parsers' boundary: on hostile bytes pypdf, python-docx and lxml raise nearly anything (KeyError,
    # ValueError, their own errors...). Whatever they raise, the file is damaged, and says so.
    except Exception as error:
        raise DocumentRejected(FailureKind.CORRUPT, f"the {_name(kind)} is damaged and cannot be read") from error
    if not pages:
        raise DocumentRejected(FailureKind.NO_TEXT, NO_TEXT)
    return Extraction(kind, tuple(pages))


def _pdf_pages(data: bytes, limits: Limits) -> Iterator[Page]:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, LimitReachedError, PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not _opens_without_password(reader):
            raise DocumentRejected(
                FailureKind.ENCRYPTED, "the PDF is password-protected; upload it without the password"
            )
        count = len(reader.pages)
    except FileNotDecryptedError as error:
        raise DocumentRejected(FailureKind.ENCRYPTED, "the PDF is password-protected") from error
    except PdfReadError as error:
        raise DocumentRejected(FailureKind.CORRUPT, "the PDF is truncated or damaged and cannot be read") from error
    if count > limits.max_pages:
        raise DocumentRejected(FailureKind.TOO_LARGE, f"the PDF has {count} pages; at most {limits.max_pages}")
    # Only the text is read: pypdf never runs a document's JavaScript or actions, and nothing here asks for them.
    for index in range(count):
        try:
            text = reader.pages[index].extract_text()
        except LimitReachedError as error:
            raise DocumentRejected(
                FailureKind.TOO_LARGE, f"page {index + 1} of the PDF expands beyond what can be read"
            ) from error
        yield Page(index + 1, _tidy(text))


def _opens_without_password(reader: PdfReader) -> bool:
    """Many PDFs are encrypted with an empty user password (only printing or copying restricted): those read."""
    from pypdf import PasswordType

    try:
        return reader.decrypt("") != PasswordType.NOT_DECRYPTED
    # AES needs the cryptography package, which the function does not ship: such a file stays unread.
    except Exception:
        return False


def _docx_pages(data: bytes, limits: Limits) -> Iterator[Page]:
    _check_package(data, limits)
    from docx import Document

    document = Document(io.BytesIO(data))
    yield from _word_pages(document)


def _check_package(data: bytes, limits: Limits) -> None:
    """Before python-docx sees the zip: its entries' declared sizes, then their real sizes (a zip may lie about
    them) read in chunks against the same caps, and every XML part for a DOCTYPE."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entries = archive.infolist()
        _check_declared_sizes(entries, limits)
        actual = 0
        for entry in entries:
            with archive.open(entry) as member:
                actual = _read_part(entry.filename, member, actual, limits)


def _check_declared_sizes(entries: list[zipfile.ZipInfo], limits: Limits) -> None:
    if len(entries) > limits.max_zip_entries:
        raise _bomb(f"it holds {len(entries)} files")
    declared = sum(entry.file_size for entry in entries)
    if declared > limits.max_unzipped_bytes:
        raise _bomb(f"it expands to {declared / 1024 / 1024:.0f} MB")
    for entry in entries:
        if entry.file_size > limits.max_compression_ratio * max(entry.compress_size, 1024):
            raise _bomb(f"{entry.filename} is compressed {entry.file_size // max(entry.compress_size, 1)} to 1")


def _read_part(name: str, member: IO[bytes], read_so_far: int, limits: Limits) -> int:
    """Reads one entry through, counting what it really expands to; returns the running total."""
    is_xml = name.endswith((".xml", ".rels"))
    previous = b""
    while chunk := member.read(64 * 1024):
        read_so_far += len(chunk)
        if read_so_far > limits.max_unzipped_bytes:
            raise _bomb(f"it expands beyond {limits.max_unzipped_bytes // 1024 // 1024} MB")
        if is_xml:
            if not previous and not chunk.lstrip().startswith(XML_START):
                raise DocumentRejected(FailureKind.UNSAFE, f"{name} is not UTF-8 XML as Word writes it")
            # Overlapping windows, so a declaration split across two chunks is still seen.
            if DOCTYPE.search(previous[-16:] + chunk):
                raise DocumentRejected(
                    FailureKind.UNSAFE,
                    f"the Word document declares a DTD in {name}; Word never writes one, so the file was made "
                    "to attack its reader and is not read",
                )
        previous = chunk
    return read_so_far


def _bomb(what: str) -> DocumentRejected:
    return DocumentRejected(FailureKind.UNSAFE, f"the Word document is a zip bomb: {what}; it is not read")


def _word_pages(document: WordDocument) -> Iterator[Page]:
    """A Word document has no pages until it is laid out: its explicit page breaks number them here."""
    from docx.text.paragraph import Paragraph

    number, lines = 1, list[str]()
    for block in document.iter_inner_content():
        if not isinstance(block, Paragraph):
            lines.extend(_table_lines(block))
            continue
        lines.append(block.text)
        if _breaks_page(block):
            yield Page(number, _tidy("\n".join(lines)))
            number, lines = number + 1, []
    yield Page(number, _tidy("\n".join(lines)))


def _breaks_page(paragraph: Paragraph) -> bool:
    """A page break typed in (w:br type="page") or one Word rendered when it last saved the file."""
    return bool(paragraph._p.xpath("./w:r/w:br[@w:type='page'] | ./w:r/w:lastRenderedPageBreak"))


def _table_lines(table: Table) -> Iterator[str]:
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = " ".join(cell.text.split())
            # A merged cell appears once per grid column it spans; one copy is enough.
            if text and (not cells or cells[-1] != text):
                cells.append(text)
        if cells:
            yield " | ".join(cells)


def _text_pages(data: bytes, limits: Limits) -> Iterator[Page]:
    """Plain text has pages only where it has form feeds."""
    pages = decode_text(data).split("\f")
    if len(pages) > limits.max_pages:
        raise DocumentRejected(FailureKind.TOO_LARGE, f"the text has {len(pages)} pages; at most {limits.max_pages}")
    for number, text in enumerate(pages, start=1):
        yield Page(number, _tidy(text))


def _tidy(text: str) -> str:
    lines = (line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _name(kind: DocumentKind) -> str:
    return {DocumentKind.PDF: "PDF", DocumentKind.DOCX: "Word document", DocumentKind.TEXT: "text"}[kind]
