"""The local Stripe as `make run` starts it: on the stack's own port, taking the key the stack's Stripe secret
holds, and sending its signed events to the API port's /webhooks/stripe."""

from __future__ import annotations

import json
import time
import urllib.request
from typing import Any

import pytest
import stripe

from tools import template
from tools.local_stack.process import StackProcess
from tools.local_stack.stack import LocalValues

pytestmark = pytest.mark.e2e


def stripe_secret(local_stack: StackProcess) -> dict[str, str]:
    """The Stripe secret as the functions read it: from the stack's Secrets Manager."""
    name = template.parameter_values(LocalValues.read().stack_parameters(template.template()))["StripeSecretName"]
    secret: dict[str, str] = json.loads(
        local_stack.client("secretsmanager").get_secret_value(SecretId=name)["SecretString"]
    )
    return secret


def deliveries(local_stack: StackProcess, event_type: str) -> list[dict[str, Any]]:
    with urllib.request.urlopen(f"{local_stack.stripe}/_local/deliveries?type={event_type}", timeout=5) as answer:  # noqa: S310
        listing: dict[str, Any] = json.loads(answer.read())
    return list(listing["data"])


def test_the_local_stripe_takes_the_api_key_the_stacks_stripe_secret_holds(local_stack: StackProcess) -> None:
    client = stripe.StripeClient(stripe_secret(local_stack)["api_key"], base_addresses={"api": local_stack.stripe})

    account = client.v1.accounts.create(params={"type": "express"})

    assert account.id.startswith("acct_")


def test_its_events_go_to_the_api_ports_webhook_route(local_stack: StackProcess) -> None:
    client = stripe.StripeClient(stripe_secret(local_stack)["api_key"], base_addresses={"api": local_stack.stripe})
    account = client.v1.accounts.create(params={"type": "express", "capabilities": {"transfers": {"requested": True}}})
    link = client.v1.account_links.create(
        params={
            "account": account.id,
            "refresh_url": "http://x/r",
            "return_url": "http://x/r",
            "type": "account_onboarding",
        }
    )
    urllib.request.urlopen(link.url, timeout=5).close()  # noqa: S310 (the onboarding page completes it)

    # Other tests on this shared stack onboard accounts too: wait for this account's delivery.
    deadline = time.monotonic() + 30
    while not (
        tried := [d for d in deliveries(local_stack, "account.updated") if d["attempts"] and d["account"] == account.id]
    ):
        assert time.monotonic() < deadline, "the local Stripe never tried to deliver account.updated"
        time.sleep(0.1)

    [delivery] = tried
    assert delivery["url"] == f"{local_stack.api}/webhooks/stripe"
    assert delivery["signed_with"] == "connect_webhook_secret"
    assert isinstance(delivery["attempts"][0]["status"], int)  # the API port answered it


def test_run_prints_the_local_stripes_address(local_stack: StackProcess) -> None:
    printed = "".join(local_stack.output)

    assert f"Local Stripe  {local_stack.stripe}" in printed
    assert local_stack.state["stripe_port"] == local_stack.stripe_port
