"""Live's sessions and participants, driven with the sample events against moto and the seeded records."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

from tests.live_api import bus_refusing, caller
from tests.live_seed import ANA, BO, CY, IDLE, LIVE, NO_VOTING, OVERDUE, SCHEDULED, seed_live
from tools.handlers import LambdaContext, sample_event
from tools.template import ROOT

call = caller("live_sessions")


@pytest.fixture
def api(load_handler: Callable[[str], ModuleType], dynamodb: Any, published: Any) -> ModuleType:
    seed_live(dynamodb)
    return load_handler("LiveSessionsFunction")


def in_session(session_id: str, resource: str) -> dict[str, Any]:
    return {"pathParameters": {"session_id": session_id}, "path": resource.replace("{session_id}", session_id)}


def events_of(published: Callable[[], list[dict[str, Any]]], detail_type: str) -> list[dict[str, Any]]:
    return [event for event in published() if event["detail-type"] == detail_type]


def test_creating_a_session_makes_the_caller_its_dj_and_schedules_it(api: ModuleType) -> None:
    status, session = call(api, "create_session.json")

    assert status == 201
    assert (session["dj_id"], session["status"], session["participant_count"]) == (ANA, "scheduled", 0)
    assert session["scheduled_for"] == "2026-11-28T22:00:00.000+00:00"
    assert (session["max_participants"], session["voting_enabled"], session["tips_enabled"]) == (500, True, False)


def test_a_new_session_takes_the_defaults_the_contract_names(api: ModuleType) -> None:
    status, session = call(api, "create_session.json", body=json.dumps({"title": "Just a title"}))

    assert status == 201
    assert (session["max_participants"], session["voting_enabled"], session["tips_enabled"]) == (1000, True, False)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 121}, "title"),
        ({"title": "t", "cover_url": "http://example.com/c.jpg"}, "cover_url"),
        ({"title": "t", "max_participants": 0}, "max_participants"),
        ({"title": "t", "max_participants": 10_001}, "max_participants"),
        ({"title": "t", "scheduled_for": "tomorrow"}, "scheduled_for"),
        ({"title": "t", "scheduled_for": "0001-01-01T00:00:00+01:00"}, "scheduled_for"),  # before UTC's year 1
        ({"title": "t", "dj_id": BO}, "dj_id"),
    ],
)
def test_a_session_that_breaks_the_contract_is_refused_with_its_field(
    api: ModuleType, body: dict[str, Any], field: str
) -> None:
    status, answer = call(api, "create_session.json", body=json.dumps(body))

    assert status == 422
    assert field in [error["field"] for error in answer["error"]["fields"]]


def test_live_sessions_are_listed_without_a_token_newest_first(api: ModuleType) -> None:
    status, page = call(api, "list_sessions.json")

    assert status == 200
    # Two started at the same instant (the session id breaks the tie); the idle one the day before.
    assert [session["session_id"] for session in page["sessions"]] == [NO_VOTING, LIVE, IDLE]
    assert all(session["status"] == "live" for session in page["sessions"])


def test_the_listing_pages_through_every_session_once_with_its_cursor(api: ModuleType) -> None:
    created = [call(api, "create_session.json", body=json.dumps({"title": f"s{n}"}))[1] for n in range(5)]
    parameters = {"status": "scheduled", "limit": "2"}

    seen: list[str] = []
    while True:
        _, page = call(api, "list_sessions.json", query=parameters)
        seen += [session["session_id"] for session in page["sessions"]]
        if page["next_cursor"] is None:
            break
        parameters = {**parameters, "cursor": page["next_cursor"]}

    assert sorted(seen) == sorted([SCHEDULED, OVERDUE, *(session["session_id"] for session in created)])
    assert len(seen) == len(set(seen))
    _, first_page = call(api, "list_sessions.json", query={"status": "scheduled", "limit": "100"})
    times = [session["created_at"] for session in first_page["sessions"]]
    assert times == sorted(times, reverse=True)


def cursor_of(key: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode()


A_LIVE_KEY = {
    "pk": f"SESSION#{LIVE}",
    "sk": "SESSION",
    "gsi1pk": "STATUS#live",
    "gsi1sk": f"2026-11-25T10:05:00.000+00:00#{LIVE}",
}


@pytest.mark.parametrize(
    "cursor",
    [
        "not-base64!",
        "e30",  # {}
        cursor_of({"pk": "USER#x"}),
        cursor_of([A_LIVE_KEY]),
        cursor_of({**A_LIVE_KEY, "gsi1pk": "STATUS#ended"}),  # another status's partition
        cursor_of({**A_LIVE_KEY, "pk": f"SESSION#{NO_VOTING}"}),  # a key no session has
        cursor_of({**A_LIVE_KEY, "sk": "PARTICIPANT#x"}),
        cursor_of({**A_LIVE_KEY, "gsi1sk": "yesterday#" + LIVE}),
        cursor_of({**A_LIVE_KEY, "gsi1sk": 7}),
        cursor_of({**A_LIVE_KEY, "extra": "x"}),
    ],
)
def test_a_cursor_the_listing_did_not_give_is_a_400_naming_it(api: ModuleType, cursor: str) -> None:
    status, answer = call(api, "list_sessions.json", query={"cursor": cursor})

    assert status == 400
    assert answer["error"]["fields"][0]["field"] == "cursor"


def test_a_cursor_of_a_key_in_the_listed_partition_starts_the_listing_after_it(api: ModuleType) -> None:
    status, page = call(api, "list_sessions.json", query={"cursor": cursor_of(A_LIVE_KEY)})

    assert status == 200
    assert [session["session_id"] for session in page["sessions"]] == [IDLE]


def test_a_session_is_read_without_a_token(api: ModuleType) -> None:
    status, session = call(api, "get_session.json")

    assert status == 200
    assert (session["session_id"], session["status"], session["participant_count"]) == (LIVE, "live", 1)
    assert session["end_reason"] is None


def test_a_session_the_cleanup_cancelled_reads_as_ended_because_it_never_started(
    api: ModuleType, load_handler: Callable[[str], ModuleType]
) -> None:
    cleanup = load_handler("LiveCleanupFunction")
    cleanup.lambda_handler(sample_event(ROOT / "events" / "live_cleanup" / "scheduled.json"), LambdaContext())

    status, session = call(api, "get_session.json", **in_session(OVERDUE, "/sessions/{session_id}"))

    assert status == 200
    assert (session["status"], session["end_reason"]) == ("ended", "not_started")


def test_a_missing_session_is_a_404(api: ModuleType) -> None:
    missing = "00000000-0000-4000-8000-00000000dead"
    status, answer = call(api, "get_session.json", **in_session(missing, "/sessions/{session_id}"))

    assert status == 404
    assert answer["error"]["code"] == "not_found"


def test_the_dj_changes_their_session(api: ModuleType) -> None:
    status, session = call(api, "change_session.json")

    assert status == 200
    assert session["description"] == "Deep house until late, requests welcome"
    assert session["title"] == "Friday night house"


def test_nobody_but_the_dj_changes_a_session(api: ModuleType) -> None:
    status, _ = call(api, "change_session.json", user=BO)

    assert status == 403


def test_the_dj_starts_a_scheduled_session_and_everyone_is_told(api: ModuleType, published: Any) -> None:
    status, session = call(api, "start_session.json")

    assert status == 200
    assert session["status"] == "live" and session["started_at"]
    [event] = events_of(published, "session.started")
    assert event["source"] == "colmena.live"
    assert event["detail"]["data"]["session_id"] == SCHEDULED


def test_starting_twice_changes_nothing_and_announces_the_same_event(api: ModuleType, published: Any) -> None:
    _, first = call(api, "start_session.json")
    status, again = call(api, "start_session.json")

    assert status == 200
    assert again["started_at"] == first["started_at"]
    ids = {event["detail"]["metadata"]["event_id"] for event in events_of(published, "session.started")}
    assert len(ids) == 1


def test_an_ended_session_never_goes_live_again(api: ModuleType) -> None:
    call(api, "end_session.json")

    status, answer = call(api, "start_session.json", **in_session(NO_VOTING, "/sessions/{session_id}/start"))

    assert status == 409
    assert "ended" in answer["error"]["message"]


def test_ending_a_session_closes_it_posts_a_system_message_and_tells_everyone(
    api: ModuleType, published: Any, load_handler: Callable[[str], ModuleType]
) -> None:
    status, session = call(api, "end_session.json")

    assert status == 200
    assert (session["status"], session["end_reason"]) == ("ended", "dj") and session["ended_at"]
    [event] = events_of(published, "session.ended")
    assert event["detail"]["data"]["session_id"] == NO_VOTING
    chat = load_handler("LiveChatFunction")
    page = chat.repository.messages(NO_VOTING, 10, None)
    assert [(message.type, message.text) for message in page.items] == [("system", "The session has ended")]


def test_only_the_dj_starts_or_ends_a_session(api: ModuleType) -> None:
    assert call(api, "start_session.json", user=BO)[0] == 403
    assert call(api, "end_session.json", user=BO)[0] == 403


def test_joining_a_live_session_counts_the_listener_and_announces_presence(api: ModuleType, published: Any) -> None:
    status, membership = call(api, "join_session.json")

    assert status == 200
    assert (membership["user_id"], membership["changed"], membership["participant_count"]) == (CY, True, 2)
    [event] = events_of(published, "presence")
    assert event["detail"]["data"] == {"session_id": LIVE, "user_id": CY, "change": "joined", "participant_count": 2}


def test_joining_twice_is_one_participant(api: ModuleType) -> None:
    call(api, "join_session.json")

    status, membership = call(api, "join_session.json")

    assert status == 200
    assert (membership["changed"], membership["participant_count"]) == (False, 2)


def test_a_session_that_is_not_live_cannot_be_joined(api: ModuleType) -> None:
    status, answer = call(api, "join_session.json", **in_session(SCHEDULED, "/sessions/{session_id}/join"))

    assert status == 409
    assert "not live" in answer["error"]["message"]


def test_a_full_session_cannot_be_joined(api: ModuleType) -> None:
    call(api, "change_session.json", body=json.dumps({"max_participants": 1}))

    status, answer = call(api, "join_session.json")

    assert status == 409
    assert "full" in answer["error"]["message"]


def test_leaving_uncounts_the_listener_and_leaving_again_changes_nothing(api: ModuleType) -> None:
    call(api, "join_session.json")

    status, membership = call(api, "leave_session.json")
    _, again = call(api, "leave_session.json")

    assert status == 200
    assert (membership["changed"], membership["participant_count"]) == (True, 1)
    assert (again["changed"], again["participant_count"]) == (False, 1)


def presence_ids(published: Callable[[], list[dict[str, Any]]]) -> list[tuple[str, str]]:
    return [
        (event["detail"]["data"]["change"], event["detail"]["metadata"]["event_id"])
        for event in events_of(published, "presence")
    ]


def test_a_join_whose_announcement_failed_is_announced_by_the_retry(api: ModuleType, published: Any) -> None:
    with bus_refusing(api.publisher):
        assert call(api, "join_session.json")[0] == 503

    status, membership = call(api, "join_session.json")

    assert (status, membership["changed"]) == (200, False)
    [event] = events_of(published, "presence")
    assert event["detail"]["data"] == {"session_id": LIVE, "user_id": CY, "change": "joined", "participant_count": 2}


def test_a_repeated_join_or_leave_announces_the_same_change_with_the_same_id(api: ModuleType, published: Any) -> None:
    call(api, "join_session.json")
    call(api, "join_session.json")
    call(api, "leave_session.json")
    call(api, "leave_session.json")

    [(joined, first), (_, repeated), (left, departure), (_, repeated_departure)] = presence_ids(published)

    assert (joined, left) == ("joined", "left")
    assert (repeated, repeated_departure) == (first, departure)
    assert first != departure


def test_joining_again_after_leaving_is_announced_as_a_new_change(api: ModuleType, published: Any) -> None:
    call(api, "join_session.json")
    call(api, "leave_session.json")

    call(api, "join_session.json")

    ids = [event_id for _, event_id in presence_ids(published)]
    assert len(ids) == len(set(ids)) == 3


def test_leaving_a_session_never_joined_announces_nothing(api: ModuleType, published: Any) -> None:
    status, membership = call(api, "leave_session.json")

    assert (status, membership["changed"]) == (200, False)
    assert events_of(published, "presence") == []


def test_the_participants_are_listed(api: ModuleType) -> None:
    call(api, "join_session.json")

    status, listing = call(api, "list_participants.json")

    assert status == 200
    assert sorted(participant["user_id"] for participant in listing["participants"]) == sorted([BO, CY])
