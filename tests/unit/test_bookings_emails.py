"""The e-mails of an appointment: the template chosen by kind and language, and the flat data each renders."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bookings.appointments.emails import KEYS, AppointmentMail, EmailKind, template_data, template_name

MADRID = ZoneInfo("Europe/Madrid")
BOOKING = AppointmentMail(
    kind=EmailKind.BOOKING,
    language="es",
    to="lucia@example.com",
    organization_name="Clínica Sol",
    client_name="Lucía",
    professional_name="Ana",
    service_name="Fisioterapia",
    start=datetime(2026, 12, 3, 9, 30, tzinfo=UTC),
    zone=MADRID,
    cancel_url="https://book.example.com/cancel?token=t",
)


def test_a_booking_in_spanish_reads_the_local_date_and_time_and_carries_the_cancel_link() -> None:
    assert template_data(BOOKING) == {
        "organization_name": "Clínica Sol",
        "client_name": "Lucía",
        "professional_name": "Ana",
        "service_name": "Fisioterapia",
        "date": "jueves 3 de diciembre de 2026",
        "time": "10:30",
        "cancel_url": "https://book.example.com/cancel?token=t",
    }


def test_a_reschedule_in_english_says_the_previous_date_and_time_too() -> None:
    moved = replace(
        BOOKING, kind=EmailKind.RESCHEDULE, language="en", previous_start=datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    )

    data = template_data(moved)

    assert (data["date"], data["previous_date"], data["previous_time"]) == (
        "Thursday 3 December 2026",
        "Tuesday 1 December 2026",
        "09:00",
    )


def test_a_cancellation_carries_no_link_to_cancel_again() -> None:
    cancelled = replace(BOOKING, kind=EmailKind.CANCELLATION)

    assert "cancel_url" not in template_data(cancelled)


@pytest.mark.parametrize("kind", list(EmailKind))
def test_every_kind_renders_exactly_the_keys_its_templates_may_use(kind: EmailKind) -> None:
    mail = replace(BOOKING, kind=kind, previous_start=BOOKING.start)

    assert set(template_data(mail)) == KEYS[kind]


@pytest.mark.parametrize(
    ("language", "name"),
    [("es", "colmena-dev-booking-es"), ("en-GB", "colmena-dev-booking-en"), ("fr", "colmena-dev-booking-en")],
)
def test_the_template_is_the_organisations_language_or_english_when_none_is_written_in_it(
    language: str, name: str
) -> None:
    assert template_name("colmena-dev", EmailKind.BOOKING, language) == name
