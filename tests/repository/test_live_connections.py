"""Live's WebSocket connections in LiveTable, against moto."""

from __future__ import annotations

from typing import Any

import pytest

from colmena.repository import ConditionFailed
from live.connections import CONNECTION_LIFETIME_S, ConnectionRepository

NOW = 1_795_600_800
ONE, TWO = "5e551011-0000-4000-8000-000000000001", "5e551011-0000-4000-8000-000000000002"


@pytest.fixture
def connections(dynamodb: Any) -> ConnectionRepository:
    return ConnectionRepository(dynamodb, "LiveTable")


def test_a_connection_is_kept_with_its_user_until_its_expiry(connections: ConnectionRepository) -> None:
    connections.connect("c1", "bo", NOW)

    connection = connections.get("c1")

    assert connection is not None
    assert (connection.user_id, connection.expires_at, connection.sessions) == (
        "bo",
        NOW + CONNECTION_LIFETIME_S,
        frozenset(),
    )


def test_a_subscribed_connection_is_among_the_sessions_connections(connections: ConnectionRepository) -> None:
    connection = connections.connect("c1", "bo", NOW)
    connections.connect("c2", "cy", NOW)

    connections.subscribe(connection, ONE)

    assert connections.session_connections(ONE) == ["c1"]
    assert connections.session_connections(TWO) == []
    assert connections.get("c1").sessions == {ONE}  # type: ignore[union-attr]


def test_the_subscription_expires_with_its_connection(connections: ConnectionRepository, dynamodb: Any) -> None:
    connections.subscribe(connections.connect("c1", "bo", NOW), ONE)

    item = dynamodb.get_item(TableName="LiveTable", Key={"pk": {"S": f"SESSION#{ONE}"}, "sk": {"S": "CONN#c1"}})

    assert int(item["Item"]["expires_at"]["N"]) == NOW + CONNECTION_LIFETIME_S


def test_a_connection_closed_meanwhile_cannot_subscribe(connections: ConnectionRepository) -> None:
    connection = connections.connect("c1", "bo", NOW)
    connections.disconnect("c1")

    with pytest.raises(ConditionFailed):
        connections.subscribe(connection, ONE)

    assert connections.session_connections(ONE) == []


def test_unsubscribing_leaves_the_other_sessions(connections: ConnectionRepository) -> None:
    connection = connections.connect("c1", "bo", NOW)
    connections.subscribe(connection, ONE)
    connections.subscribe(connection, TWO)

    connections.unsubscribe("c1", ONE)
    connections.unsubscribe("c1", ONE)

    assert (connections.session_connections(ONE), connections.session_connections(TWO)) == ([], ["c1"])
    assert connections.get("c1").sessions == {TWO}  # type: ignore[union-attr]


def test_disconnecting_removes_the_connection_from_every_session(connections: ConnectionRepository) -> None:
    connection = connections.connect("c1", "bo", NOW)
    connections.subscribe(connection, ONE)
    connections.subscribe(connection, TWO)
    connections.subscribe(connections.connect("c2", "cy", NOW), ONE)

    connections.disconnect("c1")
    connections.disconnect("c1")

    assert connections.get("c1") is None
    assert (connections.session_connections(ONE), connections.session_connections(TWO)) == (["c2"], [])


def test_a_gone_connection_named_by_its_session_is_removed_even_without_its_item(
    connections: ConnectionRepository, dynamodb: Any
) -> None:
    connections.subscribe(connections.connect("c1", "bo", NOW), ONE)
    dynamodb.delete_item(TableName="LiveTable", Key={"pk": {"S": "CONN#c1"}, "sk": {"S": "CONNECTION"}})

    connections.disconnect("c1", also_from=ONE)

    assert connections.session_connections(ONE) == []


def test_the_sessions_connections_are_read_past_dynamodbs_one_megabyte_page(
    connections: ConnectionRepository, dynamodb: Any
) -> None:
    padding = "x" * 4000  # 300 items of ~4 KB: more than one page of a query
    for n in range(300):
        item = {"pk": f"SESSION#{ONE}", "sk": f"CONN#c{n:03}", "connection_id": f"c{n:03}", "padding": padding}
        dynamodb.put_item(TableName="LiveTable", Item={name: {"S": value} for name, value in item.items()})

    assert len(connections.session_connections(ONE)) == 300
