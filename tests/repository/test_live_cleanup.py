"""Live's scheduled cleanup against moto, on the table built from template.yaml: what it ends, what it
leaves, and that two runs at once end each session once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest

from colmena.errors import Conflict
from colmena.events import EventPublisher
from colmena.repository import ConditionFailed
from live import service
from live.models import EndReason, MessageType, Session, SessionStatus, Song
from live.repository import LiveRepository
from tests.live_api import bus_refusing
from tests.repository import test_live_repository as live

# The same fixtures as the rest of Live's repository tests (atomic_calls comes from conftest.py).
repository = live.repository
publisher = live.publisher

STARTED = "2026-11-25T10:00:00.000+00:00"
NOW = "2026-11-25T15:00:00.000+00:00"  # five hours later
RECENT = "2026-11-25T14:30:00.000+00:00"
IDLE_AFTER = timedelta(hours=4)
CANCEL_AFTER = timedelta(hours=24)


def started(repository: LiveRepository, session_id: str, at: str = STARTED) -> Session:
    session = Session(session_id, "dj-1", "Friday", SessionStatus.SCHEDULED, at)
    repository.create_session(session)
    return repository.start_session(session, at)


def scheduled(repository: LiveRepository, session_id: str, scheduled_for: str | None) -> Session:
    session = Session(
        session_id,
        "dj-1",
        "Later",
        SessionStatus.SCHEDULED,
        "2026-11-20T09:00:00.000+00:00",
        scheduled_for=scheduled_for,
    )
    repository.create_session(session)
    return session


def clean_up(repository: LiveRepository, publisher: EventPublisher, now: str = NOW) -> service.Cleanup:
    return service.clean_up(repository, publisher, now, IDLE_AFTER, CANCEL_AFTER)


def every_event(published: Any) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    while batch := published():
        events += batch
    return events


def ended_events(published: Any) -> list[str]:
    return [e["detail"]["data"]["session_id"] for e in every_event(published) if e["detail-type"] == "session.ended"]


def system_messages(repository: LiveRepository, session_id: str) -> list[str]:
    page = repository.messages(session_id, 100, None)
    return [message.text for message in page.items if message.type is MessageType.SYSTEM]


def test_a_live_session_idle_for_four_hours_is_ended_with_a_message_and_an_event(
    repository: LiveRepository, publisher: EventPublisher, published: Any
) -> None:
    started(repository, "idle")

    result = clean_up(repository, publisher)

    session = repository.get_session("idle")
    assert result.ended == ["idle"] and result.cancelled == []
    assert session is not None
    assert (session.status, session.end_reason, session.ended_at) == (SessionStatus.ENDED, EndReason.IDLE, NOW)
    assert "The session has ended after 4 hours without activity" in system_messages(repository, "idle")
    [event] = [e for e in every_event(published) if e["detail-type"] == "session.ended"]
    assert event["detail"]["data"] == {
        "session_id": "idle",
        "dj_id": "dj-1",
        "ended_at": NOW,
        "reason": "idle",
    }


def test_a_live_session_with_recent_activity_is_left_live(
    repository: LiveRepository, publisher: EventPublisher
) -> None:
    started(repository, "busy")
    repository.record_activity("busy", RECENT, stale_before=RECENT)

    result = clean_up(repository, publisher)

    session = repository.get_session("busy")
    assert result.ended == [] and session is not None and session.status is SessionStatus.LIVE


def test_activity_between_the_cleanup_reading_a_session_and_ending_it_keeps_it_live(
    repository: LiveRepository, publisher: EventPublisher, monkeypatch: pytest.MonkeyPatch, published: Any
) -> None:
    started(repository, "s-1")
    candidates = repository.idle_live_sessions

    def read_then_someone_chats(idle_cutoff: str) -> list[Session]:
        found = candidates(idle_cutoff)
        repository.record_activity("s-1", RECENT, stale_before=RECENT)
        return found

    monkeypatch.setattr(repository, "idle_live_sessions", read_then_someone_chats)

    result = clean_up(repository, publisher)

    session = repository.get_session("s-1")
    assert result.ended == [] and session is not None and session.status is SessionStatus.LIVE
    assert system_messages(repository, "s-1") == [] and ended_events(published) == []


def test_a_session_whose_recorded_activity_is_just_over_four_hours_old_is_left_live(
    repository: LiveRepository, publisher: EventPublisher
) -> None:
    # Activity in the minute after the recorded one is not recorded, so "4 hours idle" waits that minute too.
    started(repository, "s-1")
    repository.record_activity("s-1", "2026-11-25T10:59:30.000+00:00", stale_before=NOW)

    assert clean_up(repository, publisher).ended == []


def test_a_cleanup_between_a_votes_recorded_activity_and_its_write_leaves_the_session_live(
    repository: LiveRepository, publisher: EventPublisher, monkeypatch: pytest.MonkeyPatch
) -> None:
    started(repository, "s-1")
    position = repository.next_position("s-1", STARTED)
    repository.add_song(Song("s-1", "song-1", "Title", "Artist", position, "dj-1", STARTED))
    write_vote = repository.write_vote

    def cleanup_runs_then_the_vote_is_written(*args: Any) -> None:
        clean_up(repository, publisher)
        write_vote(*args)

    monkeypatch.setattr(repository, "write_vote", cleanup_runs_then_the_vote_is_written)

    song, _ = service.vote(repository, publisher, "s-1", "song-1", "dj-1", 1, NOW)

    session = repository.get_session("s-1")
    assert session is not None and session.status is SessionStatus.LIVE
    assert song.score == 1


def test_ending_for_idleness_is_refused_once_the_session_saw_activity_after_the_cutoff(
    repository: LiveRepository,
) -> None:
    session = started(repository, "s-1")
    repository.record_activity("s-1", RECENT, stale_before=RECENT)

    with pytest.raises(ConditionFailed):
        repository.end_idle_session(session, "2026-11-25T11:00:00.000+00:00", NOW)


def test_two_cleanups_at_once_end_each_idle_session_once(
    repository: LiveRepository, publisher: EventPublisher, published: Any, atomic_calls: None
) -> None:
    sessions = [f"s-{n}" for n in range(6)]
    for session_id in sessions:
        started(repository, session_id)

    with ThreadPoolExecutor(max_workers=2) as pool:
        first, second = pool.map(lambda _: clean_up(repository, publisher), range(2))

    assert sorted(first.ended + second.ended) == sessions
    assert sorted(ended_events(published)) == sessions
    for session_id in sessions:
        assert system_messages(repository, session_id) == ["The session has ended after 4 hours without activity"]


def test_a_scheduled_session_a_day_past_its_time_is_cancelled(
    repository: LiveRepository, publisher: EventPublisher, published: Any
) -> None:
    scheduled(repository, "overdue", "2026-11-24T14:00:00.000+00:00")

    result = clean_up(repository, publisher)

    session = repository.get_session("overdue")
    assert result.cancelled == ["overdue"] and result.ended == []
    assert session is not None and (session.status, session.end_reason) == (SessionStatus.ENDED, EndReason.NOT_STARTED)
    assert system_messages(repository, "overdue") == [
        "The session was cancelled: it did not start within 24 hours of its time"
    ]
    assert ended_events(published) == ["overdue"]


def test_a_scheduled_session_less_than_a_day_past_its_time_is_kept(
    repository: LiveRepository, publisher: EventPublisher
) -> None:
    scheduled(repository, "soon", "2026-11-24T15:00:00.000+00:00")
    scheduled(repository, "later", "2026-11-30T20:00:00.000+00:00")

    assert clean_up(repository, publisher).cancelled == []


def test_a_session_that_starts_before_the_cancel_lands_is_not_cancelled(repository: LiveRepository) -> None:
    session = scheduled(repository, "s-1", "2026-11-24T14:00:00.000+00:00")
    repository.start_session(session, NOW)

    with pytest.raises(ConditionFailed):
        repository.cancel_session(session, NOW)


def test_a_cancelled_session_never_goes_live(repository: LiveRepository, publisher: EventPublisher) -> None:
    scheduled(repository, "s-1", "2026-11-24T14:00:00.000+00:00")
    clean_up(repository, publisher)

    with pytest.raises(Conflict, match="cannot go live again"):
        service.start_session(repository, publisher, "s-1", "dj-1", NOW)


def test_a_session_ended_by_its_dj_is_not_a_candidate(repository: LiveRepository, publisher: EventPublisher) -> None:
    started(repository, "s-1")
    service.end_session(repository, publisher, "s-1", "dj-1", "2026-11-25T10:30:00.000+00:00")

    assert clean_up(repository, publisher) == service.Cleanup()


def test_only_sessions_started_before_the_cutoff_are_read(repository: LiveRepository) -> None:
    started(repository, "old")
    started(repository, "new", at="2026-11-25T14:00:00.000+00:00")

    assert [s.session_id for s in repository.idle_live_sessions("2026-11-25T11:00:00.000+00:00")] == ["old"]


def test_an_end_a_crashed_run_never_announced_is_announced_by_the_next_run(
    repository: LiveRepository, publisher: EventPublisher, published: Any
) -> None:
    started(repository, "s-1")
    with bus_refusing(publisher, TimeoutError("the run timed out")), pytest.raises(TimeoutError):
        clean_up(repository, publisher)

    result = clean_up(repository, publisher, now="2026-11-25T15:15:00.000+00:00")

    assert (result.announced, result.ended) == (["s-1"], [])
    assert ended_events(published) == ["s-1"]
    assert system_messages(repository, "s-1") == ["The session has ended after 4 hours without activity"]


def test_an_announced_end_is_not_announced_again(
    repository: LiveRepository, publisher: EventPublisher, published: Any
) -> None:
    started(repository, "s-1")
    clean_up(repository, publisher)

    result = clean_up(repository, publisher, now="2026-11-25T15:15:00.000+00:00")

    assert result == service.Cleanup()
    assert ended_events(published) == ["s-1"]


def test_an_end_is_not_announced_by_another_run_while_its_own_may_still_be_publishing(
    repository: LiveRepository, publisher: EventPublisher, published: Any
) -> None:
    repository.end_session(started(repository, "s-1"), NOW)

    result = clean_up(repository, publisher, now="2026-11-25T15:04:59.000+00:00")

    assert result.announced == [] and ended_events(published) == []


def test_a_dj_end_whose_publish_failed_is_announced_by_the_cleanup(
    repository: LiveRepository, publisher: EventPublisher, published: Any
) -> None:
    from colmena.errors import PublishFailed

    started(repository, "s-1")
    with bus_refusing(publisher), pytest.raises(PublishFailed):
        service.end_session(repository, publisher, "s-1", "dj-1", "2026-11-25T10:30:00.000+00:00")

    assert clean_up(repository, publisher).announced == ["s-1"]
    [event] = [e for e in every_event(published) if e["detail-type"] == "session.ended"]
    assert event["detail"]["data"]["reason"] == "dj"
