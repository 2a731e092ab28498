"""What the Live WebSocket API sends, and the fan-out's concurrency and its handling of gone connections."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

from live import events
from live.models import Message, MessageType
from live.realtime import PUSHED_TYPES, Pusher, management_endpoint, pushed_frame
from live.sockets import frame_session_id, unknown_frame
from tools import template

SESSION = "5e551011-0000-4000-8000-000000000001"


def test_a_pushed_frame_carries_the_event_type_the_session_and_the_events_data() -> None:
    message = Message(SESSION, "m-1", MessageType.TEXT, "hi", "2026-11-25T10:00:00.000+00:00", "bo")
    event = events.chat_message(message)

    frame = pushed_frame(event.event_type, event.detail())

    assert frame == {"type": "chat.message", "session_id": SESSION, "data": event.data}
    assert set(frame) == {"type", "session_id", "data"}


def test_the_push_rule_forwards_exactly_the_types_the_function_knows() -> None:
    rule = template.function("LivePushFunction").properties["Events"]["LiveChanged"]["Properties"]["Pattern"]

    assert rule == {"source": [events.SOURCE], "detail-type": list(PUSHED_TYPES)}


def test_on_aws_connections_are_managed_on_the_apis_own_domain() -> None:
    assert (
        management_endpoint("a1b2", "dev", "eu-west-1", None) == "https://a1b2.execute-api.eu-west-1.amazonaws.com/dev"
    )


def test_on_the_local_stack_connections_are_managed_on_the_emulators_path_form() -> None:
    url = management_endpoint("a1b2", "dev", "us-east-1", "http://127.0.0.1:4599/")

    assert url == "http://127.0.0.1:4599/_aws/execute-api/a1b2/dev"


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ("hello", "a frame is a JSON object"),
        ("[1, 2]", "names its action"),
        ('{"session_id": "x"}', "names its action"),
        ('{"action": "dance"}', "unknown action 'dance'"),
    ],
)
def test_the_default_route_says_what_is_wrong_with_a_frame(body: str, says: str) -> None:
    assert says in unknown_frame(body)


@pytest.mark.parametrize("session_id", [None, "", 7, "a" * 65, "../etc", "a b"])
def test_a_subscribe_frame_needs_a_session_id_shaped_as_the_rest_api_takes_it(session_id: Any) -> None:
    found, problem = frame_session_id(json.dumps({"action": "subscribe", "session_id": session_id}))

    assert found is None and problem


class FakeManagement:
    """post_to_connection as API Gateway answers it: Gone (410) for closed connections, after a round trip."""

    def __init__(
        self, gone: frozenset[str] = frozenset(), failing: frozenset[str] = frozenset(), delay: float = 0.0
    ) -> None:
        self.gone, self.failing, self.delay = gone, failing, delay
        self.posted: dict[str, bytes] = {}
        self.in_flight = self.most_in_flight = 0
        self._lock = threading.Lock()

    def post_to_connection(self, ConnectionId: str, Data: bytes) -> None:  # noqa: N803 (boto3's names)
        with self._lock:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        time.sleep(self.delay)
        with self._lock:
            self.in_flight -= 1
        if ConnectionId in self.gone or ConnectionId in self.failing:
            code = "GoneException" if ConnectionId in self.gone else "LimitExceededException"
            raise ClientError({"Error": {"Code": code, "Message": code}}, "PostToConnection")
        self.posted[ConnectionId] = Data


def test_the_fan_out_posts_the_frame_to_every_connection_and_names_the_gone_ones() -> None:
    client = FakeManagement(gone=frozenset({"c2"}))

    delivery = Pusher(client).fan_out(["c1", "c2", "c3"], {"type": "presence"})

    assert delivery.delivered == 2 and delivery.gone == ["c2"] and delivery.failures == []
    assert {json.loads(data)["type"] for data in client.posted.values()} == {"presence"}


def test_a_failed_post_does_not_stop_the_others_and_is_reported() -> None:
    client = FakeManagement(failing=frozenset({"c1"}))

    delivery = Pusher(client).fan_out(["c1", "c2"], {"type": "presence"})

    assert delivery.delivered == 1 and [f.response["Error"]["Code"] for f in delivery.failures] == [
        "LimitExceededException"
    ]


def test_a_thousand_connections_are_posted_concurrently_not_one_by_one() -> None:
    client = FakeManagement(delay=0.01)
    started = time.perf_counter()

    delivery = Pusher(client, threads=64).fan_out([f"c{n}" for n in range(1000)], {"type": "chat.message"})

    assert delivery.delivered == 1000
    assert client.most_in_flight > 32
    assert time.perf_counter() - started < 2  # one by one: 1000 x 10 ms = 10 s
