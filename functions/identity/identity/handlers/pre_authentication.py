"""Cognito PreAuthentication: refuses sign-in to a suspended user or a member of an inactive organisation.

Raising is how a trigger refuses: Cognito answers the client with the exception's message. Everyone else
is let through with the event unchanged."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes import event_source
from aws_lambda_powertools.utilities.data_classes.cognito_user_pool_event import PreAuthenticationTriggerEvent
from aws_lambda_powertools.utilities.typing import LambdaContext

from colmena.errors import InvalidEvent, SignInRefused, incomplete_event_is_invalid
from identity.logic import sign_in_refusal
from identity.wiring import IdentityFunction

PRE_AUTHENTICATION = "PreAuthentication_Authentication"

function = IdentityFunction.from_env()
logger, tracer, metrics, repository = function.logger, function.tracer, function.metrics, function.repository


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
@event_source(data_class=PreAuthenticationTriggerEvent)
def lambda_handler(event: PreAuthenticationTriggerEvent, context: LambdaContext) -> dict[str, Any]:
    try:
        with incomplete_event_is_invalid("the PreAuthentication event (triggerSource, request.userAttributes)"):
            if event.trigger_source != PRE_AUTHENTICATION:
                raise InvalidEvent(f"expected a PreAuthentication trigger, got triggerSource {event.trigger_source!r}")
            if event.request.user_not_found in (True, "true"):
                # The app client hides unknown users, so Cognito asks about them too: let Cognito answer
                # "Incorrect username or password" as for any unknown user, revealing nothing.
                return event.raw_event
            attributes = event.request.user_attributes
            sub = attributes["sub"]
        if not sub:
            raise InvalidEvent("the PreAuthentication event's userAttributes.sub is empty")
    except InvalidEvent as invalid:
        logger.error("refused: not a PreAuthentication event it can use", extra={"reason": invalid.message})
        raise
    user = repository.get_user(sub)
    # Cognito's current attribute first: the record keeps the organisation the user registered with.
    organization_id = attributes.get("custom:organization_id") or (user.organization_id if user else None)
    organization = repository.get_organization_status(organization_id) if organization_id else None
    refusal = sign_in_refusal(user, organization)
    if refusal:
        logger.info("sign-in refused", extra={"user_id": sub, "reason": refusal})
        metrics.add_metric(name="SignInRefused", unit=MetricUnit.Count, value=1)
        raise SignInRefused(refusal)
    return event.raw_event
