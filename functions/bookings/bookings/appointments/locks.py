"""Slot locks: what makes "exactly one booking per slot" hold under any concurrency.

An appointment holds one lock item per GRANULE of time its service occupies (the duration plus the buffer
after it, widened outwards to whole granules), and every lock is written with attribute_not_exists in the
same DynamoDB transaction as the appointment. Two appointments of one professional whose occupied times
overlap share at least one granule, so of two concurrent transactions at most one can commit, whatever the
two services' grids are. Rescheduling keeps the granules the old and new times share (one transaction
cannot touch an item twice), releases the old-only ones and claims the new-only ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

GRANULE = timedelta(minutes=5)
# DynamoDB's TransactWriteItems takes at most 100 items. A reschedule to a time that shares nothing with the
# old one releases every old lock and claims every new one, beside the appointment itself: 2 x 49 + 1 = 99.
MAX_GRANULES = 49
MAX_OCCUPIED = GRANULE * MAX_GRANULES


@dataclass(frozen=True, order=True)
class Span:
    """A half-open stretch of time [start, end) between two aware datetimes."""

    start: datetime
    end: datetime

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end


def granules(occupied: Span) -> tuple[datetime, ...]:
    """The UTC starts of the granules `occupied` touches: from its start rounded down to its end rounded up."""
    first = _floor(occupied.start.astimezone(UTC))
    end = occupied.end.astimezone(UTC)
    count = max(0, -(-(end - first) // GRANULE))
    return tuple(first + GRANULE * index for index in range(count))


def lock_pk(organization_id: str, professional_id: str, granule: datetime) -> str:
    """One lock item's key: text order is time order, and nothing of another professional can collide."""
    return f"LOCK#{organization_id}#{professional_id}#{granule.astimezone(UTC):%Y-%m-%dT%H:%M}Z"


@dataclass(frozen=True)
class LockMove:
    """What a reschedule does to the locks, as one transaction: release the old-only granules, claim the
    new-only ones (each conditional on being free), and keep those both times share (each conditional on
    still being the appointment's own)."""

    release: tuple[datetime, ...]
    keep: tuple[datetime, ...]
    claim: tuple[datetime, ...]


def lock_move(old: Span, new: Span) -> LockMove:
    before, after = granules(old), granules(new)
    shared = set(before) & set(after)
    return LockMove(
        release=tuple(g for g in before if g not in shared),
        keep=tuple(g for g in before if g in shared),
        claim=tuple(g for g in after if g not in shared),
    )


def _floor(moment: datetime) -> datetime:
    midnight = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight + (moment - midnight) // GRANULE * GRANULE
