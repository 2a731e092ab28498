"""Live's use cases: each reads what it needs through the repository, applies the rules in `live.logic`,
writes with the conditions that make it safe under concurrency, and publishes its domain event.

A write that loses a race (ConditionFailed or Contended) is judged again on fresh reads, so the answer is
the precise one (403, 404, 409) and concurrent requests never break a rule."""

from __future__ import annotations

import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

from colmena.errors import Busy, Conflict
from colmena.events import DomainEvent, EventPublisher, deterministic_event_id
from colmena.repository import ConditionFailed, Contended
from live import events
from live.logic import (
    activity_stale_before,
    can_join,
    cutoff,
    ends,
    found,
    idle_before,
    is_idle,
    is_overdue,
    queue_order,
    records_activity,
    request_key,
    require_dj,
    require_live,
    require_member,
    require_not_ended,
    require_voting,
    same_request,
    song_status_change,
    starts,
)
from live.models import (
    EndReason,
    Message,
    MessageType,
    Page,
    Participant,
    QueueOrder,
    RequestKey,
    Session,
    SessionStatus,
    Song,
    SongStatus,
)
from live.repository import LiveRepository

# Enough for one user's burst of votes on one song: after the first write, the others find their vote
# stored already and write nothing.
MAX_ATTEMPTS = 8
STARTED_TEXT = "The session is live"
ENDED_TEXT = "The session has ended"
IDLE_TEXT = "The session has ended after {hours:g} hours without activity"
CANCELLED_TEXT = "The session was cancelled: it did not start within {hours:g} hours of its time"


def session_of(repository: LiveRepository, session_id: str) -> Session:
    return found(repository.get_session(session_id), f"session {session_id}")


# ---------------------------------------------------------------- sessions


def create_session(repository: LiveRepository, dj_id: str, fields: dict[str, Any], now: str) -> Session:
    session = Session(
        session_id=str(uuid.uuid4()),
        dj_id=dj_id,
        status=SessionStatus.SCHEDULED,
        created_at=now,
        updated_at=now,
        **{**fields, "genres": tuple(fields.get("genres", ()))},
    )
    repository.create_session(session)
    return session


def change_session(
    repository: LiveRepository, session_id: str, dj_id: str, changes: dict[str, Any], now: str
) -> Session:
    session = session_of(repository, session_id)
    require_dj(session, dj_id, "change it")
    require_not_ended(session, "change it")
    try:
        return repository.change_session(session_id, dj_id, changes, now)
    except ConditionFailed as error:
        # It ended between the read and the write.
        raise Conflict("the session has ended: cannot change it") from error


def start_session(
    repository: LiveRepository, publisher: EventPublisher, session_id: str, dj_id: str, now: str
) -> Session:
    session = session_of(repository, session_id)
    require_dj(session, dj_id, "start it")
    if starts(session):
        try:
            session = repository.start_session(session, now)
        except ConditionFailed:
            session = session_of(repository, session_id)
            starts(session)  # 409 if it ended meanwhile; live already is what was asked
    assert session.started_at is not None
    _system_message(repository, session, "started", STARTED_TEXT, session.started_at)
    # Published again on a repeated start, with the same id: a start whose publish failed is finished by
    # sending it again (at least once; consumers drop duplicates).
    publisher.publish(events.session_started(session))
    return session


def end_session(
    repository: LiveRepository, publisher: EventPublisher, session_id: str, dj_id: str, now: str
) -> Session:
    session = session_of(repository, session_id)
    require_dj(session, dj_id, "end it")
    if ends(session):
        try:
            session = repository.end_session(session, now)
        except ConditionFailed:
            session = session_of(repository, session_id)
    _announce_end(repository, publisher, session, ENDED_TEXT)
    return session


def _system_message(repository: LiveRepository, session: Session, what: str, text: str, at: str) -> None:
    """Written once however often the start or end is repeated: its id and time come from the session."""
    message_id = deterministic_event_id("system-message", session.session_id, what)
    try:
        repository.add_message(Message(session.session_id, message_id, MessageType.SYSTEM, text, at))
    except ConditionFailed:
        return


# ---------------------------------------------------------------- activity


