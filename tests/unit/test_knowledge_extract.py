"""The knowledge-base extractor on every kind of document and every hostile one, each built by the test."""

from __future__ import annotations

import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agents.knowledge.detect import DocumentKind, detect
from agents.knowledge.extract import NO_TEXT, extract
from agents.knowledge.failures import DocumentRejected, FailureKind
from agents.knowledge.limits import Budget, Limits
from tests import knowledge_documents as documents


def rejection(data: bytes, limits: Limits | None = None) -> DocumentRejected:
    with pytest.raises(DocumentRejected) as refused:
        extract(data, limits)
    return refused.value


def test_a_pdf_is_read_page_by_page_with_its_euro_signs_and_accents() -> None:
    extraction = extract(documents.pdf(["Corte de pelo: 25,00 €", "Política de cancelación"]))

    assert extraction.kind is DocumentKind.PDF
    assert [(page.number, page.text) for page in extraction.pages] == [
        (1, "Corte de pelo: 25,00 €"),
        (2, "Política de cancelación"),
    ]


def test_a_word_document_is_read_with_its_tables_and_numbered_by_its_page_breaks() -> None:
    data = documents.docx(["Servicios", "Precios"], table=[["Corte", "25 €"], ["Tinte", "40 €"]], page_break_after=0)

    extraction = extract(data)

    assert extraction.kind is DocumentKind.DOCX
    assert [(page.number, page.text) for page in extraction.pages] == [
        (1, "Servicios"),
        (2, "Precios\nCorte | 25 €\nTinte | 40 €"),
    ]


@pytest.mark.parametrize(
    ("data", "text"),
    [
        ("Corte 25,00 € \u2013 señal".encode(), "Corte 25,00 € \u2013 señal"),
        ("Corte 25,00 € \u2013 señal".encode("utf-8-sig"), "Corte 25,00 € \u2013 señal"),
        ("Corte 25,00 € \u2013 señal".encode("utf-16"), "Corte 25,00 € \u2013 señal"),
        ("Corte 25,00 € \u2013 señal".encode("utf-16-be").join([b"\xfe\xff", b""]), "Corte 25,00 € \u2013 señal"),
        ("Corte 25,00 € \u2013 señal".encode("cp1252"), "Corte 25,00 € \u2013 señal"),
        ("Año: señal \x81".encode("latin-1"), "Año: señal \x81"),
    ],
    ids=["utf-8", "utf-8 with BOM", "utf-16 LE BOM", "utf-16 BE BOM", "cp1252", "latin-1"],
)
def test_plain_text_is_decoded_by_its_byte_order_mark_or_else_utf8_cp1252_latin1(data: bytes, text: str) -> None:
    extraction = extract(data)

    assert extraction.kind is DocumentKind.TEXT
    assert extraction.text == text


def test_plain_text_has_pages_where_it_has_form_feeds() -> None:
    extraction = extract(b"one\ftwo\f\fthree")

    assert [(page.number, page.text) for page in extraction.pages] == [(1, "one"), (2, "two"), (4, "three")]


def test_the_type_comes_from_the_bytes_so_a_pdf_without_its_name_is_still_a_pdf() -> None:
    assert detect(b"\n\n%PDF-1.7\n" + documents.pdf(["x"])[9:], Limits()) is DocumentKind.PDF


@pytest.mark.parametrize(
    ("data", "kind", "reason"),
    [
        (b"", FailureKind.EMPTY, "the file is empty"),
        (documents.PNG, FailureKind.UNSUPPORTED_TYPE, "the file is a PNG image, not a document"),
        (documents.HTML, FailureKind.UNSUPPORTED_TYPE, "the file is an HTML page, not a document"),
        (documents.plain_zip(), FailureKind.UNSUPPORTED_TYPE, "the file is a zip archive, not a document"),
        (b"\x00\x01\x02binary\x00", FailureKind.UNSUPPORTED_TYPE, "a binary file of a kind that is not supported"),
        (documents.scanned_pdf(), FailureKind.NO_TEXT, NO_TEXT),
        (documents.encrypted_pdf("Precios"), FailureKind.ENCRYPTED, "the PDF is password-protected"),
        (documents.pdf(["x" * 3000])[:900], FailureKind.CORRUPT, "the PDF is truncated or damaged"),
        (b"%PDF-1.4\n" + bytes(range(256)) * 4, FailureKind.CORRUPT, "the PDF is truncated or damaged"),
        (documents.docx_with_doctype(documents.XXE), FailureKind.UNSAFE, "declares a DTD in word/document.xml"),
        (documents.docx_with_doctype(documents.BILLION_LAUGHS), FailureKind.UNSAFE, "declares a DTD"),
        (documents.docx_bomb(expanded_mb=120), FailureKind.UNSAFE, "zip bomb: it expands to 121 MB"),
        (documents.docx_bomb(expanded_mb=10), FailureKind.UNSAFE, "zip bomb: word/media/x.bin is compressed"),
    ],
    ids=[
        "empty",
        "png",
        "html",
        "zip",
        "binary",
        "scanned",
        "encrypted",
        "truncated",
        "corrupt",
        "xxe",
        "billion laughs",
        "bomb by size",
        "bomb by ratio",
    ],
)
def test_a_hostile_or_unreadable_file_is_refused_with_a_reason_a_person_can_read(
    data: bytes, kind: FailureKind, reason: str
) -> None:
    refused = rejection(data)

    assert refused.kind is kind
    assert reason in refused.message


