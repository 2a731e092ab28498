"""The Ledger's rules, over plain data: how a payment event changes a transaction, and how a transaction
reads for each of its two users.

Events arrive at least once and in any order, so the rules are a merge rather than a sequence: whatever the
order and however many copies, the facts heard of one payment give one transaction, refunded if a refund is
among them and completed otherwise; a completion heard after its refund fills in the completion's time and
never moves the transaction back."""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

from colmena.errors import InvalidEvent
from ledger.models import (
    Direction,
    Entry,
    PaymentChange,
    PaymentFact,
    Transaction,
    TransactionStatus,
)

# Fixed: a transaction's id is derived from its PaymentIntent's, so every delivery names the same one.
# Changing it would give recorded transactions new ids.
TRANSACTION_ID_NAMESPACE = uuid.UUID("3b0f4c52-6a1e-4f7d-9d2c-8e5a1b7c4f90")


def transaction_id_of(payment_intent_id: str) -> str:
    return str(uuid.uuid5(TRANSACTION_ID_NAMESPACE, payment_intent_id))


def applied(current: Transaction | None, fact: PaymentFact, now: str) -> Transaction | None:
    """The transaction once `fact` is heard of, or None when the fact changes nothing (a duplicate, a late
    completion of a transaction that knows its completion, a refund of a refunded one).

    InvalidEvent when the fact cannot be a payment between two users, or contradicts what is recorded for
    the same PaymentIntent (another payer, payee, amount, currency or type): such an event is kept in the
    dead-letter queue for a person to read, never merged."""
    if fact.payer_id == fact.payee_id:
        raise InvalidEvent(f"payment {fact.payment_intent_id}: a user cannot pay themselves ({fact.payer_id})")
    if current is None:
        return _first(fact, now)
    _refuse_disagreement(current, fact)
    if fact.change is PaymentChange.COMPLETED:
        if current.completed_at is not None:
            return None
        # The refund came first: the status stays refunded; the listing now sorts it by its payment's time.
        return _changed(current, now, completed_at=fact.at, occurred_at=fact.at)
    if current.status is TransactionStatus.REFUNDED:
        return None
    return _changed(current, now, status=TransactionStatus.REFUNDED, refunded_at=fact.at)


def _first(fact: PaymentFact, now: str) -> Transaction:
    completed = fact.change is PaymentChange.COMPLETED
    return Transaction(
        transaction_id=transaction_id_of(fact.payment_intent_id),
        payment_intent_id=fact.payment_intent_id,
        type=fact.type,
        payer_id=fact.payer_id,
        payee_id=fact.payee_id,
        amount=fact.amount,
        currency=fact.currency,
        status=TransactionStatus.COMPLETED if completed else TransactionStatus.REFUNDED,
        occurred_at=fact.at,
        created_at=now,
        updated_at=now,
        completed_at=fact.at if completed else None,
        refunded_at=None if completed else fact.at,
        reference=fact.reference,
        source_id=fact.source_id,
    )


def _changed(current: Transaction, now: str, **changes: Any) -> Transaction:
    return replace(current, **changes, updated_at=now, version=current.version + 1)


def _refuse_disagreement(current: Transaction, fact: PaymentFact) -> None:
    recorded = (current.type, current.payer_id, current.payee_id, current.amount, current.currency)
    heard = (fact.type, fact.payer_id, fact.payee_id, fact.amount, fact.currency)
    differing = [
        name
        for name, was, now in zip(("type", "payer", "payee", "amount", "currency"), recorded, heard, strict=True)
        if was != now
    ]
    if differing:
        raise InvalidEvent(
            f"payment {fact.payment_intent_id}: the event's {', '.join(differing)} differ from the recorded "
            f"transaction {current.transaction_id}; nothing was changed"
        )


def entries_of(transaction: Transaction) -> tuple[Entry, Entry]:
    """The transaction in the payer's ledger (sent) and in the payee's (received)."""
    return (
        Entry(transaction.payer_id, Direction.SENT, transaction.payee_id, transaction),
        Entry(transaction.payee_id, Direction.RECEIVED, transaction.payer_id, transaction),
    )
