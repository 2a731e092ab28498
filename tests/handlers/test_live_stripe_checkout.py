"""Stripe's webhook and a completed Checkout Session: an Agents subscription's is handed to the bus as
`subscription.checkout_completed` (once per event id); any other session is acknowledged and ignored. Driven with
signed deliveries of the sample event against moto."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.utilities import parameters

from colmena.events import deterministic_event_id
from tests.stripe_events import SECRET, delivery, stripe_event
from tools.handlers import LambdaContext
from tools.template import resolve

COMPLETED = "checkout_session_completed.json"
ONBOARDING = "0b0a7d10-0000-4000-8000-000000000001"
SESSION = "cs_test_a1SampleColmenaAgentsSubscription0001"
Published = Callable[[], list[dict[str, Any]]]


@pytest.fixture
def webhook(load_handler: Callable[[str], ModuleType], dynamodb: Any, published: Published) -> Iterator[ModuleType]:
    boto3.client("secretsmanager").create_secret(
        Name=resolve({"Ref": "StripeSecretName"}), SecretString=json.dumps(SECRET)
    )
    parameters.clear_caches()  # type: ignore[no-untyped-call]  # Powertools leaves it untyped
    yield load_handler("LiveStripeWebhookFunction")
    parameters.clear_caches()  # type: ignore[no-untyped-call]  # Powertools leaves it untyped


def send(webhook: ModuleType, event: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    response = webhook.lambda_handler(delivery(event), LambdaContext())
    return response["statusCode"], json.loads(response["body"])


def session_of(event: dict[str, Any], **changes: Any) -> dict[str, Any]:
    session: dict[str, Any] = {**event["data"]["object"], **changes}
    return {**event, "data": {"object": session}}


def handed_on(published: Published) -> list[dict[str, Any]]:
    return [event for event in published() if event["detail-type"] == "subscription.checkout_completed"]


def test_a_completed_agents_subscription_is_handed_to_the_bus_with_its_onboarding_and_session(
    webhook: ModuleType, published: Published
) -> None:
    status, receipt = send(webhook, stripe_event(COMPLETED))

    assert (
        status == 200 and receipt["outcome"] == f"subscription {SESSION} of onboarding {ONBOARDING} handed to the bus"
    )
    [event] = handed_on(published)
    assert event["source"] == "colmena.live"
    assert event["detail"]["data"] == {
        "onboarding_id": ONBOARDING,
        "checkout_session_id": SESSION,
        "completed_at": "2026-11-26T10:30:00.000+00:00",
    }
    assert event["detail"]["metadata"]["event_id"] == deterministic_event_id("subscription.checkout_completed", SESSION)


def test_the_same_event_delivered_twice_is_handed_on_once(webhook: ModuleType, published: Published) -> None:
    send(webhook, stripe_event(COMPLETED))

    status, _ = send(webhook, stripe_event(COMPLETED))

    assert status == 200
    assert len(handed_on(published)) == 1


def test_a_checkout_session_that_is_not_an_agents_subscription_is_acknowledged_and_ignored(
    webhook: ModuleType, published: Published
) -> None:
    event = session_of(stripe_event(COMPLETED, id="evt_other"), metadata={"order": "42"})

    status, receipt = send(webhook, event)

    assert status == 200 and receipt["outcome"].startswith("ignored")
    assert handed_on(published) == []


def test_a_session_completed_unpaid_is_not_handed_on(webhook: ModuleType, published: Published) -> None:
    event = session_of(stripe_event(COMPLETED, id="evt_unpaid"), payment_status="unpaid")

    status, receipt = send(webhook, event)

    assert status == 200 and receipt["outcome"] == f"ignored: Checkout Session {SESSION} completed unpaid"
    assert handed_on(published) == []


def test_an_agents_session_naming_no_onboarding_is_refused_as_not_an_event_colmena_sent(
    webhook: ModuleType, published: Published
) -> None:
    event = session_of(stripe_event(COMPLETED, id="evt_anonymous"), metadata={"colmena_purpose": "agents_subscription"})

    status, answer = send(webhook, event)

    assert status == 400 and answer["error"]["code"] == "invalid_payload"
    assert handed_on(published) == []
