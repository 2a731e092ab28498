"""Stripe's webhook deliveries as the tests send them: the sample events (events/live_stripe_webhook/) with a
Stripe-Signature made by the `stripe` library's own scheme (HMAC-SHA256 of "{t}.{raw body}"), and the local
secret the tests put in moto's Secrets Manager."""

from __future__ import annotations

import json
import time
from typing import Any

import stripe

from tools.handlers import sample_event
from tools.template import ROOT

SAMPLES = ROOT / "events" / "live_stripe_webhook"
WEBHOOK_SECRET = "whsec_test_platform"
CONNECT_WEBHOOK_SECRET = "whsec_test_connect"
SECRET = {
    "api_key": "sk_test_colmena",
    "webhook_secret": WEBHOOK_SECRET,
    "connect_webhook_secret": CONNECT_WEBHOOK_SECRET,
}


def signature(body: str, secret: str = WEBHOOK_SECRET, at: int | None = None) -> str:
    timestamp = int(time.time()) if at is None else at
    digest = stripe.WebhookSignature._compute_signature(f"{timestamp}.{body}", secret)
    return f"t={timestamp},v1={digest}"


def stripe_event(sample: str, **changes: Any) -> dict[str, Any]:
    """A sample's Stripe event (its body), with top-level fields changed."""
    event: dict[str, Any] = json.loads(sample_event(SAMPLES / sample)["body"])
    event.update(changes)
    return event


def delivery(
    event: dict[str, Any], secret: str = WEBHOOK_SECRET, at: int | None = None, headers: dict[str, str] | None = None
) -> dict[str, Any]:
    """The API Gateway request Stripe's delivery of `event` makes, signed now (or at `at`)."""
    body = json.dumps(event, separators=(",", ":"))
    request = sample_event(SAMPLES / "payment_intent_succeeded.json", body=body)
    request["headers"] = {**request["headers"], "Stripe-Signature": signature(body, secret, at), **(headers or {})}
    return request
