"""Marks an onboarding paid when its subscription's Checkout Session completed: Live's Stripe webhook (which
verifies Stripe's signature and applies each event id once) publishes `subscription.checkout_completed` on the
bus for a session whose metadata says it is an Agents subscription; an EventBridge rule brings it here.

Exactly once in effect: the onboarding's `paid_at` and its PAYMENT item are written in one conditional
transaction, so a redelivered event changes nothing; `onboarding.paid` is published until marked told, with one
id. An event for an onboarding that does not exist fails the invocation, is retried, and ends in the dead-letter
queue: money was taken that Colmena cannot place, for a person to look at."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from agents.payment import service
from agents.payment.inbound import CheckoutCompleted
from agents.payment.repository import PaymentRepository
from agents.wiring import AgentsFunction
from colmena.clock import utc_now
from colmena.errors import InvalidEvent, NotFound
from colmena.events import CORRELATION_ID_PATH
from colmena.inbound import parsed

function = AgentsFunction.from_env()
payments = PaymentRepository(function.dynamodb, function.table_name)
logger, tracer, metrics = function.logger, function.tracer, function.metrics


@logger.inject_lambda_context(correlation_id_path=CORRELATION_ID_PATH)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    try:
        completed = parsed(event, CheckoutCompleted).detail.data
        marked = service.mark_paid(
            payments,
            function.publisher,
            completed.onboarding_id,
            completed.checkout_session_id,
            completed.completed_at,
            utc_now(),
        )
    except (InvalidEvent, NotFound) as refused:
        logger.error("refused: not a subscription Colmena can mark paid", extra={"reason": refused.message})
        raise
    if marked:
        # The business metric: subscriptions paid, counted here because this is where each is marked paid once.
        metrics.add_metric(name="SubscriptionsPaid", unit=MetricUnit.Count, value=1)
    logger.info(
        "onboarding paid" if marked else "onboarding already paid; event ignored",
        extra={"onboarding_id": completed.onboarding_id, "checkout_session_id": completed.checkout_session_id},
    )
    return {"onboarding_id": completed.onboarding_id, "marked_paid": marked}
