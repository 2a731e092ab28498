"""The appointment e-mails, driven with the sample events against moto's SES (the templates created from
template.yaml's entries): one e-mail per event however often it arrives, in the organisation's language, with
a cancellation link that works; and the hourly reminders, sent once even when two runs overlap."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from types import ModuleType
from typing import Any
from urllib.parse import parse_qs, urlparse

import boto3
import pytest
from aws_lambda_powertools.utilities import parameters
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from bookings.appointments.models import Appointment, AppointmentStatus, stamp
from bookings.appointments.repository import AppointmentRepository
from bookings.appointments.tokens import verify
from bookings.models import Client
from tests.bookings_appointments_support import ORG, PRO_ANA, SERVICE, seed
from tools import template
from tools.handlers import LambdaContext, sample_event
from tools.template import ROOT

KEY = "local-bookings-cancellation-links-signing-key"
SENDER = "reservas@colmena.example"


@pytest.fixture
def ses(aws: None) -> Any:
    client = boto3.client("ses")
    client.verify_email_identity(EmailAddress=SENDER)
    for body in template.resources("AWS::SES::Template").values():
        parts = body["Properties"]["Template"]
        client.create_template(Template={**parts, "TemplateName": template.evaluate(parts["TemplateName"])})
    return client


@pytest.fixture
def stored(dynamodb: Any, ses: Any) -> Iterator[Callable[..., Appointment]]:
    catalogue = seed(dynamodb)
    boto3.client("secretsmanager").create_secret(
        Name="colmena/dev/bookings-links", SecretString=json.dumps({"signing_key": KEY})
    )
    parameters.clear_caches()  # type: ignore[no-untyped-call]  # Powertools leaves it untyped
    now = stamp(datetime.now(UTC))
    client, _ = catalogue.find_or_create_client(Client(ORG, "client-1", "Lucía", "lucia@example.com", None, now, now))
    repository = AppointmentRepository(dynamodb, "BookingsTable")

    def store(number: int = 1, hours_ahead: float = 20) -> Appointment:
        start = (datetime.now(UTC) + timedelta(hours=hours_ahead)).replace(second=0, microsecond=0)
        appointment = Appointment(
            ORG, f"appt-{number}", PRO_ANA, SERVICE, client.client_id, stamp(start),
            stamp(start + timedelta(minutes=45)), stamp(start + timedelta(hours=1)), AppointmentStatus.BOOKED,
            "public", stamp(datetime.now(UTC)), stamp(datetime.now(UTC)), reminder_due=True,
        )  # fmt: skip
        repository.book(appointment)
        return appointment

    yield store
    parameters.clear_caches()  # type: ignore[no-untyped-call]


def sent() -> list[Any]:
    return list(ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].sent_messages)


def booked_event(appointment: Appointment) -> dict[str, Any]:
    event = sample_event(ROOT / "events" / "bookings_mailer" / "appointment_booked.json")
    event["detail"]["data"].update(appointment_id=appointment.appointment_id, client_id=appointment.client_id)
    event["detail"]["data"]["start"] = appointment.start
    return event


def test_a_booking_is_mailed_once_in_the_organisations_language_with_a_working_cancel_link(
    load_handler: Callable[[str], ModuleType], stored: Callable[..., Appointment]
) -> None:
    appointment = stored()
    mailer = load_handler("BookingsMailerFunction")

    for _ in range(2):
        mailer.lambda_handler(booked_event(appointment), LambdaContext())

    [message] = sent()
    data = json.loads(message.template_data)
    assert (message.template, message.destinations["ToAddresses"], message.source) == (
        "colmena-booking-es",
        ["lucia@example.com"],
        SENDER,
    )
    assert (data["client_name"], data["professional_name"], data["service_name"]) == ("Lucía", "Ana", "Fisioterapia")
    link = urlparse(data["cancel_url"])
    assert link.path.endswith(f"/public/appointments/{appointment.appointment_id}/cancel")
    token = parse_qs(link.query)["token"][0]
    assert verify(KEY.encode(), appointment.appointment_id, token, datetime.now(UTC)) == ORG


def test_a_booking_delivered_twice_counts_one_appointment_booked(
    load_handler: Callable[[str], ModuleType], stored: Callable[..., Appointment], capsys: pytest.CaptureFixture[str]
) -> None:
    appointment = stored()
    mailer = load_handler("BookingsMailerFunction")

    for _ in range(2):
        mailer.lambda_handler(booked_event(appointment), LambdaContext())

    emf = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith('{"_aws"')]
    assert [record["AppointmentsBooked"] for record in emf if "AppointmentsBooked" in record] == [[1.0]]


def test_the_reminders_go_once_even_when_two_runs_overlap(
    load_handler: Callable[[str], ModuleType], stored: Callable[..., Appointment]
) -> None:
    soon, later = stored(1, hours_ahead=20), stored(2, hours_ahead=30)
    first, second = load_handler("BookingsRemindersFunction"), load_handler("BookingsRemindersFunction")
    scheduled = sample_event(ROOT / "events" / "bookings_reminders" / "hourly.json", time=stamp(datetime.now(UTC)))

    answers = [run.lambda_handler(scheduled, LambdaContext()) for run in (first, second)]

    assert [answer["reminded"] for answer in answers] == [[soon.appointment_id], []]
    assert [message.template for message in sent()] == ["colmena-reminder-es"]
    assert later.appointment_id not in str(answers)


def test_a_cancelled_appointment_gets_no_reminder(
    load_handler: Callable[[str], ModuleType], stored: Callable[..., Appointment], dynamodb: Any
) -> None:
    appointment = stored()
    AppointmentRepository(dynamodb, "BookingsTable").cancel(appointment, stamp(datetime.now(UTC)))

    scheduled = sample_event(ROOT / "events" / "bookings_reminders" / "hourly.json", time=stamp(datetime.now(UTC)))

    answer = load_handler("BookingsRemindersFunction").lambda_handler(scheduled, LambdaContext())

    assert (answer["reminded"], sent()) == ([], [])


def test_a_run_judges_what_is_due_as_of_the_schedules_time(
    load_handler: Callable[[str], ModuleType], stored: Callable[..., Appointment]
) -> None:
    appointment = stored(hours_ahead=30)
    seven_hours_on = stamp(datetime.now(UTC) + timedelta(hours=7))
    scheduled = sample_event(ROOT / "events" / "bookings_reminders" / "hourly.json", time=seven_hours_on)

    answer = load_handler("BookingsRemindersFunction").lambda_handler(scheduled, LambdaContext())

    assert answer["reminded"] == [appointment.appointment_id]
