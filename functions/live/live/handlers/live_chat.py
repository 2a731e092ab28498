"""Live's chat: participants post messages and read them, newest first."""

# No `from __future__ import annotations` here: Powertools reads the route signatures at run time.
from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from aws_lambda_powertools.metrics import MetricUnit

from colmena.clock import utc_now
from colmena.http import caller_of, responses
from live import service
from live.schemas import Id, IdempotencyKey, MessagePage, MessageView, NewMessage
from live.wiring import LiveFunction, rest_api

function = LiveFunction.from_env()
repository, publisher = function.repository, function.publisher
tracer, metrics = function.tracer, function.metrics
app = rest_api()


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


lambda_handler = function.rest_handler(app)
