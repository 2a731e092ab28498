"""The push function, driven with its sample EventBridge event against moto: the frame reaches every
connection subscribed to the session, and a gone connection is removed."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from live.connections import ConnectionRepository
from tests.live_frames import frames_to
from tests.live_seed import LIVE, SCHEDULED
from tools.handlers import LambdaContext, sample_event
from tools.template import ROOT

CHAT = ROOT / "events" / "live_push" / "chat_message.json"
NOW = 1_795_600_800


@pytest.fixture
def push(load_handler: Callable[[str], ModuleType], dynamodb: Any, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    module = load_handler("LivePushFunction")
    # moto answers the management API's client, not the signed posts the function sends itself (those are
    # tests/unit/test_live_realtime.py's, and end to end the emulator's): the same posts, through the client.
    client = boto3.client("apigatewaymanagementapi", endpoint_url=module.endpoint)
    monkeypatch.setattr(module, "pusher", module.Pusher(client))
    return module


@pytest.fixture
def connections(dynamodb: Any) -> ConnectionRepository:
    return ConnectionRepository(dynamodb, "LiveTable")


def listening(connections: ConnectionRepository, connection_id: str, session_id: str = LIVE) -> None:
    connections.subscribe(connections.connect(connection_id, "someone", NOW), session_id)


def test_a_chat_message_reaches_every_listener_of_its_session_and_no_other(
    push: ModuleType, connections: ConnectionRepository
) -> None:
    listening(connections, "bo-phone")
    listening(connections, "cy-tablet")
    listening(connections, "elsewhere", SCHEDULED)
    event = sample_event(CHAT)

    result = push.lambda_handler(event, LambdaContext())

    expected = {"type": "chat.message", "session_id": LIVE, "data": event["detail"]["data"]}
    assert frames_to("bo-phone") == frames_to("cy-tablet") == [expected]
    assert result == {"session_id": LIVE, "delivered": 2, "gone": 0}


class GoneFor:
    """A management client whose named connections have closed: API Gateway answers them 410 Gone."""

    def __init__(self, *gone: str) -> None:
        self.gone, self.posted = set(gone), dict[str, bytes]()

    def post_to_connection(self, ConnectionId: str, Data: bytes) -> None:  # noqa: N803 (boto3's names)
        if ConnectionId in self.gone:
            raise ClientError({"Error": {"Code": "GoneException", "Message": "Gone"}}, "PostToConnection")
        self.posted[ConnectionId] = Data


def test_a_gone_connection_is_removed_and_the_others_still_get_the_frame(
    push: ModuleType, connections: ConnectionRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    listening(connections, "open")
    listening(connections, "closed")
    client = GoneFor("closed")
    monkeypatch.setattr(push, "pusher", push.Pusher(client))

    result = push.lambda_handler(sample_event(CHAT), LambdaContext())

    assert list(client.posted) == ["open"] and result["gone"] == 1
    assert connections.session_connections(LIVE) == ["open"]
    assert connections.get("closed") is None


def test_a_session_nobody_listens_to_is_pushed_to_nobody(push: ModuleType) -> None:
    assert push.lambda_handler(sample_event(CHAT), LambdaContext())["delivered"] == 0


def test_once_the_session_has_ended_and_its_listeners_are_told_it_has_no_listeners_left(
    push: ModuleType, connections: ConnectionRepository
) -> None:
    listening(connections, "bo-phone")
    listening(connections, "bo-phone", SCHEDULED)
    event = sample_event(CHAT)
    ended = {**event, "detail-type": "session.ended", "detail": {**event["detail"], "data": {"session_id": LIVE}}}

    push.lambda_handler(ended, LambdaContext())

    assert frames_to("bo-phone") == [{"type": "session.ended", "session_id": LIVE, "data": {"session_id": LIVE}}]
    assert connections.session_connections(LIVE) == []
    assert connections.session_connections(SCHEDULED) == ["bo-phone"]


def test_a_completed_tip_reaches_the_sessions_listeners_as_tip_received_with_its_chat_message(
    push: ModuleType, connections: ConnectionRepository
) -> None:
    listening(connections, "bo-phone")
    event = sample_event(ROOT / "events" / "live_push" / "tip_completed.json")

    push.lambda_handler(event, LambdaContext())

    [frame] = frames_to("bo-phone")
    assert (frame["type"], frame["session_id"]) == ("tip.received", LIVE)
    assert "payment_intent_id" not in frame["data"]
    assert (frame["data"]["amount"], frame["data"]["currency"]) == (500, "eur")
    assert frame["data"]["message"]["type"] == "tip_notification"
    assert frame["data"]["message"]["text"] == "Tipped 5.00 EUR"
