"""The Ledger API's response bodies (pydantic; only the REST handler imports this)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from ledger.models import Direction, Entry, Page, TransactionStatus, TransactionType


class TransactionView(BaseModel):
    """One transaction as the caller sees it."""

    transaction_id: str
    type: TransactionType
    direction: Direction = Field(description="sent: the caller paid; received: the caller was paid")
    counterpart_id: str = Field(description="The other user's id (their Cognito sub)")
    amount: int = Field(description="In the currency's smallest unit (cents)")
    currency: str = Field(description="ISO 4217, lower case, as Stripe writes it")
    status: TransactionStatus
    payment_intent_id: str
    reference: str | None = Field(description="What it paid for: the session of a tip")
    source_id: str | None = Field(description="The tip (or, later, payment) it records")
    occurred_at: str = Field(description="When it was paid; the listing's order")
    completed_at: str | None
    refunded_at: str | None
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, entry: Entry) -> TransactionView:
        transaction = entry.transaction
        return cls(
            transaction_id=transaction.transaction_id,
            type=transaction.type,
            direction=entry.direction,
            counterpart_id=entry.counterpart_id,
            amount=transaction.amount,
            currency=transaction.currency,
            status=transaction.status,
            payment_intent_id=transaction.payment_intent_id,
            reference=transaction.reference,
            source_id=transaction.source_id,
            occurred_at=transaction.occurred_at,
            completed_at=transaction.completed_at,
            refunded_at=transaction.refunded_at,
            created_at=transaction.created_at,
            updated_at=transaction.updated_at,
        )


class TransactionPage(BaseModel):
    transactions: list[TransactionView]
    next_cursor: str | None = Field(description="Give it as `cursor` for the next page; null on the last page")

    @classmethod
    def of(cls, page: Page[Entry]) -> TransactionPage:
        return cls(transactions=[TransactionView.of(entry) for entry in page.items], next_cursor=page.next_cursor)
