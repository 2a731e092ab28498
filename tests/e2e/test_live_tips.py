"""Tips on the local stack, as the apps and Stripe meet them: a DJ connects to Stripe and completes the local
Stripe's onboarding (its signed account.updated makes the DJ payable), goes live, a listener tips and pays
with Stripe's test card through the unmodified `stripe` library, the local Stripe's signed
payment_intent.succeeded completes the tip, the session's sockets hear of it, both users' ledgers show it
(GET /me/transactions), and a refund moves the tip and both entries to refunded."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
import stripe
import websocket

from live.tips.repository import TipRepository
from live.tips.rules import Tip, TipStatus
from tests.e2e.sockets import next_frame
from tests.e2e.sockets import subscribed as subscribed_to
from tools.local_stack.process import StackProcess
from tools.local_stack.stack import LocalValues

pytestmark = pytest.mark.e2e

WAIT_S = 20


def call(local_stack: StackProcess, token: str, path: str, status: int = 200, **body: Any) -> dict[str, Any]:
    headers = {"Authorization": token}
    key = body.pop("idempotency_key", None)
    if key:
        headers["Idempotency-Key"] = key
    answer = requests.post(f"{local_stack.api}{path}", headers=headers, json=body or None, timeout=30)
    assert answer.status_code == status, f"POST {path}: {answer.status_code} {answer.text}"
    result: dict[str, Any] = answer.json()
    return result


def eventually[T](read: Callable[[], T], done: Callable[[T], bool], what: str) -> T:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        value = read()
        if done(value):
            return value
        time.sleep(0.2)
    raise AssertionError(f"{what} within {WAIT_S} s; last seen: {value!r}")


@pytest.fixture(scope="module")
def tokens(local_stack: StackProcess) -> dict[str, str]:
    return {name: local_stack.new_user(name)[1] for name in ("dj", "fan")}


@pytest.fixture(scope="module")
def stripe_client(local_stack: StackProcess) -> stripe.StripeClient:
    """The app's side of Stripe (Stripe.js in a browser): the same local Stripe, with the local key."""
    api_key = LocalValues.read().secrets["StripeSecretName"]["api_key"]
    return stripe.StripeClient(api_key, base_addresses={"api": local_stack.stripe})


@pytest.fixture(scope="module")
def tips(local_stack: StackProcess) -> TipRepository:
    return TipRepository(local_stack.client("dynamodb"), local_stack.state["physical_ids"]["LiveTable"])


@pytest.fixture
def fan_socket(local_stack: StackProcess, tokens: dict[str, str]) -> Iterator[Callable[[str], websocket.WebSocket]]:
    api = local_stack.state["websocket_apis"]["LiveWebSocketApi"]
    url = f"ws://127.0.0.1:{local_stack.gateway_port}/_aws/execute-api/{api['id']}/{api['stage']}"
    opened: list[websocket.WebSocket] = []

    def subscribed(session_id: str) -> websocket.WebSocket:
        ws = websocket.create_connection(f"{url}?token={tokens['fan']}", timeout=WAIT_S)
        opened.append(ws)
        return subscribed_to(ws, session_id)

    yield subscribed
    for ws in opened:
        ws.close()


def test_a_fan_tips_a_payable_dj_pays_and_the_session_hears_of_it_then_a_refund_moves_it_back_to_the_fan(
    local_stack: StackProcess,
    tokens: dict[str, str],
    stripe_client: stripe.StripeClient,
    tips: TipRepository,
    fan_socket: Callable[[str], websocket.WebSocket],
) -> None:
    dj, fan = tokens["dj"], tokens["fan"]
    connection = call(local_stack, dj, "/me/stripe/connect")
    assert connection["payable"] is False
    assert requests.get(connection["url"], timeout=30).status_code == 200  # the DJ completes the onboarding
    eventually(lambda: call(local_stack, dj, "/me/stripe/connect"), lambda c: c["payable"], "the DJ payable")
    session = call(local_stack, dj, "/sessions", 201, title="Tip jar", tips_enabled=True)
    call(local_stack, dj, f"/sessions/{session['session_id']}/start")
    call(local_stack, fan, f"/sessions/{session['session_id']}/join")
    listening = fan_socket(session["session_id"])

    tip = call(local_stack, fan, f"/sessions/{session['session_id']}/tips", 201, amount=500, currency="EUR",
               idempotency_key="fan-first-tip")  # fmt: skip
    stripe_client.v1.payment_intents.confirm(tip["payment_intent_id"], params={"payment_method": "pm_card_visa"})

    frame = next_frame(listening, "tip.received", WAIT_S)
    assert frame["data"]["tip_id"] == tip["tip_id"] and frame["data"]["message"]["text"] == "Tipped 5.00 EUR"
    completed = eventually(lambda: tips.get_tip(tip["tip_id"]), _is(TipStatus.COMPLETED), "the tip completed")
    assert completed is not None
    assert (completed.amount, completed.currency, completed.application_fee_amount) == (500, "eur", 50)
    assert completed.destination == connection["account_id"]
    again = call(local_stack, fan, f"/sessions/{session['session_id']}/tips", 201, amount=500, currency="EUR",
                 idempotency_key="fan-first-tip")  # fmt: skip
    assert again["tip_id"] == tip["tip_id"] and again["payment_intent_id"] == tip["payment_intent_id"]

    for token, direction in ((fan, "sent"), (dj, "received")):
        entry = eventually(ledger_of(local_stack, token, tip), _status("completed"), "the ledger's entry")
        assert entry is not None
        assert (entry["direction"], entry["amount"], entry["currency"]) == (direction, 500, "eur")

    stripe_client.v1.refunds.create(params={"payment_intent": tip["payment_intent_id"]})

    eventually(lambda: tips.get_tip(tip["tip_id"]), _is(TipStatus.REFUNDED), "the tip refunded")
    for token in (fan, dj):
        eventually(ledger_of(local_stack, token, tip), _status("refunded"), "the ledger's entry refunded")


def test_a_dj_who_has_not_finished_onboarding_takes_no_tip(local_stack: StackProcess) -> None:
    dj, fan = local_stack.new_user("newdj")[1], local_stack.new_user("newfan")[1]
    call(local_stack, dj, "/me/stripe/connect")
    session = call(local_stack, dj, "/sessions", 201, title="Not yet", tips_enabled=True)
    call(local_stack, dj, f"/sessions/{session['session_id']}/start")

    refused = call(local_stack, fan, f"/sessions/{session['session_id']}/tips", 409, amount=500, currency="eur")

    assert "onboarding" in refused["error"]["message"]


def ledger_of(local_stack: StackProcess, token: str, tip: dict[str, Any]) -> Callable[[], dict[str, Any] | None]:
    return lambda: transaction(local_stack, token, tip)


def transaction(local_stack: StackProcess, token: str, tip: dict[str, Any]) -> dict[str, Any] | None:
    """The user's ledger entry for the tip (GET /me/transactions), if it is there yet."""
    answer = requests.get(f"{local_stack.api}/me/transactions", headers={"Authorization": token}, timeout=30)
    assert answer.status_code == 200, answer.text
    entries: list[dict[str, Any]] = answer.json()["transactions"]
    return next((entry for entry in entries if entry["payment_intent_id"] == tip["payment_intent_id"]), None)


def _status(status: str) -> Callable[[dict[str, Any] | None], bool]:
    return lambda entry: entry is not None and entry["status"] == status


def _is(status: TipStatus) -> Callable[[Tip | None], bool]:
    return lambda tip: tip is not None and tip.status is status
