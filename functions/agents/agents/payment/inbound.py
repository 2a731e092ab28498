"""The event the payment consumes from the bus, as a parser model: Live's `subscription.checkout_completed`
(source colmena.live), published by Stripe's webhook for a completed Agents subscription session."""

from __future__ import annotations

from typing import Annotated, Literal

from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
from pydantic import BaseModel, Field

from colmena.inbound import EventMetadata, Timestamp

SUBSCRIPTION_CHECKOUT_COMPLETED = "subscription.checkout_completed"


class CheckoutCompletedData(BaseModel):
    onboarding_id: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$")]
    checkout_session_id: Annotated[str, Field(min_length=4, max_length=255, pattern=r"^cs_\w+$")]
    completed_at: Timestamp


class CheckoutCompletedDetail(BaseModel):
    metadata: EventMetadata
    data: CheckoutCompletedData


class CheckoutCompleted(EventBridgeModel):
    source: Literal["colmena.live"]
    detail_type: Literal["subscription.checkout_completed"] = Field(alias="detail-type")
    detail: CheckoutCompletedDetail
