"""Sends the e-mail of each appointment event on the bus (booked, cancelled, rescheduled; source
colmena.bookings) through SES, in the organisation's language. Idempotent on the event's id (Powertools, on
IdempotencyTable), so a redelivered or republished event sends no second e-mail; an event that cannot be
mailed fails the invocation, is retried, and ends in the dead-letter queue."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.typing import LambdaContext

from bookings.appointments.inbound import AppointmentChanged
from bookings.appointments.mailer import Mailer
from bookings.appointments.repository import AppointmentRepository
from bookings.appointments.settings import LinkSettings, MailSettings
from bookings.appointments.tokens import CancellationLinks
from bookings.wiring import BookingsFunction
from colmena.aws import CLIENT_CONFIG
from colmena.events import CORRELATION_ID_PATH
from colmena.inbound import parsed
from colmena.settings import require

# An event's e-mail is remembered this long: EventBridge's retries and the DLQ's redrives come well within.
EVENT_REMEMBERED_S = 7 * 24 * 3600

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
persistence = DynamoDBPersistenceLayer(table_name=require("IDEMPOTENCY_TABLE_NAME"), boto3_client=function.dynamodb)
idempotency = IdempotencyConfig(event_key_jmespath="event_id", expires_after_seconds=EVENT_REMEMBERED_S)


@idempotent_function(data_keyword_argument="event", persistence_store=persistence, config=idempotency)
def mail(event: dict[str, Any]) -> dict[str, str]:
    data = event["data"]
    # A business metric counted here, where each event is handled once: appointments booked, cancelled and
    # rescheduled (appointment.booked -> AppointmentsBooked).
    metrics.add_metric(name=f"Appointments{event['event_type'].split('.')[-1].title()}", unit=MetricUnit.Count, value=1)
    message_id = mailer.send_for_event(
        event["event_type"], data["organization_id"], data["appointment_id"], data["start"], data["previous_start"]
    )
    return {"event_id": event["event_id"], "message_id": message_id}


@logger.inject_lambda_context(correlation_id_path=CORRELATION_ID_PATH)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, str]:
    idempotency.register_lambda_context(context)
    changed = parsed(event, AppointmentChanged)
    metadata, data = changed.detail.metadata, changed.detail.data
    sent: dict[str, str] = mail(
        event={"event_id": metadata.event_id, "event_type": metadata.event_type, "data": data.model_dump()}
    )
    metrics.add_metric(name="AppointmentEmailSent", unit=MetricUnit.Count, value=1)
    logger.info("appointment e-mail sent", extra={**sent, "event_type": metadata.event_type})
    return sent