def record_activity(repository: LiveRepository, session: Session, now: str) -> None:
    """Records activity in the session (what the cleanup reads) unless the session, as just read, shows some
    within the last minute: a busy session's item is written about once a minute for activity, not by every
    vote, message and song status, which would make it the one item they all contend for. Recorded before
    the change it stands for, so a cleanup ending the session in between fails its condition, or ends it
    first and the change is refused. A lost condition means another request recorded it; a write that met a
    transaction on the item (Contended) is left to the next request, which finds the activity still old."""
    if not records_activity(session, now):
        return
    try:
        repository.record_activity(session.session_id, now, activity_stale_before(now))
    except (ConditionFailed, Contended):
        return


# ---------------------------------------------------------------- the scheduled cleanup


@dataclass(frozen=True)
class Cleanup:
    """The sessions this run ended: idle live ones, and scheduled ones that never started (cancelled); and
    the ones ended earlier whose `session.ended` it published, because whoever ended them had stopped
    between the write and the publish."""

    ended: list[str] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)
    announced: list[str] = field(default_factory=list)


# How long an end may stay unannounced before the cleanup announces it: longer than the function that
# ended it can still be running (the cleanup's timeout is 60 s, a REST function's 10 s), so the cleanup
# never races a live writer to publish the same event.
ANNOUNCE_GRACE = timedelta(minutes=5)


def clean_up(
    repository: LiveRepository, publisher: EventPublisher, now: str, idle_after: timedelta, cancel_after: timedelta
) -> Cleanup:
    """Ends every live session idle for `idle_after` and cancels every scheduled one `cancel_after` past its
    time. Each write is conditional on what made the session a candidate, so of two runs at once only one
    ends a session (the other's write fails and it moves on), and activity after the read keeps it live;
    only the run that ended a session posts its system message and publishes `session.ended`. The ending
    write lists the session as unannounced until that publish succeeds, so a run that stopped in between is
    made good by a later run, which publishes it first."""
    texts = {
        EndReason.DJ: ENDED_TEXT,
        EndReason.IDLE: IDLE_TEXT.format(hours=idle_after / timedelta(hours=1)),
        EndReason.NOT_STARTED: CANCELLED_TEXT.format(hours=cancel_after / timedelta(hours=1)),
    }
    result = Cleanup()
    for session in repository.unannounced_ends(cutoff(now, ANNOUNCE_GRACE)):
        _announce_end(repository, publisher, session, texts[session.end_reason or EndReason.DJ])
        result.announced.append(session.session_id)
    idle_cutoff = idle_before(now, idle_after)
    for session in repository.idle_live_sessions(idle_cutoff):
        if not is_idle(session, idle_cutoff):
            continue
        try:
            ended = repository.end_idle_session(session, idle_cutoff, now)
        except ConditionFailed:
            continue
        _announce_end(repository, publisher, ended, texts[EndReason.IDLE])
        result.ended.append(ended.session_id)
    cancel_cutoff = cutoff(now, cancel_after)
    for session in repository.overdue_scheduled_sessions(cancel_cutoff):
        if not is_overdue(session, cancel_cutoff):
            continue
        try:
            cancelled = repository.cancel_session(session, now)
        except ConditionFailed:
            continue
        _announce_end(repository, publisher, cancelled, texts[EndReason.NOT_STARTED])
        result.cancelled.append(cancelled.session_id)
    return result


def _announce_end(repository: LiveRepository, publisher: EventPublisher, session: Session, text: str) -> None:
    """The system message and `session.ended`, both with ids from the session (so written and published as
    one however often this runs), then the session is listed as announced."""
    assert session.ended_at is not None
    _system_message(repository, session, "ended", text, session.ended_at)
    publisher.publish(events.session_ended(session))
    try:
        repository.end_announced(session)
    except ConditionFailed:
        return  # announced already: a repeated end, or another run


# ---------------------------------------------------------------- participants


def join(
    repository: LiveRepository, publisher: EventPublisher, session_id: str, user_id: str, now: str
) -> tuple[Session, bool]:
    """The session after the user joined, and whether this call added them (False: they were in already).
    Either way their presence is announced, with the id of their membership: a join whose publish failed
    (503) is finished by sending it again."""
    for _ in range(MAX_ATTEMPTS):
        session = session_of(repository, session_id)
        membership = repository.participant(session_id, user_id)
        if membership is not None:
            publisher.publish(events.presence(session, membership))
            return session, False
        can_join(session)
        try:
            repository.join(session_id, user_id, now)
        except (ConditionFailed, Contended):
            continue
        session = session_of(repository, session_id)
        publisher.publish(events.presence(session, Participant(session_id, user_id, now)))
        return session, True
    raise Busy("the session is busy; send the request again")


