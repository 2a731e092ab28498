"""Stripe's webhook (POST /webhooks/stripe, no authorizer: the signature is the authentication). The raw body's
Stripe-Signature is verified with the official library; each event id is applied once, through Powertools
idempotency on IdempotencyTable; the event moves a tip forward, marks a DJ payable, or hands a completed Agents
subscription checkout to the bus (live.tips.subscriptions). Stripe is told 200 for
every event it should stop sending (unknown ones included), 400 for one it signed wrongly or that is not an
event, and 409 while another delivery of the same event is being applied (Stripe sends it again later)."""

# No `from __future__ import annotations` here: Powertools reads the route signatures at run time.
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.exceptions import IdempotencyAlreadyInProgressError
from aws_lambda_powertools.utilities.typing import LambdaContext

from colmena.clock import utc_now
from colmena.errors import Conflict
from colmena.http import responses
from colmena.settings import require
from live.tips import service as tip_service
from live.tips.repository import TipRepository
from live.tips.schemas import WebhookReceipt
from live.tips.settings import StripeSettings
from live.tips.stripe_gateway import StripeGateway
from live.wiring import LiveFunction, rest_api

# Stripe retries a delivery for up to three days: an event id is remembered a day longer than that.
EVENT_REMEMBERED_S = 4 * 24 * 3600
# Stripe's events are far larger than the routes' bodies (a charge with its refunds, an account).
MAX_EVENT_BYTES = 256 * 1024
PATH = "/webhooks/stripe"

function = LiveFunction.from_env()
live, publisher = function.repository, function.publisher
logger, tracer, metrics = function.logger, function.tracer, function.metrics
tips = TipRepository(function.dynamodb, live.table_name)
stripe = StripeGateway(StripeSettings.from_env(calls_stripe=False))
persistence = DynamoDBPersistenceLayer(table_name=require("IDEMPOTENCY_TABLE_NAME"), boto3_client=function.dynamodb)
idempotency = IdempotencyConfig(event_key_jmespath="id", expires_after_seconds=EVENT_REMEMBERED_S)

app = rest_api(body_limits={("POST", PATH): MAX_EVENT_BYTES})
# Served without the authorizer (the template's `Auth: Authorizer: NONE`): Stripe carries no Cognito token.
PUBLIC: list[dict[str, list[str]]] = [{}]


@idempotent_function(data_keyword_argument="event", persistence_store=persistence, config=idempotency)
def apply(event: dict[str, Any]) -> dict[str, str]:
    outcome = tip_service.apply_stripe_event(live, tips, publisher, event, utc_now())
    return {"event_id": str(event["id"]), "type": str(event["type"]), "outcome": outcome}


@app.post(
    PATH,
    summary="Stripe's signed events (public: the Stripe-Signature header is the authentication)",
    security=PUBLIC,
    responses=responses(
        "The event is applied, or was already, or is of no interest to Colmena",
        HTTPStatus.CONFLICT,
        takes_body=True,
        public=True,
    ),
)
@tracer.capture_method
def stripe_webhook() -> WebhookReceipt:
    request = app.current_event
    event = stripe.verified_event(request.decoded_body or "", request.headers.get("Stripe-Signature"))
    try:
        receipt = apply(event=event)
    except IdempotencyAlreadyInProgressError as error:
        raise Conflict("another delivery of this event is being applied; Stripe will send it again") from error
    metrics.add_metric(name="StripeEvent", unit=MetricUnit.Count, value=1)
    logger.info("stripe event", extra=receipt)
    return WebhookReceipt(**receipt)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    # The in-progress record expires with this invocation, so a delivery cut off by the timeout is retried.
    idempotency.register_lambda_context(context)
    return app.resolve(event, context)
