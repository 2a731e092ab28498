"""Live's WebSocket API on the local stack, driven as the apps would: a DJ and two listeners sign up through
Cognito, the session goes through the REST API, and the listeners connect with their ID tokens, subscribe
and are told of each other's chat and votes, and of the session's end, without polling."""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
import websocket

from live.connections import ConnectionRepository
from tests.e2e.sockets import WAIT_S, next_frame, subscribed
from tools.local_stack.process import PASSWORD, StackProcess, sign_up_and_confirm

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def tokens(local_stack: StackProcess) -> dict[str, str]:
    return {name: local_stack.new_user(name)[1] for name in ("dj", "lia", "max", "outsider")}


@pytest.fixture(scope="module")
def socket_url(local_stack: StackProcess) -> str:
    api = local_stack.state["websocket_apis"]["LiveWebSocketApi"]
    return f"ws://127.0.0.1:{local_stack.gateway_port}/_aws/execute-api/{api['id']}/{api['stage']}"


def rest(local_stack: StackProcess, token: str, method: str, path: str, **body: Any) -> dict[str, Any]:
    answer = requests.request(
        method, f"{local_stack.api}{path}", headers={"Authorization": token}, json=body or None, timeout=30
    )
    assert answer.status_code < 300, f"{method} {path}: {answer.status_code} {answer.text}"
    result: dict[str, Any] = answer.json()
    return result


@pytest.fixture
def session_id(local_stack: StackProcess, tokens: dict[str, str]) -> str:
    """A live session of the DJ's, which Lia and Max have joined."""
    session = rest(local_stack, tokens["dj"], "POST", "/sessions", title="Realtime test")
    rest(local_stack, tokens["dj"], "POST", f"/sessions/{session['session_id']}/start")
    for listener in ("lia", "max"):
        rest(local_stack, tokens[listener], "POST", f"/sessions/{session['session_id']}/join")
    return str(session["session_id"])


@pytest.fixture
def connect(socket_url: str) -> Iterator[Callable[[str], websocket.WebSocket]]:
    opened: list[websocket.WebSocket] = []

    def open_with(token: str) -> websocket.WebSocket:
        ws = websocket.create_connection(f"{socket_url}?token={token}", timeout=WAIT_S)
        opened.append(ws)
        return ws

    yield open_with
    for ws in opened:
        ws.close()


def test_a_listeners_chat_message_is_pushed_to_the_other_listener(
    local_stack: StackProcess, tokens: dict[str, str], session_id: str, connect: Callable[[str], Any]
) -> None:
    subscribed(connect(tokens["lia"]), session_id)
    max_socket = subscribed(connect(tokens["max"]), session_id)

    message = rest(local_stack, tokens["lia"], "POST", f"/sessions/{session_id}/messages", text="Hello, bees!")

    frame = next_frame(max_socket, "chat.message")
    assert frame["session_id"] == session_id
    assert frame["data"]["message_id"] == message["message_id"] and frame["data"]["text"] == "Hello, bees!"


def test_a_vote_is_pushed_with_the_songs_new_score(
    local_stack: StackProcess, tokens: dict[str, str], session_id: str, connect: Callable[[str], Any]
) -> None:
    lia_socket = subscribed(connect(tokens["lia"]), session_id)
    song = rest(local_stack, tokens["lia"], "POST", f"/sessions/{session_id}/queue", title="Buzz", artist="Hive")
    assert next_frame(lia_socket, "queue.changed")["data"]["song_id"] == song["song_id"]

    rest(local_stack, tokens["max"], "PUT", f"/sessions/{session_id}/queue/{song['song_id']}/vote", value=1)

    frame = next_frame(lia_socket, "vote.changed")
    assert frame["data"] == {"session_id": session_id, "song_id": song["song_id"], "score": 1}


def test_every_socket_is_told_when_the_dj_ends_the_session(
    local_stack: StackProcess, tokens: dict[str, str], session_id: str, connect: Callable[[str], Any]
) -> None:
    sockets = [subscribed(connect(tokens[name]), session_id) for name in ("dj", "lia", "max")]

    rest(local_stack, tokens["dj"], "POST", f"/sessions/{session_id}/end")

    for ws in sockets:
        assert next_frame(ws, "session.ended")["data"]["session_id"] == session_id


def test_someone_who_has_not_joined_cannot_subscribe(
    tokens: dict[str, str], session_id: str, connect: Callable[[str], Any]
) -> None:
    ws = connect(tokens["outsider"])

    ws.send(json.dumps({"action": "subscribe", "session_id": session_id}))

    assert next_frame(ws, "error")["status"] == 403


def test_a_frame_that_is_not_json_or_names_no_action_gets_an_error_and_the_socket_stays_open(
    tokens: dict[str, str], session_id: str, connect: Callable[[str], Any]
) -> None:
    ws = connect(tokens["lia"])

    ws.send("not json")
    ws.send(json.dumps({"action": "dance"}))

    assert "JSON" in next_frame(ws, "error")["message"]
    assert "dance" in next_frame(ws, "error")["message"]
    subscribed(ws, session_id)


def test_closing_a_socket_removes_its_connection_from_the_session(
    local_stack: StackProcess, tokens: dict[str, str], session_id: str, connect: Callable[[str], Any]
) -> None:
    table = ConnectionRepository(local_stack.client("dynamodb"), local_stack.state["physical_ids"]["LiveTable"])
    ws = subscribed(connect(tokens["lia"]), session_id)
    assert len(table.session_connections(session_id)) == 1

    ws.close()

    deadline = time.monotonic() + WAIT_S
    while table.session_connections(session_id) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert table.session_connections(session_id) == []


def forged(token: str) -> str:
    """The same token claiming another subject: the signature no longer matches."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = "someone-else"
    forged_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged_payload}.{signature}"


@pytest.mark.parametrize(
    ("query", "status"), [("", 401), ("?token=", 401), ("?token=not-a-token", 403), ("forged", 403)]
)
def test_a_connection_without_a_valid_id_token_is_refused(
    socket_url: str, tokens: dict[str, str], query: str, status: int
) -> None:
    if query == "forged":
        query = f"?token={forged(tokens['lia'])}"

    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        websocket.create_connection(socket_url + query, timeout=WAIT_S)

    assert refused.value.status_code == status


def test_an_access_token_is_not_an_id_token(local_stack: StackProcess, socket_url: str) -> None:
    cognito = local_stack.client("cognito-idp")
    client_id = str(local_stack.state["outputs"]["UserPoolClientId"])
    email = f"access-{uuid.uuid4().hex[:8]}@example.com"
    sign_up_and_confirm(cognito, client_id, email)
    access = cognito.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": PASSWORD},
    )["AuthenticationResult"]["AccessToken"]

    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        websocket.create_connection(f"{socket_url}?token={access}", timeout=WAIT_S)

    assert refused.value.status_code == 403
