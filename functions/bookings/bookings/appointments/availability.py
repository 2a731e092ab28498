"""A professional's free slots, over plain data.

The weekly schedule is wall-clock time in the organisation's zone ({"mon": [{"start": "09:00", "end": "14:00"},
...]}, breaks being the gaps between blocks). Each block becomes a stretch of real time on the day asked for,
through zoneinfo, so a block across a daylight-saving change is as long as the clocks make it: Madrid's
01:00-04:00 lasts two hours on the last Sunday of March and four on the last Sunday of October, and a wall time
that does not exist that day (Santiago's midnight in September) means the instant just after the gap, as
zoneinfo's fold=0 gives it. Slots follow a grid from each block's start, one step of the service's duration
plus buffer in real time, and a slot must end (its duration, not its buffer) inside the block.

A slot is free when its duration does not meet the professional's time off and its occupied time (duration
plus buffer) shares no lock granule with a booked appointment's occupied time: exactly the test the lock
items apply, so a slot listed as free is one a booking can take."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bookings.appointments.locks import GRANULE, MAX_GRANULES, Span, granules
from colmena.errors import InvalidInput

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WeeklySchedule = Mapping[str, Sequence[Mapping[str, str]]]

_WALL_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$|^24:00$")


@dataclass(frozen=True)
class ServiceLength:
    duration: timedelta
    buffer: timedelta

    @classmethod
    def of(cls, duration_minutes: int, buffer_minutes: int = 0) -> ServiceLength:
        length = cls(timedelta(minutes=duration_minutes), timedelta(minutes=buffer_minutes))
        if duration_minutes <= 0 or buffer_minutes < 0:
            raise InvalidInput("a service lasts at least a minute and its buffer is not negative", "service_id")
        # A start off the granule grid touches one granule more than the step's own count.
        if -(-length.step // GRANULE) + 1 > MAX_GRANULES:
            raise InvalidInput("a service's duration plus buffer is at most 240 minutes", "service_id")
        return length

    @property
    def step(self) -> timedelta:
        return self.duration + self.buffer


@dataclass(frozen=True)
class Agenda:
    """What decides a professional's free time: the weekly schedule and time off, and the occupied spans
    (start to end plus buffer) of the appointments booked around the days asked about."""

    zone: ZoneInfo
    weekly_schedule: WeeklySchedule
    time_off: tuple[Span, ...] = ()
    booked: tuple[Span, ...] = ()


@dataclass(frozen=True)
class BookingWindow:
    """The starts a client may book: from `earliest` (now, or now plus a notice) to `latest` (the horizon)."""

    earliest: datetime
    latest: datetime

    @classmethod
    def from_now(cls, now: datetime, horizon_days: int, notice: timedelta = timedelta(0)) -> BookingWindow:
        return cls(now + notice, now + timedelta(days=horizon_days))

    def admits(self, start: datetime) -> bool:
        return self.earliest <= start <= self.latest


def wall_moment(day: date, wall_time: str, zone: ZoneInfo) -> datetime:
    """The UTC instant of `wall_time` ("HH:MM", or "24:00" for the next midnight) on `day` in `zone`."""
    if not _WALL_TIME.match(wall_time):
        raise InvalidInput(f"{wall_time!r} is not a time of day as HH:MM", "weekly_schedule")
    if wall_time == "24:00":
        day, wall_time = day + timedelta(days=1), "00:00"
    hours, minutes = (int(part) for part in wall_time.split(":"))
    return datetime.combine(day, time(hours, minutes), tzinfo=zone).astimezone(UTC)


def day_span(day: date, zone: ZoneInfo) -> Span:
    """The local day as real time: 23, 24 or 25 hours, from the first instant of `day` to that of the next."""
    return Span(wall_moment(day, "00:00", zone), wall_moment(day + timedelta(days=1), "00:00", zone))


def working_spans(day: date, zone: ZoneInfo, weekly_schedule: WeeklySchedule) -> list[Span]:
    blocks = weekly_schedule.get(WEEKDAYS[day.weekday()], ())
    spans = (Span(wall_moment(day, b["start"], zone), wall_moment(day, b["end"], zone)) for b in blocks)
    return sorted(span for span in spans if span.start < span.end)


def grid(day: date, zone: ZoneInfo, weekly_schedule: WeeklySchedule, length: ServiceLength) -> Iterator[Span]:
    """Every slot (its duration, without the buffer) the schedule allows on `day`, booked or not."""
    for block in working_spans(day, zone, weekly_schedule):
        start = block.start
        while start + length.duration <= block.end:
            yield Span(start, start + length.duration)
            start += length.step


def free_slots(day: date, agenda: Agenda, length: ServiceLength, window: BookingWindow) -> list[Span]:
    taken = _taken_granules(agenda.booked)
    return [
        slot
        for slot in grid(day, agenda.zone, agenda.weekly_schedule, length)
        if window.admits(slot.start) and _free(slot, agenda, length, taken)
    ]


def next_free_slots(
    after: datetime, agenda: Agenda, length: ServiceLength, window: BookingWindow, count: int = 3, days: int = 7
) -> list[Span]:
    """The first `count` free slots starting after `after`, looking at most `days` local days ahead: what a
    409 offers instead of a slot just taken. `agenda.booked` must cover those days."""
    first_day = after.astimezone(agenda.zone).date()
    found: list[Span] = []
    for offset in range(days):
        later = (s for s in free_slots(first_day + timedelta(days=offset), agenda, length, window) if s.start > after)
        found.extend(later)
        if len(found) >= count:
            break
    return found[:count]


def parse_start(text: str, field: str = "start") -> datetime:
    """An ISO 8601 date and time with its offset, as a UTC datetime; InvalidInput otherwise (no offset, a date
    alone, anything unreadable)."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{text!r} is not an ISO 8601 date and time", field) from None
    if moment.tzinfo is None:
        raise InvalidInput(f"{text!r} has no UTC offset (write it as 2026-11-26T10:00:00+01:00)", field)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise InvalidInput(f"{text!r} is outside the times this calendar holds", field) from None


