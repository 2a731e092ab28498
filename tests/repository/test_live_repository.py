"""Live's repository and use cases against moto, on a table built from template.yaml (its status index
included): the stored item shapes, the listing's index, and the rules that must hold under concurrency."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from colmena.errors import Conflict
from colmena.events import EventPublisher
from colmena.repository import ConditionFailed
from live import service
from live.models import Session, SessionStatus, Song
from live.repository import LiveRepository

NOW = "2026-11-25T10:00:00.000+00:00"
HALF_A_MINUTE_LATER = "2026-11-25T10:00:30.000+00:00"
A_MINUTE_AND_A_SECOND_LATER = "2026-11-25T10:01:01.000+00:00"
LATER = "2026-11-25T11:00:00.000+00:00"
DJ = "dj-1"


@pytest.fixture
def repository(dynamodb: Any) -> LiveRepository:
    return LiveRepository(dynamodb, "LiveTable")


@pytest.fixture
def publisher(published: Any) -> EventPublisher:
    import boto3

    from tools.template import resolve

    return EventPublisher(boto3.client("events"), resolve({"Ref": "EventBus"}), "colmena.live")


def live_session(repository: LiveRepository, session_id: str = "s-1", max_participants: int = 1000) -> Session:
    session = Session(session_id, DJ, "Friday", SessionStatus.SCHEDULED, NOW, max_participants=max_participants)
    repository.create_session(session)
    return repository.start_session(session, NOW)


def queued_song(repository: LiveRepository, session_id: str = "s-1") -> Song:
    song = Song(session_id, "song-1", "Title", "Artist", repository.next_position(session_id, NOW), "u-0", NOW)
    repository.add_song(song)
    return song


def stored(dynamodb: Any, sk: str) -> dict[str, Any]:
    from colmena.repository import from_attributes

    response = dynamodb.get_item(TableName="LiveTable", Key={"pk": {"S": "SESSION#s-1"}, "sk": {"S": sk}})
    return from_attributes(response["Item"])


def test_a_session_is_stored_with_its_status_index_keys(repository: LiveRepository, dynamodb: Any) -> None:
    live_session(repository)

    item = stored(dynamodb, "SESSION")

    assert (item["gsi1pk"], item["gsi1sk"]) == ("STATUS#live", f"{NOW}#s-1")
    assert (item["status"], item["participant_count"], item["max_participants"]) == ("live", 0, 1000)


def test_an_ended_session_is_listed_as_unannounced_until_its_end_is_announced(repository: LiveRepository) -> None:
    session = live_session(repository)

    repository.end_session(session, LATER)

    assert repository.list_sessions(SessionStatus.LIVE, 10, None).items == []
    assert [s.session_id for s in repository.unannounced_ends("2026-11-25T12:00:00.000+00:00")] == ["s-1"]
    assert repository.list_sessions(SessionStatus.ENDED, 10, None).items == []


def test_announcing_an_end_moves_the_session_to_the_ended_partition_of_the_index(repository: LiveRepository) -> None:
    ended = repository.end_session(live_session(repository), LATER)

    repository.end_announced(ended)

    assert repository.unannounced_ends("2026-11-25T12:00:00.000+00:00") == []
    assert [s.session_id for s in repository.list_sessions(SessionStatus.ENDED, 10, None).items] == ["s-1"]
    with pytest.raises(ConditionFailed):
        repository.end_announced(ended)


def test_a_session_starts_once(repository: LiveRepository) -> None:
    session = live_session(repository)

    with pytest.raises(ConditionFailed):
        repository.start_session(session, LATER)

    stored_session = repository.get_session("s-1")
    assert stored_session is not None and stored_session.started_at == NOW


def test_a_vote_is_stored_once_per_user_and_song(repository: LiveRepository, dynamodb: Any) -> None:
    live_session(repository)
    song = queued_song(repository)

    repository.write_vote(song, "u-1", None, 1, NOW)

    assert stored(dynamodb, "VOTE#song-1#u-1") == {
        "pk": "SESSION#s-1",
        "sk": "VOTE#song-1#u-1",
        "user_id": "u-1",
        "song_id": "song-1",
        "value": 1,
        "voted_at": NOW,
    }
    assert stored(dynamodb, "SONG#song-1")["score"] == 1


def test_a_vote_written_on_a_stale_read_is_refused(repository: LiveRepository) -> None:
    live_session(repository)
    song = queued_song(repository)
    repository.write_vote(song, "u-1", None, 1, NOW)

    with pytest.raises(ConditionFailed):
        repository.write_vote(song, "u-1", None, 1, NOW)

    stored_song = repository.get_song("s-1", "song-1")
    assert stored_song is not None and stored_song.score == 1


def test_a_vote_checks_the_session_without_writing_it(repository: LiveRepository, dynamodb: Any) -> None:
    live_session(repository)
    song = queued_song(repository)
    before = stored(dynamodb, "SESSION")

    repository.write_vote(song, "u-1", None, 1, LATER)

    assert stored(dynamodb, "SESSION") == before


def test_a_vote_is_refused_by_the_write_itself_once_voting_is_off(repository: LiveRepository, dynamodb: Any) -> None:
    live_session(repository)
    song = queued_song(repository)
    repository.change_session("s-1", DJ, {"voting_enabled": False}, NOW)

    with pytest.raises(ConditionFailed):
        repository.write_vote(song, "u-1", None, 1, NOW)

    assert repository.get_vote("s-1", "song-1", "u-1") is None
    assert stored(dynamodb, "SONG#song-1")["score"] == 0


def test_a_vote_is_refused_by_the_write_itself_once_the_session_has_ended(repository: LiveRepository) -> None:
    song = queued_song(repository, session_id=live_session(repository).session_id)
    session = repository.get_session("s-1")
    assert session is not None
    repository.end_session(session, LATER)

    with pytest.raises(ConditionFailed):
        repository.write_vote(song, "u-1", None, 1, LATER)


def test_activity_within_a_minute_of_the_recorded_one_writes_nothing(
    repository: LiveRepository, publisher: EventPublisher, dynamodb: Any
) -> None:
    live_session(repository)
    queued_song(repository)
    repository.join("s-1", "u-1", NOW)

    service.vote(repository, publisher, "s-1", "song-1", "u-1", 1, HALF_A_MINUTE_LATER)
    service.post_message(repository, publisher, "s-1", "u-1", "hello", HALF_A_MINUTE_LATER)

    assert stored(dynamodb, "SESSION")["last_activity_at"] == NOW


def test_activity_over_a_minute_after_the_recorded_one_is_recorded(
    repository: LiveRepository, publisher: EventPublisher, dynamodb: Any
) -> None:
    live_session(repository)
    queued_song(repository)
    repository.join("s-1", "u-1", NOW)

    service.vote(repository, publisher, "s-1", "song-1", "u-1", -1, A_MINUTE_AND_A_SECOND_LATER)

    assert stored(dynamodb, "SESSION")["last_activity_at"] == A_MINUTE_AND_A_SECOND_LATER


def test_recording_activity_is_refused_while_the_recorded_one_is_recent(repository: LiveRepository) -> None:
    live_session(repository)

    with pytest.raises(ConditionFailed):
        repository.record_activity("s-1", HALF_A_MINUTE_LATER, stale_before=NOW)


def test_recording_activity_never_creates_a_session(repository: LiveRepository) -> None:
    with pytest.raises(ConditionFailed):
        repository.record_activity("missing", NOW, stale_before=LATER)

    assert repository.get_session("missing") is None


@pytest.mark.usefixtures("atomic_calls")
def test_twenty_concurrent_votes_by_one_user_count_once(repository: LiveRepository, publisher: EventPublisher) -> None:
    live_session(repository)
    queued_song(repository)
    repository.join("s-1", "u-1", NOW)

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(
            pool.map(lambda _: service.vote(repository, publisher, "s-1", "song-1", "u-1", 1, NOW)[0].score, range(20))
        )

    song = repository.get_song("s-1", "song-1")
    assert song is not None and song.score == 1
    assert set(answers) == {1}
    vote = repository.get_vote("s-1", "song-1", "u-1")
    assert vote is not None and vote.value == 1


@pytest.mark.usefixtures("atomic_calls")
def test_joins_racing_past_the_maximum_never_exceed_it(repository: LiveRepository, publisher: EventPublisher) -> None:
    live_session(repository, max_participants=5)

    def join(n: int) -> bool:
        try:
            return service.join(repository, publisher, "s-1", f"u-{n}", NOW)[1]
        except Conflict:
            return False

    with ThreadPoolExecutor(max_workers=12) as pool:
        joined = list(pool.map(join, range(12)))

    session = repository.get_session("s-1")
    assert session is not None and session.participant_count == 5
    assert sum(joined) == 5
    assert len(repository.participants("s-1")) == 5


@pytest.mark.usefixtures("atomic_calls")
def test_a_user_joining_twice_at_once_is_one_participant(repository: LiveRepository, publisher: EventPublisher) -> None:
    live_session(repository)

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda _: service.join(repository, publisher, "s-1", "u-1", NOW), range(8)))

    session = repository.get_session("s-1")
    assert session is not None and session.participant_count == 1


def test_a_join_is_refused_by_the_write_itself_once_the_session_is_full(repository: LiveRepository) -> None:
    live_session(repository, max_participants=1)
    repository.join("s-1", "u-1", NOW)

    with pytest.raises(ConditionFailed):
        repository.join("s-1", "u-2", NOW)

    assert not repository.is_participant("s-1", "u-2")


def test_an_ended_session_takes_no_new_song(repository: LiveRepository) -> None:
    session = live_session(repository)
    repository.end_session(session, LATER)

    with pytest.raises(ConditionFailed):
        repository.next_position("s-1", LATER)


def test_songs_take_consecutive_positions(repository: LiveRepository) -> None:
    live_session(repository)

    positions = [repository.next_position("s-1", NOW) for _ in range(3)]

    assert positions == [1, 2, 3]


@pytest.mark.usefixtures("atomic_calls")
def test_one_key_sent_five_times_at_once_posts_one_message(
    repository: LiveRepository, publisher: EventPublisher
) -> None:
    live_session(repository)
    repository.join("s-1", "u-1", NOW)

    with ThreadPoolExecutor(max_workers=5) as pool:
        answers = list(
            pool.map(
                lambda _: service.post_message(repository, publisher, "s-1", "u-1", "hi", NOW, "key-1").message_id,
                range(5),
            )
        )

    assert len(set(answers)) == 1
    assert [message.message_id for message in repository.messages("s-1", 10, None).items] == answers[:1]


@pytest.mark.usefixtures("atomic_calls")
def test_one_key_sent_five_times_at_once_queues_one_song(repository: LiveRepository, publisher: EventPublisher) -> None:
    live_session(repository)
    fields = {"title": "Title", "artist": "Artist"}

    with ThreadPoolExecutor(max_workers=5) as pool:
        answers = list(
            pool.map(
                lambda _: service.add_song(repository, publisher, "s-1", DJ, fields, NOW, "key-1").song_id, range(5)
            )
        )

    assert len(set(answers)) == 1
    assert [song.song_id for song in repository.songs("s-1")] == answers[:1]
