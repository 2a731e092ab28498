"""Twilio's call-status webhook (POST /webhooks/twilio/call-status, no authorizer: the X-Twilio-Signature is
the authentication). The form Twilio posts is verified with the official RequestValidator against the public
URL Twilio was given, then the call is recorded once by its CallSid, and a completed call's minutes and one
call are added to its business's month (the business found from the number called, `To`).

Answers: 204 (empty, which Twilio takes as delivered) for every callback Twilio signed, including those for a
number no business has (logged: Twilio would otherwise keep sending them) and replays (nothing changes); 403 for
one without a valid signature (nothing written); 400 for a signed one that is not what Twilio sends."""

# No `from __future__ import annotations` here: Powertools reads the route signatures at run time.
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from agents.call_status import SIGNATURE_HEADER, CallbackVerifier, CallStatusSettings, ForgedCallback, form_fields
from agents.settings import AgentsSettings
from agents.usage import callback_of, public_url
from agents.usage_repository import Recorded, UsageRepository
from agents.wiring import DESCRIPTION, TITLE
from colmena.aws import dynamodb_client
from colmena.clock import utc_now
from colmena.http import RestApi, responses

PATH = "/webhooks/twilio/call-status"

settings = CallStatusSettings.from_env()
repository = UsageRepository(dynamodb_client(), AgentsSettings.from_env().table_name)
verifier = CallbackVerifier(settings)
logger, tracer, metrics = Logger(), Tracer(), Metrics()

app = RestApi(TITLE, DESCRIPTION, form_routes={("POST", PATH)})
# Served without the authorizer (the template's `Auth: Authorizer: NONE`): Twilio carries no Cognito token.
PUBLIC: list[dict[str, list[str]]] = [{}]


@app.post(
    PATH,
    summary="Twilio's signed call-status callbacks (public: the X-Twilio-Signature header is the authentication)",
    description="The form Twilio posts (CallSid, To, CallStatus, CallDuration, Timestamp and the rest). "
    "A completed call's minutes, rounded up, and one call count once in its business's month.",
    security=PUBLIC,
    status_code=HTTPStatus.NO_CONTENT.value,
    responses=responses(
        "The callback is recorded, or was already, or is for a number no business has",
        HTTPStatus.FORBIDDEN,
        takes_body=True,
        success_status=HTTPStatus.NO_CONTENT,
        public=True,
    ),
)
@tracer.capture_method
def call_status() -> Response[str]:
    request = app.current_event
    signature = request.headers.get(SIGNATURE_HEADER)
    if not signature:
        raise ForgedCallback("the callback carries no X-Twilio-Signature")
    fields = form_fields(request.decoded_body or "")
    url = public_url(
        base_url=settings.public_api_base_url,
        path=request.path,
        query=request.multi_value_query_string_parameters,
        api_id=request.request_context.api_id,
        stage=request.request_context.stage,
        region=settings.region,
    )
    verifier.verify(url, fields, signature)
    callback = callback_of(fields, datetime.now(UTC))
    facts = {"call_sid": callback.call_sid, "to": callback.to, "status": str(callback.status)}
    onboarding_id = repository.onboarding_of_number(callback.to)
    if onboarding_id is None:
        logger.warning("call-status callback for a number no business has; acknowledged and ignored", extra=facts)
        metrics.add_metric(name="CallToUnknownNumber", unit=MetricUnit.Count, value=1)
        return _no_content()
    outcome = repository.record_call(onboarding_id, callback, utc_now())
    if outcome is Recorded.COUNTED:
        metrics.add_metric(name="CallsCompleted", unit=MetricUnit.Count, value=1)
        metrics.add_metric(name="CallMinutes", unit=MetricUnit.Count, value=callback.minutes)
    logger.info("call-status callback", extra={**facts, "onboarding_id": onboarding_id, "outcome": str(outcome)})
    return _no_content()


def _no_content() -> Response[str]:
    # An empty body rather than none: API Gateway takes either, MiniStack's REST API fails a null one with a 500.
    return Response(status_code=HTTPStatus.NO_CONTENT.value, body="")


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
