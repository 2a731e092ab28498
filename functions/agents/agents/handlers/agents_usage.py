"""A business's call usage (GET /onboarding/{onboarding_id}/usage): one month's completed calls and their
minutes, the current UTC month unless `month=YYYY-MM` names another. Only the onboarding's creator sees it;
anyone else gets 404, as for an onboarding that does not exist."""

# No `from __future__ import annotations` here: Powertools reads the route signatures at run time.
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Annotated, Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from agents.settings import AgentsSettings
from agents.usage import MONTH_PATTERN, requested_month
from agents.usage_repository import UsageRepository
from agents.usage_schemas import Id, UsageView
from agents.wiring import DESCRIPTION, TITLE
from colmena.aws import dynamodb_client
from colmena.errors import NotFound
from colmena.http import RestApi, caller_of, responses

repository = UsageRepository(dynamodb_client(), AgentsSettings.from_env().table_name)
logger, tracer, metrics = Logger(), Tracer(), Metrics()
app = RestApi(TITLE, DESCRIPTION)

Month = Annotated[
    str | None,
    Query(pattern=MONTH_PATTERN, description="The month, YYYY-MM (UTC); the current month when absent"),
]


@app.get(
    "/onboarding/<onboarding_id>/usage",
    summary="The business's calls in one month: completed calls and their minutes, rounded up",
    responses=responses("The month's usage (zero when no call was completed)", HTTPStatus.NOT_FOUND),
)
@tracer.capture_method
def usage(onboarding_id: Id, month: Month = None) -> UsageView:
    caller = caller_of(app.current_event)
    if repository.owner_of(onboarding_id) != caller.user_id:
        raise NotFound(f"no onboarding {onboarding_id}")
    return UsageView.of(repository.usage(onboarding_id, requested_month(month, datetime.now(UTC))))


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
