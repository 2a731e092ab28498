"""Live's queue and votes, driven with the sample events against moto and the seeded records."""

from __future__ import annotations

import json
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

from tests.live_api import caller
from tests.live_seed import ANA, BO, CY, LIVE, NO_VOTING, SONG, seed_live
from tools.handlers import sample_event
from tools.template import ROOT

EVENTS = ROOT / "events" / "live_queue"
call = caller("live_queue")


@pytest.fixture
def api(load_handler: Callable[[str], ModuleType], dynamodb: Any, published: Any) -> ModuleType:
    seed_live(dynamodb)
    return load_handler("LiveQueueFunction")


def vote(api: ModuleType, value: int, user: str = BO) -> tuple[int, dict[str, Any]]:
    return call(api, "put_vote.json", user=user, body=json.dumps({"value": value}))


def on_song(session_id: str, song_id: str, suffix: str = "/vote") -> dict[str, Any]:
    return {
        "pathParameters": {"session_id": session_id, "song_id": song_id},
        "path": f"/sessions/{session_id}/queue/{song_id}{suffix}",
    }


def test_a_participant_queues_a_song_after_the_last(api: ModuleType, published: Any) -> None:
    status, song = call(api, "add_song.json")

    assert status == 201
    assert (song["position"], song["score"], song["status"], song["added_by"]) == (2, 0, "queued", BO)
    [event] = [event for event in published() if event["detail-type"] == "queue.changed"]
    assert event["detail"]["data"]["song_id"] == song["song_id"]


def test_someone_who_has_not_joined_cannot_queue(api: ModuleType) -> None:
    status, answer = call(api, "add_song.json", user=CY)

    assert status == 403
    assert "join" in answer["error"]["message"]


def test_a_song_without_an_artist_is_refused(api: ModuleType) -> None:
    status, answer = call(api, "add_song.json", body=json.dumps({"title": "Untitled"}))

    assert status == 422
    assert answer["error"]["fields"][0]["field"] == "artist"


def test_the_queue_by_score_puts_the_most_voted_first(api: ModuleType) -> None:
    _, second = call(api, "add_song.json")
    call(api, "put_vote.json", **on_song(LIVE, second["song_id"]))

    status, queue = call(api, "get_queue.json")

    assert status == 200
    assert [song["song_id"] for song in queue["songs"]] == [second["song_id"], SONG]


def test_the_queue_by_position_is_the_order_songs_were_added(api: ModuleType) -> None:
    _, second = call(api, "add_song.json")
    call(api, "put_vote.json", **on_song(LIVE, second["song_id"]))

    status, queue = call(api, "get_queue.json", query={"order": "position"})

    assert status == 200
    assert [song["position"] for song in queue["songs"]] == [1, 2]


def test_the_dj_marks_a_song_playing(api: ModuleType) -> None:
    status, song = call(api, "set_song_status.json")

    assert status == 200
    assert song["status"] == "playing"


def test_only_the_dj_changes_a_songs_status(api: ModuleType) -> None:
    status, _ = call(api, "set_song_status.json", user=BO)

    assert status == 403


def test_a_vote_moves_the_score(api: ModuleType) -> None:
    status, answer = call(api, "put_vote.json")

    assert status == 200
    assert (answer["score"], answer["my_vote"]) == (1, 1)


def test_voting_again_replaces_the_vote_and_never_counts_twice(api: ModuleType) -> None:
    vote(api, 1)
    vote(api, 1)

    status, answer = vote(api, -1)

    assert status == 200
    assert (answer["score"], answer["my_vote"]) == (-1, -1)


def test_the_score_is_the_sum_of_every_users_vote(api: ModuleType) -> None:
    vote(api, 1, user=BO)

    _, answer = vote(api, 1, user=ANA)

    assert answer["score"] == 2


