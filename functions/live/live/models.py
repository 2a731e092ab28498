"""Live's plain data: what the repository stores and the logic reasons about. No pydantic here."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class SessionStatus(StrEnum):
    SCHEDULED = "scheduled"
    LIVE = "live"
    ENDED = "ended"


class EndReason(StrEnum):
    """Why a session ended: its DJ ended it, the cleanup found it idle, or it never started (cancelled).
    A cancelled session is an ended one with `not_started`: it never goes live again either."""

    DJ = "dj"
    IDLE = "idle"
    NOT_STARTED = "not_started"


class SongStatus(StrEnum):
    QUEUED = "queued"
    PLAYING = "playing"
    PLAYED = "played"
    SKIPPED = "skipped"


class MessageType(StrEnum):
    TEXT = "text"
    SYSTEM = "system"
    TIP_NOTIFICATION = "tip_notification"


class QueueOrder(StrEnum):
    POSITION = "position"
    SCORE = "score"


DEFAULT_MAX_PARTICIPANTS = 1000


@dataclass(frozen=True)
class Session:
    session_id: str
    dj_id: str
    title: str
    status: SessionStatus
    created_at: str
    description: str = ""
    cover_url: str | None = None
    genres: tuple[str, ...] = ()
    scheduled_for: str | None = None
    max_participants: int = DEFAULT_MAX_PARTICIPANTS
    voting_enabled: bool = True
    tips_enabled: bool = False
    participant_count: int = 0
    started_at: str | None = None
    ended_at: str | None = None
    updated_at: str | None = None
    end_reason: EndReason | None = None
    # The last join, song, vote or message; the creation until then (what the scheduled cleanup reads).
    last_activity_at: str | None = None


@dataclass(frozen=True)
class Participant:
    """One membership of a session: from `joined_at`, until `left_at` once the user has left."""

    session_id: str
    user_id: str
    joined_at: str
    left_at: str | None = None


@dataclass(frozen=True)
class Song:
    session_id: str
    song_id: str
    title: str
    artist: str
    position: int
    added_by: str
    added_at: str
    status: SongStatus = SongStatus.QUEUED
    score: int = 0
    album_art_url: str | None = None
    audio_url: str | None = None
    duration_s: int | None = None
    updated_at: str | None = None


@dataclass(frozen=True)
class Vote:
    session_id: str
    song_id: str
    user_id: str
    value: int
    voted_at: str


@dataclass(frozen=True)
class Message:
    session_id: str
    message_id: str
    type: MessageType
    text: str
    created_at: str
    user_id: str | None = None


@dataclass(frozen=True)
class RequestKey:
    """A creating request sent with an `Idempotency-Key`: the id derived from the session, the caller and the
    key (the same on every retry), and a fingerprint of what the request asked for."""

    key_id: str
    fingerprint: str


@dataclass(frozen=True)
class KeyedRequest:
    """What a keyed request stored: its fingerprint, what it created (a song's id, a message's sort key),
    and whether its event has been published."""

    fingerprint: str
    created: str
    announced: bool = False


@dataclass(frozen=True)
class Page[T]:
    """One page of a listing, newest first, and the opaque cursor of the next page (None on the last)."""

    items: list[T] = field(default_factory=list)
    next_cursor: str | None = None
