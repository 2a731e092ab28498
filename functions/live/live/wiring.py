"""What each Live function that writes sessions creates at cold start, in one place: its settings read from
the environment (a missing one fails the import with its name), the table's repository, the bus's publisher
and Powertools' logger, tracer and metrics; and, for the REST functions, the resolver and the handler
around it. Called by each handler module at import, so every function (and every test's fresh import) gets
its own."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from colmena.aws import dynamodb_client, events_client
from colmena.events import EventPublisher
from colmena.settings import EventBusSettings
from live.events import SOURCE
from live.repository import LiveRepository
from live.settings import LiveSettings

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

    # The REST resolver imports pydantic, which the cleanup (not a REST function) does not pay for.
    from colmena.http import RestApi

TITLE = "Colmena Live API"
DESCRIPTION = "DJ sessions: sessions, participants, the song queue and its votes, chat."


@dataclass(frozen=True)
class LiveFunction:
    dynamodb: DynamoDBClient  # the one client of the container, for whatever else the function keeps in a table
    repository: LiveRepository
    publisher: EventPublisher
    logger: Logger
    tracer: Tracer
    metrics: Metrics

    @classmethod
    def from_env(cls) -> LiveFunction:
        settings = LiveSettings.from_env()
        bus = EventBusSettings.from_env()
        dynamodb = dynamodb_client()
        logger = Logger()
        return cls(
            dynamodb=dynamodb,
            repository=LiveRepository(dynamodb, settings.table_name),
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


def rest_api(body_limits: Mapping[tuple[str, str], int] | None = None) -> RestApi:
    """A Live REST function's resolver; they all describe one API, merged into functions/live/openapi.json.
    `body_limits`: a route's own cap on its body, where it is not the kernel's default."""
    from colmena.http import RestApi

    return RestApi(TITLE, DESCRIPTION, body_limits)
