"""Live's chat: participants post messages and read them, newest first."""

# No `from __future__ import annotations` here: Powertools reads the route signatures at run time.
from http import HTTPStatus
from typing import Annotated, Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from colmena.aws import dynamodb_client, events_client
from colmena.clock import utc_now
from colmena.events import EventPublisher
from colmena.http import RestApi, caller_of, responses
from colmena.settings import EventBusSettings
from live import service
from live.events import SOURCE
from live.repository import LiveRepository
from live.schemas import Id, IdempotencyKey, MessagePage, MessageView, NewMessage
from live.settings import LiveSettings

settings = LiveSettings.from_env()
bus = EventBusSettings.from_env()
logger = Logger()
tracer = Tracer()
metrics = Metrics()
repository = LiveRepository(dynamodb_client(), settings.table_name)
publisher = EventPublisher(events_client(), bus.event_bus_name, source=SOURCE)

app = RestApi("Colmena Live API", "DJ sessions: sessions, participants, the song queue and its votes, chat.")


@app.post(
    "/sessions/<session_id>/messages",
    status_code=HTTPStatus.CREATED.value,
    summary="Post a chat message (participants)",
    responses=responses(
        "The message",
        HTTPStatus.NOT_FOUND,
        HTTPStatus.CONFLICT,
        HTTPStatus.SERVICE_UNAVAILABLE,
        takes_body=True,
        success_status=HTTPStatus.CREATED,
    ),
)
@tracer.capture_method
def post_message(
    session_id: Id, message: Annotated[NewMessage, Body()], idempotency_key: IdempotencyKey = None
) -> MessageView:
    caller = caller_of(app.current_event)
    posted = service.post_message(
        repository, publisher, session_id, caller.user_id, message.text, utc_now(), idempotency_key
    )
    metrics.add_metric(name="ChatMessage", unit=MetricUnit.Count, value=1)
    return MessageView.of(posted)


@app.get(
    "/sessions/<session_id>/messages",
    summary="The chat, newest first (participants)",
    responses=responses("One page of messages", HTTPStatus.BAD_REQUEST, HTTPStatus.NOT_FOUND),
)
@tracer.capture_method
def get_messages(
    session_id: Id,
    cursor: Annotated[str | None, Query(max_length=1024)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> MessagePage:
    caller = caller_of(app.current_event)
    return MessagePage.of(service.messages(repository, session_id, caller.user_id, limit, cursor))


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
