"""The public booking routes (no authorizer), driven with the sample events against moto: the page by slug,
availability, a client's booking idempotent on its Idempotency-Key, and cancellation by the signed link."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from types import ModuleType
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.utilities import parameters

from bookings.appointments.tokens import sign
from bookings.repository import BookingsRepository
from tests.bookings_appointments_support import (
    ORG,
    PRO_ANA,
    SERVICE,
    Answer,
    call,
    madrid,
    next_monday,
    organization,
    seed,
)

MONDAY = next_monday()
KEY = "local-bookings-cancellation-links-signing-key"
CLIENT = {"name": "Marta Ruiz", "email": "marta@example.com"}


@pytest.fixture
def api(load_handler: Callable[[str], ModuleType], dynamodb: Any, published: Any) -> Iterator[ModuleType]:
    seed(dynamodb)
    boto3.client("secretsmanager").create_secret(
        Name="colmena/dev/bookings-links", SecretString=json.dumps({"signing_key": KEY})
    )
    parameters.clear_caches()  # type: ignore[no-untyped-call]  # Powertools leaves it untyped
    yield load_handler("BookingsPublicFunction")
    parameters.clear_caches()  # type: ignore[no-untyped-call]


def book(api: ModuleType, at: str = "10:00", key: str | None = "key-1", **changes: Any) -> Answer:
    body = {"professional_id": PRO_ANA, "service_id": SERVICE, "start": madrid(MONDAY, at), "client": CLIENT, **changes}
    headers = {"Idempotency-Key": key} if key else {}
    return call(api, "bookings_public/post_appointment.json", body=body, headers=headers, path={"slug": "clinica-sol"})


def cancel(api: ModuleType, appointment_id: str, token: str) -> Answer:
    return call(
        api, "bookings_public/post_cancel.json", path={"appointment_id": appointment_id}, query={"token": token}
    )


def test_the_page_shows_the_organisation_its_services_and_professionals(api: ModuleType) -> None:
    answer = call(api, "bookings_public/get_page.json", path={"slug": "clinica-sol"})

    assert answer.status == 200
    assert (answer.body["name"], answer.body["timezone"], answer.body["language"]) == (
        "Clínica clinica-sol",
        "Europe/Madrid",
        "es",
    )
    assert [s["service_id"] for s in answer.body["services"]] == [SERVICE]
    assert sorted(p["name"] for p in answer.body["professionals"]) == ["Ana", "Bea"]
    assert "email" not in json.dumps(answer.body)


def test_an_unknown_or_inactive_organisation_has_no_page(api: ModuleType, dynamodb: Any) -> None:
    catalogue = BookingsRepository(dynamodb, "BookingsTable")
    catalogue.update_organization(organization(ORG, "clinica-sol", "owner", active=False))

    answers = [call(api, "bookings_public/get_page.json", path={"slug": slug}) for slug in ("clinica-sol", "nobody")]

    assert [a.status for a in answers] == [404, 404]


def test_the_public_availability_lists_the_free_slots(api: ModuleType) -> None:
    book(api, "09:00")

    answer = call(
        api,
        "bookings_public/get_availability.json",
        path={"slug": "clinica-sol"},
        query={"professional_id": PRO_ANA, "service_id": SERVICE, "date": MONDAY.isoformat()},
    )

    assert answer.status == 200
    assert answer.body["slots"][0]["start"] == madrid(MONDAY, "10:00")


def test_a_client_books_and_the_same_idempotency_key_answers_the_same_appointment(
    api: ModuleType, published: Callable[[], list[dict[str, Any]]]
) -> None:
    first = book(api)
    again = book(api)

    assert (first.status, again.status) == (201, 201)
    assert first.body == again.body
    events = published()
    # Published again with the same id: the mailer, idempotent on it, sends one e-mail.
    assert {e["detail"]["metadata"]["event_id"] for e in events} == {events[0]["detail"]["metadata"]["event_id"]}


def test_the_same_idempotency_key_with_another_booking_is_422_naming_the_header(api: ModuleType) -> None:
    book(api)

    answer = book(api, "12:00")

    assert (answer.status, answer.body["error"]["fields"][0]["field"]) == (422, "idempotency-key")


def test_a_taken_slot_is_409_with_the_next_free_ones(api: ModuleType) -> None:
    book(api, key="key-1")

    answer = book(api, key="key-2", client={"name": "Otro", "email": "otro@example.com"})

    assert answer.status == 409
    assert answer.body["next_slots"][0]["start"] == madrid(MONDAY, "11:00")


def test_the_signed_link_cancels_the_appointment(api: ModuleType) -> None:
    booked = book(api).body
    token = sign(KEY.encode(), ORG, booked["appointment_id"], datetime.now(UTC) + timedelta(days=1))

    answer = cancel(api, booked["appointment_id"], token)

    assert (answer.status, answer.body["status"]) == (200, "cancelled")


@pytest.mark.parametrize(
    ("key", "expires_in", "reason"),
    [
        (b"another-key-of-more-than-32-characters", timedelta(days=1), "not valid"),
        (KEY.encode(), timedelta(seconds=-1), "expired"),
    ],
)
def test_a_forged_or_expired_link_is_refused(api: ModuleType, key: bytes, expires_in: timedelta, reason: str) -> None:
    booked = book(api).body
    token = sign(key, ORG, booked["appointment_id"], datetime.now(UTC) + expires_in)

    answer = cancel(api, booked["appointment_id"], token)

    assert (answer.status, answer.body["error"]["code"]) == (403, "invalid_link")
    assert reason in answer.body["error"]["message"]


def test_a_link_made_for_another_appointment_is_refused(api: ModuleType) -> None:
    booked = book(api).body
    token = sign(KEY.encode(), ORG, "another-appointment", datetime.now(UTC) + timedelta(days=1))

    assert cancel(api, booked["appointment_id"], token).status == 403
