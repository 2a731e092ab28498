"""The appointment routes behind the authorizer, driven with the sample events against moto: availability,
booking (409 with the next free slots), listing, cancelling and rescheduling, each role's reach, and another
organisation's ids answered 404."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

from bookings.models import Role
from tests.bookings_appointments_support import (
    ANA,
    OTHER_ORG,
    OUTSIDER,
    PRO_ANA,
    PRO_BEA,
    SERVICE,
    USERS,
    Answer,
    call,
    madrid,
    next_monday,
    seed,
)

MONDAY = next_monday()
NEW_CLIENT = {"name": "Lucía Pérez", "email": "Lucia@Example.com", "phone": "+34 600 000 000"}


@pytest.fixture
def api(load_handler: Callable[[str], ModuleType], dynamodb: Any, published: Any) -> ModuleType:
    seed(dynamodb)
    return load_handler("BookingsAppointmentsFunction")


def book(api: ModuleType, at: str = "10:00", professional: str = PRO_ANA, role: Role = Role.RECEPTION) -> Answer:
    body = {"professional_id": professional, "service_id": SERVICE, "start": madrid(MONDAY, at), "client": NEW_CLIENT}
    return call(api, "bookings_appointments/post_appointment.json", user=USERS[role], role=role, body=body)


def availability(api: ModuleType, professional: str = PRO_ANA, **caller: Any) -> Answer:
    query = {"date": MONDAY.isoformat(), "service_id": SERVICE}
    return call(
        api,
        "bookings_appointments/get_availability.json",
        path={"professional_id": professional},
        query=query,
        **caller,
    )


def test_availability_lists_the_days_grid_with_the_organisations_offset(api: ModuleType) -> None:
    answer = availability(api)

    assert answer.status == 200
    starts = [slot["start"] for slot in answer.body["slots"]]
    assert starts[:2] == [madrid(MONDAY, "09:00"), madrid(MONDAY, "10:00")]
    assert len(starts) == 8  # 09 to 13 and 16 to 18, the break left out
    assert answer.body["slots"][0]["end"] == madrid(MONDAY, "09:45")


def test_reception_books_for_a_new_client_and_the_slot_leaves_the_availability(
    api: ModuleType, published: Callable[[], list[dict[str, Any]]]
) -> None:
    answer = book(api)

    assert answer.status == 201
    assert (answer.body["start"], answer.body["end"], answer.body["status"]) == (
        madrid(MONDAY, "10:00"),
        madrid(MONDAY, "10:45"),
        "booked",
    )
    assert madrid(MONDAY, "10:00") not in [slot["start"] for slot in availability(api).body["slots"]]
    [event] = published()
    assert (event["detail-type"], event["detail"]["data"]["appointment_id"]) == (
        "appointment.booked",
        answer.body["appointment_id"],
    )


def test_a_taken_slot_is_409_with_the_next_free_ones(api: ModuleType) -> None:
    book(api, "10:00")
    book(api, "11:00")

    answer = book(api, "10:00")

    assert answer.status == 409
    assert answer.body["error"]["code"] == "slot_taken"
    assert [slot["start"] for slot in answer.body["next_slots"]] == [
        madrid(MONDAY, "12:00"),
        madrid(MONDAY, "13:00"),
        madrid(MONDAY, "16:00"),
    ]


@pytest.mark.parametrize(
    ("start", "reason"),
    [("10:15", "not one of the professional's slots"), ("14:00", "not one of the professional's slots")],
)
def test_a_start_off_the_grid_or_in_the_break_is_422_naming_start(api: ModuleType, start: str, reason: str) -> None:
    answer = book(api, start)

    assert answer.status == 422
    assert answer.body["error"]["fields"] == [{"field": "start", "reason": answer.body["error"]["message"]}]
    assert reason in answer.body["error"]["message"]


def test_a_start_without_an_offset_is_422_naming_start(api: ModuleType) -> None:
    body = {"professional_id": PRO_ANA, "service_id": SERVICE, "start": f"{MONDAY}T10:00:00", "client": NEW_CLIENT}

    answer = call(api, "bookings_appointments/post_appointment.json", body=body)

    assert (answer.status, answer.body["error"]["fields"][0]["field"]) == (422, "start")


@pytest.mark.parametrize(("field", "value"), [("professional_id", "pro-nobody"), ("service_id", "svc-nothing")])
def test_an_unknown_professional_or_service_is_404(api: ModuleType, field: str, value: str) -> None:
    body = {"professional_id": PRO_ANA, "service_id": SERVICE, "start": madrid(MONDAY, "10:00"), "client": NEW_CLIENT}

    answer = call(api, "bookings_appointments/post_appointment.json", body={**body, field: value})

    assert answer.status == 404


def test_a_professional_books_in_their_own_agenda_but_not_in_a_colleagues(api: ModuleType) -> None:
    own = book(api, professional=PRO_ANA, role=Role.PROFESSIONAL)
    theirs = book(api, professional=PRO_BEA, role=Role.PROFESSIONAL)

    assert (own.status, theirs.status) == (201, 403)


def test_a_professional_lists_their_own_agenda_but_not_a_colleagues(api: ModuleType) -> None:
    booked = book(api).body
    query = {"from": MONDAY.isoformat(), "to": MONDAY.isoformat()}

    own = call(
        api,
        "bookings_appointments/get_appointments.json",
        user=ANA,
        role=Role.PROFESSIONAL,
        query={**query, "professional_id": PRO_ANA},
    )
    theirs = call(
        api,
        "bookings_appointments/get_appointments.json",
        user=ANA,
        role=Role.PROFESSIONAL,
        query={**query, "professional_id": PRO_BEA},
    )

    assert (own.status, [a["appointment_id"] for a in own.body["appointments"]]) == (200, [booked["appointment_id"]])
    assert theirs.status == 403


def test_a_clients_appointments_are_listed_by_client_id(api: ModuleType) -> None:
    booked = book(api).body

    answer = call(api, "bookings_appointments/get_appointments.json", query={"client_id": booked["client_id"]})

    assert [a["appointment_id"] for a in answer.body["appointments"]] == [booked["appointment_id"]]


def test_a_listing_needs_exactly_one_of_professional_and_client(api: ModuleType) -> None:
    answer = call(api, "bookings_appointments/get_appointments.json", query={})

    assert answer.status == 422


def test_cancelling_frees_the_slot_and_a_second_cancel_is_409(api: ModuleType) -> None:
    booked = book(api).body
    path = {"appointment_id": booked["appointment_id"]}

    first = call(api, "bookings_appointments/post_cancel.json", path=path)
    second = call(api, "bookings_appointments/post_cancel.json", path=path)

    assert (first.status, first.body["status"], second.status) == (200, "cancelled", 409)
    assert madrid(MONDAY, "10:00") in [slot["start"] for slot in availability(api).body["slots"]]


def test_rescheduling_moves_the_appointment_and_frees_the_old_slot(api: ModuleType) -> None:
    booked = book(api).body

    moved = call(
        api,
        "bookings_appointments/post_reschedule.json",
        path={"appointment_id": booked["appointment_id"]},
        body={"start": madrid(MONDAY, "12:00")},
    )

    assert (moved.status, moved.body["start"]) == (200, madrid(MONDAY, "12:00"))
    free = [slot["start"] for slot in availability(api).body["slots"]]
    assert madrid(MONDAY, "10:00") in free and madrid(MONDAY, "12:00") not in free


def test_rescheduling_onto_a_taken_slot_is_409_and_the_appointment_stays(api: ModuleType) -> None:
    booked = book(api, "10:00").body
    book(api, "12:00")

    answer = call(
        api,
        "bookings_appointments/post_reschedule.json",
        path={"appointment_id": booked["appointment_id"]},
        body={"start": madrid(MONDAY, "12:00")},
    )

    assert answer.status == 409
    assert [slot["start"] for slot in answer.body["next_slots"]] == [
        madrid(MONDAY, h) for h in ("13:00", "16:00", "17:00")
    ]
    assert madrid(MONDAY, "10:00") not in [slot["start"] for slot in availability(api).body["slots"]]


def test_a_professional_cannot_cancel_a_colleagues_appointment(api: ModuleType) -> None:
    booked = book(api, professional=PRO_BEA).body

    answer = call(
        api,
        "bookings_appointments/post_cancel.json",
        user=ANA,
        role=Role.PROFESSIONAL,
        path={"appointment_id": booked["appointment_id"]},
    )

    assert answer.status == 403


def test_every_route_answers_another_organisations_ids_with_404(api: ModuleType) -> None:
    booked = book(api).body
    outsider: dict[str, Any] = {"user": OUTSIDER, "org": OTHER_ORG, "role": Role.OWNER}
    appointment = {"appointment_id": booked["appointment_id"]}

    answers = [
        availability(api, **outsider),
        call(
            api,
            "bookings_appointments/post_appointment.json",
            **outsider,
            body={
                "professional_id": PRO_ANA,
                "service_id": SERVICE,
                "start": madrid(MONDAY, "12:00"),
                "client_id": booked["client_id"],
            },
        ),
        call(api, "bookings_appointments/get_appointments.json", **outsider, query={"client_id": booked["client_id"]}),
        call(api, "bookings_appointments/post_cancel.json", **outsider, path=appointment),
        call(
            api,
            "bookings_appointments/post_reschedule.json",
            **outsider,
            path=appointment,
            body={"start": madrid(MONDAY, "12:00")},
        ),
    ]

    assert [answer.status for answer in answers] == [404] * 5
    assert booked["appointment_id"] not in str([answer.body for answer in answers])


def test_another_organisations_professional_lists_nothing_of_this_one(api: ModuleType) -> None:
    book(api)

    answer = call(
        api,
        "bookings_appointments/get_appointments.json",
        user=OUTSIDER,
        org=OTHER_ORG,
        query={"professional_id": PRO_ANA, "from": MONDAY.isoformat(), "to": MONDAY.isoformat()},
    )

    assert (answer.status, answer.body) == (200, {"appointments": []})


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "2000-02-29"])
def test_availability_of_a_day_outside_the_booking_window_is_empty(api: ModuleType, day: str) -> None:
    query = {"date": day, "service_id": SERVICE}

    answer = call(api, "bookings_appointments/get_availability.json", path={"professional_id": PRO_ANA}, query=query)

    assert (answer.status, answer.body["slots"]) == (200, [])


@pytest.mark.parametrize(
    ("start", "end", "status"), [("0001-01-01", "0001-01-02", 200), ("9999-12-30", "9999-12-31", 422)]
)
def test_a_listing_at_the_ends_of_the_calendar_is_empty_or_refused_never_a_500(
    api: ModuleType, start: str, end: str, status: int
) -> None:
    query = {"professional_id": PRO_ANA, "from": start, "to": end}

    answer = call(api, "bookings_appointments/get_appointments.json", query=query)

    assert answer.status == status
