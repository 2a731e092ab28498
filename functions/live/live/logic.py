"""Live's business rules as plain functions of plain data: no event, no boto3, no clock.

The repository enforces each rule again with a condition on the write (a session's status, the participant
count, a vote's previous value), so concurrent requests cannot slip between a check here and the write; the
checks here give the precise answer (403, 404 or 409) for a request that breaks one."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from colmena.errors import Conflict, Forbidden, InvalidInput, NotFound
from colmena.events import deterministic_event_id
from live.models import KeyedRequest, QueueOrder, RequestKey, Session, SessionStatus, Song, SongStatus

MAX_MESSAGE_CHARS = 500
IDEMPOTENCY_HEADER = "Idempotency-Key"
# A session's activity (what the cleanup reads) is recorded at most once per this interval, so a busy
# session's item is not rewritten by every vote and message; the cleanup waits this much longer to match.
ACTIVITY_RESOLUTION = timedelta(seconds=60)


def found[T](thing: T | None, what: str) -> T:
    if thing is None:
        raise NotFound(f"{what} does not exist")
    return thing


def require_dj(session: Session, user_id: str, action: str) -> None:
    if session.dj_id != user_id:
        raise Forbidden(f"only the session's DJ may {action}")


def require_member(session: Session, user_id: str, is_participant: bool, action: str) -> None:
    """The DJ and the session's participants may queue, vote and chat; anyone else must join first."""
    if session.dj_id != user_id and not is_participant:
        raise Forbidden(f"join the session to {action}")


def require_live(session: Session, action: str) -> None:
    if session.status is not SessionStatus.LIVE:
        raise Conflict(f"the session is {session.status}, not live: cannot {action}")


def require_not_ended(session: Session, action: str) -> None:
    if session.status is SessionStatus.ENDED:
        raise Conflict(f"the session has ended: cannot {action}")


def require_voting(session: Session) -> None:
    require_live(session, "vote")
    if not session.voting_enabled:
        raise Conflict("voting is disabled in this session")


def starts(session: Session) -> bool:
    """True when starting the session makes it live; False when it is live already (a repeated start
    changes nothing). An ended session never goes live again."""
    if session.status is SessionStatus.ENDED:
        raise Conflict("the session has ended and cannot go live again")
    return session.status is SessionStatus.SCHEDULED


def ends(session: Session) -> bool:
    """True when ending the session changes it (scheduled or live); False when it has ended already."""
    return session.status is not SessionStatus.ENDED


def can_join(session: Session) -> None:
    """Raises Conflict unless someone new may join now: the session is live and not full."""
    require_live(session, "join")
    if session.participant_count >= session.max_participants:
        raise Conflict(f"the session is full ({session.max_participants} participants)")


def vote_delta(previous: int | None, new: int | None) -> int:
    """How much a song's score moves when a user's vote goes from `previous` to `new` (None: no vote)."""
    return (new or 0) - (previous or 0)


def score_of(votes: Mapping[str, int]) -> int:
    """A song's score: the sum of its votes, one per user."""
    return sum(votes.values())


def replay_votes(changes: Iterable[tuple[str, int | None]]) -> tuple[dict[str, int], int]:
    """The votes left after a sequence of (user, value or None to withdraw) changes, and the score kept by
    adding each change's delta, as the repository does in the transaction with the vote."""
    votes: dict[str, int] = {}
    score = 0
    for user_id, value in changes:
        score += vote_delta(votes.get(user_id), value)
        if value is None:
            votes.pop(user_id, None)
        else:
            votes[user_id] = value
    return votes, score


