"""The Live WebSocket API's routes, driven with the sample events against moto: the answers a client gets
are what moto's management API received for its connection."""

from __future__ import annotations

import json
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

from live.connections import ConnectionRepository
from tests.live_frames import frames_to
from tests.live_seed import ANA, BO, CY, LIVE, NO_VOTING, seed_live
from tools.handlers import LambdaContext, sample_event
from tools.template import ROOT

EVENTS = ROOT / "events" / "live_socket"
CONNECTION = "L0SM9cOFvHcCIhw="
ENDED = "5e551011-0000-4000-8000-0000000000ff"


@pytest.fixture
def socket(load_handler: Callable[[str], ModuleType], dynamodb: Any) -> ModuleType:
    seed_live(dynamodb)
    return load_handler("LiveSocketFunction")


@pytest.fixture
def connections(dynamodb: Any) -> ConnectionRepository:
    return ConnectionRepository(dynamodb, "LiveTable")


def call(socket: ModuleType, event_file: str, user: str = BO, **overrides: Any) -> dict[str, Any]:
    event = sample_event(EVENTS / event_file, **overrides)
    event["requestContext"]["authorizer"] = {"principalId": user, "user_id": user}
    response: dict[str, Any] = socket.lambda_handler(event, LambdaContext())
    return response


def subscribe_body(session_id: str) -> str:
    return json.dumps({"action": "subscribe", "session_id": session_id})


def test_connecting_records_the_connection_for_the_authorized_user(
    socket: ModuleType, connections: ConnectionRepository
) -> None:
    response = call(socket, "connect.json")

    assert response == {"statusCode": 200}
    assert connections.get(CONNECTION).user_id == BO  # type: ignore[union-attr]


def test_a_participant_subscribes_and_is_told_so(socket: ModuleType, connections: ConnectionRepository) -> None:
    call(socket, "connect.json")

    response = call(socket, "subscribe.json")

    assert response == {"statusCode": 200}, "nothing in the body: the local emulator would send it"
    assert frames_to(CONNECTION) == [{"type": "subscribed", "session_id": LIVE}]
    assert connections.session_connections(LIVE) == [CONNECTION]


def test_the_dj_subscribes_to_their_own_session(socket: ModuleType, connections: ConnectionRepository) -> None:
    call(socket, "connect.json", user=ANA)

    call(socket, "subscribe.json", user=ANA, body=subscribe_body(NO_VOTING))

    assert connections.session_connections(NO_VOTING) == [CONNECTION]


@pytest.mark.parametrize(
    ("user", "session_id", "status"),
    [(CY, LIVE, 403), (BO, "5e551011-0000-4000-8000-00000000dead", 404), (BO, "not a session", 400)],
    ids=["not a participant", "no such session", "not an id"],
)
def test_a_subscription_is_refused_with_an_error_frame(
    socket: ModuleType, connections: ConnectionRepository, user: str, session_id: str, status: int
) -> None:
    call(socket, "connect.json", user=user)

    call(socket, "subscribe.json", user=user, body=subscribe_body(session_id))

    [frame] = frames_to(CONNECTION)
    assert (frame["type"], frame["status"]) == ("error", status) and frame["message"]
    assert connections.session_connections(LIVE) == []


def test_unsubscribing_stops_the_pushes(socket: ModuleType, connections: ConnectionRepository) -> None:
    call(socket, "connect.json")
    call(socket, "subscribe.json")

    call(socket, "unsubscribe.json")

    assert frames_to(CONNECTION)[-1] == {"type": "unsubscribed", "session_id": LIVE}
    assert connections.session_connections(LIVE) == []


def test_disconnecting_cleans_up_the_connection_and_its_subscriptions(
    socket: ModuleType, connections: ConnectionRepository
) -> None:
    call(socket, "connect.json")
    call(socket, "subscribe.json")

    call(socket, "disconnect.json")

    assert connections.get(CONNECTION) is None
    assert connections.session_connections(LIVE) == []


@pytest.mark.parametrize(("event_file", "says"), [("not_json.json", "JSON"), ("unknown_action.json", "dance")])
def test_a_frame_no_route_serves_gets_an_error_frame_and_the_connection_stays(
    socket: ModuleType, connections: ConnectionRepository, event_file: str, says: str
) -> None:
    call(socket, "connect.json")

    response = call(socket, event_file)

    [frame] = frames_to(CONNECTION)
    assert response == {"statusCode": 200}
    assert (frame["type"], frame["status"]) == ("error", 400) and says in frame["message"]
    assert connections.get(CONNECTION) is not None
