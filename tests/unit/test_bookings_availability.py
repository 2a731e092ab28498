"""A professional's free slots over plain data: schedules, breaks, time off, durations and buffers, bookings,
the booking window, and the days the clocks change in Madrid and Santiago."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bookings.appointments.availability import (
    Agenda,
    BookingWindow,
    ServiceLength,
    as_local,
    bookable_slot,
    day_span,
    free_slots,
    grid,
    next_free_slots,
    occupied,
    parse_start,
    time_off_spans,
)
from bookings.appointments.locks import Span
from colmena.errors import InvalidInput

MADRID = ZoneInfo("Europe/Madrid")
SANTIAGO = ZoneInfo("America/Santiago")
MONDAY = date(2026, 11, 30)
WEEKDAYS = {
    day: [{"start": "09:00", "end": "14:00"}, {"start": "16:00", "end": "19:00"}]
    for day in "mon tue wed thu fri".split()
}
HOUR_SLOTS = ServiceLength.of(45, 15)
OPEN = BookingWindow(datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 12, 31, tzinfo=UTC))


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def booked(start: str, minutes: int) -> Span:
    return Span(at(start), at(start) + timedelta(minutes=minutes))


def starts(slots: list[Span], zone: ZoneInfo = MADRID) -> list[str]:
    return [as_local(slot, zone)["start"] for slot in slots]


def madrid(schedule: dict[str, list[dict[str, str]]] = WEEKDAYS, **agenda: tuple[Span, ...]) -> Agenda:
    return Agenda(zone=MADRID, weekly_schedule=schedule, **agenda)


def test_an_empty_day_offers_the_grid_of_duration_plus_buffer_from_each_block_with_the_break_left_out() -> None:
    slots = free_slots(MONDAY, madrid(), HOUR_SLOTS, OPEN)

    assert [s[11:16] for s in starts(slots)] == ["09:00", "10:00", "11:00", "12:00", "13:00", "16:00", "17:00", "18:00"]


def test_a_slot_is_its_duration_and_ends_inside_its_block_while_its_buffer_may_not() -> None:
    slots = free_slots(MONDAY, madrid({"mon": [{"start": "09:00", "end": "10:45"}]}), HOUR_SLOTS, OPEN)

    assert [as_local(s, MADRID) for s in slots] == [
        {"start": "2026-11-30T09:00:00+01:00", "end": "2026-11-30T09:45:00+01:00"},
        {"start": "2026-11-30T10:00:00+01:00", "end": "2026-11-30T10:45:00+01:00"},
    ]


def test_a_day_the_schedule_does_not_list_has_no_slots() -> None:
    assert free_slots(MONDAY - timedelta(days=1), madrid(), HOUR_SLOTS, OPEN) == []


def test_a_booked_appointment_takes_every_slot_whose_time_with_buffer_meets_it() -> None:
    agenda = madrid(booked=(booked("2026-11-30T10:00:00+01:00", 30), booked("2026-11-30T11:30:00+01:00", 30)))

    slots = free_slots(MONDAY, agenda, HOUR_SLOTS, OPEN)

    assert [s[11:16] for s in starts(slots)] == ["09:00", "12:00", "13:00", "16:00", "17:00", "18:00"]


def test_the_buffer_of_a_booked_appointment_keeps_the_next_slot_free_of_it() -> None:
    # Booked 08:15 for 30 minutes plus a 30-minute buffer: the professional is busy until 09:15.
    agenda = madrid({"mon": [{"start": "08:00", "end": "11:00"}]}, booked=(booked("2026-11-30T08:15:00+01:00", 60),))

    slots = free_slots(MONDAY, agenda, HOUR_SLOTS, OPEN)

    assert [s[11:16] for s in starts(slots)] == ["10:00"]


def test_time_off_removes_the_slots_whose_duration_meets_it_but_a_buffer_may_run_into_it() -> None:
    off = time_off_spans([{"start": "2026-11-30T12:45:00+01:00", "end": "2026-11-30T17:00:00+01:00"}], MADRID)

    slots = free_slots(MONDAY, madrid(time_off=off), HOUR_SLOTS, OPEN)

    assert [s[11:16] for s in starts(slots)] == ["09:00", "10:00", "11:00", "12:00", "17:00", "18:00"]


def test_time_off_given_as_dates_covers_whole_local_days_with_the_last_one_included() -> None:
    off = time_off_spans([{"start": "2026-11-30", "end": "2026-12-01"}], MADRID)

    assert off == (Span(at("2026-11-30T00:00:00+01:00"), at("2026-12-02T00:00:00+01:00")),)
    assert free_slots(MONDAY + timedelta(days=1), madrid(time_off=off), HOUR_SLOTS, OPEN) == []
    assert free_slots(MONDAY + timedelta(days=2), madrid(time_off=off), HOUR_SLOTS, OPEN) != []


def test_slots_before_the_window_opens_or_after_it_closes_are_not_offered() -> None:
    window = BookingWindow(at("2026-11-30T10:30:00+01:00"), at("2026-11-30T17:00:00+01:00"))

    slots = free_slots(MONDAY, madrid(), HOUR_SLOTS, window)

    assert [s[11:16] for s in starts(slots)] == ["11:00", "12:00", "13:00", "16:00", "17:00"]


def test_madrid_spring_forward_makes_a_wall_clock_block_an_hour_shorter() -> None:
    sunday = date(2026, 3, 29)
    agenda = madrid({"sun": [{"start": "01:00", "end": "04:00"}]})

    slots = free_slots(sunday, agenda, ServiceLength.of(60), OPEN)

    assert starts(slots) == ["2026-03-29T01:00:00+01:00", "2026-03-29T03:00:00+02:00"]


def test_madrid_fall_back_makes_a_wall_clock_block_an_hour_longer_with_two_slots_at_two() -> None:
    sunday = date(2026, 10, 25)
    agenda = madrid({"sun": [{"start": "01:00", "end": "04:00"}]})

    slots = free_slots(sunday, agenda, ServiceLength.of(60), OPEN)

    assert starts(slots) == [
        "2026-10-25T01:00:00+02:00",
        "2026-10-25T02:00:00+02:00",
        "2026-10-25T02:00:00+01:00",
        "2026-10-25T03:00:00+01:00",
    ]


def test_madrid_ordinary_working_hours_on_a_clock_change_day_keep_their_wall_times() -> None:
    agenda = madrid({"sun": [{"start": "09:00", "end": "12:00"}]})

    slots = free_slots(date(2026, 3, 29), agenda, ServiceLength.of(60), OPEN)

    assert starts(slots) == [f"2026-03-29T{h}:00:00+02:00" for h in ("09", "10", "11")]


def test_santiago_september_midnight_does_not_exist_so_the_day_starts_at_one() -> None:
    sunday = date(2026, 9, 6)
    agenda = Agenda(zone=SANTIAGO, weekly_schedule={"sun": [{"start": "00:00", "end": "03:00"}]})

    slots = free_slots(sunday, agenda, ServiceLength.of(60), OPEN)

    assert starts(slots, SANTIAGO) == ["2026-09-06T01:00:00-03:00", "2026-09-06T02:00:00-03:00"]
    assert day_span(sunday, SANTIAGO).end - day_span(sunday, SANTIAGO).start == timedelta(hours=23)


def test_santiago_april_repeats_the_last_hour_of_saturday_up_to_midnight() -> None:
    saturday = date(2026, 4, 4)
    agenda = Agenda(zone=SANTIAGO, weekly_schedule={"sat": [{"start": "22:00", "end": "24:00"}]})

    slots = free_slots(saturday, agenda, ServiceLength.of(60), OPEN)

    assert starts(slots, SANTIAGO) == [
        "2026-04-04T22:00:00-03:00",
        "2026-04-04T23:00:00-03:00",
        "2026-04-04T23:00:00-04:00",
    ]


def test_a_booking_in_the_repeated_hour_takes_only_the_one_it_is_in() -> None:
    saturday = date(2026, 4, 4)
    agenda = Agenda(
        zone=SANTIAGO,
        weekly_schedule={"sat": [{"start": "22:00", "end": "24:00"}]},
        booked=(booked("2026-04-04T23:00:00-03:00", 60),),
    )

    slots = free_slots(saturday, agenda, ServiceLength.of(60), OPEN)

    assert starts(slots, SANTIAGO) == ["2026-04-04T22:00:00-03:00", "2026-04-04T23:00:00-04:00"]


def test_the_next_free_slots_after_a_taken_one_follow_it_and_cross_into_the_next_working_day() -> None:
    agenda = madrid({"fri": [{"start": "09:00", "end": "11:00"}], "mon": [{"start": "09:00", "end": "11:00"}]})
    taken = at("2026-12-04T09:00:00+01:00")

    slots = next_free_slots(taken, agenda, HOUR_SLOTS, OPEN, count=3)

    assert starts(slots) == ["2026-12-04T10:00:00+01:00", "2026-12-07T09:00:00+01:00", "2026-12-07T10:00:00+01:00"]


def test_a_start_on_the_grid_inside_the_window_is_bookable_as_its_slot() -> None:
    start = parse_start("2026-11-30T11:00:00+01:00")

    assert bookable_slot(start, madrid(), HOUR_SLOTS, OPEN) == booked("2026-11-30T11:00:00+01:00", 45)


def test_the_same_instant_written_with_another_offset_is_the_same_slot() -> None:
    start = parse_start("2026-11-30T10:00:00Z")

    assert bookable_slot(start, madrid(), HOUR_SLOTS, OPEN).start == at("2026-11-30T11:00:00+01:00")


def test_the_second_two_oclock_of_a_fall_back_night_is_bookable_by_its_offset() -> None:
    agenda = madrid({"sun": [{"start": "01:00", "end": "04:00"}]})

    slot = bookable_slot(parse_start("2026-10-25T02:00:00+01:00"), agenda, ServiceLength.of(60), OPEN)

    assert slot.start == at("2026-10-25T01:00:00+00:00")


@pytest.mark.parametrize("text", ["2026-11-30T11:00:00", "2026-11-30", "tomorrow at eleven", "2026-11-30T25:00+01:00"])
def test_a_start_without_an_offset_or_not_a_date_and_time_is_refused_naming_start(text: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_start(text)

    assert refused.value.field == "start"


def test_a_start_off_the_grid_is_refused() -> None:
    with pytest.raises(InvalidInput, match="not one of the professional's slots"):
        bookable_slot(parse_start("2026-11-30T11:15:00+01:00"), madrid(), HOUR_SLOTS, OPEN)


def test_a_start_in_the_break_is_refused() -> None:
    with pytest.raises(InvalidInput, match="not one of the professional's slots"):
        bookable_slot(parse_start("2026-11-30T14:00:00+01:00"), madrid(), HOUR_SLOTS, OPEN)


def test_a_start_outside_the_booking_window_is_refused() -> None:
    window = BookingWindow.from_now(at("2026-12-01T00:00:00+00:00"), horizon_days=30)

    with pytest.raises(InvalidInput, match="start must be between"):
        bookable_slot(parse_start("2026-11-30T11:00:00+01:00"), madrid(), HOUR_SLOTS, window)


def test_a_service_longer_than_the_locks_can_hold_is_refused() -> None:
    with pytest.raises(InvalidInput, match="at most 240 minutes"):
        ServiceLength.of(200, 45)


def test_a_wall_time_that_is_not_hh_mm_is_refused() -> None:
    with pytest.raises(InvalidInput, match="not a time of day"):
        free_slots(MONDAY, madrid({"mon": [{"start": "9am", "end": "14:00"}]}), HOUR_SLOTS, OPEN)


ZONES = st.sampled_from([MADRID, SANTIAGO, ZoneInfo("UTC"), ZoneInfo("America/New_York")])
DAYS = st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 12, 31))
FIVES = st.integers(min_value=0, max_value=24 * 12).map(lambda n: f"{n // 12:02d}:{n % 12 * 5:02d}")
BLOCKS = st.lists(st.fixed_dictionaries({"start": FIVES, "end": FIVES}), max_size=3)
LENGTHS = st.builds(ServiceLength.of, st.integers(1, 24).map(lambda n: n * 5), st.integers(0, 6).map(lambda n: n * 5))


@given(zone=ZONES, day=DAYS, blocks=BLOCKS, length=LENGTHS, data=st.data())
def test_no_free_slot_meets_a_booked_appointment_or_lies_outside_the_schedule(
    zone: ZoneInfo, day: date, blocks: list[dict[str, str]], length: ServiceLength, data: st.DataObject
) -> None:
    schedule = {"mon tue wed thu fri sat sun".split()[day.weekday()]: blocks}
    whole_day = day_span(day, zone)
    minutes = st.integers(0, int((whole_day.end - whole_day.start).total_seconds() // 300)).map(
        lambda n: whole_day.start + timedelta(minutes=5 * n)
    )
    taken = tuple(
        Span(s, s + timedelta(minutes=5 * n)) for s, n in data.draw(st.lists(st.tuples(minutes, st.integers(1, 30))))
    )

    slots = free_slots(day, Agenda(zone, schedule, booked=taken), length, OPEN)

    everything = list(grid(day, zone, schedule, length))
    for slot in slots:
        assert slot in everything
        assert not any(occupied(slot, length).overlaps(busy) for busy in taken)
        assert slot.start.astimezone(zone).date() == day
