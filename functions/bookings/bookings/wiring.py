"""What each Bookings function creates at cold start, in one place: its settings read from the environment
(a missing one fails the import with its name), the table's repository, the bus's publisher and Powertools'
logger, tracer and metrics; and, for the REST functions, the resolver and the handler around it. Called by
each handler module at import, so every function (and every test's fresh import) gets its own."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from bookings.events import SOURCE
from bookings.repository import BookingsRepository
from bookings.settings import BookingsSettings
from colmena.aws import dynamodb_client, events_client
from colmena.events import EventPublisher
from colmena.settings import EventBusSettings

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

    # The REST resolver imports pydantic, which a scheduled or bus-driven function does not pay for.
    from colmena.http import RestApi

TITLE = "Colmena Bookings API"
DESCRIPTION = (
    "Appointment booking for multi-professional businesses: organisations and their members, professionals, "
    "services, clients, availability, appointments, and the public booking page."
)


@dataclass(frozen=True)
class BookingsFunction:
    dynamodb: DynamoDBClient  # the one client of the container, for whatever else the function keeps in the table
    repository: BookingsRepository
    logger: Logger
    tracer: Tracer
    metrics: Metrics

    @classmethod
    def from_env(cls) -> BookingsFunction:
        settings = BookingsSettings.from_env()
        dynamodb = dynamodb_client()
        return cls(
            dynamodb=dynamodb,
            repository=BookingsRepository(dynamodb, settings.table_name),
            logger=Logger(),
            tracer=Tracer(),
            metrics=Metrics(),
        )

    def publisher(self) -> EventPublisher:
        """The bus's publisher, as `colmena.bookings`; only a function whose template entry gives it
        EVENT_BUS_NAME (and events:PutEvents) calls this, at cold start."""
        bus = EventBusSettings.from_env()
        return EventPublisher(
            events_client(), bus.event_bus_name, source=SOURCE, correlation_id=self.logger.get_correlation_id
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
    """A Bookings REST function's resolver; they all describe one API, merged into
    functions/bookings/openapi.json."""
    from colmena.http import RestApi

    return RestApi(TITLE, DESCRIPTION)
