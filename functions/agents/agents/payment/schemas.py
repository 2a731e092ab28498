"""The payment route's answer (pydantic; only the payment handler imports this)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from agents.payment.rules import Payment


class PaymentView(BaseModel):
    onboarding_id: str
    status: Literal["open", "paid"] = Field(description="open: pay at `url`; paid: the subscription is paid")
    checkout_session_id: str
    url: str | None = Field(description="Stripe Checkout's page for the subscription, while it can be paid")
    expires_at: int | None = Field(description="When the page stops taking payment (Unix seconds)")
    paid_at: str | None

    @classmethod
    def of(cls, payment: Payment) -> PaymentView:
        paid = payment.status == "paid"
        return cls(
            onboarding_id=payment.onboarding_id,
            status="paid" if paid else "open",
            checkout_session_id=payment.checkout_session_id,
            url=None if paid else payment.url,
            expires_at=None if paid else payment.expires_at,
            paid_at=payment.paid_at,
        )
