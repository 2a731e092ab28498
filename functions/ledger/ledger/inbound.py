"""The events the Ledger consumes from the bus, as parser models: Live's `tip.completed` and `tip.refunded`
(source colmena.live), published by the tips' webhook once Stripe has said so."""

from __future__ import annotations

from typing import Annotated, Literal, Self

from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
from pydantic import AfterValidator, BaseModel, Field, model_validator

from colmena.currencies import CIRCULATING_CURRENCIES
from colmena.inbound import EventMetadata, Timestamp
from ledger.models import PaymentChange, PaymentFact, TransactionType

TIP_COMPLETED = "tip.completed"
TIP_REFUNDED = "tip.refunded"
# Stripe's largest amount: eight digits in the currency's smallest unit.
MAX_AMOUNT = 99_999_999


def _circulating(code: str) -> str:
    if code.upper() not in CIRCULATING_CURRENCIES:
        raise ValueError(f"{code!r} is not the code of a currency in circulation (ISO 4217)")
    return code


Id = Annotated[str, Field(min_length=1, max_length=255)]
# Stripe writes currencies in lower case; the ledger keeps them as Stripe does.
Currency = Annotated[str, Field(pattern=r"^[a-z]{3}$"), AfterValidator(_circulating)]


class TipData(BaseModel):
    tip_id: Id
    session_id: Id
    payment_intent_id: Annotated[str, Field(min_length=4, max_length=255, pattern=r"^pi_\w+$")]
    tipper_id: Id
    dj_id: Id
    # Strict: a float or a string is not an amount in cents, however it would round.
    amount: Annotated[int, Field(strict=True, ge=1, le=MAX_AMOUNT)]
    currency: Currency
    completed_at: Timestamp | None = None
    refunded_at: Timestamp | None = None


class TipDetail(BaseModel):
    metadata: EventMetadata
    data: TipData


class TipChanged(EventBridgeModel):
    """`tip.completed` (data with `completed_at`) or `tip.refunded` (data with `refunded_at`)."""

    detail_type: Literal["tip.completed", "tip.refunded"] = Field(alias="detail-type")
    detail: TipDetail

    @model_validator(mode="after")
    def _time_of_its_type(self) -> Self:
        data = self.detail.data
        if self.detail_type == TIP_COMPLETED and data.completed_at is None:
            raise ValueError("a tip.completed event gives data.completed_at")
        if self.detail_type == TIP_REFUNDED and data.refunded_at is None:
            raise ValueError("a tip.refunded event gives data.refunded_at")
        return self

    def fact(self) -> PaymentFact:
        data = self.detail.data
        completed = self.detail_type == TIP_COMPLETED
        at = data.completed_at if completed else data.refunded_at
        assert at is not None  # the validator above
        return PaymentFact(
            change=PaymentChange.COMPLETED if completed else PaymentChange.REFUNDED,
            type=TransactionType.TIP,
            payment_intent_id=data.payment_intent_id,
            payer_id=data.tipper_id,
            payee_id=data.dj_id,
            amount=data.amount,
            currency=data.currency,
            at=at,
            reference=data.session_id,
            source_id=data.tip_id,
            event_id=self.detail.metadata.event_id,
        )
