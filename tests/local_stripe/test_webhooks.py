"""The events the local Stripe sends: signed exactly as Stripe signs, verified here by the `stripe`
library's own scheme, delivered in the background, and retried with backoff until the endpoint answers 2xx."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import stripe

from tests.local_stripe.support import (
    API_KEY,
    WEBHOOK_SECRET,
    Receiver,
    admin,
    eventually,
    onboarded_account,
    start_local_stripe,
)
from tools.local_stripe import Endpoint, LocalStripe, Retry
from tools.local_stripe.objects import API_VERSION
from tools.local_stripe.webhooks import signature_header


def payment(client: stripe.StripeClient) -> stripe.PaymentIntent:
    return client.v1.payment_intents.create(params={"amount": 500, "currency": "usd"})


def deliveries(local_stripe: LocalStripe, **query: str) -> list[dict[str, Any]]:
    path = "/_local/deliveries" + ("?" + "&".join(f"{name}={value}" for name, value in query.items()) if query else "")
    status, listing = admin(local_stripe, path, method="GET")
    assert status == 200
    return list(listing["data"])


def test_each_event_is_signed_as_stripe_signs_and_verifies_with_the_stripe_library(
    client: stripe.StripeClient, receiver: Receiver
) -> None:
    payment(client)

    delivered = eventually(lambda: receiver.events("payment_intent.created"))[0]

    header = delivered.headers["Stripe-Signature"]
    timestamp = header.split(",")[0].removeprefix("t=")
    expected = hmac.new(WEBHOOK_SECRET.encode(), f"{timestamp}.".encode() + delivered.body, hashlib.sha256)
    assert header == f"t={timestamp},v1={expected.hexdigest()}"
    assert stripe.WebhookSignature.verify_header(delivered.body.decode(), header, WEBHOOK_SECRET, tolerance=300)
    assert delivered.headers["Content-Type"] == "application/json; charset=utf-8"


def test_an_event_has_stripes_fields_in_the_librarys_api_version(
    client: stripe.StripeClient, receiver: Receiver
) -> None:
    intent = payment(client)

    event = eventually(lambda: receiver.events("payment_intent.created"))[0].event

    assert event["id"].startswith("evt_") and event["object"] == "event"
    assert event["api_version"] == API_VERSION == stripe.api_version
    assert (event["livemode"], event["pending_webhooks"]) == (False, 1)
    assert abs(event["created"] - time.time()) < 5
    assert event["data"]["object"]["id"] == intent.id
    assert set(event["request"]) == {"id", "idempotency_key"}


def test_a_forged_body_does_not_verify(client: stripe.StripeClient, receiver: Receiver) -> None:
    payment(client)
    delivered = eventually(lambda: receiver.events("payment_intent.created"))[0]

    forged = delivered.body.replace(b'"amount": 500', b'"amount": 50000')

    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(forged, delivered.headers["Stripe-Signature"], WEBHOOK_SECRET)


def test_signature_header_is_the_librarys_own_scheme() -> None:
    payload = '{"id": "evt_1", "object": "event"}'

    ours = signature_header(payload.encode(), WEBHOOK_SECRET, 1_764_000_000)

    assert ours == stripe.WebhookSignature.generate_signature_header(payload, WEBHOOK_SECRET, 1_764_000_000)


@pytest.fixture
def without_connect_secret(receiver: Receiver) -> Iterator[LocalStripe]:
    started = start_local_stripe(Endpoint(receiver.url, WEBHOOK_SECRET))
    yield started
    started.stop()


def test_connect_events_are_signed_with_the_webhook_secret_when_no_connect_secret_is_configured(
    without_connect_secret: LocalStripe, receiver: Receiver
) -> None:
    client = stripe.StripeClient(API_KEY, base_addresses={"api": without_connect_secret.base_url})

    account = onboarded_account(client, without_connect_secret)

    delivered = eventually(lambda: receiver.events("account.updated"))[0]
    event = stripe.Webhook.construct_event(delivered.body, delivered.headers["Stripe-Signature"], WEBHOOK_SECRET)
    assert event.account == account.id


def test_an_endpoint_answering_500_gets_the_event_again_until_it_answers_200(
    client: stripe.StripeClient, local_stripe: LocalStripe, receiver: Receiver
) -> None:
    receiver.statuses = [500, 500]

    intent = payment(client)

    eventually(lambda: len(receiver.events("payment_intent.created")) == 3)
    [delivery] = deliveries(local_stripe, type="payment_intent.created")
    assert [attempt["status"] for attempt in delivery["attempts"]] == [500, 500, 200]
    assert [attempt["number"] for attempt in delivery["attempts"]] == [1, 2, 3]
    assert delivery["state"] == "succeeded"
    bodies = {item.body for item in receiver.events("payment_intent.created")}
    assert len(bodies) == 1 and intent.id.encode() in bodies.pop()  # the same event each time


def test_an_unreachable_endpoint_is_tried_the_configured_number_of_times_with_growing_delays(
    receiver: Receiver,
) -> None:
    nowhere = receiver.url
    receiver.stop()  # its port now refuses connections
    retry = Retry(first_delay=0.05, factor=2.0, attempts=4, timeout=1.0)
    with LocalStripe(port=0, endpoint=Endpoint(nowhere, WEBHOOK_SECRET), retry=retry) as local_stripe:
        payment(stripe.StripeClient(API_KEY, base_addresses={"api": local_stripe.base_url}))

        [delivery] = eventually(lambda: [d for d in deliveries(local_stripe) if d["state"] == "failed"])

    attempts = delivery["attempts"]
    assert [attempt["status"] for attempt in attempts] == [None] * 4
    assert all("Connection refused" in attempt["error"] for attempt in attempts)
    gaps = [later["at"] - earlier["at"] for earlier, later in itertools.pairwise(attempts)]
    assert all(gap >= retry.delay(number) - 0.01 for number, gap in enumerate(gaps, start=1)), gaps
    assert gaps[2] > gaps[0]


def test_a_slow_endpoint_never_slows_the_api_answer(client: stripe.StripeClient, receiver: Receiver) -> None:
    receiver.delay = 1.0
    started = time.monotonic()

    intent = payment(client)

    assert time.monotonic() - started < 0.5
    assert eventually(lambda: receiver.events("payment_intent.created"))[0].event["data"]["object"]["id"] == intent.id


def test_the_backoff_doubles_from_the_first_delay() -> None:
    retry = Retry()

    assert [retry.delay(attempt) for attempt in range(1, 6)] == [0.5, 1.0, 2.0, 4.0, 8.0]
    assert retry.attempts == 6


def test_stopping_the_fake_ends_every_thread_it_started(receiver: Receiver) -> None:
    local_stripe = start_local_stripe(Endpoint(receiver.url, WEBHOOK_SECRET))
    client = stripe.StripeClient(API_KEY, base_addresses={"api": local_stripe.base_url})
    payment(client)  # a kept-alive connection, and a delivery
    eventually(lambda: receiver.events("payment_intent.created"))

    local_stripe.stop()

    assert [thread.name for thread in threading.enumerate() if thread.name.startswith("local-stripe")] == []
