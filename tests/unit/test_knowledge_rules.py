"""The local structurer on Spanish and English text, and the merging of several documents' knowledge."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agents.knowledge.detect import DocumentKind
from agents.knowledge.extract import Extraction, Page
from agents.knowledge.models import KnowledgeBase, Service, Weekday, merged
from agents.knowledge.rules import structure

WEEKDAYS = [Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY, Weekday.FRIDAY]


def structured(*pages: str) -> KnowledgeBase:
    extraction = Extraction(DocumentKind.TEXT, tuple(Page(number, text) for number, text in enumerate(pages, 1)))
    return structure(extraction, "doc-1")


def services(text: str) -> list[tuple[str, Decimal | None, str | None, int | None]]:
    return [(s.name, s.price, s.currency, s.duration_minutes) for s in structured(text).services]


def hours(text: str) -> list[tuple[list[Weekday], str, str]]:
    return [(h.days, h.opens, h.closes) for h in structured(text).opening_hours]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Corte de pelo ........ 25,00 €", ("Corte de pelo", Decimal("25.00"), "EUR", None)),
        ("Corte de pelo (30 min): 25 €", ("Corte de pelo", Decimal("25.00"), "EUR", 30)),
        ("Tinte | 1.250,00 EUR", ("Tinte", Decimal("1250.00"), "EUR", None)),
        ("Mechas - 60 euros", ("Mechas", Decimal("60.00"), "EUR", None)),
        ("Haircut €25", ("Haircut", Decimal("25.00"), "EUR", None)),
        ("Beard trim $15.50 (20 min)", ("Beard trim", Decimal("15.50"), "USD", 20)),
        ("Colour 1,250.00 GBP", ("Colour", Decimal("1250.00"), "GBP", None)),
    ],
)
def test_a_line_with_a_price_is_a_service_with_its_amount_currency_and_duration(
    line: str, expected: tuple[str, Decimal, str, int | None]
) -> None:
    assert services(line) == [expected]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("L-V 9:00-14:00", [(WEEKDAYS, "09:00", "14:00")]),
        ("Lunes a viernes de 9:00 a 14:00 y de 17:00 a 20:00",
         [(WEEKDAYS, "09:00", "14:00"), (WEEKDAYS, "17:00", "20:00")]),
        ("Sábados de 10 a 14 h", [([Weekday.SATURDAY], "10:00", "14:00")]),
        ("Mon-Fri 9am-2pm", [(WEEKDAYS, "09:00", "14:00")]),
        ("Saturday and Sunday: 10:30 - 13:00", [([Weekday.SATURDAY, Weekday.SUNDAY], "10:30", "13:00")]),
        ("V-L 20:00-02:00", [([Weekday.FRIDAY, Weekday.SATURDAY, Weekday.SUNDAY, Weekday.MONDAY], "20:00", "02:00")]),
        ("L, X y V 9:00-13:00", [([Weekday.MONDAY, Weekday.WEDNESDAY, Weekday.FRIDAY], "09:00", "13:00")]),
    ],
)  # fmt: skip
def test_a_line_with_days_and_times_is_opening_hours(line: str, expected: list[tuple[list[Weekday], str, str]]) -> None:
    assert hours(line) == expected


def test_question_and_answer_markers_in_spanish_and_english_are_faqs() -> None:
    knowledge = structured("P: ¿Hace falta cita?\nR: Sí, reserva por teléfono.\nQ: Do you take cards?\nA: Yes.")

    assert [(faq.question, faq.answer) for faq in knowledge.faqs] == [
        ("¿Hace falta cita?", "Sí, reserva por teléfono."),
        ("Do you take cards?", "Yes."),
    ]


def test_a_question_with_its_answer_below_it_is_a_faq() -> None:
    knowledge = structured("¿Tenéis aparcamiento?\nSí, detrás del local.\nGratis para clientes.")

    assert [(faq.question, faq.answer) for faq in knowledge.faqs] == [
        ("¿Tenéis aparcamiento?", "Sí, detrás del local. Gratis para clientes.")
    ]


def test_a_policy_heading_makes_what_is_under_it_a_policy_and_any_other_heading_a_section() -> None:
    knowledge = structured(
        "Política de cancelación\nCancela con 24 horas de antelación.\n\nRefund policy\nNo refunds.\n\n"
        "Sobre nosotros\nSomos una peluquería familiar desde 1990."
    )

    assert [(policy.title, policy.text) for policy in knowledge.policies] == [
        ("Política de cancelación", "Cancela con 24 horas de antelación."),
        ("Refund policy", "No refunds."),
    ]
    assert [(section.title, section.text) for section in knowledge.sections] == [
        ("Sobre nosotros", "Somos una peluquería familiar desde 1990.")
    ]


def test_labelled_contact_lines_are_facts() -> None:
    knowledge = structured("Teléfono: +34 912 345 678\nAddress: 1 High St\nreservas@ana.es")

    assert [(fact.name, fact.value) for fact in knowledge.facts] == [
        ("phone", "+34 912 345 678"),
        ("address", "1 High St"),
        ("email", "reservas@ana.es"),
    ]


def test_every_item_names_its_document_and_page() -> None:
    knowledge = structured("Corte 25 €", "Haircut €30")

    assert [(s.name, s.document_id, s.page) for s in knowledge.services] == [
        ("Corte", "doc-1", 1),
        ("Haircut", "doc-1", 2),
    ]


def test_a_later_document_restating_a_service_replaces_the_earlier_price() -> None:
    old = KnowledgeBase(services=[Service(document_id="a", page=1, name="Corte", price=Decimal(20), currency="EUR")])
    new = KnowledgeBase(services=[Service(document_id="b", page=3, name=" corte ", price=Decimal(25), currency="EUR")])

    assert [(s.document_id, s.price) for s in merged([old, new]).services] == [("b", Decimal(25))]


@given(st.text(max_size=500))
def test_any_text_structures_into_a_valid_knowledge_base(text: str) -> None:
    knowledge = structured(text)

    assert KnowledgeBase.model_validate(knowledge.model_dump()) == knowledge


@given(st.lists(st.sampled_from(["Corte 25 €", "L-V 9:00-14:00", "P: ¿Cita?\nR: Sí.", "Email: a@b.es"]), max_size=6))
def test_merging_a_knowledge_base_with_itself_changes_nothing(lines: list[str]) -> None:
    knowledge = structured("\n\n".join(lines))

    assert merged([knowledge, knowledge]) == merged([knowledge])
