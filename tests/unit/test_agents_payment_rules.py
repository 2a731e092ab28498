"""The payment's rules: the Stripe idempotency key of each attempt, when a stored session is still payable, and the
marker both contexts read on a Checkout Session."""

from __future__ import annotations

from agents.payment import rules
from agents.payment.inbound import SUBSCRIPTION_CHECKOUT_COMPLETED
from agents.payment.rules import Payment, PaymentStatus, idempotency_key, next_attempt, still_payable
from live.tips import subscriptions

NOW = 1_795_700_000


def payment(status: PaymentStatus = PaymentStatus.OPEN, expires_at: int | None = NOW + 60) -> Payment:
    return Payment("o-1", "cs_test_1", status, 1, "2026-11-26T10:00:00.000+00:00", "https://pay", expires_at)


def test_each_attempt_of_an_onboarding_has_its_own_stable_key() -> None:
    assert idempotency_key("o-1", 1) == idempotency_key("o-1", 1)
    assert len({idempotency_key("o-1", 1), idempotency_key("o-1", 2), idempotency_key("o-2", 1)}) == 3


def test_an_open_session_is_payable_until_it_expires_and_not_after() -> None:
    assert still_payable(payment(), NOW)
    assert not still_payable(payment(expires_at=NOW), NOW)


def test_a_paid_session_is_not_payable_again() -> None:
    assert not still_payable(payment(PaymentStatus.PAID), NOW)


def test_the_first_attempt_is_one_and_each_next_counts_on() -> None:
    assert next_attempt(None) == 1
    assert next_attempt(payment()) == 2


def test_live_forwards_exactly_the_sessions_agents_marks() -> None:
    assert (subscriptions.PURPOSE_KEY, subscriptions.AGENTS_SUBSCRIPTION) == (
        rules.PURPOSE_KEY,
        rules.AGENTS_SUBSCRIPTION,
    )
    assert subscriptions.SUBSCRIPTION_CHECKOUT_COMPLETED == SUBSCRIPTION_CHECKOUT_COMPLETED
