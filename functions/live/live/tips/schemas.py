"""The tip routes' and the Stripe webhook's request and response bodies (pydantic; only their handlers import
this)."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from live.tips.rules import Tip, TipStatus, currency_code


class NewTip(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount: Annotated[
        int,
        Field(
            strict=True,
            ge=1,
            description="In the currency's smallest unit (cents); the bounds are the deployment's "
            "TIP_MINIMUM_CENTS and TIP_MAXIMUM_CENTS",
            examples=[500],
        ),
    ]
    currency: Annotated[
        str,
        Field(pattern=r"^[A-Za-z]{3}$", description="ISO 4217, either case", examples=["eur"]),
        AfterValidator(currency_code),
    ]


class TipView(BaseModel):
    tip_id: str
    session_id: str
    payment_intent_id: str
    client_secret: str = Field(description="Give it to Stripe.js (confirmPayment) to pay; never log it")
    status: TipStatus
    amount: int
    currency: str
    application_fee_amount: int
    created_at: str

    @classmethod
    def of(cls, tip: Tip) -> TipView:
        assert tip.payment_intent_id is not None and tip.client_secret is not None
        return cls(
            tip_id=tip.tip_id,
            session_id=tip.session_id,
            payment_intent_id=tip.payment_intent_id,
            client_secret=tip.client_secret,
            status=tip.status,
            amount=tip.amount,
            currency=tip.currency,
            application_fee_amount=tip.application_fee_amount,
            created_at=tip.created_at,
        )


class StripeConnection(BaseModel):
    account_id: str = Field(description="The caller's Stripe Express account; the same on every call")
    url: str = Field(description="Stripe's onboarding link: fresh on each call, single-use, short-lived")
    payable: bool = Field(description="True once Stripe says the account may take charges (account.updated)")


class WebhookReceipt(BaseModel):
    received: bool = True
    event_id: str
    type: str
    outcome: str = Field(description="What Colmena did with the event, in a few words (ignored: ... when nothing)")
