"""The Live WebSocket API's routes: $connect, $disconnect, subscribe, unsubscribe and $default.

$connect runs after the authorizer (live_authorizer) has verified the caller's ID token; the user's id
arrives in `requestContext.authorizer`. Answers are posted back on the connection (see live.sockets)."""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

import boto3
from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from colmena.aws import CLIENT_CONFIG, dynamodb_client
from live import sockets
from live.connections import ConnectionRepository
from live.realtime import Pusher, error_frame, management_endpoint, region
from live.repository import LiveRepository
from live.settings import LiveSettings

settings = LiveSettings.from_env()
logger = Logger()
tracer = Tracer()
metrics = Metrics()
dynamodb = dynamodb_client()
live = LiveRepository(dynamodb, settings.table_name)
connections = ConnectionRepository(dynamodb, settings.table_name)
# One management client per API stage this container serves (one, in practice), made on first use.
pushers: dict[str, Pusher] = {}

OK = {"statusCode": HTTPStatus.OK.value}


def pusher_for(context: Mapping[str, Any]) -> Pusher:
    """The caller's own API stage (see live.realtime.management_endpoint)."""
    url = management_endpoint(context["apiId"], context["stage"], region(), os.environ.get("AWS_ENDPOINT_URL"))
    if url not in pushers:
        client = boto3.client("apigatewaymanagementapi", endpoint_url=url, config=CLIENT_CONFIG)
        pushers[url] = Pusher(client, threads=1)
    return pushers[url]


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    request = event["requestContext"]
    route, connection_id = request["routeKey"], request["connectionId"]
    logger.append_keys(route=route, connection_id=connection_id)

    def reply(frame: Mapping[str, Any]) -> None:
        pusher_for(request).post(connection_id, frame)

    if route == "$connect":
        connections.connect(connection_id, str(request["authorizer"]["principalId"]), int(time.time()))
        metrics.add_metric(name="WebSocketConnected", unit=MetricUnit.Count, value=1)
    elif route == "$disconnect":
        connections.disconnect(connection_id)
    elif route == "subscribe":
        sockets.subscribe(live, connections, connection_id, event.get("body"), reply)
    elif route == "unsubscribe":
        sockets.unsubscribe(connections, connection_id, event.get("body"), reply)
    else:
        reply(error_frame(HTTPStatus.BAD_REQUEST, sockets.unknown_frame(event.get("body"))))
    return OK
