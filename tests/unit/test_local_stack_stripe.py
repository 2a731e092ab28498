"""How `make run` wires the local Stripe in: its keys from the Stripe secret's local values, its events to
the API port's webhook route, its actual address passed as StripeApiBaseUrl where the template declares it,
its port checked with the others, and its address in the summary."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest

from tools.local_stack.stack import (
    Api,
    DeployFailed,
    Deployment,
    LocalValues,
    local_stripe,
    refused_ports,
    summary,
)
from tools.local_stripe import Endpoint, LocalStripe

DECLARING = {"Parameters": {"StripeApiBaseUrl": {"Type": "String", "Default": "https://api.stripe.com"}}}


@pytest.fixture
def committed_stripe() -> Iterator[LocalStripe]:
    fake = local_stripe(LocalValues.read(), 0, 3000)  # bound, never started: no connection is made
    yield fake
    fake.stop()


def test_the_local_stripe_takes_the_stripe_secrets_local_values(committed_stripe: LocalStripe) -> None:
    assert committed_stripe.api_keys == ("sk_test_local",)
    assert committed_stripe.deliveries.endpoint == Endpoint(
        "http://127.0.0.1:3000/webhooks/stripe", "whsec_local", "whsec_local_connect"
    )


def test_without_the_stripe_secrets_local_values_the_run_stops_naming_them() -> None:
    values = LocalValues(parameters={}, secrets={})

    with pytest.raises(DeployFailed, match=r"\[secrets.StripeSecretName\]"):
        local_stripe(values, 0, 3000)


def test_the_local_stripes_address_is_passed_where_the_template_declares_stripe_api_base_url() -> None:
    values = LocalValues.read().with_parameters(StripeApiBaseUrl="http://127.0.0.1:40123")

    assert values.stack_parameters(DECLARING) == {"StripeApiBaseUrl": "http://127.0.0.1:40123"}
    assert values.stack_parameters({"Parameters": {}}) == {}


def test_the_three_ports_must_differ() -> None:
    refused = refused_ports({"the emulator (AWS endpoint)": 4566, "the API": 3000, "the local Stripe": 3000})

    assert (
        refused == "the emulator (AWS endpoint), the API, the local Stripe need a port each; they are 4566, 3000, 3000"
    )


def test_a_busy_stripe_port_is_named() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]

        refused = refused_ports({"the local Stripe": busy})

    assert refused == f"port {busy}, for the local Stripe, is already in use: stop what holds it or pick another"


def test_the_summary_prints_the_local_stripes_address_and_where_its_events_go() -> None:
    deployment = Deployment({}, {}, {}, {}, {}, {}, {"Api": Api("a1", "dev")}, {}, {}, [], "Api")
    body: dict[str, Any] = {"Resources": {}}

    printed = summary(deployment, body, 4566, 3000, "http://127.0.0.1:12111")

    assert "Local Stripe  http://127.0.0.1:12111" in printed
    assert "its events go to http://127.0.0.1:3000/webhooks/stripe" in printed
