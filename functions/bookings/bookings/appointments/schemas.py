"""The appointment routes' request and response bodies (pydantic; only the REST handlers import this), the
409 answer that lists the next free slots, and the handler that gives it."""

from __future__ import annotations

from datetime import datetime
from http import HTTPStatus
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Header, Path
from pydantic import BaseModel, ConfigDict, Field

from bookings.appointments.models import Appointment
from bookings.appointments.service import BookingRequest, NewClient, SlotUnavailable
from bookings.models import Organization, Professional, Service
from bookings.schemas import Email, Name
from colmena.http import ErrorDetail, RestApi

IDEMPOTENCY_HEADER = "Idempotency-Key"

Id = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$")]
SlugPath = Annotated[str, Path(min_length=3, max_length=63, pattern=r"^[a-z0-9-]+$")]
Start = Annotated[
    str,
    Field(
        min_length=10,
        max_length=40,
        description="ISO 8601 date and time with its offset, one of the slots availability lists",
        examples=["2026-12-03T10:00:00+01:00"],
    ),
]
ItemId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$")]
Phone = Annotated[str, Field(min_length=3, max_length=32, pattern=r"^\+?[0-9 ()-]+$")]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias=IDEMPOTENCY_HEADER,
        min_length=1,
        max_length=255,
        pattern=r"^[\x21-\x7e]+$",
        description="Optional; unique per booking (a UUID). Sent again with the same body, the request answers "
        "the appointment it made the first time (201) and books nothing more; with another body, 422.",
        examples=["5b0e6f9a-8d0c-4a51-9a8e-2f1d3c4b5a69"],
    ),
]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ClientDetails(Body):
    name: Name
    email: Email
    phone: Phone | None = None

    def as_new(self) -> NewClient:
        return NewClient(self.name, self.email, self.phone)


class NewAppointment(Body):
    professional_id: ItemId
    service_id: ItemId
    start: Start
    client_id: ItemId | None = None
    client: ClientDetails | None = None

    def as_request(self) -> BookingRequest:
        return BookingRequest(
            self.professional_id,
            self.service_id,
            self.start,
            self.client_id,
            self.client.as_new() if self.client else None,
        )


class PublicAppointment(Body):
    professional_id: ItemId
    service_id: ItemId
    start: Start
    client: ClientDetails

    def as_request(self) -> BookingRequest:
        return BookingRequest(self.professional_id, self.service_id, self.start, None, self.client.as_new())


class Reschedule(Body):
    start: Start


class SlotView(BaseModel):
    start: str
    end: str


class AvailabilityView(BaseModel):
    date: str
    slots: list[SlotView]


class AppointmentView(BaseModel):
    appointment_id: str
    professional_id: str
    service_id: str
    client_id: str
    start: str = Field(description="ISO 8601 with the organisation's offset")
    end: str
    status: str
    created_at: str
    updated_at: str
    cancelled_at: str | None = None

    @classmethod
    def of(cls, appointment: Appointment, organization: Organization | ZoneInfo) -> AppointmentView:
        zone = organization if isinstance(organization, ZoneInfo) else ZoneInfo(organization.timezone)
        local = {
            "start": _local(appointment.start, zone),
            "end": _local(appointment.end, zone),
        }
        return cls(
            appointment_id=appointment.appointment_id,
            professional_id=appointment.professional_id,
            service_id=appointment.service_id,
            client_id=appointment.client_id,
            status=str(appointment.status),
            created_at=appointment.created_at,
            updated_at=appointment.updated_at,
            cancelled_at=appointment.cancelled_at,
            **local,
        )


class AppointmentList(BaseModel):
    appointments: list[AppointmentView]


class PublicProfessional(BaseModel):
    professional_id: str
    name: str
    service_ids: list[str]

    @classmethod
    def of(cls, professional: Professional) -> PublicProfessional:
        return cls(
            professional_id=professional.professional_id,
            name=professional.name,
            service_ids=list(professional.service_ids),
        )


class PublicService(BaseModel):
    service_id: str
    name: str
    duration_minutes: int
    price_cents: int
    currency: str

    @classmethod
    def of(cls, service: Service) -> PublicService:
        return cls(
            service_id=service.service_id,
            name=service.name,
            duration_minutes=service.duration_minutes,
            price_cents=service.price_cents,
            currency=service.currency,
        )


class PublicPage(BaseModel):
    name: str
    slug: str
    timezone: str
    language: str
    services: list[PublicService]
    professionals: list[PublicProfessional]


class SlotTakenResponse(BaseModel):
    """The 409 of a slot no longer free: the project's error, and the next free slots to offer instead."""

    error: ErrorDetail
    next_slots: list[SlotView]


def slot_taken_answer() -> dict[int, Any]:
    return {
        HTTPStatus.CONFLICT.value: {
            "description": "The slot is taken (or the appointment changed meanwhile); next_slots lists the next "
            "free ones when a slot was asked for",
            "content": {content_types.APPLICATION_JSON: {"model": SlotTakenResponse}},
        }
    }


def answer_slot_taken(app: RestApi) -> None:
    """Registers the 409 with next_slots on the resolver: more specific than the kernel's domain-error
    handler, so Powertools chooses it for SlotUnavailable."""

    @app.exception_handler(SlotUnavailable)
    def slot_taken(error: SlotUnavailable) -> Response[str]:
        body = SlotTakenResponse(
            error=ErrorDetail(code=error.code, message=error.message),
            next_slots=[SlotView(**slot) for slot in error.next_slots],
        )
        return Response(HTTPStatus.CONFLICT.value, content_types.APPLICATION_JSON, body.model_dump_json())


def _local(text: str, zone: ZoneInfo) -> str:
    return datetime.fromisoformat(text).astimezone(zone).isoformat(timespec="seconds")
