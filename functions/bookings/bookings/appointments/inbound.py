"""The appointment events as the mailer reads them off the bus (parser models over colmena.events' envelope)."""

from __future__ import annotations

from typing import Annotated, Literal

from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
from pydantic import BaseModel, Field

from bookings.appointments.events import APPOINTMENT_BOOKED, APPOINTMENT_CANCELLED, APPOINTMENT_RESCHEDULED
from colmena.inbound import EventMetadata, Timestamp

Id = Annotated[str, Field(min_length=1, max_length=64)]


class AppointmentData(BaseModel):
    organization_id: Id
    appointment_id: Id
    professional_id: Id
    client_id: Id
    start: Timestamp
    previous_start: Timestamp | None = None


class AppointmentDetail(BaseModel):
    metadata: EventMetadata
    data: AppointmentData


class AppointmentChanged(EventBridgeModel):
    source: Literal["colmena.bookings"]
    detail_type: Literal[APPOINTMENT_BOOKED, APPOINTMENT_CANCELLED, APPOINTMENT_RESCHEDULED] = Field(  # type: ignore[valid-type]
        alias="detail-type"
    )
    detail: AppointmentDetail
