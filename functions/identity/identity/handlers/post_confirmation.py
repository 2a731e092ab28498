"""Cognito PostConfirmation: creates the user and their default settings once, publishes `user.registered`.

Cognito retries a trigger up to 3 times and gives each run 5 seconds; a retry finds the records there and
changes nothing. The event is returned unchanged, as Cognito requires."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes import event_source
from aws_lambda_powertools.utilities.data_classes.cognito_user_pool_event import PostConfirmationTriggerEvent
from aws_lambda_powertools.utilities.typing import LambdaContext

from colmena.clock import utc_now
from colmena.errors import InvalidEvent, incomplete_event_is_invalid
from identity.logic import new_user_from_attributes, register_user
from identity.wiring import IdentityFunction

CONFIRM_SIGN_UP = "PostConfirmation_ConfirmSignUp"
CONFIRM_FORGOT_PASSWORD = "PostConfirmation_ConfirmForgotPassword"  # noqa: S105 (a trigger name)

function = IdentityFunction.from_env()
logger, tracer, metrics, repository = function.logger, function.tracer, function.metrics, function.repository
publisher = function.publisher()


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
@event_source(data_class=PostConfirmationTriggerEvent)
def lambda_handler(event: PostConfirmationTriggerEvent, context: LambdaContext) -> dict[str, Any]:
    try:
        with incomplete_event_is_invalid(
            "the PostConfirmation event (triggerSource, userName, request.userAttributes)"
        ):
            source, user_name, attributes = event.trigger_source, event.user_name, event.request.user_attributes
        if source == CONFIRM_FORGOT_PASSWORD:
            # A password reset confirms nothing new: the user and their settings stay exactly as they are.
            logger.info("password reset confirmed; nothing to do", extra={"user_name": user_name})
            return event.raw_event
        if source != CONFIRM_SIGN_UP:
            raise InvalidEvent(f"expected a PostConfirmation trigger, got triggerSource {source!r}")
        new_user = new_user_from_attributes(user_name, attributes)
    except InvalidEvent as invalid:
        logger.error("refused: not a PostConfirmation event it can use", extra={"reason": invalid.message})
        raise
    logger.append_keys(user_id=new_user.user_id)
    registration = register_user(new_user, repository, publisher, now=utc_now())
    logger.info(
        "user registered",
        extra={"records_created": registration.created, "event_published": registration.published},
    )
    if registration.created:
        metrics.add_metric(name="UserRegistered", unit=MetricUnit.Count, value=1)
    return event.raw_event
