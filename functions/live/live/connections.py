"""The WebSocket connections of Live, in LiveTable beside the sessions they listen to.

pk                  sk                  item
CONN#<id>           CONNECTION          a connection: its user and the sessions it subscribed to
SESSION#<id>        CONN#<conn_id>      one connection subscribed to the session (what the fan-out queries)

Every item carries `expires_at` (epoch seconds), LiveTable's TTL attribute: API Gateway closes a WebSocket
after two hours at most, so an item whose $disconnect never ran (a crash, a lost invocation) goes away by
itself. The fan-out also removes a connection that answers Gone."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from colmena.repository import DynamoRepository, from_attributes, to_attributes
from live.repository import session_pk

CONNECTION = "CONNECTION"
SUBSCRIPTION = "CONN#"
# API Gateway's longest WebSocket connection, plus a margin for the clock and the $disconnect's own delay.
CONNECTION_LIFETIME_S = 2 * 3600 + 300


def connection_pk(connection_id: str) -> str:
    return f"CONN#{connection_id}"


@dataclass(frozen=True)
class Connection:
    connection_id: str
    user_id: str
    connected_at: int
    expires_at: int
    sessions: frozenset[str] = frozenset()


class ConnectionRepository(DynamoRepository):
    def connect(self, connection_id: str, user_id: str, now_s: int) -> Connection:
        connection = Connection(connection_id, user_id, now_s, now_s + CONNECTION_LIFETIME_S)
        item = {
            "pk": connection_pk(connection_id),
            "sk": CONNECTION,
            "connection_id": connection_id,
            "user_id": user_id,
            "connected_at": connection.connected_at,
            "expires_at": connection.expires_at,
        }
        self._put(item)
        return connection

    def get(self, connection_id: str) -> Connection | None:
        item = self._get(connection_pk(connection_id), CONNECTION)
        if item is None:
            return None
        return Connection(
            item["connection_id"],
            item["user_id"],
            int(item["connected_at"]),
            int(item["expires_at"]),
            frozenset(item.get("sessions", ())),
        )

    def subscribe(self, connection: Connection, session_id: str) -> None:
        """Adds the connection to the session's listeners and notes the session on the connection, together,
        on condition that the connection is still there (a $disconnect may have run meanwhile)."""
        self._transact(
            [
                {
                    "Put": {
                        "TableName": self.table_name,
                        "Item": to_attributes(
                            {
                                "pk": session_pk(session_id),
                                "sk": SUBSCRIPTION + connection.connection_id,
                                "connection_id": connection.connection_id,
                                "user_id": connection.user_id,
                                "expires_at": connection.expires_at,
                            }
                        ),
                    }
                },
                {
                    "Update": {
                        "TableName": self.table_name,
                        "Key": self._key(connection_pk(connection.connection_id), CONNECTION),
                        "UpdateExpression": "ADD sessions :session",
                        "ConditionExpression": "attribute_exists(pk)",
                        "ExpressionAttributeValues": {":session": {"SS": [session_id]}},
                    }
                },
            ]
        )

    def unsubscribe(self, connection_id: str, session_id: str) -> None:
        """Idempotent: unsubscribing from a session not subscribed to changes nothing."""
        self._client.delete_item(
            TableName=self.table_name, Key=self._key(session_pk(session_id), SUBSCRIPTION + connection_id)
        )
        # A connection gone already has nothing left to note.
        with contextlib.suppress(self._client.exceptions.ConditionalCheckFailedException):
            self._client.update_item(
                TableName=self.table_name,
                Key=self._key(connection_pk(connection_id), CONNECTION),
                UpdateExpression="DELETE sessions :session",
                ConditionExpression="attribute_exists(pk)",
                ExpressionAttributeValues={":session": {"SS": [session_id]}},
            )

    def disconnect(self, connection_id: str, also_from: str | None = None) -> None:
        """Removes the connection and every subscription it noted (and `also_from`'s, which the fan-out
        names when the connection item is gone already). Idempotent: a repeated call deletes nothing."""
        connection = self.get(connection_id)
        sessions = set(connection.sessions if connection else ())
        if also_from:
            sessions.add(also_from)
        keys = [self._key(session_pk(session_id), SUBSCRIPTION + connection_id) for session_id in sorted(sessions)]
        if connection:
            keys.append(self._key(connection_pk(connection_id), CONNECTION))
        for start in range(0, len(keys), 25):  # BatchWriteItem's limit
            self._delete_all(keys[start : start + 25])

    def close_session(self, session_id: str, connection_ids: list[str]) -> None:
        """Removes the session's subscriptions once it has ended (its listeners have been told); the
        connections themselves stay open for the other sessions they listen to."""
        keys = [self._key(session_pk(session_id), SUBSCRIPTION + connection_id) for connection_id in connection_ids]
        for start in range(0, len(keys), 25):
            self._delete_all(keys[start : start + 25])

    def session_connections(self, session_id: str) -> list[str]:
        """The ids of the connections subscribed to the session: one query on its partition, never a scan."""
        return [item["connection_id"] for item in self._subscriptions(session_id)]

    def _subscriptions(self, session_id: str) -> Iterator[dict[str, Any]]:
        request: dict[str, Any] = {
            "TableName": self.table_name,
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
            "ExpressionAttributeValues": to_attributes({":pk": session_pk(session_id), ":prefix": SUBSCRIPTION}),
            "ProjectionExpression": "connection_id",
        }
        while True:
            response = self._client.query(**request)
            yield from (from_attributes(item) for item in response["Items"])
            if "LastEvaluatedKey" not in response:
                return
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def _delete_all(self, keys: list[dict[str, Any]]) -> None:
        requests: dict[str, Any] = {self.table_name: [{"DeleteRequest": {"Key": key}} for key in keys]}
        while requests:
            requests = self._client.batch_write_item(RequestItems=requests).get("UnprocessedItems") or {}
