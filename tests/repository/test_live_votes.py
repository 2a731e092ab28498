"""Votes through the real repository transaction on moto: the score read back is the sum of the votes stored
after any sequence of votes and withdrawals, and a vote whose transaction is cancelled by a conflicting one
is judged again on fresh reads and counted once."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from colmena.errors import Busy
from colmena.events import EventPublisher
from colmena.repository import from_attributes
from live import service
from live.logic import replay_votes
from live.models import Session, SessionStatus, Song
from live.repository import LiveRepository
from tests.repository import test_live_repository as live

# The same repository fixture as the rest of Live's repository tests.
repository = live.repository

NOW = "2026-11-25T10:00:00.000+00:00"
DJ = "dj-1"
USERS = ("ana", "bo", "cy")
_sessions = itertools.count()


@pytest.fixture
def publisher(aws: None) -> EventPublisher:
    """The project's bus with no rule on it: the votes' events are not what these tests are about."""
    import boto3

    from tools.template import resolve

    events = boto3.client("events")
    bus = events.create_event_bus(Name=resolve({"Ref": "EventBus"}))["EventBusArn"].rsplit("/", 1)[-1]
    return EventPublisher(events, bus, "colmena.live")


def live_session_with_a_song(repository: LiveRepository) -> str:
    """A new live session with one song and three participants; its id."""
    session = Session(f"s-{next(_sessions)}", DJ, "Friday", SessionStatus.SCHEDULED, NOW)
    repository.create_session(session)
    repository.start_session(session, NOW)
    position = repository.next_position(session.session_id, NOW)
    repository.add_song(Song(session.session_id, "song-1", "Title", "Artist", position, DJ, NOW))
    for user in USERS:
        repository.join(session.session_id, user, NOW)
    return session.session_id


def stored_votes(dynamodb: Any, session_id: str) -> dict[str, int]:
    response = dynamodb.query(
        TableName="LiveTable",
        KeyConditionExpression="pk = :pk AND begins_with(sk, :votes)",
        ExpressionAttributeValues={":pk": {"S": f"SESSION#{session_id}"}, ":votes": {"S": "VOTE#song-1#"}},
        ConsistentRead=True,
    )
    return {item["user_id"]: int(item["value"]) for item in map(from_attributes, response["Items"])}


def score(repository: LiveRepository, session_id: str) -> int:
    song = repository.get_song(session_id, "song-1")
    assert song is not None
    return song.score


changes = st.lists(st.tuples(st.sampled_from(USERS), st.sampled_from([1, -1, None])), max_size=12)


# One table for every example (moto's is slow to build), each example in a session of its own.
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=changes)
def test_the_stored_score_is_the_sum_of_the_stored_votes_after_any_votes_and_withdrawals(
    repository: LiveRepository, publisher: EventPublisher, dynamodb: Any, sequence: list[tuple[str, int | None]]
) -> None:
    session_id = live_session_with_a_song(repository)

    for user, value in sequence:
        service.vote(repository, publisher, session_id, "song-1", user, value, NOW)

    votes = stored_votes(dynamodb, session_id)
    assert score(repository, session_id) == sum(votes.values())
    assert votes == replay_votes(sequence)[0]


def cancelled_by_a_conflict(client: Any, times: int, meanwhile: Callable[[], object] | None = None) -> list[int]:
    """Makes the next `times` vote transactions come back as DynamoDB answers one that another transaction on
    the same items got in the way of (TransactionCanceled, TransactionConflict), after running `meanwhile`,
    that other transaction, for real. Returns the count of transactions attempted, as it grows."""
    from botocore.awsrequest import AWSResponse
    from botocore.compat import HTTPHeaders

    attempts = [0]

    def conflict(**_: Any) -> Any:
        attempts[0] += 1
        if attempts[0] > times:
            return None  # on to moto
        if meanwhile is not None:
            meanwhile()
        reasons = ["TransactionConflict", "None", "None"]
        error = {
            "Error": {"Code": "TransactionCanceledException", "Message": f"Transaction cancelled: {reasons}"},
            "CancellationReasons": [{"Code": reason} for reason in reasons],
        }
        return AWSResponse("https://dynamodb", 400, HTTPHeaders(), None), error

    client.meta.events.register("before-call.dynamodb.TransactWriteItems", conflict)
    return attempts


def test_a_vote_cancelled_by_another_users_vote_is_retried_on_fresh_reads_and_both_count(
    repository: LiveRepository, publisher: EventPublisher, dynamodb: Any
) -> None:
    import boto3

    session_id = live_session_with_a_song(repository)
    # Another container's client on the same table, without the hook: Bo's vote lands while Ana's transaction
    # is in flight, and DynamoDB cancels Ana's.
    elsewhere = LiveRepository(boto3.client("dynamodb"), "LiveTable")
    attempts = cancelled_by_a_conflict(
        dynamodb, 1, meanwhile=lambda: service.vote(elsewhere, publisher, session_id, "song-1", "bo", -1, NOW)
    )

    song, mine = service.vote(repository, publisher, session_id, "song-1", "ana", 1, NOW)

    assert attempts[0] == 2
    assert (song.score, mine) == (0, 1)
    assert stored_votes(dynamodb, session_id) == {"ana": 1, "bo": -1}


def test_a_vote_that_keeps_meeting_conflicts_answers_busy_and_stores_nothing(
    repository: LiveRepository, publisher: EventPublisher, dynamodb: Any
) -> None:
    session_id = live_session_with_a_song(repository)
    service.vote(repository, publisher, session_id, "song-1", "ana", 1, NOW)
    attempts = cancelled_by_a_conflict(dynamodb, times=1000)

    with pytest.raises(Busy):
        service.vote(repository, publisher, session_id, "song-1", "ana", -1, NOW)

    assert attempts[0] == service.MAX_ATTEMPTS
    assert (stored_votes(dynamodb, session_id), score(repository, session_id)) == ({"ana": 1}, 1)
