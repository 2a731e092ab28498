"""The payment events: Live's `subscription.checkout_completed` marks the onboarding paid once and publishes
`onboarding.paid` once, driven with the sample EventBridge event against moto and the seeded onboarding."""

from __future__ import annotations

import copy
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

from colmena.errors import InvalidEvent, NotFound, PublishFailed
from colmena.events import deterministic_event_id
from tests.agents_api import ANA, SEEDED
from tests.agents_payment import DEPLOYED_AT, item, seed_agents, set_onboarding
from tools.handlers import LambdaContext, sample_event
from tools.template import ROOT

SAMPLE = ROOT / "events" / "agents_payment_events" / "checkout_completed.json"
SESSION = "cs_test_a1SampleColmenaAgentsSubscription0001"
PAID_AT = "2026-11-26T10:30:00.000+00:00"
Published = Callable[[], list[dict[str, Any]]]


@pytest.fixture
def consumer(load_handler: Callable[[str], ModuleType], dynamodb: Any, published: Published) -> ModuleType:
    seed_agents(dynamodb)
    set_onboarding(dynamodb, SEEDED, voice_id="21m00Tcm4TlvDq8ikWAM", deployed_at=DEPLOYED_AT)
    return load_handler("AgentsPaymentEventsFunction")


def deliver(consumer: ModuleType, event: dict[str, Any] | None = None) -> dict[str, Any]:
    result: dict[str, Any] = consumer.lambda_handler(event or sample_event(SAMPLE), LambdaContext())
    return result


def paid(published: Published) -> list[dict[str, Any]]:
    return [event for event in published() if event["detail-type"] == "onboarding.paid"]


def test_a_completed_checkout_marks_the_onboarding_and_its_payment_paid(consumer: ModuleType, dynamodb: Any) -> None:
    result = deliver(consumer)

    assert result == {"onboarding_id": SEEDED, "marked_paid": True}
    onboarding, payment = item(dynamodb, SEEDED, "ONBOARDING"), item(dynamodb, SEEDED, "PAYMENT")
    assert onboarding is not None and onboarding["paid_at"] == PAID_AT
    assert payment is not None
    assert (payment["status"], payment["paid_at"], payment["checkout_session_id"]) == ("paid", PAID_AT, SESSION)


def test_the_onboarding_paid_event_names_the_owner_and_the_session(consumer: ModuleType, published: Published) -> None:
    deliver(consumer)

    [event] = paid(published)
    assert event["source"] == "colmena.agents"
    assert event["detail"]["data"] == {"onboarding_id": SEEDED, "owner_id": ANA, "checkout_session_id": SESSION}
    assert event["detail"]["metadata"]["event_id"] == deterministic_event_id("onboarding.paid", SEEDED)


def test_a_redelivered_event_changes_nothing_and_publishes_nothing(
    consumer: ModuleType, dynamodb: Any, published: Published
) -> None:
    deliver(consumer)
    before = item(dynamodb, SEEDED, "ONBOARDING"), item(dynamodb, SEEDED, "PAYMENT")
    assert len(paid(published)) == 1

    result = deliver(consumer)

    assert result["marked_paid"] is False
    assert (item(dynamodb, SEEDED, "ONBOARDING"), item(dynamodb, SEEDED, "PAYMENT")) == before
    assert paid(published) == []


def test_a_delivery_whose_publish_failed_is_finished_by_the_next_with_the_same_event(
    consumer: ModuleType, published: Published, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(_: object) -> None:
        raise PublishFailed("EventBridge refused onboarding.paid")

    with monkeypatch.context() as patched:
        patched.setattr(consumer.function.publisher, "publish", refuse)
        with pytest.raises(PublishFailed):
            deliver(consumer)

    deliver(consumer)

    [event] = paid(published)
    assert event["detail"]["metadata"]["event_id"] == deterministic_event_id("onboarding.paid", SEEDED)


def test_a_session_of_an_onboarding_that_does_not_exist_fails_so_it_reaches_the_dead_letter_queue(
    consumer: ModuleType, dynamodb: Any
) -> None:
    event = sample_event(SAMPLE)
    event["detail"]["data"]["onboarding_id"] = "00000000-0000-4000-8000-00000000dead"

    with pytest.raises(NotFound):
        deliver(consumer, event)

    assert item(dynamodb, "00000000-0000-4000-8000-00000000dead", "PAYMENT") is None


def test_an_event_from_another_source_is_refused(consumer: ModuleType, dynamodb: Any) -> None:
    event = copy.deepcopy(sample_event(SAMPLE))
    event["source"] = "colmena.agents"

    with pytest.raises(InvalidEvent):
        deliver(consumer, event)

    assert item(dynamodb, SEEDED, "PAYMENT") is None
