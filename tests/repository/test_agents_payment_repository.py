"""The payment's items on moto, built from template.yaml: the PAYMENT item's shape, the conditional write that keeps
one session per attempt however many calls race, and the onboarding marked paid once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import pytest

from agents.models import Business, Onboarding
from agents.payment.repository import PaymentRepository
from agents.payment.rules import Payment, PaymentStatus
from agents.repository import OnboardingRepository
from tests.agents_payment import item

NOW = "2026-11-26T10:00:00.000+00:00"
PAID_AT = "2026-11-26T10:30:00.000+00:00"


@pytest.fixture
def payments(dynamodb: Any) -> PaymentRepository:
    OnboardingRepository(dynamodb, "AgentsTable").create(
        Onboarding("o-1", "owner", "ES", None, Business(), None, NOW, NOW)
    )
    return PaymentRepository(dynamodb, "AgentsTable")


def session(session_id: str = "cs_test_1", attempt: int = 1) -> Payment:
    return Payment("o-1", session_id, PaymentStatus.OPEN, attempt, NOW, f"https://pay/{session_id}", 1795700000)


def test_an_open_session_is_stored_as_the_payment_item(payments: PaymentRepository, dynamodb: Any) -> None:
    payments.open_session(session())

    assert item(dynamodb, "o-1", "PAYMENT") == {
        "pk": "ONBOARDING#o-1",
        "sk": "PAYMENT",
        "onboarding_id": "o-1",
        "checkout_session_id": "cs_test_1",
        "url": "https://pay/cs_test_1",
        "status": "open",
        "attempt": Decimal(1),
        "created_at": NOW,
        "expires_at": Decimal(1795700000),
    }


def test_a_second_session_of_the_same_attempt_is_not_stored_and_the_first_is_answered(
    payments: PaymentRepository,
) -> None:
    payments.open_session(session("cs_test_1"))

    answered = payments.open_session(session("cs_test_other"))

    assert answered == session("cs_test_1")


def test_calls_racing_with_one_attempt_all_answer_the_one_stored_session(
    payments: PaymentRepository, atomic_calls: None
) -> None:
    with ThreadPoolExecutor(8) as pool:
        answered = list(pool.map(lambda n: payments.open_session(session(f"cs_test_{n}")), range(8)))

    stored = payments.payment("o-1")
    assert stored is not None
    assert {payment.checkout_session_id for payment in answered} == {stored.checkout_session_id}


def test_a_later_attempt_replaces_an_open_session(payments: PaymentRepository) -> None:
    payments.open_session(session("cs_test_1", attempt=1))

    answered = payments.open_session(session("cs_test_2", attempt=2))

    assert answered == session("cs_test_2", attempt=2) == payments.payment("o-1")


def test_a_paid_payment_is_never_replaced_by_a_new_session(payments: PaymentRepository) -> None:
    payments.open_session(session("cs_test_1"))
    payments.mark_paid("o-1", "cs_test_1", PAID_AT, NOW)

    answered = payments.open_session(session("cs_test_2", attempt=2))

    assert (answered.status, answered.checkout_session_id) == (PaymentStatus.PAID, "cs_test_1")


def test_marking_paid_sets_the_onboardings_paid_at_once(payments: PaymentRepository, dynamodb: Any) -> None:
    payments.open_session(session())

    first = payments.mark_paid("o-1", "cs_test_1", PAID_AT, NOW)
    again = payments.mark_paid("o-1", "cs_test_1", "2026-11-27T00:00:00.000+00:00", NOW)

    assert (first, again) == (True, False)
    onboarding = item(dynamodb, "o-1", "ONBOARDING")
    assert onboarding is not None and onboarding["paid_at"] == PAID_AT
    stored = payments.payment("o-1")
    assert stored is not None and (stored.status, stored.paid_at) == (PaymentStatus.PAID, PAID_AT)


def test_a_session_paid_without_a_stored_payment_item_still_marks_the_onboarding_paid(
    payments: PaymentRepository,
) -> None:
    marked = payments.mark_paid("o-1", "cs_test_lost", PAID_AT, NOW)

    stored = payments.payment("o-1")
    assert marked and stored is not None
    assert (stored.status, stored.checkout_session_id, stored.attempt) == (PaymentStatus.PAID, "cs_test_lost", 0)
