"""Tips: a DJ connects their Stripe Express account (POST /me/stripe/connect), and a listener tips a live
session (POST /sessions/{session_id}/tips), which creates a Stripe PaymentIntent to the DJ's account.

The `stripe` package is imported on the first call that reaches Stripe, not here (live.tips.stripe_gateway)."""

# No `from __future__ import annotations` here: Powertools reads the route signatures at run time.
from http import HTTPStatus
from typing import Annotated, Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler.openapi.params import Body, Header
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from colmena.aws import dynamodb_client
from colmena.clock import utc_now
from colmena.flags import Flags, FlagSettings
from colmena.http import caller_of, responses
from live.repository import LiveRepository
from live.schemas import Id
from live.settings import LiveSettings
from live.tips import service as tip_service
from live.tips.repository import TipRepository
from live.tips.schemas import NewTip, StripeConnection, TipView
from live.tips.settings import ConnectSettings, StripeSettings, tip_rules_from_env
from live.tips.stripe_gateway import StripeGateway
from live.wiring import rest_api

settings = LiveSettings.from_env()
connect_settings = ConnectSettings.from_env()
rules = tip_rules_from_env()
logger = Logger()
tracer = Tracer()
metrics = Metrics()
client = dynamodb_client()
live = LiveRepository(client, settings.table_name)
tips = TipRepository(client, settings.table_name)
stripe = StripeGateway(StripeSettings.from_env())
flags = Flags(FlagSettings.from_env())

app = rest_api()

# What Stripe may answer, as the routes pass it on with Stripe's message and code.
STRIPE_ANSWERS = (HTTPStatus.PAYMENT_REQUIRED, HTTPStatus.CONFLICT, HTTPStatus.BAD_GATEWAY)
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=255,
        description="The same key (per tipper) answers the same tip, however often the request is sent",
    ),
]


@app.post(
    "/me/stripe/connect",
    summary="Connect the caller to Stripe as a DJ: their Express account (created once) and an onboarding link",
    responses=responses("The account and a fresh onboarding link", *STRIPE_ANSWERS, takes_body=True),
)
@tracer.capture_method
def connect_stripe() -> StripeConnection:
    caller = caller_of(app.current_event)
    urls = (connect_settings.return_url, connect_settings.refresh_url)
    connection = tip_service.connect(tips, stripe, caller.user_id, caller.email, urls, utc_now())
    assert connection.payout.account_id is not None
    return StripeConnection(
        account_id=connection.payout.account_id, url=connection.url, payable=connection.payout.payable
    )


@app.post(
    "/sessions/<session_id>/tips",
    status_code=HTTPStatus.CREATED.value,
    summary="Tip the DJ of a live session: a Stripe PaymentIntent to confirm with the client secret",
    responses=responses(
        "The tip, pending until Stripe confirms the payment",
        HTTPStatus.NOT_FOUND,
        *STRIPE_ANSWERS,
        HTTPStatus.SERVICE_UNAVAILABLE,
        takes_body=True,
        success_status=HTTPStatus.CREATED,
    ),
)
@tracer.capture_method
def create_tip(session_id: Id, new: Annotated[NewTip, Body()], idempotency_key: IdempotencyKey = None) -> TipView:
    caller = caller_of(app.current_event)
    request = tip_service.TipRequest(session_id, caller.user_id, new.amount, new.currency, idempotency_key)
    tip = tip_service.create_tip(live, tips, stripe, rules, tips_offered, request, utc_now())
    metrics.add_metric(name="TipCreated", unit=MetricUnit.Count, value=1)
    return TipView.of(tip)


def tips_offered(country: str | None) -> bool:
    return flags.enabled("tips", {"country": country or ""})


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
