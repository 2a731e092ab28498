"""The voice and the subscription payment on the local stack, as an owner meets them: the local ElevenLabs' voices
listed and one chosen (an unknown one refused); the payment refused before the agent is deployed, then
one Stripe Checkout Session however often (or however concurrently) it is asked for, paid on the local Stripe,
whose signed `checkout.session.completed` reaches Live's webhook, the bus and the Agents function that marks the
onboarding paid, once.

The deployment is arranged by writing `deployed_at` on the onboarding in the local table, as the deployment
workflow's last task does (that workflow is built beside this and tested on its own)."""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests
import stripe

from agents.providers.elevenlabs import ElevenLabsClient
from colmena.repository import to_attributes
from tools import template
from tools.local_stack.process import StackProcess
from tools.local_stack.stack import LocalValues

pytestmark = pytest.mark.e2e

WAIT_S = 20
Owner = tuple[str, str]  # sub, ID token


@pytest.fixture(scope="module")
def owner(local_stack: StackProcess) -> Owner:
    return local_stack.new_user("payer")


def send(local_stack: StackProcess, who: Owner, method: str, path: str, body: Any = None) -> requests.Response:
    return requests.request(
        method, f"{local_stack.api}{path}", json=body, headers={"Authorization": who[1]}, timeout=30
    )


def eventually[T](read: Callable[[], T], done: Callable[[T], bool], what: str) -> T:
    deadline = time.monotonic() + WAIT_S
    while True:
        value = read()
        if done(value) or time.monotonic() > deadline:
            assert done(value), f"{what} within {WAIT_S} s; last seen: {value!r}"
            return value
        time.sleep(0.2)


def confirmed(local_stack: StackProcess, owner: Owner) -> str:
    started = send(local_stack, owner, "POST", "/onboarding/business-info", {"country": "ES"})
    assert started.status_code == 201, started.text
    onboarding_id = str(started.json()["onboarding_id"])
    answer = send(local_stack, owner, "POST", f"/onboarding/{onboarding_id}/confirm-business", {"name": "La Espiga"})
    assert answer.status_code == 200, answer.text
    return onboarding_id


def deployed(local_stack: StackProcess, onboarding_id: str) -> None:
    local_stack.client("dynamodb").update_item(
        TableName=local_stack.state["outputs"]["AgentsTableName"],
        Key={"pk": {"S": f"ONBOARDING#{onboarding_id}"}, "sk": {"S": "ONBOARDING"}},
        UpdateExpression="SET deployed_at = :at",
        ExpressionAttributeValues=to_attributes({":at": "2026-11-26T10:00:00.000+00:00"}),
    )


def onboarding_item(local_stack: StackProcess, onboarding_id: str, sk: str) -> dict[str, Any]:
    found = local_stack.client("dynamodb").get_item(
        TableName=local_stack.state["outputs"]["AgentsTableName"],
        Key={"pk": {"S": f"ONBOARDING#{onboarding_id}"}, "sk": {"S": sk}},
        ConsistentRead=True,
    )
    return dict(found.get("Item", {}))


def complete_payment(local_stack: StackProcess, owner: Owner, onboarding_id: str) -> dict[str, Any]:
    answer = send(local_stack, owner, "POST", f"/onboarding/{onboarding_id}/complete-payment")
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


def pay_on_the_local_stripe(local_stack: StackProcess, session_id: str) -> None:
    url = f"{local_stack.stripe}/_local/checkout/sessions/{session_id}/complete"
    with urllib.request.urlopen(urllib.request.Request(url, method="POST", data=b""), timeout=10) as answer:  # noqa: S310
        assert answer.status == 200


def payment_state(local_stack: StackProcess, owner: Owner, onboarding_id: str) -> str:
    answer = send(local_stack, owner, "GET", f"/onboarding/{onboarding_id}")
    return str(answer.json()["steps"]["payment"]["state"])


def elevenlabs_voices(local_stack: StackProcess) -> list[str]:
    """The voice ids the local ElevenLabs offers, asked with the key the stack's secret holds."""
    name = template.parameter_values(LocalValues.read().stack_parameters(template.template()))["ElevenLabsSecretName"]
    key = json.loads(local_stack.client("secretsmanager").get_secret_value(SecretId=name)["SecretString"])["api_key"]
    return [voice.voice_id for voice in ElevenLabsClient(local_stack.elevenlabs, key).list_voices()]


def test_the_voices_listed_are_the_ones_elevenlabs_offers(local_stack: StackProcess, owner: Owner) -> None:
    answer = send(local_stack, owner, "GET", "/voices")

    assert answer.status_code == 200, answer.text
    assert [voice["voice_id"] for voice in answer.json()["voices"]] == elevenlabs_voices(local_stack)


def test_a_listed_voice_is_chosen_and_the_voice_step_is_done(local_stack: StackProcess, owner: Owner) -> None:
    onboarding_id = confirmed(local_stack, owner)
    voice = send(local_stack, owner, "GET", "/voices").json()["voices"][0]

    answer = send(
        local_stack, owner, "POST", f"/onboarding/{onboarding_id}/select-voice", {"voice_id": voice["voice_id"]}
    )

    assert answer.status_code == 200, answer.text
    assert answer.json() == {"onboarding_id": onboarding_id, "voice_id": voice["voice_id"], "voice_name": voice["name"]}
    onboarding = send(local_stack, owner, "GET", f"/onboarding/{onboarding_id}").json()
    assert onboarding["steps"]["voice"]["state"] == "done"


