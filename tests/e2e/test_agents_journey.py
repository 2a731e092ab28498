"""A business's whole onboarding on the local stack, every step through its own route as the app takes it: the
business confirmed, a knowledge base from an uploaded price list, a voice from the local ElevenLabs' list, the
agent deployed by the workflow on a number from the local Twilio, a call to that number counted from Twilio's
signed callbacks, and the subscription paid on the local Stripe's Checkout. Nothing is written into the table
by the test: each step's state comes from the code that owns it."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
import requests

from tests.e2e.test_agent_deployment import deploy, finished, ready_onboarding
from tests.e2e.test_agents_checkout import pay_on_the_local_stripe
from tests.e2e.test_knowledge_base import Owner, send
from tools.local_stack.process import StackProcess

pytestmark = pytest.mark.e2e

WAIT_S = 60


def eventually(read: Callable[[], dict[str, Any]], done: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    deadline = time.monotonic() + WAIT_S
    while True:
        value = read()
        if done(value) or time.monotonic() > deadline:
            return value
        time.sleep(0.5)


def test_a_business_goes_from_its_facts_to_a_paid_agent_answering_calls(local_stack: StackProcess) -> None:
    owner: Owner = local_stack.new_user("journey-owner")

    # Given a confirmed business in Mexico with a ready knowledge base and a voice chosen from the list.
    onboarding_id = ready_onboarding(local_stack, owner, "MX")

    # When its owner deploys the agent and the workflow finishes,
    started = deploy(local_stack, owner, onboarding_id)
    assert started.status_code == 202, started.text
    deployed = finished(local_stack, owner, onboarding_id)

    # then the agent answers a Mexican number,
    deployment = deployed["deployment"]
    assert deployment["status"] == "deployed", deployed
    assert deployment["phone_number"].startswith("+52") and deployment["agent_id"]

    # a 95-second call to that number counts two minutes in the month's usage,
    placed = requests.post(
        f"{local_stack.twilio}/_local/calls", json={"to": deployment["phone_number"], "duration": 95}, timeout=60
    )
    assert placed.status_code == 201, placed.text
    usage = send(local_stack, owner, "GET", f"/onboarding/{onboarding_id}/usage").json()
    assert (usage["minutes"], usage["calls"]) == (2, 1)

    # and once the subscription's Checkout Session is paid, every step is done and nothing is left to do.
    session = send(local_stack, owner, "POST", f"/onboarding/{onboarding_id}/complete-payment")
    assert session.status_code == 200, session.text
    pay_on_the_local_stripe(local_stack, session.json()["checkout_session_id"])
    onboarding = eventually(
        lambda: send(local_stack, owner, "GET", f"/onboarding/{onboarding_id}").json(),
        lambda seen: seen["steps"]["payment"]["state"] == "done",
    )
    assert {step: status["state"] for step, status in onboarding["steps"].items()} == {
        "business": "done",
        "voice": "done",
        "knowledge_base": "done",
        "deployment": "done",
        "payment": "done",
    }
    assert onboarding["missing_next"] == []