def test_a_word_document_whose_zip_understates_its_sizes_is_refused_as_damaged() -> None:
    refused = rejection(documents.with_understated_sizes(documents.docx(["x" * 5000])))

    assert refused.kind is FailureKind.CORRUPT
    assert refused.message == "the Word document is damaged and cannot be read"


def test_a_declared_entity_never_reaches_the_xml_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    data = documents.docx_with_doctype(documents.BILLION_LAUGHS)

    def parsed(*args: object, **kwargs: object) -> None:
        raise AssertionError("python-docx parsed a document that declares entities")

    monkeypatch.setattr("docx.Document", parsed)

    assert rejection(data).kind is FailureKind.UNSAFE


def test_javascript_inside_a_pdf_is_ignored_and_its_text_read() -> None:
    extraction = extract(documents.javascript_pdf("Horario: L-V 9:00-14:00", "app.alert('pwned'); this.print();"))

    assert extraction.text == "Horario: L-V 9:00-14:00"
    assert "pwned" not in extraction.text


def test_a_pdf_encrypted_only_against_changes_opens_without_a_password() -> None:
    assert extract(documents.encrypted_pdf("Precios", user_password="")).text == "Precios"


def test_a_file_over_the_byte_cap_is_refused_before_it_is_read() -> None:
    refused = rejection(documents.pdf(["x"]), Limits(max_bytes=100))

    assert refused.kind is FailureKind.TOO_LARGE
    assert refused.message == "the file is 0.0 MB; at most 0 MB"


def test_a_pdf_over_the_page_cap_is_refused() -> None:
    refused = rejection(documents.pdf(["a", "b", "c"]), Limits(max_pages=2))

    assert refused.kind is FailureKind.TOO_LARGE
    assert refused.message == "the PDF has 3 pages; at most 2"


def test_a_document_over_the_character_cap_is_refused() -> None:
    refused = rejection(b"word " * 100, Limits(max_characters=100))

    assert refused.kind is FailureKind.TOO_LARGE
    assert "more than 100 characters" in refused.message


def test_a_document_that_outlasts_the_time_cap_is_refused_between_pages() -> None:
    ticks = iter(range(100))
    budget = Budget(Limits(max_seconds=2), clock=lambda: float(next(ticks)))

    with pytest.raises(DocumentRejected) as refused:
        extract(documents.pdf(["a", "b", "c", "d"]), budget=budget)

    assert refused.value.kind is FailureKind.TOO_SLOW


def test_reading_a_text_file_imports_neither_pdf_nor_word_libraries() -> None:
    for module in [name for name in sys.modules if name.startswith(("pypdf", "docx"))]:
        del sys.modules[module]

    extract(b"Horario: L-V 9:00-14:00")

    assert not [name for name in sys.modules if name.startswith(("pypdf", "docx"))]


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2048))
def test_any_bytes_are_read_or_refused_with_a_reason_and_never_crash(data: bytes) -> None:
    outcome: object
    try:
        outcome = extract(data).pages
    except DocumentRejected as refused:
        outcome = refused.message

    assert outcome


@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=1, max_value=len(documents.pdf(["Corte 25 €"] * 3)) - 1))
def test_a_pdf_cut_anywhere_is_read_or_refused_and_never_crashes(length: int) -> None:
    outcome: object
    try:
        outcome = extract(documents.pdf(["Corte 25 €"] * 3)[:length]).pages
    except DocumentRejected as refused:
        outcome = refused.kind

    assert outcome
