"""Bookings' public routes, served without the authorizer (and throttled in the template): an organisation's
booking page by its slug, a professional's availability, a client's booking, and cancellation through the
signed link the e-mails carry. Only what a client may see leaves: names, services and free slots."""

# No `from __future__ import annotations` here: Powertools reads the route signatures at run time.
from datetime import UTC, date, datetime
from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body, Query

from bookings.appointments.models import PUBLIC
from bookings.appointments.repository import AppointmentRepository
from bookings.appointments.schemas import (
    AppointmentView,
    AvailabilityView,
    Id,
    IdempotencyKey,
    ItemId,
    PublicAppointment,
    PublicPage,
    PublicProfessional,
    PublicService,
    SlotView,
    SlugPath,
    answer_slot_taken,
    slot_taken_answer,
)
from bookings.appointments.service import Appointments, public_booking_id
from bookings.appointments.settings import LinkSettings
from bookings.appointments.tokens import CancellationLinks
from bookings.wiring import BookingsFunction, rest_api
from colmena.http import responses

function = BookingsFunction.from_env()
appointments = Appointments(
    function.repository,
    AppointmentRepository(function.dynamodb, function.repository.table_name),
    function.publisher(),
    lambda: datetime.now(UTC),
)
links = CancellationLinks(LinkSettings.from_env().secret_name)
tracer = function.tracer
app = rest_api()
answer_slot_taken(app)

# A page shows at most this many professionals and services (one Query each).
PAGE_LIMIT = 100
Token = Annotated[str, Query(min_length=1, max_length=200, description="The token of the e-mail's link")]


@app.get(
    "/public/organizations/<slug>",
    summary="An organisation's public booking page: its name, services and professionals",
    responses=responses("The page", HTTPStatus.NOT_FOUND, public=True),
)
@tracer.capture_method
def get_page(slug: SlugPath) -> PublicPage:
    organization = appointments.public_organization(slug)
    org = organization.organization_id
    professionals = function.repository.professionals(org, PAGE_LIMIT, None).items
    services = function.repository.services(org, PAGE_LIMIT, None).items
    return PublicPage(
        name=organization.name,
        slug=organization.slug,
        timezone=organization.timezone,
        language=organization.language,
        services=[PublicService.of(s) for s in services if s.active],
        professionals=[PublicProfessional.of(p) for p in professionals if p.active],
    )


@app.get(
    "/public/organizations/<slug>/availability",
    summary="A professional's free slots on a date for a service",
    responses=responses("The free slots, with the organisation's offset", HTTPStatus.NOT_FOUND, public=True),
)
@tracer.capture_method
def get_public_availability(
    slug: SlugPath,
    professional_id: Annotated[ItemId, Query()],
    service_id: Annotated[ItemId, Query()],
    day: Annotated[date, Query(alias="date", description="YYYY-MM-DD, a day in the organisation's time zone")],
) -> AvailabilityView:
    organization = appointments.public_organization(slug)
    slots = appointments.availability(organization, professional_id, service_id, day)
    return AvailabilityView(date=day.isoformat(), slots=[SlotView(**slot) for slot in slots])


@app.post(
    "/public/organizations/<slug>/appointments",
    status_code=HTTPStatus.CREATED,
    summary="Book an appointment as a client",
    description="The client is found or created by e-mail. Booked only if the slot is still free: a taken slot "
    "is 409 with the next free ones. The confirmation e-mail carries the cancellation link.",
    responses={
        **responses(
            "The appointment", HTTPStatus.NOT_FOUND, takes_body=True, success_status=HTTPStatus.CREATED, public=True
        ),
        **slot_taken_answer(),
    },
)
@tracer.capture_method
def post_public_appointment(
    slug: SlugPath, body: Annotated[PublicAppointment, Body()], idempotency_key: IdempotencyKey = None
) -> AppointmentView:
    organization = appointments.public_organization(slug)
    appointment_id = public_booking_id(organization.organization_id, idempotency_key) if idempotency_key else None
    appointment = appointments.book(organization, body.as_request(), booked_by=PUBLIC, appointment_id=appointment_id)
    return AppointmentView.of(appointment, organization)


@app.post(
    "/public/appointments/<appointment_id>/cancel",
    summary="Cancel an appointment through the signed link of its e-mail",
    description="A tampered, foreign or expired token is refused (403).",
    responses=responses(
        "The cancelled appointment", HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND, HTTPStatus.CONFLICT, public=True
    ),
)
@tracer.capture_method
def post_public_cancel(appointment_id: Id, token: Token) -> AppointmentView:
    organization_id = links.verify(appointment_id, token, datetime.now(UTC))
    cancelled = appointments.cancel(appointments.get(organization_id, appointment_id))
    return AppointmentView.of(cancelled, appointments.organization(organization_id))


lambda_handler = function.rest_handler(app)
