"""Documents the knowledge-base tests and the bench make for themselves with the libraries that write each kind
(fpdf2, pypdf, python-docx, zipfile): no opaque file is committed, and each hostile case shows how it is built."""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Sequence

DOCX_BODY = "word/document.xml"


def pdf(pages: Sequence[str]) -> bytes:
    """A PDF with one page per string, in Helvetica with Windows-1252 text (so "€" and Spanish letters read back)."""
    from fpdf import FPDF

    document = FPDF()
    document.core_fonts_encoding = "windows-1252"
    document.set_font("helvetica", size=11)
    for text in pages:
        document.add_page()
        document.multi_cell(0, 6, text)
    return bytes(document.output())


def scanned_pdf(pages: int = 2) -> bytes:
    """Pages with only drawings on them, as a scanner's images would be: there is no text to extract."""
    from fpdf import FPDF

    document = FPDF()
    for _ in range(pages):
        document.add_page()
        document.rect(20, 20, 150, 200, style="F")
    return bytes(document.output())


def encrypted_pdf(text: str, user_password: str = "secret") -> bytes:  # noqa: S107  (a test document's)
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf([text]))))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def javascript_pdf(text: str, script: str) -> bytes:
    """A PDF whose catalog runs `script` when a viewer opens it."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.actions import JavaScript

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf([text]))))
    writer.add_open_action(JavaScript(script))
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def docx(paragraphs: Sequence[str], table: Sequence[Sequence[str]] = (), page_break_after: int | None = None) -> bytes:
    """A Word document: the paragraphs, a page break after the given one, then a table of the given rows."""
    from docx import Document

    document = Document()
    for index, text in enumerate(paragraphs):
        document.add_paragraph(text)
        if index == page_break_after:
            document.add_page_break()  # type: ignore[no-untyped-call]
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, values in zip(grid.rows, table, strict=True):
            for cell, value in zip(row.cells, values, strict=True):
                cell.text = value
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def replaced_part(package: bytes, name: str, content: bytes) -> bytes:
    """The same zip with one entry's content replaced."""
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            target.writestr(entry.filename, content if entry.filename == name else source.read(entry))
    return output.getvalue()


def docx_with_doctype(declaration: bytes) -> bytes:
    """A Word document whose body declares a DTD (external entities, billion laughs) and uses its entity."""
    package = docx(["Horario: L-V 9:00-14:00"])
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        body = archive.read(DOCX_BODY)
    prolog_end = body.index(b"?>") + 2
    body = body[:prolog_end] + declaration + body[prolog_end:].replace(b"Horario", b"&e;", 1)
    return replaced_part(package, DOCX_BODY, body)


XXE = b'<!DOCTYPE w:document [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
BILLION_LAUGHS = (
    b'<!DOCTYPE w:document [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    + b"".join(
        b'<!ENTITY %s "%s">' % (bytes([ord("c") + i]), b"".join([b"&%s;" % bytes([ord("b") + i])] * 10))
        for i in range(7)
    )
    + b'<!ENTITY e "&i;">]>'
)


def docx_bomb(expanded_mb: int) -> bytes:
    """A Word document with an extra entry of zeros that deflates ~1000 to 1: small to upload, huge to open."""
    package = docx(["Horario: L-V 9:00-14:00"])
    output = io.BytesIO(package)
    with (
        zipfile.ZipFile(output, "a", zipfile.ZIP_DEFLATED) as archive,
        archive.open("word/media/x.bin", "w") as bomb,
    ):
        chunk = bytes(1024 * 1024)
        for _ in range(expanded_mb):
            bomb.write(chunk)
    return output.getvalue()


def with_understated_sizes(package: bytes) -> bytes:
    """The zip with every entry's declared uncompressed size rewritten to 1 byte (central directory and local
    headers): a bomb that passes a check of declared sizes alone."""
    data = bytearray(package)
    for signature, offset in ((b"PK\x01\x02", 24), (b"PK\x03\x04", 22)):
        start = data.find(signature)
        while start != -1:
            struct.pack_into("<I", data, start + offset, 1)
            start = data.find(signature, start + 4)
    return bytes(data)


def plain_zip() -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("notes.txt", "not a document")
    return output.getvalue()


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(17)
HTML = b"<!DOCTYPE html>\n<html><head><title>Peluqueria</title></head><body>Precios</body></html>"