def test_a_voice_elevenlabs_does_not_offer_is_a_422_naming_voice_id(local_stack: StackProcess, owner: Owner) -> None:
    onboarding_id = confirmed(local_stack, owner)

    answer = send(local_stack, owner, "POST", f"/onboarding/{onboarding_id}/select-voice", {"voice_id": "NoSuchVoice"})

    assert answer.status_code == 422, answer.text
    assert [field["field"] for field in answer.json()["error"]["fields"]] == ["voice_id"]
    onboarding = send(local_stack, owner, "GET", f"/onboarding/{onboarding_id}").json()
    assert onboarding["steps"]["voice"]["state"] == "not_started"


def test_before_the_agent_is_deployed_the_payment_is_refused_naming_the_deployment(
    local_stack: StackProcess, owner: Owner
) -> None:
    onboarding_id = confirmed(local_stack, owner)

    answer = send(local_stack, owner, "POST", f"/onboarding/{onboarding_id}/complete-payment")

    assert answer.status_code == 409, answer.text
    assert answer.json()["error"]["code"] == "step_out_of_order"
    assert answer.json()["error"]["fields"] == [{"field": "deployment", "reason": "not done yet"}]


def test_one_session_is_answered_and_paying_it_marks_the_onboarding_paid_once(
    local_stack: StackProcess, owner: Owner
) -> None:
    onboarding_id = confirmed(local_stack, owner)
    deployed(local_stack, onboarding_id)

    with ThreadPoolExecutor(2) as pool:
        at_once = list(pool.map(lambda _: complete_payment(local_stack, owner, onboarding_id), range(2)))
    again = complete_payment(local_stack, owner, onboarding_id)

    assert at_once[0]["checkout_session_id"] == at_once[1]["checkout_session_id"] == again["checkout_session_id"]
    session_id = again["checkout_session_id"]
    assert (again["status"], again["url"]) == ("open", f"{local_stack.stripe}/c/pay/{session_id}")

    pay_on_the_local_stripe(local_stack, session_id)

    eventually(lambda: payment_state(local_stack, owner, onboarding_id), lambda state: state == "done", "paid")
    paid = complete_payment(local_stack, owner, onboarding_id)
    assert (paid["status"], paid["checkout_session_id"], paid["url"]) == ("paid", session_id, None)
    payment = eventually(
        lambda: onboarding_item(local_stack, onboarding_id, "PAYMENT"),
        lambda item: item.get("paid_announced") == {"BOOL": True},
        "onboarding.paid published",
    )
    assert payment["paid_at"] == onboarding_item(local_stack, onboarding_id, "ONBOARDING")["paid_at"]


def test_stripe_delivering_the_completed_event_again_changes_nothing(local_stack: StackProcess, owner: Owner) -> None:
    onboarding_id = confirmed(local_stack, owner)
    deployed(local_stack, onboarding_id)
    session_id = complete_payment(local_stack, owner, onboarding_id)["checkout_session_id"]
    pay_on_the_local_stripe(local_stack, session_id)
    eventually(lambda: payment_state(local_stack, owner, onboarding_id), lambda state: state == "done", "paid")
    before = (
        onboarding_item(local_stack, onboarding_id, "ONBOARDING"),
        onboarding_item(local_stack, onboarding_id, "PAYMENT"),
    )

    status = redeliver(local_stack, session_id)

    assert status == 200
    time.sleep(2)  # what a second delivery would have changed, it would have changed by now
    after = (
        onboarding_item(local_stack, onboarding_id, "ONBOARDING"),
        onboarding_item(local_stack, onboarding_id, "PAYMENT"),
    )
    assert after == before


def redeliver(local_stack: StackProcess, session_id: str) -> int:
    """Stripe's redelivery of the session's checkout.session.completed: the same event, signed afresh."""
    secret = LocalValues.read().secrets["StripeSecretName"]
    with urllib.request.urlopen(f"{local_stack.stripe}/_local/deliveries?type=checkout.session.completed") as listed:  # noqa: S310
        deliveries = json.loads(listed.read())["data"]
    client = stripe.StripeClient(secret["api_key"], base_addresses={"api": local_stack.stripe})
    [event] = [
        event
        for event in (client.v1.events.retrieve(delivery["event"]).to_dict() for delivery in deliveries)
        if event["data"]["object"]["id"] == session_id
    ]
    body = json.dumps(event)
    timestamp = int(time.time())
    signature = stripe.WebhookSignature._compute_signature(f"{timestamp}.{body}", secret["webhook_secret"])
    answer = requests.post(
        f"{local_stack.api}/webhooks/stripe",
        data=body,
        headers={"Content-Type": "application/json", "Stripe-Signature": f"t={timestamp},v1={signature}"},
        timeout=30,
    )
    return answer.status_code
