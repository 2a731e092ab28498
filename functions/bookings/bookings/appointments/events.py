"""The appointments' domain events on the bus (source `colmena.bookings`): the mailer sends the matching
e-mail. Each id comes from the appointment and the instant it changed, so a retried request that publishes
again sends the same id and the mailer, idempotent on it, sends one e-mail."""

from __future__ import annotations

from bookings.appointments.models import Appointment
from colmena.events import DomainEvent, deterministic_event_id

APPOINTMENT_BOOKED = "appointment.booked"
APPOINTMENT_CANCELLED = "appointment.cancelled"
APPOINTMENT_RESCHEDULED = "appointment.rescheduled"
APPOINTMENT_EVENTS = (APPOINTMENT_BOOKED, APPOINTMENT_CANCELLED, APPOINTMENT_RESCHEDULED)


def appointment_event(event_type: str, appointment: Appointment, previous_start: str | None = None) -> DomainEvent:
    data = {
        "organization_id": appointment.organization_id,
        "appointment_id": appointment.appointment_id,
        "professional_id": appointment.professional_id,
        "client_id": appointment.client_id,
        "start": appointment.start,
    }
    if previous_start is not None:
        data["previous_start"] = previous_start
    return DomainEvent(
        event_type,
        deterministic_event_id(event_type, appointment.appointment_id, appointment.updated_at),
        appointment.updated_at,
        data,
    )
