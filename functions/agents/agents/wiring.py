"""What each Agents function creates at cold start, in one place: its settings read from the environment (a
missing one fails the import with its name), the one DynamoDB client and the table's name, the bus's
publisher and Powertools' logger, tracer and metrics; and, for the REST functions, the resolver and the
handler around it. Called by each handler module at import, so every function (and every test's fresh
import) gets its own; a test builds one with its own clients instead."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from agents.events import SOURCE
from agents.settings import AgentsSettings
from colmena.aws import dynamodb_client, events_client
from colmena.events import EventPublisher
from colmena.settings import EventBusSettings

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

    # The REST resolver imports pydantic's OpenAPI models, which the S3-triggered processor does not need.
    from colmena.http import RestApi

TITLE = "Colmena Agents API"
DESCRIPTION = (
    "A business's onboarding for its AI phone receptionist: its facts drafted from its own website and "
    "confirmed by its owner, and its knowledge base built from the documents it uploads."
)


@dataclass(frozen=True)
class AgentsFunction:
    dynamodb: DynamoDBClient
    table_name: str
    publisher: EventPublisher
    logger: Logger
    tracer: Tracer
    metrics: Metrics

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> AgentsFunction:
        settings = AgentsSettings.from_env(environ)
        bus = EventBusSettings.from_env(environ)
        logger = Logger()
        return cls(
            dynamodb=dynamodb_client(),
            table_name=settings.table_name,
            publisher=EventPublisher(
                events_client(), bus.event_bus_name, source=SOURCE, correlation_id=logger.get_correlation_id
            ),
            logger=logger,
            tracer=Tracer(),
            metrics=Metrics(),
        )

    def rest_handler(self, app: RestApi) -> Callable[[dict[str, Any], LambdaContext], dict[str, Any]]:
        """The Lambda handler of a REST function: the request's correlation id in every log line, a trace,
        the metrics flushed, around the resolver."""

        @self.logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
        @self.tracer.capture_lambda_handler
        @self.metrics.log_metrics
        def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
            return app.resolve(event, context)

        return lambda_handler


def rest_api() -> RestApi:
    """An Agents REST function's resolver; they all describe one API, merged into functions/agents/openapi.json.
    A step taken out of order answers 409 with each missing step as a field, so a client can say what to do
    first without reading the message."""
    from http import HTTPStatus

    from aws_lambda_powertools.event_handler import Response

    from agents.logic import StepOutOfOrder
    from colmena.http import FieldError, RestApi, error_response

    app = RestApi(TITLE, DESCRIPTION)

    @app.exception_handler(StepOutOfOrder)
    def step_out_of_order(error: StepOutOfOrder) -> Response[str]:
        missing = [FieldError(field=str(step), reason="not done yet") for step in error.missing]
        return error_response(HTTPStatus.CONFLICT, error.code, error.message, missing)

    return app
