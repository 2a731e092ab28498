"""What a document really is, read from its bytes and never from its name or the Content-Type its uploader
claimed: a PDF, a Word document (a zip holding word/document.xml) or plain text in UTF-8, UTF-16 (with its byte
order mark), Windows-1252 or Latin-1. Anything else is refused, by what it is."""

from __future__ import annotations

import io
import re
import zipfile
from enum import StrEnum

from agents.knowledge.failures import DocumentRejected, FailureKind
from agents.knowledge.limits import Limits

ACCEPTED = "upload a PDF, a Word document (.docx) or a plain-text file"
# The PDF header may follow some junk; readers (and pypdf) look for it in the first kilobyte.
PDF_HEADER_WINDOW = 1024
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office (.doc/.xls) file"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"{\\rtf", "an RTF document"),
)
HTML = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)[\s>]", re.IGNORECASE | re.DOTALL)
BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
# Control characters no text file holds (tab, line feed, form feed and carriage return are text).
BINARY = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


class DocumentKind(StrEnum):
    PDF = "pdf"
    DOCX = "docx"
    TEXT = "text"


def detect(data: bytes, limits: Limits) -> DocumentKind:
    if not data:
        raise DocumentRejected(FailureKind.EMPTY, "the file is empty")
    if len(data) > limits.max_bytes:
        raise DocumentRejected(
            FailureKind.TOO_LARGE,
            f"the file is {len(data) / 1024 / 1024:.1f} MB; at most {limits.max_bytes // 1024 // 1024} MB",
        )
    if b"%PDF-" in data[:PDF_HEADER_WINDOW]:
        return DocumentKind.PDF
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    for signature, what in SIGNATURES:
        if data.startswith(signature):
            raise _not_a_document(what)
    if HTML.match(data[:4096]):
        raise _not_a_document("an HTML page")
    decode_text(data)  # refuses binary content
    return DocumentKind.TEXT


def decode_text(data: bytes) -> str:
    """The text, decoded by its byte order mark, else as UTF-8, else as Windows-1252, else as Latin-1 (which
    decodes any byte: the control-character check is what tells text from binary)."""
    text = None
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as error:
                raise DocumentRejected(FailureKind.CORRUPT, f"the text is not valid {encoding.upper()}") from error
            break
    else:
        for encoding in ("utf-8", "cp1252", "latin-1"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    if text is None or BINARY.search(text):
        raise _not_a_document("a binary file of a kind that is not supported")
    return text


def _zip_kind(data: bytes) -> DocumentKind:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError) as error:
        raise DocumentRejected(FailureKind.CORRUPT, "the file is a damaged zip archive") from error
    if "word/document.xml" in names:
        return DocumentKind.DOCX
    if "xl/workbook.xml" in names:
        raise _not_a_document("an Excel workbook")
    if "ppt/presentation.xml" in names:
        raise _not_a_document("a PowerPoint presentation")
    if "content.xml" in names:
        raise _not_a_document("an OpenDocument file")
    raise _not_a_document("a zip archive")


def _not_a_document(what: str) -> DocumentRejected:
    return DocumentRejected(FailureKind.UNSUPPORTED_TYPE, f"the file is {what}, not a document; {ACCEPTED}")
