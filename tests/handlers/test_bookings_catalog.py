"""Bookings' catalogue routes (professionals, services, clients), driven with the sample events against
moto and the seeded organisation: what each role may do, and what bad input answers."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

from tests.bookings_calls import CLI, EVENTS, PRO, SVC, call, seed_bookings

PABLO = "4c6e8a0b-2d4f-4a6c-9e8a-1b3d5f7a9c24"  # the member who is professional PRO, once linked


@pytest.fixture
def api(load_handler: Callable[[str], ModuleType], dynamodb: Any) -> ModuleType:
    seed_bookings(dynamodb)
    return load_handler("BookingsCatalogFunction")


def test_the_owner_adds_a_professional_and_gets_its_id_with_a_201(api: ModuleType) -> None:
    status, professional = call(api, "bookings_catalog/post_professional")

    assert status == 201
    _, read = call(api, "bookings_catalog/get_professional", path={"professional_id": professional["professional_id"]})
    assert read["weekly_schedule"]["mon"] == [{"start": "09:00", "end": "14:00"}, {"start": "15:00", "end": "19:00"}]
    assert read["service_ids"] == [SVC]


@pytest.mark.parametrize(
    ("schedule", "reason"),
    [
        ({"mon": [{"start": "9:00", "end": "14:00"}]}, "HH:MM"),
        ({"mon": [{"start": "14:00", "end": "09:00"}]}, "before it ends"),
        ({"mon": [{"start": "09:00", "end": "14:00"}, {"start": "13:00", "end": "18:00"}]}, "overlap"),
        ({"funday": [{"start": "09:00", "end": "14:00"}]}, "not a day"),
    ],
)
def test_a_weekly_schedule_that_breaks_a_rule_is_a_422_naming_it(
    api: ModuleType, schedule: dict[str, Any], reason: str
) -> None:
    status, answer = call(api, "bookings_catalog/post_professional", body={"name": "P", "weekly_schedule": schedule})

    assert status == 422
    [field] = answer["error"]["fields"]
    assert field["field"] == "weekly_schedule" and reason in field["reason"]


def test_a_professional_offering_an_unknown_service_is_a_422(api: ModuleType) -> None:
    status, answer = call(api, "bookings_catalog/post_professional", body={"name": "P", "service_ids": ["nope"]})

    assert (status, answer["error"]["fields"][0]["field"]) == (422, "service_ids")


def test_time_off_without_an_offset_is_a_422(api: ModuleType) -> None:
    body = {"name": "P", "time_off": [{"start": "2026-12-24T00:00:00", "end": "2026-12-25T00:00:00+01:00"}]}

    status, answer = call(api, "bookings_catalog/post_professional", body=body)

    assert (status, answer["error"]["fields"][0]["field"]) == (422, "time_off")


def test_the_owner_adds_a_service_and_lists_it(api: ModuleType) -> None:
    status, service = call(api, "bookings_catalog/post_service")

    _, page = call(api, "bookings_catalog/get_services")
    assert status == 201
    assert service["service_id"] in {s["service_id"] for s in page["services"]}


def test_a_service_too_long_to_book_is_a_422_and_is_not_stored(api: ModuleType) -> None:
    body = {
        "name": "Taller de un día",
        "duration_minutes": 480,
        "buffer_minutes": 0,
        "price_cents": 9000,
        "currency": "eur",
    }

    status, answer = call(api, "bookings_catalog/post_service", body=body)

    _, page = call(api, "bookings_catalog/get_services")
    assert status == 422 and answer["error"]["fields"][0]["field"] == "duration_minutes"
    assert "Taller de un día" not in {s["name"] for s in page["services"]}


def test_a_change_that_makes_a_service_too_long_to_book_is_a_422(api: ModuleType) -> None:
    status, answer = call(api, "bookings_catalog/patch_service", body={"buffer_minutes": 240})

    assert status == 422 and "at most 240 minutes" in answer["error"]["message"]


def test_a_client_with_a_known_email_is_the_same_client_not_a_second(api: ModuleType) -> None:
    status, client = call(api, "bookings_catalog/post_client", body={"name": "C. Ruiz", "email": "CARMEN@example.com"})

    assert (status, client["client_id"], client["name"]) == (200, CLI, "Carmen Ruiz")


def test_a_new_client_is_a_201_with_its_id(api: ModuleType) -> None:
    status, client = call(api, "bookings_catalog/post_client", body={"name": "Lu", "email": "lu@example.com"})

    assert status == 201
    assert (
        call(api, "bookings_catalog/get_client", path={"client_id": client["client_id"]})[1]["email"]
        == "lu@example.com"
    )


@pytest.mark.parametrize("sample", ["post_professional", "post_service"])
def test_reception_cannot_change_the_catalogue(api: ModuleType, sample: str) -> None:
    status, _ = call(api, f"bookings_catalog/{sample}", claims={"custom:role": "reception"})

    assert status == 403


@pytest.mark.parametrize("sample", ["get_professionals", "get_services", "get_clients", "get_client", "post_client"])
def test_reception_reads_the_catalogue_and_books_for_clients(api: ModuleType, sample: str) -> None:
    status, _ = call(api, f"bookings_catalog/{sample}", claims={"custom:role": "reception"})

    assert status in (200, 201)


@pytest.fixture
def linked(api: ModuleType) -> None:
    """Pablo, a member with the professional role, linked to the seeded professional."""
    from bookings.models import Member, MemberStatus, Role
    from tests.bookings_calls import ORG

    now = "2026-11-26T09:00:00.000+00:00"
    member = Member(ORG, PABLO, "pablo@example.com", Role.PROFESSIONAL, MemberStatus.ACTIVE, now, now)
    api.catalog.repository.add_member(member)
    status, _ = call(api, "bookings_catalog/patch_professional", path={"professional_id": PRO}, body={"user_id": PABLO})
    assert status == 200


PROFESSIONAL_CLAIMS = {"sub": PABLO, "custom:role": "professional"}


@pytest.mark.usefixtures("linked")
def test_a_professional_sees_only_their_own_professional(api: ModuleType) -> None:
    status, page = call(api, "bookings_catalog/get_professionals", claims=PROFESSIONAL_CLAIMS)

    assert (status, [p["professional_id"] for p in page["professionals"]]) == (200, [PRO])


@pytest.mark.usefixtures("linked")
def test_a_professional_changes_their_own_schedule_but_not_their_services(api: ModuleType) -> None:
    target = {"professional_id": PRO}
    schedule, _ = call(api, "bookings_catalog/patch_professional", path=target, claims=PROFESSIONAL_CLAIMS)
    services, _ = call(
        api, "bookings_catalog/patch_professional", path=target, claims=PROFESSIONAL_CLAIMS, body={"service_ids": []}
    )

    assert (schedule, services) == (200, 403)


def test_a_professional_not_linked_reads_no_professional_and_no_client(api: ModuleType) -> None:
    professional, _ = call(api, "bookings_catalog/get_professional", claims=PROFESSIONAL_CLAIMS)
    clients, _ = call(api, "bookings_catalog/get_clients", claims=PROFESSIONAL_CLAIMS)

    assert (professional, clients) == (403, 403)


def test_a_bad_cursor_is_a_400(api: ModuleType) -> None:
    status, answer = call(api, "bookings_catalog/get_clients", query={"cursor": "bm9wZQ"})

    assert (status, answer["error"]["fields"][0]["field"]) == (400, "cursor")


def test_the_plan_limits_the_number_of_professionals(api: ModuleType) -> None:
    for _ in range(9):  # the seeded one and nine more: the default plan's ten
        assert call(api, "bookings_catalog/post_professional", body={"name": "P"})[0] == 201

    status, answer = call(api, "bookings_catalog/post_professional", body={"name": "P"})

    assert (status, answer["error"]["code"]) == (409, "conflict")


@pytest.mark.parametrize("sample", sorted(path.stem for path in (EVENTS / "bookings_catalog").glob("*.json")))
def test_every_sample_event_answers_with_success_on_the_seeded_organisation(api: ModuleType, sample: str) -> None:
    status, answer = call(api, f"bookings_catalog/{sample}")

    assert status in (200, 201), answer


def test_a_service_priced_in_upper_case_euros_is_stored_in_lower_case(api: ModuleType) -> None:
    body = {"name": "Masaje", "duration_minutes": 60, "price_cents": 5000, "currency": "EUR"}

    status, service = call(api, "bookings_catalog/post_service", body=body)

    assert (status, service["currency"]) == (201, "eur")


def test_a_currency_out_of_circulation_is_a_422_naming_it(api: ModuleType) -> None:
    body = {"name": "Masaje", "duration_minutes": 60, "price_cents": 5000, "currency": "xau"}

    status, answer = call(api, "bookings_catalog/post_service", body=body)

    assert (status, answer["error"]["fields"][0]["field"]) == (422, "currency")
