"""The back office's routes on users: suspend and reinstate, for members of the Cognito group `admins` only.

Suspending marks the user suspended in Identity's table, revokes every refresh token the user holds
(AdminUserGlobalSignOut) and publishes `user.suspended`; reinstating undoes the mark and publishes
`user.reinstated`. A separate function from GET /me, so only this one holds the sign-out permission."""

# No `from __future__ import annotations` here: Powertools reads the route signatures at run time.
from http import HTTPStatus
from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from colmena.aws import cognito_client
from colmena.clock import utc_now
from colmena.errors import Forbidden
from colmena.http import RestApi, caller_of, responses
from identity.access import refuse_suspended
from identity.logic import change_user_status
from identity.models import UserStatus
from identity.schemas import UserStatusView
from identity.sessions import CognitoSessions
from identity.settings import UserPoolSettings
from identity.wiring import IdentityFunction

ADMINS_GROUP = "admins"
STATUS_METRIC = {UserStatus.SUSPENDED: "UserSuspended", UserStatus.ACTIVE: "UserReinstated"}

function = IdentityFunction.from_env()
logger, tracer, metrics, repository = function.logger, function.tracer, function.metrics, function.repository
sessions = CognitoSessions(cognito_client(), UserPoolSettings.from_env().user_pool_id)
publisher = function.publisher()

app = RestApi("Colmena Identity API", "The signed-in user's profile and settings; the back office's users.")

UserId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$")]
# A POST may carry a body, which the guard answers 400 or 415 to: listed although these routes take none.
ANSWERS = responses(
    "The user's status as it now is", HTTPStatus.NOT_FOUND, HTTPStatus.SERVICE_UNAVAILABLE, takes_body=True
)


def _change(user_id: str, status: UserStatus) -> UserStatusView:
    caller = caller_of(app.current_event)
    if ADMINS_GROUP not in caller.groups:
        raise Forbidden(f"only members of the {ADMINS_GROUP!r} group may change a user's status")
    # A suspended admin's ID token outlives the suspension by up to an hour: their own status decides too.
    refuse_suspended(repository.get_user(caller.user_id))
    user = change_user_status(user_id, status, repository, sessions, publisher, now=utc_now())
    logger.info("user status set", extra={"user_id": user_id, "status": str(status), "by": caller.user_id})
    metrics.add_metric(name=STATUS_METRIC[status], unit=MetricUnit.Count, value=1)
    return UserStatusView.of(user)


@app.post(
    "/admin/users/<user_id>/suspend",
    summary="Suspend a user and sign them out everywhere (admins only)",
    responses=ANSWERS,
)
@tracer.capture_method
def suspend(user_id: UserId) -> UserStatusView:
    return _change(user_id, UserStatus.SUSPENDED)


@app.post(
    "/admin/users/<user_id>/reinstate",
    summary="Reinstate a suspended user (admins only)",
    responses=ANSWERS,
)
@tracer.capture_method
def reinstate(user_id: UserId) -> UserStatusView:
    return _change(user_id, UserStatus.ACTIVE)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