def leave(
    repository: LiveRepository, publisher: EventPublisher, session_id: str, user_id: str, now: str
) -> tuple[Session, bool]:
    """The session after the user left, and whether this call removed them (False: they were not in). A
    repeated leave announces their last departure again, with its id (nothing, if they never left)."""
    for _ in range(MAX_ATTEMPTS):
        session = session_of(repository, session_id)
        membership = repository.participant(session_id, user_id)
        if membership is None:
            if (departed := repository.last_membership(session_id, user_id)) is not None:
                publisher.publish(events.presence(session, departed))
            return session, False
        try:
            repository.leave(membership, now)
        except (ConditionFailed, Contended):
            continue
        session = session_of(repository, session_id)
        publisher.publish(events.presence(session, replace(membership, left_at=now)))
        return session, True
    raise Busy("the session is busy; send the request again")


def participants(repository: LiveRepository, session_id: str) -> list[Participant]:
    session_of(repository, session_id)
    return repository.participants(session_id)


# ---------------------------------------------------------------- queue


def add_song(
    repository: LiveRepository,
    publisher: EventPublisher,
    session_id: str,
    user_id: str,
    fields: dict[str, Any],
    now: str,
    idempotency_key: str | None = None,
) -> Song:
    """Queues the song. With an `idempotency_key`, the song's id derives from it: the same request again
    answers the song it queued (publishing its event only if that had failed), and another body is refused."""
    session = session_of(repository, session_id)
    key = request_key("song", session_id, user_id, idempotency_key, fields) if idempotency_key else None
    if key is not None and (queued := _song_queued_by(repository, publisher, session_id, key)) is not None:
        return queued
    require_member(session, user_id, repository.is_participant(session_id, user_id), "queue songs")
    require_live(session, "queue songs")
    try:
        position = repository.next_position(session_id, now)
    except ConditionFailed:
        require_live(session_of(repository, session_id), "queue songs")
        raise
    song = Song(
        session_id=session_id,
        song_id=key.key_id if key else str(uuid.uuid4()),
        position=position,
        added_by=user_id,
        added_at=now,
        updated_at=now,
        **fields,
    )
    try:
        repository.add_song(song, key)
    except ConditionFailed:
        # The same key at the same moment: the other request queued it (its position is left as a gap).
        if key is None or (queued := _song_queued_by(repository, publisher, session_id, key)) is None:
            raise
        return queued
    _announce(repository, publisher, events.queue_changed(song, "added", now), key)
    return song


def _song_queued_by(
    repository: LiveRepository, publisher: EventPublisher, session_id: str, key: RequestKey
) -> Song | None:
    return _created_by(
        repository,
        publisher,
        session_id,
        key,
        lambda song_id: repository.get_song(session_id, song_id),
        lambda song: events.queue_changed(song, "added", song.added_at),
    )


def _created_by[T](
    repository: LiveRepository,
    publisher: EventPublisher,
    session_id: str,
    key: RequestKey,
    read: Callable[[str], T | None],
    event_of: Callable[[T], DomainEvent],
) -> T | None:
    """What a request with this key created before (None if nothing), announced if that had failed;
    InvalidInput if the key came with another body."""
    stored = repository.keyed_request(session_id, key.key_id)
    if stored is None:
        return None
    same_request(stored, key)
    created = found(read(stored.created), "what this Idempotency-Key created")
    if not stored.announced:
        _announce(repository, publisher, event_of(created), key)
    return created


def _announce(
    repository: LiveRepository, publisher: EventPublisher, event: DomainEvent, key: RequestKey | None
) -> None:
    """Publishes a created thing's event; for a keyed request, notes it published, so that a retry of a
    request that was answered publishes nothing, and a retry of one whose publish failed publishes it (with
    the same id). A crash between the two, or two requests with one key at once, may publish it twice."""
    publisher.publish(event)
    if key is not None:
        repository.mark_announced(event.data["session_id"], key.key_id)


def queue(repository: LiveRepository, session_id: str, order: QueueOrder) -> list[Song]:
    session_of(repository, session_id)
    return queue_order(repository.songs(session_id), order)