def request_key(what: str, session_id: str, user_id: str, key: str, body: Mapping[str, Any]) -> RequestKey:
    """A keyed request's id and fingerprint. The id depends on the caller too, so two users' equal keys never
    meet; the fingerprint is of the body as validated (key order and a message's outer spaces aside)."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return RequestKey(
        key_id=deterministic_event_id(f"idempotency-{what}", session_id, user_id, key),
        fingerprint=hashlib.sha256(canonical.encode()).hexdigest(),
    )


def same_request(stored: KeyedRequest, key: RequestKey) -> None:
    """Raises InvalidInput, naming the header, when a key comes back with another body than it first came
    with: the key names one request, and answering the first would hide that the second was not made."""
    if stored.fingerprint != key.fingerprint:
        raise InvalidInput(
            f"this {IDEMPOTENCY_HEADER} was sent before with another body; use a new key for a new request",
            # As the request validation names a header: in lower case, which is how Powertools keys them.
            field=IDEMPOTENCY_HEADER.lower(),
        )


def queue_order(songs: Sequence[Song], order: QueueOrder) -> list[Song]:
    """The queue by position, or by score (highest first) with ties in queue position: a stable order, so a
    listener's view does not reshuffle between two equal songs."""
    by_position = sorted(songs, key=lambda song: song.position)
    if order is QueueOrder.POSITION:
        return by_position
    return sorted(by_position, key=lambda song: -song.score)


def song_status_change(song: Song, status: SongStatus) -> bool:
    """True when the status changes; a queued status cannot be set again by hand (the DJ plays, marks
    played or skips a song)."""
    if status is SongStatus.QUEUED:
        raise InvalidInput("a song's status can be set to playing, played or skipped", field="status")
    return song.status is not status


def chat_text(text: str) -> str:
    """The message as stored: trimmed, 1 to 500 characters."""
    trimmed = text.strip()
    if not trimmed:
        raise ValueError("must not be empty or only spaces")
    if len(trimmed) > MAX_MESSAGE_CHARS:
        raise ValueError(f"at most {MAX_MESSAGE_CHARS} characters after trimming ({len(trimmed)} given)")
    return trimmed


def session_sort_key(session: Session) -> str:
    """What orders sessions of one status newest first: when a live session started; when a scheduled or
    ended one was created or ended."""
    if session.status is SessionStatus.LIVE and session.started_at:
        return session.started_at
    if session.status is SessionStatus.ENDED and session.ended_at:
        return session.ended_at
    return session.created_at


# ---------------------------------------------------------------- the scheduled cleanup


def cutoff(now: str, after: timedelta) -> str:
    """The stored-format time `after` before `now`: whatever happened before it is that old or older."""
    return (datetime.fromisoformat(now) - after).isoformat(timespec="milliseconds")


def idle_before(now: str, idle_after: timedelta) -> str:
    """Before this time, a session's recorded activity means `idle_after` without any: activity within
    ACTIVITY_RESOLUTION of the recorded one is not recorded, so the cleanup waits that much longer."""
    return cutoff(now, idle_after + ACTIVITY_RESOLUTION)


def activity_stale_before(now: str) -> str:
    """A session whose recorded activity is older than this records the activity happening `now`."""
    return cutoff(now, ACTIVITY_RESOLUTION)


def records_activity(session: Session, now: str) -> bool:
    """True when activity `now` is to be recorded: the session's recorded activity is older than the
    resolution (newer, and it stands for this one too)."""
    return _last_activity(session) < activity_stale_before(now)


def _last_activity(session: Session) -> str:
    return session.last_activity_at or session.started_at or session.created_at


def is_idle(session: Session, idle_cutoff: str) -> bool:
    """A live session with no join, song, vote or message since the cutoff (its start counts as activity)."""
    return session.status is SessionStatus.LIVE and _last_activity(session) < idle_cutoff


def cancel_due_from(session: Session) -> str:
    """When a scheduled session's grace period starts: its scheduled time, or its creation when it has none
    or was created after it (a time given in the past), so a session is never cancelled before it existed
    for the whole period."""
    return max(session.scheduled_for or session.created_at, session.created_at)


def is_overdue(session: Session, cancel_cutoff: str) -> bool:
    """A scheduled session whose time passed before the cutoff and that never started."""
    return session.status is SessionStatus.SCHEDULED and cancel_due_from(session) < cancel_cutoff
