"""Appointments in the Bookings table (moto, the table built from template.yaml): the stored shapes, the slot
locks under concurrency, cancelling and moving, the listings by index, and the reminders claimed once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from bookings.appointments.locks import GRANULE
from bookings.appointments.models import Appointment, AppointmentStatus, stamp
from bookings.appointments.repository import AppointmentConflict, AppointmentRepository, SlotTaken
from colmena.repository import from_attributes

ORG = "org-1"
PRO = "pro-1"
TEN = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)  # 10:00 in Madrid


def appointment(
    number: int = 1, start: datetime = TEN, minutes: int = 45, buffer: int = 15, **changes: Any
) -> Appointment:
    return replace(
        Appointment(
            organization_id=ORG,
            appointment_id=f"appt-{number}",
            professional_id=PRO,
            service_id="svc-1",
            client_id=f"client-{number}",
            start=stamp(start),
            end=stamp(start + timedelta(minutes=minutes)),
            occupied_until=stamp(start + timedelta(minutes=minutes + buffer)),
            status=AppointmentStatus.BOOKED,
            booked_by="public",
            created_at="2026-11-26T09:00:00.000+00:00",
            updated_at="2026-11-26T09:00:00.000+00:00",
            reminder_due=True,
        ),
        **changes,
    )


@pytest.fixture
def repository(dynamodb: Any) -> AppointmentRepository:
    return AppointmentRepository(dynamodb, "BookingsTable")


def items(dynamodb: Any, prefix: str) -> list[dict[str, Any]]:
    found = dynamodb.scan(TableName="BookingsTable")["Items"]  # the test reads everything; the code never scans
    return sorted((from_attributes(i) for i in found if i["pk"]["S"].startswith(prefix)), key=lambda i: i["pk"])


def test_a_booking_stores_the_appointment_with_its_index_keys(repository: AppointmentRepository, dynamodb: Any) -> None:
    repository.book(appointment())

    [item] = items(dynamodb, "ORG#")
    assert {k: item[k] for k in ("pk", "sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk", "gsi3pk", "gsi3sk")} == {
        "pk": "ORG#org-1",
        "sk": "APPOINTMENT#appt-1",
        "gsi1pk": "REMINDER#2026-12-03",
        "gsi1sk": "2026-12-03T09:00:00.000+00:00#org-1#appt-1",
        "gsi2pk": "PROFESSIONAL#org-1#pro-1",
        "gsi2sk": "2026-12-03T09:00:00.000+00:00#appt-1",
        "gsi3pk": "CLIENT#org-1#client-1",
        "gsi3sk": "2026-12-03T09:00:00.000+00:00#appt-1",
    }
    assert (item["status"], item["occupied_until"]) == ("booked", "2026-12-03T10:00:00.000+00:00")


def test_a_booking_holds_one_lock_per_granule_of_its_duration_and_buffer(
    repository: AppointmentRepository, dynamodb: Any
) -> None:
    repository.book(appointment())

    locks = items(dynamodb, "LOCK#")
    assert len(locks) == 12  # 45 + 15 minutes
    assert locks[0] == {
        "pk": "LOCK#org-1#pro-1#2026-12-03T09:00Z",
        "sk": "LOCK",
        "organization_id": ORG,
        "appointment_id": "appt-1",
        "expires_at": int((TEN + timedelta(hours=1, days=7)).timestamp()),
    }


def test_a_booking_that_meets_another_is_refused_and_writes_nothing(
    repository: AppointmentRepository, dynamodb: Any
) -> None:
    repository.book(appointment())

    with pytest.raises(SlotTaken):
        repository.book(appointment(2, start=TEN + timedelta(minutes=55)))

    assert [i["appointment_id"] for i in items(dynamodb, "ORG#")] == ["appt-1"]
    assert len(items(dynamodb, "LOCK#")) == 12


def test_a_booking_that_starts_as_the_other_and_its_buffer_end_is_taken(repository: AppointmentRepository) -> None:
    repository.book(appointment())

    repository.book(appointment(2, start=TEN + timedelta(hours=1)))

    assert repository.get(ORG, "appt-2") is not None


def test_the_same_appointment_id_booked_again_is_told_apart_from_a_taken_slot(
    repository: AppointmentRepository,
) -> None:
    repository.book(appointment())

    with pytest.raises(AppointmentConflict):
        repository.book(appointment())


@pytest.mark.usefixtures("atomic_calls")
def test_fifty_concurrent_bookings_of_one_slot_give_exactly_one(repository: AppointmentRepository) -> None:
    def attempt(number: int) -> bool:
        try:
            repository.book(appointment(number))
        except SlotTaken:
            return False
        return True

    with ThreadPoolExecutor(max_workers=50) as pool:
        outcomes = list(pool.map(attempt, range(50)))

    assert outcomes.count(True) == 1
    assert len(repository.of_professional(ORG, PRO, "2026-12-03", "2026-12-04")) == 1


@pytest.mark.usefixtures("atomic_calls")
def test_concurrent_bookings_of_two_overlapping_slots_give_exactly_one(repository: AppointmentRepository) -> None:
    starts = [TEN, TEN + timedelta(minutes=30)]

    def attempt(number: int) -> bool:
        try:
            repository.book(appointment(number, start=starts[number % 2]))
        except SlotTaken:
            return False
        return True

    with ThreadPoolExecutor(max_workers=50) as pool:
        outcomes = list(pool.map(attempt, range(50)))

    assert outcomes.count(True) == 1


def test_cancelling_frees_the_slot_and_leaves_the_reminders_index(
    repository: AppointmentRepository, dynamodb: Any
) -> None:
    booked = appointment()
    repository.book(booked)

    cancelled = repository.cancel(booked, "2026-11-27T10:00:00.000+00:00")
    repository.book(appointment(2))

    [stored] = [i for i in items(dynamodb, "ORG#") if i["appointment_id"] == "appt-1"]
    assert (cancelled.status, stored["status"], stored["cancelled_at"]) == (
        AppointmentStatus.CANCELLED,
        "cancelled",
        "2026-11-27T10:00:00.000+00:00",
    )
    assert "gsi1pk" not in stored
    assert {lock["appointment_id"] for lock in items(dynamodb, "LOCK#")} == {"appt-2"}


def test_an_appointment_changed_since_it_was_read_is_not_cancelled(repository: AppointmentRepository) -> None:
    booked = appointment()
    repository.book(booked)
    repository.cancel(booked, "2026-11-27T10:00:00.000+00:00")

    with pytest.raises(AppointmentConflict):
        repository.cancel(booked, "2026-11-27T10:01:00.000+00:00")


def test_moving_by_a_quarter_hour_keeps_the_shared_locks_and_moves_the_rest(
    repository: AppointmentRepository, dynamodb: Any
) -> None:
    booked = appointment()
    repository.book(booked)
    moved = appointment(start=TEN + timedelta(minutes=15), updated_at="2026-11-27T10:00:00.000+00:00")

    repository.reschedule(booked, moved)

    locks = items(dynamodb, "LOCK#")
    assert (locks[0]["pk"], locks[-1]["pk"], len(locks)) == (
        "LOCK#org-1#pro-1#2026-12-03T09:15Z",
        "LOCK#org-1#pro-1#2026-12-03T10:10Z",
        12,
    )
    assert repository.get(ORG, "appt-1") == moved


def test_moving_onto_another_appointment_is_refused_and_changes_nothing(
    repository: AppointmentRepository, dynamodb: Any
) -> None:
    booked = appointment()
    repository.book(booked)
    repository.book(appointment(2, start=TEN + timedelta(hours=2)))
    before = items(dynamodb, "")

    with pytest.raises(SlotTaken):
        repository.reschedule(booked, appointment(start=TEN + timedelta(hours=1, minutes=30), updated_at="x"))

    assert items(dynamodb, "") == before


def test_a_professionals_appointments_are_listed_by_start_within_the_range(repository: AppointmentRepository) -> None:
    for number, hours in ((1, 0), (2, 24), (3, 48)):
        repository.book(appointment(number, start=TEN + timedelta(hours=hours)))

    listed = repository.of_professional(ORG, PRO, stamp(TEN), stamp(TEN + timedelta(hours=48)))

    assert [a.appointment_id for a in listed] == ["appt-1", "appt-2"]


def test_a_clients_appointments_are_listed_from_their_own_index(repository: AppointmentRepository) -> None:
    repository.book(appointment(1))
    repository.book(appointment(2, start=TEN + timedelta(hours=2)))

    listed = repository.of_client(ORG, "client-2", stamp(TEN - timedelta(days=1)), stamp(TEN + timedelta(days=1)))

    assert [a.appointment_id for a in listed] == ["appt-2"]


def test_a_reminder_is_claimed_by_one_caller_only_and_leaves_the_index(repository: AppointmentRepository) -> None:
    booked = appointment()
    repository.book(booked)
    [due] = repository.due_reminders(date(2026, 12, 3), stamp(TEN + GRANULE))

    claims = [repository.claim_reminder(due, "2026-12-02T09:30:00.000+00:00") for _ in range(2)]

    assert claims == [True, False]
    assert repository.due_reminders(date(2026, 12, 3), stamp(TEN + GRANULE)) == []


def test_reminders_due_later_than_asked_are_left_for_a_later_run(repository: AppointmentRepository) -> None:
    repository.book(appointment(1))
    repository.book(appointment(2, start=TEN + timedelta(hours=3)))

    due = repository.due_reminders(date(2026, 12, 3), stamp(TEN + timedelta(hours=1)))

    assert [a.appointment_id for a in due] == ["appt-1"]


def test_a_reminder_given_back_is_due_again(repository: AppointmentRepository) -> None:
    booked = appointment()
    repository.book(booked)
    repository.claim_reminder(booked, "2026-12-02T09:30:00.000+00:00")

    repository.return_reminder(booked)

    assert [a.appointment_id for a in repository.due_reminders(date(2026, 12, 3), stamp(TEN + GRANULE))] == ["appt-1"]


def test_every_access_pattern_is_served_without_a_scan(repository: AppointmentRepository, dynamodb: Any) -> None:
    def refuse(**_: Any) -> None:
        raise AssertionError("an appointment access pattern scanned the table")

    dynamodb.meta.events.register("before-call.dynamodb.Scan", refuse)
    booked = appointment()
    repository.book(booked)
    moved = appointment(start=TEN + timedelta(hours=1), updated_at="2026-11-27T10:00:00.000+00:00")
    repository.reschedule(booked, moved)
    repository.get(ORG, "appt-1")
    repository.of_professional(ORG, PRO, stamp(TEN), stamp(TEN + timedelta(days=1)))
    repository.of_client(ORG, "client-1", stamp(TEN), stamp(TEN + timedelta(days=1)))
    [due] = repository.due_reminders(date(2026, 12, 3), stamp(TEN + timedelta(days=1)))
    repository.claim_reminder(due, "2026-12-02T10:00:00.000+00:00")
    repository.cancel(moved, "2026-11-27T11:00:00.000+00:00")

    with pytest.raises(AssertionError, match="scanned"):
        dynamodb.scan(TableName="BookingsTable")
