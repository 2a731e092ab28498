"""An appointment as stored and reasoned about: plain data, times as UTC ISO 8601 text (colmena.clock's
format, so text order is time order in every index)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from bookings.appointments.locks import Span

# Who booked an appointment through the public page, where nobody signs in.
PUBLIC = "public"


class AppointmentStatus(StrEnum):
    BOOKED = "booked"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Appointment:
    organization_id: str
    appointment_id: str
    professional_id: str
    service_id: str
    client_id: str
    start: str
    end: str  # the start plus the service's duration
    occupied_until: str  # the end plus the service's buffer: what the locks hold
    status: AppointmentStatus
    booked_by: str  # the member's user id, or PUBLIC
    created_at: str
    updated_at: str
    # True while the reminder is still to be sent: the item is on GSI1's REMINDER#<date> partition then.
    reminder_due: bool = False
    reminder_sent_at: str | None = None
    cancelled_at: str | None = None

    @property
    def occupied(self) -> Span:
        return Span(moment(self.start), moment(self.occupied_until))

    @property
    def start_at(self) -> datetime:
        return moment(self.start)


def stamp(value: datetime) -> str:
    """A datetime as stored: UTC, milliseconds, +00:00."""
    return value.astimezone(UTC).isoformat(timespec="milliseconds")


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text)