def bookable_slot(start: datetime, agenda: Agenda, length: ServiceLength, window: BookingWindow) -> Span:
    """The slot that starts at `start`, when a client may ask for it at all: inside the booking window and on
    the professional's grid for that service. Whether it is still free is for the locks to say."""
    if not window.admits(start):
        raise InvalidInput(
            f"start must be between {window.earliest.isoformat(timespec='minutes')} and "
            f"{window.latest.isoformat(timespec='minutes')}",
            "start",
        )
    day = start.astimezone(agenda.zone).date()
    for slot in grid(day, agenda.zone, agenda.weekly_schedule, length):
        if slot.start == start:
            return slot
    raise InvalidInput("start is not one of the professional's slots for this service on that day", "start")


def is_free(slot: Span, agenda: Agenda, length: ServiceLength) -> bool:
    return _free(slot, agenda, length, _taken_granules(agenda.booked))


def occupied(slot: Span, length: ServiceLength) -> Span:
    """The time an appointment keeps the professional: its duration and the buffer after it."""
    return Span(slot.start, slot.start + length.step)


def time_off_spans(entries: Iterable[Mapping[str, str]], zone: ZoneInfo) -> tuple[Span, ...]:
    """Time off as stored: each entry's `start` and `end` either dates (whole local days, the end included)
    or ISO 8601 date-times (with an offset, or else read in the organisation's zone)."""
    return tuple(Span(_bound(e["start"], zone, end=False), _bound(e["end"], zone, end=True)) for e in entries)


def as_local(slot: Span, zone: ZoneInfo) -> dict[str, str]:
    """A slot as the API answers it: ISO 8601 with the organisation's offset at each instant."""
    return {
        "start": slot.start.astimezone(zone).isoformat(timespec="seconds"),
        "end": slot.end.astimezone(zone).isoformat(timespec="seconds"),
    }


def _bound(text: str, zone: ZoneInfo, *, end: bool) -> datetime:
    if len(text) == 10:
        day = date.fromisoformat(text)
        return wall_moment(day + timedelta(days=1) if end else day, "00:00", zone)
    moment = datetime.fromisoformat(text)
    return (moment if moment.tzinfo else moment.replace(tzinfo=zone)).astimezone(UTC)


def _taken_granules(booked: Iterable[Span]) -> set[datetime]:
    return {granule for span in booked for granule in granules(span)}


def _free(slot: Span, agenda: Agenda, length: ServiceLength, taken: set[datetime]) -> bool:
    if any(slot.overlaps(off) for off in agenda.time_off):
        return False
    return taken.isdisjoint(granules(occupied(slot, length)))
