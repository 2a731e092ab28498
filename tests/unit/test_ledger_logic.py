"""The Ledger's rules over plain data: payment events heard in any order and any number of times."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from colmena.errors import InvalidEvent
from ledger.logic import applied, entries_of, transaction_id_of
from ledger.models import (
    Direction,
    PaymentChange,
    PaymentFact,
    Transaction,
    TransactionStatus,
    TransactionType,
)

NOW = "2026-11-25T12:00:00.000+00:00"
PAID = "2026-11-25T10:20:00.000+00:00"
GIVEN_BACK = "2026-11-25T11:00:00.000+00:00"

COMPLETED = PaymentFact(
    change=PaymentChange.COMPLETED,
    type=TransactionType.TIP,
    payment_intent_id="pi_1",
    payer_id="bo",
    payee_id="ana",
    amount=500,
    currency="eur",
    at=PAID,
    reference="session-1",
    source_id="tip-1",
)
REFUNDED = replace(COMPLETED, change=PaymentChange.REFUNDED, at=GIVEN_BACK)


def heard(facts: list[PaymentFact]) -> tuple[Transaction | None, int]:
    """The transaction after hearing each fact in turn, and how many facts changed it."""
    transaction, changes = None, 0
    for fact in facts:
        merged = applied(transaction, fact, NOW)
        if merged is not None:
            transaction, changes = merged, changes + 1
    return transaction, changes


# Any non-empty delivery of the two facts of one payment: either or both, each any number of times, any order.
deliveries = st.lists(st.sampled_from([COMPLETED, REFUNDED]), min_size=1, max_size=12)


@given(deliveries)
def test_any_order_and_duplication_ends_refunded_if_a_refund_is_among_them_else_completed(
    facts: list[PaymentFact],
) -> None:
    transaction, _ = heard(facts)

    assert transaction is not None
    expected = TransactionStatus.REFUNDED if REFUNDED in facts else TransactionStatus.COMPLETED
    assert transaction.status is expected


@given(deliveries)
def test_any_delivery_is_one_transaction_changed_at_most_once_per_distinct_fact(facts: list[PaymentFact]) -> None:
    transaction, changes = heard(facts)

    assert transaction is not None
    assert transaction.transaction_id == transaction_id_of("pi_1")
    assert changes == len(set(facts)) == transaction.version


@given(deliveries)
def test_the_transaction_is_dated_by_its_payment_once_the_payment_is_heard_of(facts: list[PaymentFact]) -> None:
    transaction, _ = heard(facts)

    assert transaction is not None
    assert transaction.completed_at == (PAID if COMPLETED in facts else None)
    assert transaction.refunded_at == (GIVEN_BACK if REFUNDED in facts else None)
    assert transaction.occurred_at == (PAID if COMPLETED in facts else GIVEN_BACK)


def test_a_completion_heard_after_its_refund_keeps_it_refunded() -> None:
    refunded = applied(None, REFUNDED, NOW)

    late = applied(refunded, COMPLETED, NOW)

    assert late is not None
    assert (late.status, late.completed_at, late.refunded_at) == (TransactionStatus.REFUNDED, PAID, GIVEN_BACK)


def test_a_duplicate_changes_nothing() -> None:
    completed = applied(None, COMPLETED, NOW)

    assert applied(completed, COMPLETED, "2026-11-26T00:00:00.000+00:00") is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"payer_id": "cy"}, "payer"),
        ({"payee_id": "cy"}, "payee"),
        ({"amount": 501}, "amount"),
        ({"currency": "usd"}, "currency"),
        ({"type": TransactionType.PAYMENT}, "type"),
    ],
)
def test_an_event_contradicting_the_recorded_transaction_is_refused(change: dict[str, object], field: str) -> None:
    completed = applied(None, COMPLETED, NOW)

    with pytest.raises(InvalidEvent, match=field):
        applied(completed, replace(REFUNDED, **change), NOW)  # type: ignore[arg-type]


def test_a_user_cannot_pay_themselves() -> None:
    with pytest.raises(InvalidEvent, match="cannot pay themselves"):
        applied(None, replace(COMPLETED, payee_id="bo"), NOW)


def test_the_payer_sees_it_sent_and_the_payee_received_each_naming_the_other() -> None:
    transaction = applied(None, COMPLETED, NOW)
    assert transaction is not None

    payer, payee = entries_of(transaction)

    assert (payer.user_id, payer.direction, payer.counterpart_id) == ("bo", Direction.SENT, "ana")
    assert (payee.user_id, payee.direction, payee.counterpart_id) == ("ana", Direction.RECEIVED, "bo")


def test_a_transactions_id_is_derived_from_its_payment_intent_alone() -> None:
    assert transaction_id_of("pi_1") == transaction_id_of("pi_1") != transaction_id_of("pi_2")
