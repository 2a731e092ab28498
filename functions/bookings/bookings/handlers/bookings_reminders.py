"""Sends tomorrow's appointment reminders, every hour (an EventBridge schedule): each appointment due within
24 hours of the schedule's time whose reminder is still on GSI1's index is claimed with a conditional update
and mailed, once, even when two runs overlap (bookings.appointments.mailer)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from bookings.appointments.mailer import Mailer
from bookings.appointments.repository import AppointmentRepository
from bookings.appointments.settings import LinkSettings, MailSettings
from bookings.appointments.tokens import CancellationLinks
from bookings.wiring import BookingsFunction
from colmena.aws import CLIENT_CONFIG

function = BookingsFunction.from_env()
logger, tracer, metrics = function.logger, function.tracer, function.metrics


def _ses() -> Any:
    import boto3

    return boto3.client("ses", config=CLIENT_CONFIG)


mailer = Mailer(
    function.repository,
    AppointmentRepository(function.dynamodb, function.repository.table_name),
    _ses(),
    CancellationLinks(LinkSettings.from_env().secret_name),
    MailSettings.from_env(),
)


def _scheduled_time(event: dict[str, Any]) -> datetime:
    try:
        return datetime.fromisoformat(str(event["time"])).astimezone(UTC)
    except (KeyError, ValueError):
        logger.warning("the event gives no time; running as of now")
        return datetime.now(UTC)


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    # As of the schedule's time, so a run delayed or retried judges what was due when it was meant to run.
    reminded = mailer.send_due_reminders(_scheduled_time(event))
    metrics.add_metric(name="AppointmentReminderSent", unit=MetricUnit.Count, value=len(reminded))
    logger.info("reminders sent", extra={"count": len(reminded)})
    return {"reminded": reminded}