def test_withdrawing_a_vote_takes_it_out_of_the_score(api: ModuleType, published: Any) -> None:
    vote(api, -1)

    status, answer = call(api, "delete_vote.json")

    assert status == 200
    assert (answer["score"], answer["my_vote"]) == (0, None)
    scores = [event["detail"]["data"]["score"] for event in published() if event["detail-type"] == "vote.changed"]
    assert scores == [-1, 0]


def test_a_vote_that_is_not_one_or_minus_one_is_refused(api: ModuleType) -> None:
    status, _ = vote(api, 2)

    assert status == 422


def test_voting_is_refused_when_the_session_has_it_off(
    api: ModuleType, load_handler: Callable[[str], ModuleType]
) -> None:
    sessions = load_handler("LiveSessionsFunction")
    sessions.repository.join(NO_VOTING, BO, "2026-11-25T10:10:00.000+00:00")

    status, answer = call(api, "put_vote.json", **on_song(NO_VOTING, SONG))

    assert status == 409
    assert "voting is disabled" in answer["error"]["message"]


def test_a_vote_on_a_missing_song_is_a_404(api: ModuleType) -> None:
    status, _ = call(api, "put_vote.json", **on_song(LIVE, "00000000-0000-4000-8000-00000000dead"))

    assert status == 404


def test_an_ended_session_takes_no_song_and_no_vote(api: ModuleType, load_handler: Callable[[str], ModuleType]) -> None:
    sessions = load_handler("LiveSessionsFunction")
    live = sessions.repository.get_session(LIVE)
    sessions.repository.end_session(live, "2026-11-25T12:00:00.000+00:00")

    assert call(api, "add_song.json")[0] == 409
    assert call(api, "put_vote.json")[0] == 409
    assert call(api, "set_song_status.json")[0] == 409


def test_a_vote_that_keeps_losing_races_answers_503_busy_and_changes_nothing(
    api: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    from botocore.exceptions import ClientError

    def always_contended(**_: Any) -> None:
        raise ClientError(
            {
                "Error": {"Code": "TransactionCanceledException", "Message": "conflict"},
                "CancellationReasons": [{"Code": "TransactionConflict"}, {"Code": "None"}],
            },
            "TransactWriteItems",
        )

    before = call(api, "get_queue.json")[1]
    monkeypatch.setattr(api.repository._client, "transact_write_items", always_contended)

    status, answer = vote(api, 1)

    assert (status, answer["error"]["code"]) == (503, "busy")
    monkeypatch.undo()
    assert call(api, "get_queue.json")[1] == before


def song_with_key(key: str, title: str = "Strings of Life") -> dict[str, Any]:
    """The sample song's overrides to send it, titled `title`, with an Idempotency-Key header."""
    body = {**json.loads(sample_event(EVENTS / "add_song.json")["body"]), "title": title}
    return {"headers": {"Idempotency-Key": key}, "body": json.dumps(body)}


def test_a_retry_with_the_same_key_answers_the_song_it_queued_and_queues_nothing_again(
    api: ModuleType, published: Any
) -> None:
    _, first = call(api, "add_song.json", **song_with_key("song-retry"))

    status, again = call(api, "add_song.json", **song_with_key("song-retry"))

    assert status == 201
    assert again == first
    assert [song["song_id"] for song in call(api, "get_queue.json")[1]["songs"]] == [SONG, first["song_id"]]
    changes = [event["detail"]["data"] for event in published() if event["detail-type"] == "queue.changed"]
    assert [change["song_id"] for change in changes] == [first["song_id"]]


def test_a_key_queued_with_another_song_is_refused_naming_the_header(api: ModuleType) -> None:
    call(api, "add_song.json", **song_with_key("song-retry"))

    status, answer = call(api, "add_song.json", **song_with_key("song-retry", title="Another one"))

    assert status == 422
    assert answer["error"]["fields"][0]["field"] == "idempotency-key"
    assert len(call(api, "get_queue.json")[1]["songs"]) == 2
