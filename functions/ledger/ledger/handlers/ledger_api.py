"""The Ledger's REST route: GET /me/transactions, the caller's own entries, behind the Cognito authorizer."""

# No `from __future__ import annotations` here: Powertools reads the route signatures at run time to
# validate queries and build the OpenAPI description, so the annotations must be real objects.
from typing import Annotated, Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from colmena.aws import dynamodb_client
from colmena.http import RestApi, caller_of, responses
from ledger.repository import MAX_CURSOR_CHARS, LedgerRepository
from ledger.schemas import TransactionPage
from ledger.settings import LedgerSettings

settings = LedgerSettings.from_env()
logger = Logger()
tracer = Tracer()
metrics = Metrics()
repository = LedgerRepository(dynamodb_client(), settings.table_name)

app = RestApi("Colmena Ledger API", "The signed-in user's transactions with other users: tips sent and received.")


@app.get(
    "/me/transactions",
    summary="The caller's transactions, newest first",
    responses=responses("One page of the caller's transactions"),
)
@tracer.capture_method
def get_transactions(
    cursor: Annotated[str | None, Query(max_length=MAX_CURSOR_CHARS)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> TransactionPage:
    caller = caller_of(app.current_event)
    return TransactionPage.of(repository.entries(caller.user_id, limit, cursor))


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
