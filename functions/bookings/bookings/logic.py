"""Bookings' rules over plain data for the catalogue: what a weekly schedule and a professional's time off
may be. The availability arithmetic that reads them lives in bookings.appointments."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from itertools import pairwise

from bookings.models import WEEKDAYS, TimeOff, TimeRange

_CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
# More ranges than this in a day is a mistake, not a schedule (a break every half hour is 24).
MAX_RANGES_PER_DAY = 24
MAX_TIME_OFF = 200


def minutes_of(clock: str) -> int:
    """Minutes since midnight of an "HH:MM" time (00:00 to 23:59); ValueError for anything else."""
    if not _CLOCK.match(clock):
        raise ValueError(f"{clock!r} is not a time of day as HH:MM (00:00 to 23:59)")
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def weekly_schedule(days: Mapping[str, Sequence[TimeRange]]) -> dict[str, tuple[TimeRange, ...]]:
    """The schedule with each day's ranges in order, once checked: days are mon..sun, every time is HH:MM,
    each range starts before it ends, and no two ranges of a day overlap (touching is fine: 09:00-14:00 and
    14:00-18:00 is one stretch written in two). A break is the gap between two ranges. ValueError names the
    day and the range that breaks a rule."""
    schedule: dict[str, tuple[TimeRange, ...]] = {}
    for day, ranges in days.items():
        if day not in WEEKDAYS:
            raise ValueError(f"{day!r} is not a day; use {', '.join(WEEKDAYS)}")
        if ranges:
            schedule[day] = _day(day, ranges)
    return {day: schedule[day] for day in WEEKDAYS if day in schedule}


def _day(day: str, ranges: Sequence[TimeRange]) -> tuple[TimeRange, ...]:
    if len(ranges) > MAX_RANGES_PER_DAY:
        raise ValueError(f"{day}: at most {MAX_RANGES_PER_DAY} ranges a day")
    for time_range in ranges:
        if minutes_of(time_range.end) <= minutes_of(time_range.start):
            raise ValueError(f"{day}: {time_range.start}-{time_range.end} must start before it ends")
    ordered = sorted(ranges, key=lambda r: minutes_of(r.start))
    for earlier, later in pairwise(ordered):
        if minutes_of(later.start) < minutes_of(earlier.end):
            raise ValueError(f"{day}: {earlier.start}-{earlier.end} and {later.start}-{later.end} overlap")
    return tuple(ordered)


def instant(text: str) -> datetime:
    """An ISO 8601 date and time with its offset; ValueError without one (a local time names no instant)."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not an ISO 8601 date and time, such as 2026-12-24T09:00:00+01:00") from None
    if moment.tzinfo is None:
        raise ValueError(f"{text!r} has no offset; write it as 2026-12-24T09:00:00+01:00")
    return moment


def time_off(periods: Sequence[TimeOff]) -> tuple[TimeOff, ...]:
    """The periods in order of their start, once checked: ISO 8601 instants with an offset, each starting
    before it ends. Overlapping periods are allowed (a holiday inside a leave): both are simply not worked."""
    if len(periods) > MAX_TIME_OFF:
        raise ValueError(f"at most {MAX_TIME_OFF} periods of time off")
    for period in periods:
        if instant(period.end) <= instant(period.start):
            raise ValueError(f"{period.start} to {period.end} must start before it ends")
    return tuple(sorted(periods, key=lambda period: instant(period.start)))
