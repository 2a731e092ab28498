"""Bookings' appointment routes, behind the Cognito authorizer: a professional's availability, booking,
listing by professional or client, cancelling and rescheduling. The organisation comes from the caller's
token; a professional acts only on their own agenda."""

# No `from __future__ import annotations` here: Powertools reads the route signatures at run time.
from datetime import UTC, date, datetime
from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body, Query

from bookings.access import member_of
from bookings.appointments.repository import AppointmentRepository
from bookings.appointments.schemas import (
    AppointmentList,
    AppointmentView,
    AvailabilityView,
    Id,
    ItemId,
    NewAppointment,
    Reschedule,
    SlotView,
    answer_slot_taken,
    slot_taken_answer,
)
from bookings.appointments.service import Appointments
from bookings.wiring import BookingsFunction, rest_api
from colmena.errors import InvalidInput
from colmena.http import caller_of, responses

function = BookingsFunction.from_env()
appointments = Appointments(
    function.repository,
    AppointmentRepository(function.dynamodb, function.repository.table_name),
    function.publisher(),
    lambda: datetime.now(UTC),
)
tracer = function.tracer
app = rest_api()
answer_slot_taken(app)


@app.get(
    "/professionals/<professional_id>/availability",
    summary="A professional's free slots on a date for a service",
    description="The weekly schedule in the organisation's time zone, minus breaks, time off and booked "
    "appointments (with their buffers), on a grid of the service's duration plus buffer.",
    responses=responses("The free slots, with the organisation's offset", HTTPStatus.NOT_FOUND),
)
@tracer.capture_method
def get_availability(
    professional_id: Id,
    day: Annotated[date, Query(alias="date", description="YYYY-MM-DD, a day in the organisation's time zone")],
    service_id: Annotated[ItemId, Query()],
) -> AvailabilityView:
    caller = member_of(caller_of(app.current_event))
    organization = appointments.organization(caller.organization_id)
    slots = appointments.availability(organization, professional_id, service_id, day)
    return AvailabilityView(date=day.isoformat(), slots=[SlotView(**slot) for slot in slots])


@app.post(
    "/appointments",
    status_code=HTTPStatus.CREATED,
    summary="Book an appointment (a professional only in their own agenda)",
    description="Booked only if the slot is still free, whatever else is booked at the same moment; a taken "
    "slot is 409 with the next free ones. Give `client_id`, or `client` (found or created by e-mail).",
    responses={
        **responses("The appointment", HTTPStatus.NOT_FOUND, takes_body=True, success_status=HTTPStatus.CREATED),
        **slot_taken_answer(),
    },
)
@tracer.capture_method
def post_appointment(body: Annotated[NewAppointment, Body()]) -> AppointmentView:
    caller = member_of(caller_of(app.current_event))
    organization, appointment = appointments.book_as(caller, body.as_request())
    return AppointmentView.of(appointment, organization)


@app.get(
    "/appointments",
    summary="Appointments of a professional (by date and time) or of a client",
    description="Give `professional_id` or `client_id`. `from` defaults to today and `to` to 30 days later; "
    "at most 100 days at once.",
    responses=responses("The appointments, by start", HTTPStatus.NOT_FOUND),
)
@tracer.capture_method
def get_appointments(
    professional_id: Annotated[ItemId | None, Query()] = None,
    client_id: Annotated[ItemId | None, Query()] = None,
    start: Annotated[str | None, Query(alias="from", min_length=10, max_length=40)] = None,
    end: Annotated[str | None, Query(alias="to", min_length=10, max_length=40)] = None,
) -> AppointmentList:
    caller = member_of(caller_of(app.current_event))
    if (professional_id is None) == (client_id is None):
        raise InvalidInput("give exactly one of professional_id and client_id", "professional_id")
    if professional_id is not None:
        listing = appointments.of_professional(caller, professional_id, start, end)
    else:
        assert client_id is not None
        listing = appointments.of_client(caller, client_id, start, end)
    return AppointmentList(appointments=[AppointmentView.of(a, listing.zone) for a in listing.appointments])


@app.post(
    "/appointments/<appointment_id>/cancel",
    summary="Cancel an appointment (a professional only their own)",
    description="Frees its slot at once and e-mails the client.",
    responses=responses("The cancelled appointment", HTTPStatus.NOT_FOUND, HTTPStatus.CONFLICT),
)
@tracer.capture_method
def post_cancel(appointment_id: Id) -> AppointmentView:
    caller = member_of(caller_of(app.current_event))
    organization, appointment = appointments.cancel_as(caller, appointment_id)
    return AppointmentView.of(appointment, organization)


@app.post(
    "/appointments/<appointment_id>/reschedule",
    summary="Move an appointment to another slot (a professional only their own)",
    description="The old slot is freed and the new one taken in one step; a taken slot is 409 with the next "
    "free ones, and the appointment stays where it was.",
    responses={
        **responses("The moved appointment", HTTPStatus.NOT_FOUND, takes_body=True),
        **slot_taken_answer(),
    },
)
@tracer.capture_method
def post_reschedule(appointment_id: Id, body: Annotated[Reschedule, Body()]) -> AppointmentView:
    caller = member_of(caller_of(app.current_event))
    organization, appointment = appointments.reschedule_as(caller, appointment_id, body.start)
    return AppointmentView.of(appointment, organization)


lambda_handler = function.rest_handler(app)
