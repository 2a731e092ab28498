"""Live's scheduled cleanup, run by an EventBridge schedule every 15 minutes: ends live sessions idle for
LIVE_IDLE_AFTER_MINUTES and cancels scheduled sessions LIVE_CANCEL_AFTER_MINUTES past their time, each with
a system chat message and `session.ended` on the bus. Safe to run twice at once (see service.clean_up)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from colmena.clock import utc_now
from colmena.errors import InvalidEvent
from live import service
from live.settings import CleanupSettings
from live.wiring import LiveFunction

function = LiveFunction.from_env()
cleanup = CleanupSettings.from_env()
repository, publisher = function.repository, function.publisher
logger, tracer, metrics = function.logger, function.tracer, function.metrics


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics(raise_on_empty_metrics=False)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    if event.get("source") != "aws.events" or event.get("detail-type") != "Scheduled Event":
        raise InvalidEvent("not an EventBridge scheduled event (source aws.events, detail-type Scheduled Event)")
    # The clock, not the event's `time`: `ended_at` is when a session really ended, even on a late retry.
    result = service.clean_up(repository, publisher, utc_now(), cleanup.idle_after, cleanup.cancel_after)
    metrics.add_metric(name="SessionsEndedIdle", unit=MetricUnit.Count, value=len(result.ended))
    metrics.add_metric(name="SessionsCancelled", unit=MetricUnit.Count, value=len(result.cancelled))
    # Ends whose announcement an earlier run (or the DJ's request) never made: each one is a crash to look at.
    metrics.add_metric(name="SessionEndsAnnouncedLate", unit=MetricUnit.Count, value=len(result.announced))
    logger.info(
        "cleanup done",
        extra={
            "ended": result.ended,
            "cancelled": result.cancelled,
            "announced_late": result.announced,
            "event_id": event.get("id"),
        },
    )
    return {
        "ended": len(result.ended),
        "cancelled": len(result.cancelled),
        "ended_sessions": result.ended,
        "cancelled_sessions": result.cancelled,
        "announced_late_sessions": result.announced,
    }