def set_song_status(
    repository: LiveRepository,
    publisher: EventPublisher,
    session_id: str,
    song_id: str,
    dj_id: str,
    status: SongStatus,
    now: str,
) -> Song:
    session = session_of(repository, session_id)
    require_dj(session, dj_id, "change the queue")
    require_not_ended(session, "change the queue")
    song = found(repository.get_song(session_id, song_id), f"song {song_id}")
    if song_status_change(song, status):
        record_activity(repository, session, now)
        song = repository.set_song_status(session_id, song_id, status, now)
    publisher.publish(events.queue_changed(song, str(song.status), song.updated_at or now))
    return song


# ---------------------------------------------------------------- votes


def vote(
    repository: LiveRepository,
    publisher: EventPublisher,
    session_id: str,
    song_id: str,
    user_id: str,
    value: int | None,
    now: str,
) -> tuple[Song, int | None]:
    """Sets (1 or -1) or withdraws (None) the user's vote on the song: the song with its score, and the
    user's vote as it now is."""
    for _ in range(MAX_ATTEMPTS):
        session = session_of(repository, session_id)
        require_member(session, user_id, repository.is_participant(session_id, user_id), "vote")
        require_voting(session)
        # The vote before the song: a vote seen stored is already counted in the score read after it (they
        # are written in one transaction), so the score answered is never older than the vote.
        previous = repository.get_vote(session_id, song_id, user_id)
        song = found(repository.get_song(session_id, song_id), f"song {song_id}")
        if (previous.value if previous else None) == value:
            if previous is not None:
                # Nothing to write; announced again with the original id, in case that publish failed.
                publisher.publish(events.vote_changed(song, user_id, value, previous.voted_at))
            return song, value
        record_activity(repository, session, now)
        try:
            repository.write_vote(song, user_id, previous, value, now)
        except (ConditionFailed, Contended):
            continue
        song = found(repository.get_song(session_id, song_id), f"song {song_id}")
        publisher.publish(events.vote_changed(song, user_id, value, now))
        return song, value
    raise Busy("too many votes at once on this song; send the vote again")


# ---------------------------------------------------------------- chat


def post_message(
    repository: LiveRepository,
    publisher: EventPublisher,
    session_id: str,
    user_id: str,
    text: str,
    now: str,
    idempotency_key: str | None = None,
) -> Message:
    """Posts the message. With an `idempotency_key`, the same request again answers the message it posted
    (publishing its event only if that had failed), and another text is refused. The message keeps its
    time-ordered id (its sort key holds its time, which a retry cannot repeat); the key's record, whose id
    derives from the key, is what the write's condition is on."""
    session = session_of(repository, session_id)
    key = request_key("message", session_id, user_id, idempotency_key, {"text": text}) if idempotency_key else None
    if key is not None and (posted := _message_posted_by(repository, publisher, session_id, key)) is not None:
        return posted
    require_member(session, user_id, repository.is_participant(session_id, user_id), "chat")
    require_live(session, "chat")
    message = Message(session_id, _time_ordered_id(), MessageType.TEXT, text, now, user_id)
    record_activity(repository, session, now)
    try:
        repository.add_message(message, key)
    except ConditionFailed:
        if key is None or (posted := _message_posted_by(repository, publisher, session_id, key)) is None:
            raise
        return posted
    _announce(repository, publisher, events.chat_message(message), key)
    return message


def _message_posted_by(
    repository: LiveRepository, publisher: EventPublisher, session_id: str, key: RequestKey
) -> Message | None:
    return _created_by(
        repository,
        publisher,
        session_id,
        key,
        lambda sk: repository.get_message(session_id, sk),
        events.chat_message,
    )


def _time_ordered_id() -> str:
    """A message id that sorts in the order messages were posted, even within one millisecond (the key
    is MSG#<created_at>#<message_id>), then random so that two functions never make the same one."""
    return f"{time.time_ns():016x}{secrets.token_hex(8)}"


def messages(
    repository: LiveRepository, session_id: str, user_id: str, limit: int, cursor: str | None
) -> Page[Message]:
    session = session_of(repository, session_id)
    require_member(session, user_id, repository.is_participant(session_id, user_id), "read the chat")
    return repository.messages(session_id, limit, cursor)
