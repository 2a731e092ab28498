"""What the Live WebSocket API sends, and the fan-out's concurrency and its handling of gone connections."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse, HTTPHeaders
from botocore.exceptions import ClientError

from live import events
from live.models import Message, MessageType
from live.realtime import PUSHED_TYPES, Pusher, SignedConnections, management_endpoint, pushed_frame
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


ENDPOINT = "https://a1b2.execute-api.us-east-1.amazonaws.com/dev"
AWS_CONNECTION_ID = "L0SM9cOFvHcCIhw="  # API Gateway's ids end in "=", which a path must escape


class Answer:
    def __init__(self, status: int, headers: dict[str, str], data: bytes) -> None:
        self.status, self.headers, self.data = status, headers, data

    def stream(self) -> Any:  # what botocore reads an answer's body from
        return iter([self.data])


class FakePool:
    """urllib3's pool as SignedConnections uses it: records each request and answers by connection id."""

    def __init__(self, answers: dict[str, Answer] | None = None) -> None:
        self.answers = answers or {}
        self.sent: list[tuple[str, str, bytes, dict[str, str]]] = []

    def urlopen(self, method: str, url: str, body: bytes, headers: dict[str, str]) -> Answer:
        self.sent.append((method, url, body, headers))
        return next((answer for name, answer in self.answers.items() if url.endswith(name)), Answer(200, {}, b""))


def url_the_client_posts_to(connection_id: str) -> str:
    client = boto3.client("apigatewaymanagementapi", endpoint_url=ENDPOINT, region_name="us-east-1")
    sent: list[str] = []

    def capture(request: Any, **_: Any) -> AWSResponse:
        sent.append(request.url)
        return AWSResponse(request.url, 200, HTTPHeaders(), Answer(200, {}, b""))  # answered here: nothing leaves

    client.meta.events.register("before-send.apigatewaymanagementapi.PostToConnection", capture)
    client.post_to_connection(ConnectionId=connection_id, Data=b"{}")
    return sent[0]


def test_a_signed_post_goes_where_the_management_client_posts_signed_for_execute_api() -> None:
    pool = FakePool()

    SignedConnections(ENDPOINT, "us-east-1", connections=4, pool=pool).post_to_connection(
        ConnectionId=AWS_CONNECTION_ID, Data=b'{"type":"presence"}'
    )

    [(method, url, body, headers)] = pool.sent
    assert (method, url, body) == ("POST", url_the_client_posts_to(AWS_CONNECTION_ID), b'{"type":"presence"}')
    assert headers["Authorization"].startswith("AWS4-HMAC-SHA256 Credential=testing/")
    assert "/us-east-1/execute-api/aws4_request" in headers["Authorization"]
    assert headers["X-Amz-Security-Token"] == "testing"


def test_a_gone_connection_answers_as_the_client_raises_it_so_the_fan_out_names_it() -> None:
    gone = Answer(410, {"x-amzn-ErrorType": "GoneException"}, b'{"message": "GoneException"}')
    pool = FakePool({"/@connections/c2": gone})

    delivery = Pusher(SignedConnections(ENDPOINT, "us-east-1", 4, pool)).fan_out(["c1", "c2"], {"type": "presence"})

    assert delivery.delivered == 1 and delivery.gone == ["c2"] and delivery.failures == []


def test_a_refusal_without_its_error_type_is_named_by_its_status_and_reported() -> None:
    pool = FakePool({"/@connections/c1": Answer(429, {}, b'{"message": "Too many requests"}')})

    delivery = Pusher(SignedConnections(ENDPOINT, "us-east-1", 4, pool)).fan_out(["c1", "c2"], {"type": "presence"})

    [failure] = delivery.failures
    assert delivery.delivered == 1 and failure.response["Error"] == {
        "Code": "LimitExceededException",
        "Message": "Too many requests",
    }
