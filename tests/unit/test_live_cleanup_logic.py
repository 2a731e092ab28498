"""The scheduled cleanup's rules, as plain functions: when a live session is idle and when a scheduled one is
overdue, measured against a cutoff in the stored time format."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from live.logic import cancel_due_from, cutoff, idle_before, is_idle, is_overdue, records_activity
from live.models import Session, SessionStatus
from live.settings import CleanupSettings

CREATED = "2026-11-25T10:00:00.000+00:00"
FOUR_HOURS = timedelta(hours=4)
moments = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)).map(
    lambda moment: moment.isoformat(timespec="milliseconds")
)


def session(status: SessionStatus, **fields: object) -> Session:
    return Session("s-1", "dj", "Friday", status, CREATED, **fields)  # type: ignore[arg-type]


def test_the_cutoff_is_the_given_time_before_now_in_the_stored_format() -> None:
    assert cutoff("2026-11-25T14:00:00.000+00:00", FOUR_HOURS) == "2026-11-25T10:00:00.000+00:00"


@given(moments, moments)
def test_text_order_of_a_cutoff_and_a_stored_time_is_their_time_order(now: str, other: str) -> None:
    limit = cutoff(now, FOUR_HOURS)

    assert (other < limit) == (datetime.fromisoformat(other) < datetime.fromisoformat(limit))


def test_the_idle_cutoff_waits_the_minute_of_activity_that_is_not_recorded() -> None:
    assert idle_before("2026-11-25T14:00:00.000+00:00", FOUR_HOURS) == "2026-11-25T09:59:00.000+00:00"


def test_activity_is_recorded_when_the_recorded_one_is_over_a_minute_old() -> None:
    quiet = session(SessionStatus.LIVE, last_activity_at="2026-11-25T10:00:00.000+00:00")

    assert records_activity(quiet, "2026-11-25T10:01:00.001+00:00")
    assert not records_activity(quiet, "2026-11-25T10:01:00.000+00:00")


def test_a_session_with_no_recorded_activity_counts_from_its_start() -> None:
    started = session(SessionStatus.LIVE, started_at="2026-11-25T12:00:00.000+00:00")

    assert not records_activity(started, "2026-11-25T12:00:30.000+00:00")


def test_a_live_session_with_no_activity_since_the_cutoff_is_idle() -> None:
    quiet = session(SessionStatus.LIVE, started_at=CREATED, last_activity_at="2026-11-25T10:30:00.000+00:00")

    assert is_idle(quiet, "2026-11-25T10:30:00.001+00:00")


def test_a_live_session_with_activity_at_or_after_the_cutoff_is_not_idle() -> None:
    busy = session(SessionStatus.LIVE, started_at=CREATED, last_activity_at="2026-11-25T14:00:00.000+00:00")

    assert not is_idle(busy, "2026-11-25T14:00:00.000+00:00")


@pytest.mark.parametrize("status", [SessionStatus.SCHEDULED, SessionStatus.ENDED])
def test_only_a_live_session_can_be_idle(status: SessionStatus) -> None:
    assert not is_idle(session(status, last_activity_at=CREATED), "2030-01-01T00:00:00.000+00:00")


def test_a_scheduled_session_past_its_time_by_the_cutoff_is_overdue() -> None:
    late = session(SessionStatus.SCHEDULED, scheduled_for="2026-11-26T20:00:00.000+00:00")

    assert is_overdue(late, "2026-11-26T20:00:00.001+00:00")
    assert not is_overdue(late, "2026-11-26T20:00:00.000+00:00")


def test_a_scheduled_session_without_a_time_is_measured_from_its_creation() -> None:
    assert cancel_due_from(session(SessionStatus.SCHEDULED)) == CREATED


def test_a_session_scheduled_before_it_was_created_is_measured_from_its_creation() -> None:
    backdated = session(SessionStatus.SCHEDULED, scheduled_for="2026-11-20T10:00:00.000+00:00")

    assert cancel_due_from(backdated) == CREATED


@pytest.mark.parametrize("status", [SessionStatus.LIVE, SessionStatus.ENDED])
def test_only_a_scheduled_session_can_be_overdue(status: SessionStatus) -> None:
    assert not is_overdue(session(status, scheduled_for=CREATED), "2030-01-01T00:00:00.000+00:00")


def test_the_thresholds_are_whole_minutes_from_the_environment() -> None:
    settings = CleanupSettings.from_env({"LIVE_IDLE_AFTER_MINUTES": "240", "LIVE_CANCEL_AFTER_MINUTES": "1440"})

    assert (settings.idle_after, settings.cancel_after) == (FOUR_HOURS, timedelta(hours=24))


@pytest.mark.parametrize("minutes", ["0", "-5", "4h", "1.5"])
def test_a_threshold_that_is_not_a_positive_number_of_minutes_is_refused(minutes: str) -> None:
    with pytest.raises(ValueError, match="LIVE_IDLE_AFTER_MINUTES"):
        CleanupSettings.from_env({"LIVE_IDLE_AFTER_MINUTES": minutes, "LIVE_CANCEL_AFTER_MINUTES": "1440"})
