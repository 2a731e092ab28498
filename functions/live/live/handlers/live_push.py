"""Pushes Live's events to the WebSocket connections subscribed to their session (an EventBridge rule on
the project bus, source colmena.live). A connection that answers Gone is removed; any other failed post
fails the invocation once every connection has been tried, so EventBridge delivers the event again
(listeners may then see a frame twice: the data carries the ids to drop it by)."""

from __future__ import annotations

import os
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from colmena.aws import dynamodb_client
from colmena.events import CORRELATION_ID_PATH
from live.connections import ConnectionRepository
from live.realtime import FANOUT_THREADS, Pusher, SignedConnections, management_endpoint, pushed_frame, region
from live.settings import LiveSettings, WebSocketSettings

settings = LiveSettings.from_env()
websocket = WebSocketSettings.from_env()
logger = Logger()
tracer = Tracer()
metrics = Metrics()
connections = ConnectionRepository(dynamodb_client(), settings.table_name)
endpoint = management_endpoint(websocket.api_id, websocket.stage, region(), os.environ.get("AWS_ENDPOINT_URL"))
# Signed posts rather than the management API's client: a thousand posts are CPU-bound (docs/decisions.md).
# As many pooled HTTP connections as threads posting, or the threads would queue for a free one.
pusher = Pusher(SignedConnections(endpoint, region(), connections=FANOUT_THREADS))


@logger.inject_lambda_context(correlation_id_path=CORRELATION_ID_PATH)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    frame = pushed_frame(event["detail-type"], event["detail"])
    session_id = frame["session_id"]
    listeners = connections.session_connections(session_id)
    delivery = pusher.fan_out(listeners, frame)
    for connection_id in delivery.gone:
        connections.disconnect(connection_id, also_from=session_id)
    if frame["type"] == "session.ended":
        connections.close_session(session_id, listeners)
    metrics.add_metric(name="FramesPushed", unit=MetricUnit.Count, value=delivery.delivered)
    logger.info(
        "pushed",
        extra={
            "type": frame["type"],
            "session_id": session_id,
            "delivered": delivery.delivered,
            "gone": len(delivery.gone),
            "failed": len(delivery.failures),
        },
    )
    if delivery.failures:
        raise delivery.failures[0]
    return {"session_id": session_id, "delivered": delivery.delivered, "gone": len(delivery.gone)}
