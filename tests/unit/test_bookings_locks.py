"""The slot locks over plain data: any sequence of bookings, cancellations and reschedules, each applied as the
all-or-nothing transaction the repository writes, never leaves two appointments of one professional meeting."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bookings.appointments.locks import GRANULE, Span, granules, lock_move, lock_pk

MIDNIGHT = datetime(2026, 11, 30, tzinfo=UTC)


@dataclass
class LockTable:
    """The lock items of one professional as DynamoDB holds them, changed only by whole transactions whose
    every condition holds: what the repository's TransactWriteItems does, without the network."""

    owner: dict[datetime, str] = field(default_factory=dict)
    appointments: dict[str, Span] = field(default_factory=dict)

    def book(self, appointment_id: str, span: Span) -> bool:
        claim = granules(span)
        if any(granule in self.owner for granule in claim):
            return False
        self.owner.update(dict.fromkeys(claim, appointment_id))
        self.appointments[appointment_id] = span
        return True

    def cancel(self, appointment_id: str) -> None:
        for granule in granules(self.appointments.pop(appointment_id)):
            assert self.owner.pop(granule) == appointment_id

    def reschedule(self, appointment_id: str, span: Span) -> bool:
        move = lock_move(self.appointments[appointment_id], span)
        touched = [*move.release, *move.keep, *move.claim]
        assert len(touched) == len(set(touched)), "a transaction may touch each item once"
        if any(g in self.owner for g in move.claim) or any(self.owner.get(g) != appointment_id for g in move.keep):
            return False
        for granule in move.release:
            assert self.owner.pop(granule) == appointment_id
        self.owner.update(dict.fromkeys(move.claim, appointment_id))
        self.appointments[appointment_id] = span
        return True


def spans(resolution_minutes: int) -> st.SearchStrategy[Span]:
    starts = st.integers(0, 8 * 60 // resolution_minutes).map(
        lambda n: MIDNIGHT + timedelta(minutes=n * resolution_minutes)
    )
    lengths = st.integers(1, 120 // resolution_minutes).map(lambda n: timedelta(minutes=n * resolution_minutes))
    return st.builds(lambda start, length: Span(start, start + length), starts, lengths)


def operations(resolution_minutes: int) -> st.SearchStrategy[list[tuple[str, int, Span]]]:
    kinds = st.sampled_from(["book", "book", "cancel", "reschedule"])
    return st.lists(st.tuples(kinds, st.integers(0, 20), spans(resolution_minutes)), max_size=40)


Outcome = tuple[str, Span, bool, dict[str, Span]]


def run(table: LockTable, steps: list[tuple[str, int, Span]]) -> list[Outcome]:
    """Applies each step (the index picks one of the booked appointments); returns, for each booking or
    reschedule, what it asked for, whether it went through, and the other appointments booked at the time."""
    outcomes: list[Outcome] = []
    for number, (kind, pick, span) in enumerate(steps):
        booked = sorted(table.appointments)
        if kind == "book":
            before = dict(table.appointments)
            outcomes.append((kind, span, table.book(f"a{number}", span), before))
        elif booked and kind == "cancel":
            table.cancel(booked[pick % len(booked)])
        elif booked:
            chosen = booked[pick % len(booked)]
            others = {k: v for k, v in table.appointments.items() if k != chosen}
            outcomes.append((kind, span, table.reschedule(chosen, span), others))
    return outcomes


@given(operations(resolution_minutes=1))
def test_no_two_appointments_of_one_professional_ever_overlap(steps: list[tuple[str, int, Span]]) -> None:
    table = LockTable()

    run(table, steps)

    held = sorted(table.appointments.values())
    assert all(not a.overlaps(b) for i, a in enumerate(held) for b in held[i + 1 :])


@given(operations(resolution_minutes=1))
def test_the_locks_held_are_exactly_the_granules_of_the_appointments_still_booked(
    steps: list[tuple[str, int, Span]],
) -> None:
    table = LockTable()

    run(table, steps)

    expected = {g: appointment for appointment, span in table.appointments.items() for g in granules(span)}
    assert table.owner == expected


@given(operations(resolution_minutes=5))
def test_on_the_five_minute_grid_a_booking_or_reschedule_is_refused_only_when_it_meets_another(
    steps: list[tuple[str, int, Span]],
) -> None:
    table = LockTable()

    outcomes = run(table, steps)

    for _, span, done, others in outcomes:
        assert done == (not any(span.overlaps(other) for other in others.values()))


def test_an_appointment_holds_the_granules_its_time_touches_widened_to_whole_granules() -> None:
    span = Span(MIDNIGHT + timedelta(minutes=9), MIDNIGHT + timedelta(minutes=21))

    assert granules(span) == tuple(MIDNIGHT + GRANULE * n for n in (1, 2, 3, 4))


def test_moving_an_appointment_by_a_granule_keeps_what_both_times_share() -> None:
    old = Span(MIDNIGHT, MIDNIGHT + timedelta(minutes=15))

    move = lock_move(old, Span(old.start + GRANULE, old.end + GRANULE))

    assert (move.release, move.keep, move.claim) == (
        (MIDNIGHT,),
        (MIDNIGHT + GRANULE, MIDNIGHT + 2 * GRANULE),
        (MIDNIGHT + 3 * GRANULE,),
    )


def test_a_lock_key_names_the_organisation_the_professional_and_the_granule_in_utc() -> None:
    granule = datetime.fromisoformat("2026-11-30T10:05:00+01:00")

    assert lock_pk("org-1", "pro-1", granule) == "LOCK#org-1#pro-1#2026-11-30T09:05Z"
