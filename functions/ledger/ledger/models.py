"""The Ledger's plain data: what the repository stores and the logic reasons about. No pydantic here."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class TransactionType(StrEnum):
    TIP = "tip"
    PAYMENT = "payment"
    PAYOUT = "payout"


class TransactionStatus(StrEnum):
    """Where a recorded payment stands. A transaction is recorded once the money has moved (completed) or
    has been given back (refunded); pending and failed payments never reach the ledger."""

    COMPLETED = "completed"
    REFUNDED = "refunded"


class Direction(StrEnum):
    """Which way the money went, from the point of view of the user reading the entry."""

    SENT = "sent"
    RECEIVED = "received"


class PaymentChange(StrEnum):
    """What a payment event says happened."""

    COMPLETED = "completed"
    REFUNDED = "refunded"


@dataclass(frozen=True)
class PaymentFact:
    """One payment event as the ledger reads it, whatever its producer: `payment_intent_id` names the
    payment (one transaction per id), `at` is when the change happened (the completion or the refund)."""

    change: PaymentChange
    type: TransactionType
    payment_intent_id: str
    payer_id: str
    payee_id: str
    amount: int
    currency: str
    at: str
    reference: str | None = None
    source_id: str | None = None
    event_id: str | None = None


@dataclass(frozen=True)
class Transaction:
    """One payment between two users, stored once (keyed by its PaymentIntent id).

    `occurred_at` orders the users' listings: the completion's time, or the refund's while the completion
    has not been heard of (events arrive in any order)."""

    transaction_id: str
    payment_intent_id: str
    type: TransactionType
    payer_id: str
    payee_id: str
    amount: int
    currency: str
    status: TransactionStatus
    occurred_at: str
    created_at: str
    updated_at: str
    completed_at: str | None = None
    refunded_at: str | None = None
    reference: str | None = None
    source_id: str | None = None
    version: int = 1


@dataclass(frozen=True)
class Entry:
    """A transaction as one of its two users sees it in their ledger."""

    user_id: str
    direction: Direction
    counterpart_id: str
    transaction: Transaction


@dataclass(frozen=True)
class Page[T]:
    """One page of a listing, newest first, and the opaque cursor of the next page (None on the last)."""

    items: list[T] = field(default_factory=list)
    next_cursor: str | None = None
