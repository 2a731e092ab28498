"""Live on the local stack, driven as the apps would: a DJ and two listeners sign up through Cognito, then
everything else goes through the API port, behind the real authorizer and each function's own role."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests

from tools.local_stack.process import StackProcess
from tools.template import ROOT

pytestmark = pytest.mark.e2e

Call = Callable[..., requests.Response]


@pytest.fixture(scope="module")
def tokens(local_stack: StackProcess) -> dict[str, str]:
    return {name: local_stack.new_user(name)[1] for name in ("dj", "lia", "max")}


@pytest.fixture(scope="module")
def as_(local_stack: StackProcess, tokens: dict[str, str]) -> Callable[[str | None], Call]:
    """`as_("lia")("post", "/sessions/…/join")`: a request by one of the three, or with no token (None)."""

    def caller(name: str | None) -> Call:
        token = {"Authorization": tokens[name]} if name else {}

        def call(method: str, path: str, headers: dict[str, str] | None = None, **kwargs: Any) -> requests.Response:
            url = f"{local_stack.api}{path}"
            return requests.request(method, url, headers={**token, **(headers or {})}, timeout=30, **kwargs)

        return call

    return caller


@pytest.fixture
def live_session(as_: Callable[[str | None], Call]) -> str:
    created = as_("dj")("post", "/sessions", json={"title": "Late set", "genres": ["house"], "max_participants": 50})
    assert created.status_code == 201, created.text
    session_id: str = created.json()["session_id"]
    started = as_("dj")("post", f"/sessions/{session_id}/start")
    assert started.status_code == 200, started.text
    return session_id


def test_anyone_lists_live_sessions_and_reads_one_without_a_token(
    as_: Callable[[str | None], Call], live_session: str
) -> None:
    listing = as_(None)("get", "/sessions", params={"status": "live", "limit": 100})
    one = as_(None)("get", f"/sessions/{live_session}")

    assert listing.status_code == 200, listing.text
    assert live_session in [session["session_id"] for session in listing.json()["sessions"]]
    assert one.status_code == 200 and one.json()["status"] == "live"


def test_a_protected_route_without_a_token_is_refused_by_the_authorizer(
    as_: Callable[[str | None], Call], live_session: str
) -> None:
    assert as_(None)("post", f"/sessions/{live_session}/join").status_code == 401


def test_listeners_join_queue_vote_and_chat(as_: Callable[[str | None], Call], live_session: str) -> None:
    lia, mia = as_("lia"), as_("max")
    base = f"/sessions/{live_session}"

    assert lia("post", f"{base}/join").json()["participant_count"] == 1
    assert mia("post", f"{base}/join").json()["participant_count"] == 2
    first = lia("post", f"{base}/queue", json={"title": "Strings of Life", "artist": "Rhythim Is Rhythim"})
    second = mia("post", f"{base}/queue", json={"title": "Can You Feel It", "artist": "Larry Heard"})
    assert (first.status_code, second.status_code) == (201, 201), second.text
    song = second.json()["song_id"]
    lia("put", f"{base}/queue/{song}/vote", json={"value": 1})
    vote = mia("put", f"{base}/queue/{song}/vote", json={"value": 1})
    posted = lia("post", f"{base}/messages", json={"text": "  what a track  "})
    queue = mia("get", f"{base}/queue", params={"order": "score"}).json()["songs"]
    chat = mia("get", f"{base}/messages").json()["messages"]

    assert vote.status_code == 200 and vote.json()["score"] == 2
    assert [entry["song_id"] for entry in queue] == [song, first.json()["song_id"]]
    assert posted.status_code == 201, posted.text
    assert [message["text"] for message in chat] == ["what a track", "The session is live"]


def test_twenty_votes_at_once_by_one_listener_count_once(as_: Callable[[str | None], Call], live_session: str) -> None:
    lia = as_("lia")
    base = f"/sessions/{live_session}"
    lia("post", f"{base}/join")
    song = lia("post", f"{base}/queue", json={"title": "Pacific State", "artist": "808 State"}).json()["song_id"]

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(lambda _: lia("put", f"{base}/queue/{song}/vote", json={"value": -1}), range(20)))

    assert {answer.status_code for answer in answers} == {200}
    queue = lia("get", f"{base}/queue").json()["songs"]
    assert [entry["score"] for entry in queue] == [-1]


def test_nobody_but_the_dj_changes_starts_or_ends_the_session(
    as_: Callable[[str | None], Call], live_session: str
) -> None:
    lia = as_("lia")
    base = f"/sessions/{live_session}"

    assert lia("patch", base, json={"title": "Mine now"}).status_code == 403
    assert lia("post", f"{base}/end").status_code == 403
    assert as_(None)("get", base).json()["status"] == "live"


def test_a_message_sent_again_with_its_idempotency_key_is_posted_once(
    as_: Callable[[str | None], Call], live_session: str
) -> None:
    lia = as_("lia")
    base = f"/sessions/{live_session}"
    lia("post", f"{base}/join")
    key = {"Idempotency-Key": str(uuid.uuid4())}

    first = lia("post", f"{base}/messages", json={"text": "once only"}, headers=key)
    again = lia("post", f"{base}/messages", json={"text": "once only"}, headers=key)
    other = lia("post", f"{base}/messages", json={"text": "something else"}, headers=key)

    assert (first.status_code, again.status_code) == (201, 201), again.text
    assert again.json() == first.json()
    assert other.status_code == 422 and other.json()["error"]["fields"][0]["field"] == "idempotency-key"
    texts = [message["text"] for message in lia("get", f"{base}/messages").json()["messages"]]
    assert texts.count("once only") == 1


def test_an_ended_session_takes_no_one_and_never_goes_live_again(
    as_: Callable[[str | None], Call], live_session: str
) -> None:
    dj, lia = as_("dj"), as_("lia")
    base = f"/sessions/{live_session}"
    lia("post", f"{base}/join")

    ended = dj("post", f"{base}/end")

    assert ended.status_code == 200 and (ended.json()["status"], ended.json()["end_reason"]) == ("ended", "dj")
    assert dj("post", f"{base}/start").status_code == 409
    assert as_("max")("post", f"{base}/join").status_code == 409
    assert lia("post", f"{base}/messages", json={"text": "still here?"}).status_code == 409
    assert lia("get", f"{base}/messages").json()["messages"][0]["text"] == "The session has ended"


# The REST functions' samples; the WebSocket routes' samples name an API of their own, which the functions'
# narrow execute-api grants refuse on a real stack (see the README), and are driven in tests/handlers;
# the cleanup's scheduled event has its own test (test_live_cleanup.py).
FUNCTION_OF = {
    "live_sessions": "LiveSessionsFunction",
    "live_queue": "LiveQueueFunction",
    "live_chat": "LiveChatFunction",
}
LIVE_SAMPLES = sorted(path for name in FUNCTION_OF for path in (ROOT / "events" / name).glob("*.json"))


@pytest.mark.parametrize("sample", LIVE_SAMPLES, ids=[f"{path.parent.name}/{path.stem}" for path in LIVE_SAMPLES])
def test_every_live_sample_event_succeeds_on_the_seeded_stack(local_stack: StackProcess, sample: Path) -> None:
    answer = local_stack.client("lambda").invoke(
        FunctionName=local_stack.state["functions"][FUNCTION_OF[sample.parent.name]], Payload=sample.read_bytes()
    )
    response = json.loads(answer["Payload"].read())

    assert answer.get("FunctionError") is None, response
    assert response["statusCode"] in (200, 201), response["body"]
