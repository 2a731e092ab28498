"""Identity's REST routes: GET /me and PATCH /me/settings, behind the Cognito authorizer."""

# No `from __future__ import annotations` here: Powertools reads the route signatures at run time to
# validate bodies and build the OpenAPI description, so the annotations must be real objects.
from http import HTTPStatus
from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from colmena.clock import utc_now
from colmena.errors import NotFound
from colmena.http import RestApi, caller_of, responses
from identity.access import refuse_suspended
from identity.models import User, UserSettings
from identity.schemas import Me, SettingsChange
from identity.wiring import IdentityFunction

function = IdentityFunction.from_env()
logger, tracer, metrics, repository = function.logger, function.tracer, function.metrics, function.repository

app = RestApi("Colmena Identity API", "The signed-in user's profile and settings.")

NO_PROFILE = "no profile exists for this account yet; it is created when the sign-up is confirmed"


@app.get(
    "/me",
    summary="The caller's profile and settings",
    responses=responses("The caller's profile and settings", HTTPStatus.NOT_FOUND),
)
@tracer.capture_method
def get_me() -> Me:
    caller = caller_of(app.current_event)
    user, user_settings = _active_profile(caller.user_id)
    return Me.of(user, user_settings, caller)


@app.patch(
    "/me/settings",
    summary="Change the caller's language, time zone or currency",
    responses=responses("The settings as they now are", HTTPStatus.NOT_FOUND, takes_body=True),
)
@tracer.capture_method
def patch_settings(change: Annotated[SettingsChange, Body()]) -> UserSettings:
    caller = caller_of(app.current_event)
    _active_profile(caller.user_id)
    try:
        updated = repository.update_settings(caller.user_id, change.changes(), utc_now())
    except NotFound as missing:
        raise NotFound(NO_PROFILE) from missing
    metrics.add_metric(name="SettingsChanged", unit=MetricUnit.Count, value=1)
    return updated


def _active_profile(user_id: str) -> tuple[User, UserSettings]:
    """The caller's profile and settings; 404 before they exist, 403 once the user is suspended (a token
    issued before the suspension stays valid until it expires, so every route checks)."""
    user, user_settings = repository.get_profile(user_id)
    if user is None or user_settings is None:
        raise NotFound(NO_PROFILE)
    refuse_suspended(user)
    return user, user_settings


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
