"""Live's domain events, as published on the project bus with source `colmena.live`. The realtime half
(the WebSocket fan-out) consumes them; every id is deterministic, so a retried request that publishes
again sends the same id and consumers drop the duplicate."""

from __future__ import annotations

from typing import Any

from colmena.events import DomainEvent, deterministic_event_id
from live.models import EndReason, Message, Participant, Session, Song

SOURCE = "colmena.live"


def _event(event_type: str, occurred_at: str, data: dict[str, Any], *key: str) -> DomainEvent:
    return DomainEvent(event_type, deterministic_event_id(event_type, *key), occurred_at, data)


def session_started(session: Session) -> DomainEvent:
    assert session.started_at is not None
    data = {"session_id": session.session_id, "dj_id": session.dj_id, "started_at": session.started_at}
    return _event("session.started", session.started_at, data, session.session_id)


def session_ended(session: Session) -> DomainEvent:
    assert session.ended_at is not None
    data = {
        "session_id": session.session_id,
        "dj_id": session.dj_id,
        "ended_at": session.ended_at,
        # dj, idle or not_started (cancelled by the cleanup)
        "reason": str(session.end_reason or EndReason.DJ),
    }
    return _event("session.ended", session.ended_at, data, session.session_id)


def chat_message(message: Message) -> DomainEvent:
    data = {
        "session_id": message.session_id,
        "message_id": message.message_id,
        "type": str(message.type),
        "text": message.text,
        "user_id": message.user_id,
        "created_at": message.created_at,
    }
    return _event("chat.message", message.created_at, data, message.session_id, message.message_id)


def vote_changed(song: Song, user_id: str, value: int | None, at: str) -> DomainEvent:
    """The song's new score after one user's vote (value None: withdrawn)."""
    data = {"session_id": song.session_id, "song_id": song.song_id, "score": song.score}
    key = (song.session_id, song.song_id, user_id, str(value), at)
    return _event("vote.changed", at, data, *key)


def queue_changed(song: Song, change: str, at: str) -> DomainEvent:
    """A song added to the queue (`added`) or its status set by the DJ (`playing`, `played`, `skipped`)."""
    data = {
        "session_id": song.session_id,
        "song_id": song.song_id,
        "change": change,
        "status": str(song.status),
        "position": song.position,
    }
    return _event("queue.changed", at, data, song.session_id, song.song_id, change, at)


def presence(session: Session, membership: Participant) -> DomainEvent:
    """A participant joined (`left_at` unset) or left; `participant_count` is the session's count as read
    after it. The id names the membership and the change (the user, when they joined, joined or left), not
    the request: a repeated join or leave announces the same change again with the same id, so a retry
    finishes a publish that failed and consumers that keep ids drop the repeat; joining again after leaving
    is a new membership, with new ids."""
    change, at = ("left", membership.left_at) if membership.left_at else ("joined", membership.joined_at)
    data = {
        "session_id": session.session_id,
        "user_id": membership.user_id,
        "change": change,
        "participant_count": session.participant_count,
    }
    return _event("presence", at, data, session.session_id, membership.user_id, change, membership.joined_at)
