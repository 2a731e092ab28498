"""The complete-payment route, driven with its sample event against moto and the seeded onboarding, and a Stripe
that answers as Stripe does for the one call the route makes: one Checkout Session per idempotency key."""

from __future__ import annotations

import time
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

from agents.payment.rules import CheckoutSession, idempotency_key
from colmena.errors import ProviderUnavailable
from tests.agents_api import BO, SEEDED, call
from tests.agents_payment import DEPLOYED_AT, item, seed_agents, set_onboarding

SAMPLE = "agents_payment/complete_payment"


class Stripe:
    """Checkout as the route meets it: a session per idempotency key, lasting `lifetime` seconds."""

    def __init__(self) -> None:
        self.sessions: dict[str, CheckoutSession] = {}
        self.calls = 0
        self.lifetime = 24 * 3600
        self.failure: Exception | None = None

    def create_session(self, onboarding_id: str, attempt: int) -> CheckoutSession:
        self.calls += 1
        if self.failure is not None:
            raise self.failure
        key = idempotency_key(onboarding_id, attempt)
        number = len(self.sessions) + 1
        return self.sessions.setdefault(
            key, CheckoutSession(f"cs_test_{number:04d}", f"https://checkout.test/{number}", self._expiry())
        )

    def _expiry(self) -> int:
        return int(time.time()) + self.lifetime


@pytest.fixture
def stripe() -> Stripe:
    return Stripe()


@pytest.fixture
def api(
    load_handler: Callable[[str], ModuleType], dynamodb: Any, stripe: Stripe, monkeypatch: pytest.MonkeyPatch
) -> ModuleType:
    seed_agents(dynamodb)
    module = load_handler("AgentsPaymentFunction")
    monkeypatch.setattr(module, "checkout", stripe)
    return module


@pytest.fixture
def deployed(dynamodb: Any) -> str:
    set_onboarding(dynamodb, SEEDED, voice_id="21m00Tcm4TlvDq8ikWAM", deployed_at=DEPLOYED_AT)
    return SEEDED


def test_a_deployed_onboarding_gets_a_checkout_session_to_pay_at(api: ModuleType, deployed: str, dynamodb: Any) -> None:
    status, answer = call(api, SAMPLE)

    assert status == 200
    assert (answer["status"], answer["checkout_session_id"], answer["url"]) == (
        "open",
        "cs_test_0001",
        "https://checkout.test/1",
    )
    stored = item(dynamodb, deployed, "PAYMENT")
    assert stored is not None
    assert (stored["status"], stored["checkout_session_id"], stored["attempt"]) == ("open", "cs_test_0001", 1)


def test_asking_again_answers_the_same_session_without_calling_stripe(
    api: ModuleType, deployed: str, stripe: Stripe
) -> None:
    _, first = call(api, SAMPLE)

    status, again = call(api, SAMPLE)

    assert status == 200 and again == first
    assert stripe.calls == 1


def test_once_the_session_expired_a_new_one_is_created_under_the_next_attempts_key(
    api: ModuleType, deployed: str, stripe: Stripe, dynamodb: Any
) -> None:
    stripe.lifetime = -1  # Stripe's session has expired by the time the owner comes back
    _, first = call(api, SAMPLE)
    stripe.lifetime = 24 * 3600

    status, second = call(api, SAMPLE)

    assert status == 200 and second["checkout_session_id"] != first["checkout_session_id"]
    assert list(stripe.sessions) == [idempotency_key(deployed, 1), idempotency_key(deployed, 2)]
    stored = item(dynamodb, deployed, "PAYMENT")
    assert stored is not None and stored["attempt"] == 2


def test_a_paid_onboarding_answers_its_paid_state_and_asks_stripe_for_nothing(
    api: ModuleType, deployed: str, stripe: Stripe, dynamodb: Any
) -> None:
    _, opened = call(api, SAMPLE)
    api.payments.mark_paid(deployed, opened["checkout_session_id"], "2026-11-26T10:30:00.000+00:00", "now")

    status, answer = call(api, SAMPLE)

    assert status == 200
    assert (answer["status"], answer["url"], answer["paid_at"]) == ("paid", None, "2026-11-26T10:30:00.000+00:00")
    assert stripe.calls == 1


def test_before_the_agent_is_deployed_the_payment_is_a_409_naming_the_deployment(
    api: ModuleType, stripe: Stripe, dynamodb: Any
) -> None:
    status, answer = call(api, SAMPLE)

    assert status == 409
    assert answer["error"]["code"] == "step_out_of_order"
    assert {"field": "deployment", "reason": "not done yet"} in answer["error"]["fields"]
    assert stripe.calls == 0 and item(dynamodb, SEEDED, "PAYMENT") is None


def test_someone_elses_onboarding_is_a_404(api: ModuleType, deployed: str, stripe: Stripe) -> None:
    status, answer = call(api, SAMPLE, user=BO)

    assert status == 404 and answer["error"]["code"] == "not_found"
    assert stripe.calls == 0


def test_stripe_failing_is_a_502_and_stores_nothing(
    api: ModuleType, deployed: str, stripe: Stripe, dynamodb: Any
) -> None:
    stripe.failure = ProviderUnavailable("Stripe could not be reached: timed out", "api_connection_error")

    status, answer = call(api, SAMPLE)

    assert status == 502 and answer["error"]["code"] == "api_connection_error"
    assert item(dynamodb, deployed, "PAYMENT") is None
