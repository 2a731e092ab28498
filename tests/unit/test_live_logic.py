"""Live's business rules, as plain functions: the session lifecycle, votes and the queue's order."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from colmena.errors import Conflict, Forbidden
from live.logic import (
    can_join,
    chat_text,
    ends,
    queue_order,
    replay_votes,
    require_dj,
    require_member,
    require_voting,
    score_of,
    starts,
    vote_delta,
)
from live.models import QueueOrder, Session, SessionStatus, Song

NOW = "2026-11-25T10:00:00.000+00:00"


def session(status: SessionStatus = SessionStatus.LIVE, **fields: object) -> Session:
    return Session("s-1", "dj", "Friday", status, NOW, **fields)  # type: ignore[arg-type]


users = st.sampled_from(["ana", "bo", "cy", "di"])
votes = st.sampled_from([1, -1, None])


@given(st.lists(st.tuples(users, votes), max_size=60))
def test_the_score_kept_by_deltas_is_always_the_sum_of_the_votes_left(changes: list[tuple[str, int | None]]) -> None:
    left, score = replay_votes(changes)

    assert score == score_of(left)


@given(st.lists(st.tuples(users, votes), max_size=60))
def test_each_user_counts_at_most_once_whatever_they_send(changes: list[tuple[str, int | None]]) -> None:
    left, score = replay_votes(changes)

    assert abs(score) <= len(left) <= len({user for user, _ in changes})


@given(votes, votes)
def test_a_vote_followed_by_its_delta_lands_on_the_new_vote(previous: int | None, new: int | None) -> None:
    assert (previous or 0) + vote_delta(previous, new) == (new or 0)


def song(position: int, score: int) -> Song:
    return Song("s-1", f"song-{position}", "T", "A", position, "u", NOW, score=score)


queues = st.lists(st.integers(-5, 5), max_size=30).map(
    lambda scores: [song(position, score) for position, score in enumerate(scores, start=1)]
)


@given(queues)
def test_the_queue_by_score_is_highest_first_with_ties_in_queue_order(songs: list[Song]) -> None:
    ordered = queue_order(list(reversed(songs)), QueueOrder.SCORE)

    assert [(-s.score, s.position) for s in ordered] == sorted((-s.score, s.position) for s in songs)


@given(queues)
def test_the_queue_by_position_ignores_the_score(songs: list[Song]) -> None:
    ordered = queue_order(list(reversed(songs)), QueueOrder.POSITION)

    assert [s.position for s in ordered] == list(range(1, len(songs) + 1))


def test_a_scheduled_session_starts_and_a_live_one_is_left_as_it_is() -> None:
    assert starts(session(SessionStatus.SCHEDULED))
    assert not starts(session(SessionStatus.LIVE))


def test_an_ended_session_never_starts_again() -> None:
    with pytest.raises(Conflict):
        starts(session(SessionStatus.ENDED))


def test_ending_changes_a_session_once() -> None:
    assert ends(session(SessionStatus.LIVE)) and ends(session(SessionStatus.SCHEDULED))
    assert not ends(session(SessionStatus.ENDED))


def test_only_the_dj_is_the_dj() -> None:
    require_dj(session(), "dj", "end it")

    with pytest.raises(Forbidden):
        require_dj(session(), "someone", "end it")


def test_the_dj_and_participants_are_members_and_nobody_else() -> None:
    require_member(session(), "dj", False, "chat")
    require_member(session(), "bo", True, "chat")

    with pytest.raises(Forbidden):
        require_member(session(), "cy", False, "chat")


@pytest.mark.parametrize(
    "refused",
    [
        session(SessionStatus.SCHEDULED),
        session(SessionStatus.ENDED),
        session(max_participants=2, participant_count=2),
    ],
)
def test_a_session_not_live_or_full_takes_no_one_new(refused: Session) -> None:
    with pytest.raises(Conflict):
        can_join(refused)


def test_voting_needs_a_live_session_with_voting_on() -> None:
    require_voting(session())

    with pytest.raises(Conflict):
        require_voting(session(voting_enabled=False))


@given(st.text(max_size=600))
def test_a_chat_message_is_stored_trimmed_within_1_to_500_characters(text: str) -> None:
    trimmed = text.strip()
    if 1 <= len(trimmed) <= 500:
        assert chat_text(text) == trimmed
    else:
        with pytest.raises(ValueError, match=r"empty|at most"):
            chat_text(text)
