"""The Live API's request and response bodies (pydantic; only the REST handlers import this)."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from aws_lambda_powertools.event_handler.openapi.params import Header, Path
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from colmena.changes import PartialChange
from colmena.clock import normalized_timestamp
from live.logic import IDEMPOTENCY_HEADER, chat_text
from live.models import (
    DEFAULT_MAX_PARTICIPANTS,
    EndReason,
    Message,
    MessageType,
    Page,
    Participant,
    Session,
    SessionStatus,
    Song,
    SongStatus,
)


def _https(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.hostname:
        raise ValueError("must be an https URL")
    return value


def _timestamp(value: str) -> str:
    return normalized_timestamp(value)


HttpsUrl = Annotated[
    str,
    Field(max_length=2048, pattern=r"^https://\S+$", examples=["https://example.com/cover.jpg"]),
    AfterValidator(_https),
]
Title = Annotated[str, Field(min_length=1, max_length=120)]
Description = Annotated[str, Field(max_length=2000)]
Genres = Annotated[list[Annotated[str, Field(min_length=1, max_length=40)]], Field(max_length=10)]
Timestamp = Annotated[str, Field(max_length=40, examples=["2026-12-01T21:00:00Z"]), AfterValidator(_timestamp)]
MaxParticipants = Annotated[int, Field(ge=1, le=10_000)]
Id = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$")]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias=IDEMPOTENCY_HEADER,
        min_length=1,
        max_length=255,
        pattern=r"^[\x21-\x7e]+$",
        description="Optional; any printable ASCII without spaces, unique per request (a UUID). Sent again "
        "with the same body, the request answers what it created the first time (201) and creates and "
        "announces nothing again; sent with another body, it is refused (422 naming the header).",
        examples=["5b0e6f9a-8d0c-4a51-9a8e-2f1d3c4b5a69"],
    ),
]


class NewSession(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Title
    description: Description = ""
    cover_url: HttpsUrl | None = None
    genres: Genres = []
    scheduled_for: Timestamp | None = None
    max_participants: MaxParticipants = DEFAULT_MAX_PARTICIPANTS
    voting_enabled: bool = True
    tips_enabled: bool = False

    def fields(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class SessionChange(PartialChange):
    """What the DJ changes; the fields left out keep their value."""

    title: Title | None = None
    description: Description | None = None
    cover_url: HttpsUrl | None = None
    genres: Genres | None = None
    scheduled_for: Timestamp | None = None
    max_participants: MaxParticipants | None = None
    voting_enabled: bool | None = None
    tips_enabled: bool | None = None


class SessionView(BaseModel):
    session_id: str
    dj_id: str
    title: str
    description: str
    cover_url: str | None
    genres: list[str]
    scheduled_for: str | None
    max_participants: int
    voting_enabled: bool
    tips_enabled: bool
    status: SessionStatus
    participant_count: int
    created_at: str
    started_at: str | None
    ended_at: str | None
    end_reason: EndReason | None = Field(
        description="Why it ended: `dj` (its DJ ended it), `idle` (no activity for hours) or `not_started` "
        "(cancelled: it never went live); null until it ends"
    )

    @classmethod
    def of(cls, session: Session) -> SessionView:
        return cls(
            session_id=session.session_id,
            dj_id=session.dj_id,
            title=session.title,
            description=session.description,
            cover_url=session.cover_url,
            genres=list(session.genres),
            scheduled_for=session.scheduled_for,
            max_participants=session.max_participants,
            voting_enabled=session.voting_enabled,
            tips_enabled=session.tips_enabled,
            status=session.status,
            participant_count=session.participant_count,
            created_at=session.created_at,
            started_at=session.started_at,
            ended_at=session.ended_at,
            end_reason=session.end_reason,
        )


class SessionPage(BaseModel):
    sessions: list[SessionView]
    next_cursor: str | None = Field(description="Give it as `cursor` for the next page; null on the last page")

    @classmethod
    def of(cls, page: Page[Session]) -> SessionPage:
        return cls(sessions=[SessionView.of(session) for session in page.items], next_cursor=page.next_cursor)


class Membership(BaseModel):
    """The caller's place in a session after joining or leaving."""

    session_id: str
    user_id: str
    participant: bool
    changed: bool = Field(description="False when the call changed nothing (joined twice, or left when not in)")
    participant_count: int


class ParticipantView(BaseModel):
    user_id: str
    joined_at: str


class ParticipantList(BaseModel):
    session_id: str
    participant_count: int
    participants: list[ParticipantView]

    @classmethod
    def of(cls, session_id: str, participants: list[Participant]) -> ParticipantList:
        return cls(
            session_id=session_id,
            participant_count=len(participants),
            participants=[ParticipantView(user_id=p.user_id, joined_at=p.joined_at) for p in participants],
        )


class NewSong(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Annotated[str, Field(min_length=1, max_length=200)]
    artist: Annotated[str, Field(min_length=1, max_length=200)]
    album_art_url: HttpsUrl | None = None
    audio_url: HttpsUrl | None = None
    duration_s: Annotated[int, Field(ge=1, le=24 * 3600)] | None = None

    def fields(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class SongView(BaseModel):
    song_id: str
    session_id: str
    title: str
    artist: str
    album_art_url: str | None
    audio_url: str | None
    duration_s: int | None
    position: int
    score: int
    status: SongStatus
    added_by: str
    added_at: str

    @classmethod
    def of(cls, song: Song) -> SongView:
        return cls(
            song_id=song.song_id,
            session_id=song.session_id,
            title=song.title,
            artist=song.artist,
            album_art_url=song.album_art_url,
            audio_url=song.audio_url,
            duration_s=song.duration_s,
            position=song.position,
            score=song.score,
            status=song.status,
            added_by=song.added_by,
            added_at=song.added_at,
        )


class Queue(BaseModel):
    session_id: str
    order: Literal["position", "score"]
    songs: list[SongView]


class SongStatusChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["playing", "played", "skipped"]


class VoteBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    value: Literal[1, -1]


class VoteView(BaseModel):
    session_id: str
    song_id: str
    score: int = Field(description="The sum of every vote on the song")
    my_vote: Literal[1, -1] | None = Field(description="The caller's vote as it now is; null once withdrawn")


class NewMessage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: Annotated[
        str,
        Field(min_length=1, max_length=2000, description="1 to 500 characters once the ends are trimmed"),
        AfterValidator(chat_text),
    ]


class MessageView(BaseModel):
    message_id: str
    session_id: str
    type: MessageType
    text: str
    user_id: str | None
    created_at: str

    @classmethod
    def of(cls, message: Message) -> MessageView:
        return cls(
            message_id=message.message_id,
            session_id=message.session_id,
            type=message.type,
            text=message.text,
            user_id=message.user_id,
            created_at=message.created_at,
        )


class MessagePage(BaseModel):
    messages: list[MessageView]
    next_cursor: str | None = Field(description="Give it as `cursor` for the next page; null on the last page")

    @classmethod
    def of(cls, page: Page[Message]) -> MessagePage:
        return cls(messages=[MessageView.of(message) for message in page.items], next_cursor=page.next_cursor)
