"""Live's scheduled cleanup, driven with its sample event (a scheduled event as EventBridge sends it) against
moto and the seeded records: the idle live session ends, the overdue scheduled one is cancelled."""

from __future__ import annotations

import json
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

from colmena.errors import InvalidEvent
from tests.live_seed import IDLE, LIVE, NO_VOTING, OVERDUE, SCHEDULED, seed_live
from tools.handlers import LambdaContext, sample_event
from tools.template import ROOT

SAMPLE = ROOT / "events" / "live_cleanup" / "scheduled.json"


@pytest.fixture
def cleanup(load_handler: Callable[[str], ModuleType], dynamodb: Any, published: Any) -> ModuleType:
    seed_live(dynamodb)
    return load_handler("LiveCleanupFunction")


def metrics_in(output: str) -> dict[str, Any]:
    """The metrics the function's EMF log lines report, by name (EMF may carry a value as a list of one)."""
    values: dict[str, Any] = {}
    for line in output.splitlines():
        if line.startswith("{") and "_aws" in line:
            record = json.loads(line)
            for metric in record["_aws"]["CloudWatchMetrics"][0]["Metrics"]:
                value = record[metric["Name"]]
                values[metric["Name"]] = sum(value) if isinstance(value, list) else value
    return values


def test_the_sample_ends_the_idle_session_and_cancels_the_overdue_one(
    cleanup: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    result = cleanup.lambda_handler(sample_event(SAMPLE), LambdaContext())

    assert result == {
        "ended": 1,
        "cancelled": 1,
        "ended_sessions": [IDLE],
        "cancelled_sessions": [OVERDUE],
        "announced_late_sessions": [],
    }
    assert metrics_in(capsys.readouterr().out) == {
        "SessionsEndedIdle": 1.0,
        "SessionsCancelled": 1.0,
        "SessionEndsAnnouncedLate": 0.0,
    }


def test_the_sessions_with_recent_activity_or_a_future_time_are_left_as_they_were(cleanup: ModuleType) -> None:
    cleanup.lambda_handler(sample_event(SAMPLE), LambdaContext())

    for session_id, status in ((LIVE, "live"), (NO_VOTING, "live"), (SCHEDULED, "scheduled")):
        assert cleanup.repository.get_session(session_id).status == status


def test_a_second_run_finds_nothing_left_to_end(cleanup: ModuleType, capsys: pytest.CaptureFixture[str]) -> None:
    cleanup.lambda_handler(sample_event(SAMPLE), LambdaContext())
    capsys.readouterr()

    result = cleanup.lambda_handler(sample_event(SAMPLE), LambdaContext())

    assert (result["ended"], result["cancelled"]) == (0, 0)
    assert metrics_in(capsys.readouterr().out) == {
        "SessionsEndedIdle": 0.0,
        "SessionsCancelled": 0.0,
        "SessionEndsAnnouncedLate": 0.0,
    }


def test_an_event_that_is_not_a_scheduled_event_is_refused(cleanup: ModuleType) -> None:
    event = {**sample_event(SAMPLE), "detail-type": "organization.activated", "source": "colmena.bookings"}

    with pytest.raises(InvalidEvent, match="scheduled event"):
        cleanup.lambda_handler(event, LambdaContext())
