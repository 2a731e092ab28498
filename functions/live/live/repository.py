"""Live's DynamoDB access: one table (`LiveTable`), single-table keys; docs/live-table.md lists every access
pattern and the key or index that serves it.

pk                  sk                          item
SESSION#<id>        SESSION                     the session (gsi1pk STATUS#<status>, or UNANNOUNCED#ended
                                                until session.ended is published; gsi1sk <time>#<id>)
SESSION#<id>        PARTICIPANT#<user_id>       a participant
SESSION#<id>        LEFT#<user_id>              the user's last membership that ended
SESSION#<id>        SONG#<song_id>              a queued song, with its score
SESSION#<id>        VOTE#<song_id>#<user_id>    one user's vote on one song
SESSION#<id>        MSG#<created_at>#<id>       a chat message
SESSION#<id>        KEY#<key_id>                what a request sent with an Idempotency-Key created
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any, cast

from colmena.errors import MalformedInput
from colmena.repository import DynamoRepository, Item, from_attributes, to_attributes, translated
from live.logic import session_sort_key
from live.models import (
    EndReason,
    KeyedRequest,
    Message,
    MessageType,
    Page,
    Participant,
    RequestKey,
    Session,
    SessionStatus,
    Song,
    SongStatus,
    Vote,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

SESSION = "SESSION"
PARTICIPANT = "PARTICIPANT#"
LEFT = "LEFT#"
SONG = "SONG#"
VOTE = "VOTE#"
MESSAGE = "MSG#"
KEY = "KEY#"
BY_STATUS = "ByStatus"
# The status index's partition of ended sessions whose `session.ended` is not yet published.
UNANNOUNCED_END = "UNANNOUNCED#ended"
MAX_CURSOR_CHARS = 1024

# What each kind of item lets an update change; everything else is written once, when the item is created.
SESSION_CHANGEABLE = frozenset(
    {
        "title",
        "description",
        "cover_url",
        "genres",
        "scheduled_for",
        "max_participants",
        "voting_enabled",
        "tips_enabled",
        "updated_at",
    }
)
SESSION_LIFECYCLE = frozenset(
    {"status", "started_at", "ended_at", "end_reason", "gsi1pk", "gsi1sk", "updated_at", "last_activity_at"}
)
SONG_UPDATABLE = frozenset({"status", "updated_at"})
KEYED = frozenset({"announced"})


def session_pk(session_id: str) -> str:
    return f"SESSION#{session_id}"


def status_pk(status: SessionStatus) -> str:
    return f"STATUS#{status}"


def vote_sk(song_id: str, user_id: str) -> str:
    return f"{VOTE}{song_id}#{user_id}"


class LiveRepository(DynamoRepository):
    # ---------------------------------------------------------------- sessions
    def create_session(self, session: Session) -> None:
        self._put(_session_item(session), condition="attribute_not_exists(pk)")

    def get_session(self, session_id: str) -> Session | None:
        item = self._get(session_pk(session_id), SESSION)
        return _session(item) if item else None

    def list_sessions(self, status: SessionStatus, limit: int, cursor: str | None) -> Page[Session]:
        """Sessions of one status, newest first, from the status index: a query, never a scan."""
        partition = status_pk(status)
        request: dict[str, Any] = {
            "TableName": self.table_name,
            "IndexName": BY_STATUS,
            "KeyConditionExpression": "gsi1pk = :status",
            "ExpressionAttributeValues": {":status": {"S": partition}},
            "ScanIndexForward": False,
            "Limit": limit,
        }
        if cursor:
            request["ExclusiveStartKey"] = _session_start_key(cursor, partition)
        response = self._client.query(**request)
        return Page(
            [_session(from_attributes(item)) for item in response["Items"]],
            _cursor(response.get("LastEvaluatedKey")),
        )

    def change_session(self, session_id: str, dj_id: str, changes: dict[str, Any], now: str) -> Session:
        """Applies the DJ's changes unless the session has ended or is someone else's: ConditionFailed then
        (or when it does not exist), for the caller to tell which."""
        item = self._set_fields(
            session_pk(session_id),
            SESSION,
            {**changes, "updated_at": now},
            "dj_id = :dj AND #status <> :ended",
            SESSION_CHANGEABLE,
            dj=dj_id,
            ended=str(SessionStatus.ENDED),
        )
        return _session(item)

    def start_session(self, session: Session, now: str) -> Session:
        """Scheduled to live, once: ConditionFailed when it is no longer scheduled."""
        live = replace(session, status=SessionStatus.LIVE, started_at=now)
        item = self._set_fields(
            session_pk(session.session_id),
            SESSION,
            {
                "status": str(SessionStatus.LIVE),
                "started_at": now,
                "updated_at": now,
                # Going live is activity: the cleanup measures idleness from here at the earliest.
                "last_activity_at": now,
                "gsi1pk": status_pk(SessionStatus.LIVE),
                "gsi1sk": f"{session_sort_key(live)}#{session.session_id}",
            },
            "#status = :scheduled",
            SESSION_LIFECYCLE,
            scheduled=str(SessionStatus.SCHEDULED),
        )
        return _session(item)

    def end_session(self, session: Session, now: str, reason: EndReason = EndReason.DJ) -> Session:
        """Scheduled or live to ended, once: ConditionFailed when it has ended already."""
        return self._end(
            session, now, reason, "attribute_exists(pk) AND #status <> :ended", ended=str(SessionStatus.ENDED)
        )

    def end_idle_session(self, session: Session, idle_cutoff: str, now: str) -> Session:
        """Live to ended for idleness, on condition that it is still live and saw no activity since the
        cutoff: ConditionFailed when another cleanup ended it first, the DJ did, or someone was active."""
        return self._end(
            session,
            now,
            EndReason.IDLE,
            "#status = :live AND #last_activity_at < :cutoff",
            live=str(SessionStatus.LIVE),
            cutoff=idle_cutoff,
        )

    def cancel_session(self, session: Session, now: str) -> Session:
        """Scheduled to ended, never started: ConditionFailed when it started or ended meanwhile."""
        return self._end(
            session, now, EndReason.NOT_STARTED, "#status = :scheduled", scheduled=str(SessionStatus.SCHEDULED)
        )

    def idle_live_sessions(self, idle_cutoff: str) -> list[Session]:
        """Live sessions with no activity since the cutoff. A session's activity is never older than its
        start, so only sessions started before the cutoff can be idle: a range on the index's sort key
        (`<started_at>#<id>`), with the activity itself filtered on the items read."""
        return self._status_before(SessionStatus.LIVE, idle_cutoff, "last_activity_at < :cutoff", cutoff=idle_cutoff)

    def overdue_scheduled_sessions(self, cancel_cutoff: str) -> list[Session]:
        """Scheduled sessions created, and scheduled (when they say when), before the cutoff: a range on the
        index's sort key (`<created_at>#<id>`), with the scheduled time filtered on the items read."""
        return self._status_before(
            SessionStatus.SCHEDULED,
            cancel_cutoff,
            "attribute_not_exists(scheduled_for) OR scheduled_for < :cutoff",
            cutoff=cancel_cutoff,
        )

    def _status_before(self, status: SessionStatus, before: str, filter_: str, **values: str) -> list[Session]:
        request: dict[str, Any] = {
            "TableName": self.table_name,
            "IndexName": BY_STATUS,
            "KeyConditionExpression": "gsi1pk = :status AND gsi1sk < :before",
            "FilterExpression": filter_,
            "ExpressionAttributeValues": to_attributes(
                {":status": status_pk(status), ":before": before, **{f":{k}": v for k, v in values.items()}}
            ),
        }
        return [_session(item) for item in self._query_all(request)]

    def _end(self, session: Session, now: str, reason: EndReason, condition: str, **values: str) -> Session:
        ended = replace(session, status=SessionStatus.ENDED, ended_at=now)
        item = self._set_fields(
            session_pk(session.session_id),
            SESSION,
            {
                "status": str(SessionStatus.ENDED),
                "ended_at": now,
                "end_reason": str(reason),
                "updated_at": now,
                # Listed apart until `session.ended` is out: see end_announced and unannounced_ends.
                "gsi1pk": UNANNOUNCED_END,
                "gsi1sk": f"{session_sort_key(ended)}#{session.session_id}",
            },
            condition,
            SESSION_LIFECYCLE,
            **values,
        )
        return _session(item)

    def end_announced(self, session: Session) -> None:
        """Moves an ended session from the unannounced partition of the status index to the ended one, once
        its `session.ended` is published: ConditionFailed when it was moved already."""
        self._set_fields(
            session_pk(session.session_id),
            SESSION,
            {"gsi1pk": status_pk(SessionStatus.ENDED)},
            "#gsi1pk = :unannounced",
            SESSION_LIFECYCLE,
            unannounced=UNANNOUNCED_END,
        )

    def unannounced_ends(self, ended_before: str) -> list[Session]:
        """Sessions ended before the given time whose `session.ended` was never published (whoever ended them
        stopped between the write and the publish): a query on the index's small partition of them."""
        request: dict[str, Any] = {
            "TableName": self.table_name,
            "IndexName": BY_STATUS,
            "KeyConditionExpression": "gsi1pk = :unannounced AND gsi1sk < :before",
            "ExpressionAttributeValues": to_attributes({":unannounced": UNANNOUNCED_END, ":before": ended_before}),
        }
        return [_session(item) for item in self._query_all(request)]

    # ---------------------------------------------------------------- participants
    def join(self, session_id: str, user_id: str, now: str) -> None:
        """Adds the participant and counts them in one transaction, on condition that the session is live
        and its count is below its maximum: ConditionFailed when the user is in already, or the session is
        not live or full (the caller reads which); concurrent joins never pass the maximum."""
        pk = session_pk(session_id)
        self._transact(
            [
                {
                    "Put": {
                        "TableName": self.table_name,
                        "Item": to_attributes(
                            {"pk": pk, "sk": PARTICIPANT + user_id, "user_id": user_id, "joined_at": now}
                        ),
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
                {
                    "Update": {
                        "TableName": self.table_name,
                        "Key": self._key(pk, SESSION),
                        "UpdateExpression": "SET participant_count = participant_count + :one, last_activity_at = :now",
                        "ConditionExpression": "#status = :live AND participant_count < max_participants",
                        "ExpressionAttributeNames": {"#status": "status"},
                        "ExpressionAttributeValues": to_attributes(
                            {":one": 1, ":live": str(SessionStatus.LIVE), ":now": now}
                        ),
                    }
                },
            ]
        )

    def leave(self, membership: Participant, now: str) -> None:
        """Removes the participant and uncounts them together, keeping a note of the membership that ended
        (what a repeated leave announces again): ConditionFailed when they were not in."""
        pk = session_pk(membership.session_id)
        note = {
            "pk": pk,
            "sk": LEFT + membership.user_id,
            "user_id": membership.user_id,
            "joined_at": membership.joined_at,
            "left_at": now,
        }
        self._transact(
            [
                {
                    "Delete": {
                        "TableName": self.table_name,
                        "Key": self._key(pk, PARTICIPANT + membership.user_id),
                        "ConditionExpression": "attribute_exists(pk)",
                    }
                },
                {"Put": {"TableName": self.table_name, "Item": to_attributes(note)}},
                {
                    "Update": {
                        "TableName": self.table_name,
                        "Key": self._key(pk, SESSION),
                        "UpdateExpression": "SET participant_count = participant_count - :one",
                        "ConditionExpression": "attribute_exists(pk)",
                        "ExpressionAttributeValues": to_attributes({":one": 1}),
                    }
                },
            ]
        )

    def participant(self, session_id: str, user_id: str) -> Participant | None:
        item = self._get(session_pk(session_id), PARTICIPANT + user_id)
        return Participant(session_id, user_id, item["joined_at"]) if item else None

    def last_membership(self, session_id: str, user_id: str) -> Participant | None:
        """The user's last membership that ended (None if they never left the session)."""
        item = self._get(session_pk(session_id), LEFT + user_id)
        return Participant(session_id, user_id, item["joined_at"], item["left_at"]) if item else None

    def is_participant(self, session_id: str, user_id: str) -> bool:
        return self._get(session_pk(session_id), PARTICIPANT + user_id) is not None

    def participants(self, session_id: str) -> list[Participant]:
        return [
            Participant(session_id, item["user_id"], item["joined_at"])
            for item in self._query_prefix(session_id, PARTICIPANT)
        ]

    # ---------------------------------------------------------------- queue
    def next_position(self, session_id: str, now: str) -> int:
        """Takes the next queue position of a live session: ConditionFailed unless it is live. A song
        whose write then fails leaves a gap in the positions, never a duplicate."""
        response = self._update_raw(
            session_id,
            "ADD song_count :one SET last_activity_at = :now",
            "#status = :live",
            {":one": 1, ":live": str(SessionStatus.LIVE), ":now": now},
        )
        return int(response["song_count"])

    def add_song(self, song: Song, key: RequestKey | None = None) -> None:
        """ConditionFailed when the song, or the request its key names, exists already."""
        self._put_keyed(_song_item(song), key, song.song_id)

    def get_song(self, session_id: str, song_id: str) -> Song | None:
        item = self._get(session_pk(session_id), SONG + song_id)
        return _song(item) if item else None

    def songs(self, session_id: str) -> list[Song]:
        return [_song(item) for item in self._query_prefix(session_id, SONG)]

    def set_song_status(self, session_id: str, song_id: str, status: SongStatus, now: str) -> Song:
        """ConditionFailed when the song does not exist."""
        item = self._set_fields(
            session_pk(session_id),
            SONG + song_id,
            {"status": str(status), "updated_at": now},
            "attribute_exists(pk)",
            SONG_UPDATABLE,
        )
        return _song(item)

    # ---------------------------------------------------------------- votes
    def get_vote(self, session_id: str, song_id: str, user_id: str) -> Vote | None:
        item = self._get(session_pk(session_id), vote_sk(song_id, user_id))
        return _vote(item) if item else None

    def write_vote(self, song: Song, user_id: str, previous: Vote | None, value: int | None, now: str) -> None:
        """Replaces the user's vote on the song (None withdraws it) and moves the song's score by the
        difference, in one transaction, on condition that the stored vote is still `previous` and the
        session (checked, not written) still live with voting on: ConditionFailed when anything moved since
        it was read, so a burst of votes by one user counts once and the score is always the sum of the
        votes."""
        pk = session_pk(song.session_id)
        sk = vote_sk(song.song_id, user_id)
        delta = (value or 0) - (previous.value if previous else 0)
        operation: dict[str, Any] = {"TableName": self.table_name, "ConditionExpression": "attribute_not_exists(pk)"}
        if previous is not None:
            operation["ConditionExpression"] = "#value = :previous"
            operation["ExpressionAttributeNames"] = {"#value": "value"}
            operation["ExpressionAttributeValues"] = to_attributes({":previous": previous.value})
        if value is None:
            vote = cast("TransactWriteItemTypeDef", {"Delete": {**operation, "Key": self._key(pk, sk)}})
        else:
            item = {"pk": pk, "sk": sk, "user_id": user_id, "song_id": song.song_id, "value": value, "voted_at": now}
            vote = cast("TransactWriteItemTypeDef", {"Put": {**operation, "Item": to_attributes(item)}})
        self._transact(
            [
                vote,
                {
                    "Update": {
                        "TableName": self.table_name,
                        "Key": self._key(pk, SONG + song.song_id),
                        "UpdateExpression": "ADD score :delta",
                        "ConditionExpression": "attribute_exists(pk)",
                        "ExpressionAttributeValues": to_attributes({":delta": delta}),
                    }
                },
                {
                    # Checked, not written: the session item is not rewritten by every vote of a busy session
                    # (its activity is recorded apart, at most once a minute: see service.record_activity).
                    "ConditionCheck": {
                        "TableName": self.table_name,
                        "Key": self._key(pk, SESSION),
                        "ConditionExpression": "#status = :live AND voting_enabled = :on",
                        "ExpressionAttributeNames": {"#status": "status"},
                        "ExpressionAttributeValues": to_attributes({":live": str(SessionStatus.LIVE), ":on": True}),
                    }
                },
            ]
        )

    # ---------------------------------------------------------------- chat
    def add_message(self, message: Message, key: RequestKey | None = None) -> None:
        """ConditionFailed when the message, or the request its key names, exists already."""
        item = _message_item(message)
        self._put_keyed(item, key, item["sk"])

    def get_message(self, session_id: str, sk: str) -> Message | None:
        item = self._get(session_pk(session_id), sk)
        return _message(item) if item else None

    # ---------------------------------------------------------------- requests sent with an Idempotency-Key
    def keyed_request(self, session_id: str, key_id: str) -> KeyedRequest | None:
        item = self._get(session_pk(session_id), KEY + key_id)
        if item is None:
            return None
        return KeyedRequest(item["fingerprint"], item["created"], bool(item.get("announced", False)))

    def mark_announced(self, session_id: str, key_id: str) -> None:
        """Notes that the keyed request's event is published, so a retry does not publish it again."""
        self._set_fields(session_pk(session_id), KEY + key_id, {"announced": True}, "attribute_exists(pk)", KEYED)

    def _put_keyed(self, item: Item, key: RequestKey | None, created: str) -> None:
        """Puts the item if absent; with a key, in one transaction with the record of the key, itself put only
        if absent: of two requests with the same key one creates, and the other finds what it created."""
        if key is None:
            self._put(item, condition="attribute_not_exists(pk)")
            return
        record = {"pk": item["pk"], "sk": KEY + key.key_id, "fingerprint": key.fingerprint, "created": created}
        self._put_all_if_absent([record, item])

    def messages(self, session_id: str, limit: int, cursor: str | None) -> Page[Message]:
        pk = session_pk(session_id)
        request: dict[str, Any] = {
            "TableName": self.table_name,
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
            "ExpressionAttributeValues": to_attributes({":pk": pk, ":prefix": MESSAGE}),
            "ScanIndexForward": False,
            "Limit": limit,
        }
        if cursor:
            request["ExclusiveStartKey"] = _message_start_key(cursor, pk)
        response = self._client.query(**request)
        return Page(
            [_message(from_attributes(item)) for item in response["Items"]],
            _cursor(response.get("LastEvaluatedKey")),
        )

    def record_activity(self, session_id: str, now: str, stale_before: str) -> None:
        """Sets the session's last activity (what the scheduled cleanup reads) to `now`, on condition that the
        recorded one is older than `stale_before`: ConditionFailed when it is not (someone recorded it since)
        or the session does not exist, so of many requests at once one writes."""
        self._update_raw(
            session_id,
            "SET last_activity_at = :now",
            "last_activity_at < :stale",
            {":now": now, ":stale": stale_before},
        )

    # ---------------------------------------------------------------- helpers
    def _query_prefix(self, session_id: str, prefix: str) -> list[Item]:
        request: dict[str, Any] = {
            "TableName": self.table_name,
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
            "ExpressionAttributeValues": to_attributes({":pk": session_pk(session_id), ":prefix": prefix}),
            "ConsistentRead": True,
        }
        return self._query_all(request)

    def _query_all(self, request: dict[str, Any]) -> list[Item]:
        """Every item the query finds, page after page."""
        items: list[Item] = []
        while True:
            response = self._client.query(**request)
            items.extend(from_attributes(item) for item in response["Items"])
            if "LastEvaluatedKey" not in response:
                return items
            request = {**request, "ExclusiveStartKey": response["LastEvaluatedKey"]}

    def _update_raw(self, session_id: str, expression: str, condition: str, values: dict[str, Any]) -> Item:
        from botocore.exceptions import ClientError

        request: dict[str, Any] = {
            "TableName": self.table_name,
            "Key": self._key(session_pk(session_id), SESSION),
            "UpdateExpression": expression,
            "ConditionExpression": condition,
            "ExpressionAttributeValues": to_attributes(values),
            "ReturnValues": "UPDATED_NEW",
        }
        if "#status" in condition:
            # DynamoDB refuses an empty map of names (moto does not).
            request["ExpressionAttributeNames"] = {"#status": "status"}
        try:
            response = self._client.update_item(**request)
        except ClientError as error:
            raise translated(error) from error
        return from_attributes(response.get("Attributes", {}))


# ---------------------------------------------------------------- cursors


def _cursor(last_key: dict[str, Any] | None) -> str | None:
    """The next page's opaque cursor: the last key read, as URL-safe base64 of its JSON."""
    if not last_key:
        return None
    plain = {name: value["S"] for name, value in last_key.items()}
    return base64.urlsafe_b64encode(json.dumps(plain, separators=(",", ":")).encode()).decode()


# A stored time (colmena.clock), then an id as the routes take them: the sort keys the listings give out.
_TIME_AND_ID = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+00:00#(?P<id>[A-Za-z0-9-]{1,64})"
_SESSION_SORT_KEY = re.compile(_TIME_AND_ID)
_MESSAGE_SORT_KEY = re.compile(MESSAGE + _TIME_AND_ID)


def _session_start_key(cursor: str, partition: str) -> dict[str, dict[str, str]]:
    """The key a sessions cursor names, refused (400) unless it has the shape of a session in the status
    index's partition being listed: `SESSION#<id>`/`SESSION`, `gsi1sk` `<time>#<the same id>`."""
    plain = _decoded(cursor, {"pk", "sk", "gsi1pk", "gsi1sk"})
    sort_key = _SESSION_SORT_KEY.fullmatch(plain["gsi1sk"])
    if not (
        sort_key
        and plain["gsi1pk"] == partition
        and plain["sk"] == SESSION
        and plain["pk"] == session_pk(sort_key["id"])
    ):
        raise _not_a_cursor()
    return {name: {"S": value} for name, value in plain.items()}


def _message_start_key(cursor: str, pk: str) -> dict[str, dict[str, str]]:
    """The key a chat cursor names, refused (400) unless it is a message's key in the session being read:
    `pk` that session's, `sk` `MSG#<time>#<id>`."""
    plain = _decoded(cursor, {"pk", "sk"})
    if not (plain["pk"] == pk and _MESSAGE_SORT_KEY.fullmatch(plain["sk"])):
        raise _not_a_cursor()
    return {name: {"S": value} for name, value in plain.items()}


def _decoded(cursor: str, names: set[str]) -> dict[str, str]:
    """The cursor's JSON object of `names`, each a string, or the refusal. Checked whole before DynamoDB sees
    any of it: a crafted cursor can start a listing only somewhere in the partition the caller may list from
    its start anyway (see docs/decisions.md on why cursors are not signed)."""
    if len(cursor) > MAX_CURSOR_CHARS:
        raise _not_a_cursor()
    try:
        plain = json.loads(base64.urlsafe_b64decode(cursor.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeError, RecursionError) as error:
        raise _not_a_cursor() from error
    if not isinstance(plain, dict) or set(plain) != names or not all(isinstance(v, str) for v in plain.values()):
        raise _not_a_cursor()
    return plain


def _not_a_cursor() -> MalformedInput:
    return MalformedInput("not a cursor this listing gave out; start again without one", field="cursor")


# ---------------------------------------------------------------- items


def _session_item(session: Session) -> Item:
    return {
        "pk": session_pk(session.session_id),
        "sk": SESSION,
        "gsi1pk": status_pk(session.status),
        "gsi1sk": f"{session_sort_key(session)}#{session.session_id}",
        "session_id": session.session_id,
        "dj_id": session.dj_id,
        "title": session.title,
        "description": session.description,
        "cover_url": session.cover_url,
        "genres": list(session.genres),
        "scheduled_for": session.scheduled_for,
        "max_participants": session.max_participants,
        "voting_enabled": session.voting_enabled,
        "tips_enabled": session.tips_enabled,
        "status": str(session.status),
        "participant_count": session.participant_count,
        "song_count": 0,
        "created_at": session.created_at,
        "started_at": session.started_at,
        "ended_at": session.ended_at,
        "updated_at": session.updated_at,
        "end_reason": str(session.end_reason) if session.end_reason else None,
        "last_activity_at": session.last_activity_at or session.created_at,
    }


def _session(item: Item) -> Session:
    return Session(
        session_id=item["session_id"],
        dj_id=item["dj_id"],
        title=item["title"],
        status=SessionStatus(item["status"]),
        created_at=item["created_at"],
        description=item.get("description", ""),
        cover_url=item.get("cover_url"),
        genres=tuple(item.get("genres", ())),
        scheduled_for=item.get("scheduled_for"),
        max_participants=int(item["max_participants"]),
        voting_enabled=bool(item["voting_enabled"]),
        tips_enabled=bool(item["tips_enabled"]),
        participant_count=int(item.get("participant_count", 0)),
        started_at=item.get("started_at"),
        ended_at=item.get("ended_at"),
        updated_at=item.get("updated_at"),
        end_reason=EndReason(item["end_reason"]) if item.get("end_reason") else None,
        last_activity_at=item.get("last_activity_at"),
    )


def _song_item(song: Song) -> Item:
    return {
        "pk": session_pk(song.session_id),
        "sk": SONG + song.song_id,
        "session_id": song.session_id,
        "song_id": song.song_id,
        "title": song.title,
        "artist": song.artist,
        "album_art_url": song.album_art_url,
        "audio_url": song.audio_url,
        "duration_s": song.duration_s,
        "position": song.position,
        "score": song.score,
        "status": str(song.status),
        "added_by": song.added_by,
        "added_at": song.added_at,
        "updated_at": song.updated_at,
    }


def _song(item: Item) -> Song:
    duration = item.get("duration_s")
    return Song(
        session_id=item["session_id"],
        song_id=item["song_id"],
        title=item["title"],
        artist=item["artist"],
        position=int(item["position"]),
        added_by=item["added_by"],
        added_at=item["added_at"],
        status=SongStatus(item["status"]),
        score=int(item.get("score", 0)),
        album_art_url=item.get("album_art_url"),
        audio_url=item.get("audio_url"),
        duration_s=int(duration) if duration is not None else None,
        updated_at=item.get("updated_at"),
    )


def _vote(item: Item) -> Vote:
    session_id = str(item["pk"]).removeprefix("SESSION#")
    return Vote(session_id, item["song_id"], item["user_id"], int(item["value"]), item["voted_at"])


def _message_item(message: Message) -> Item:
    return {
        "pk": session_pk(message.session_id),
        "sk": f"{MESSAGE}{message.created_at}#{message.message_id}",
        "session_id": message.session_id,
        "message_id": message.message_id,
        "type": str(message.type),
        "text": message.text,
        "user_id": message.user_id,
        "created_at": message.created_at,
    }


def _message(item: Item) -> Message:
    return Message(
        session_id=item["session_id"],
        message_id=item["message_id"],
        type=MessageType(item["type"]),
        text=item["text"],
        created_at=item["created_at"],
        user_id=item.get("user_id"),
    )
