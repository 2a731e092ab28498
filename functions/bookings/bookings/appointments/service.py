"""What the appointment routes do, over the catalogue (organisations, professionals, services, clients), the
appointments' repository and the bus: availability, booking with no double booking, listing, cancelling and
rescheduling, for members by role and for the public page.

Roles: owner, admin and reception act on every professional's agenda of their organisation; a professional
only on their own (403 otherwise). Every key starts from the caller's organisation (or the public page's
slug), so another organisation's ids find nothing: 404."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bookings.access import OrgCaller
from bookings.appointments.availability import (
    Agenda,
    BookingWindow,
    ServiceLength,
    as_local,
    bookable_slot,
    day_span,
    free_slots,
    is_free,
    next_free_slots,
    parse_start,
    time_off_spans,
)
from bookings.appointments.events import (
    APPOINTMENT_BOOKED,
    APPOINTMENT_CANCELLED,
    APPOINTMENT_RESCHEDULED,
    appointment_event,
)
from bookings.appointments.locks import MAX_OCCUPIED, Span
from bookings.appointments.models import Appointment, AppointmentStatus, stamp
from bookings.appointments.repository import AppointmentConflict, AppointmentRepository, SlotTaken
from bookings.models import Client, Organization, Professional, Role, Service
from colmena.errors import Conflict, Forbidden, InvalidInput, NotFound

if TYPE_CHECKING:
    from collections.abc import Callable

    from bookings.repository import BookingsRepository
    from colmena.events import EventPublisher

# How far ahead a client may book, and how long before an appointment its reminder goes.
HORIZON_DAYS = 90
REMINDER_LEAD = timedelta(hours=24)
NEXT_SLOTS = 3
# The longest listing: bounded so that one request reads a bounded number of items.
MAX_LISTING = timedelta(days=100)
# Fixed: a public booking's id comes from its organisation and Idempotency-Key, so a retry names the same one.
PUBLIC_BOOKING_NAMESPACE = uuid.UUID("0b7c4f6e-2d3a-4e59-8a1b-6c5d4e3f2a10")

NO_SUCH_APPOINTMENT = "no such appointment in your organisation"
OWN_AGENDA = "a professional sees and manages only their own agenda"


class SlotUnavailable(Conflict):
    """The slot asked for is taken (or fell into time off): 409 with the next free slots."""

    code = "slot_taken"

    def __init__(self, next_slots: list[dict[str, str]]) -> None:
        super().__init__("that slot is not free any more; next_slots lists the next free ones")
        self.next_slots = next_slots


@dataclass(frozen=True)
class NewClient:
    name: str
    email: str
    phone: str | None = None


@dataclass(frozen=True)
class BookingRequest:
    professional_id: str
    service_id: str
    start: str
    client_id: str | None = None
    client: NewClient | None = None


@dataclass(frozen=True)
class Listing:
    zone: ZoneInfo
    appointments: list[Appointment]


def public_booking_id(organization_id: str, idempotency_key: str) -> str:
    return str(uuid.uuid5(PUBLIC_BOOKING_NAMESPACE, f"{organization_id}|{idempotency_key}"))


@dataclass(frozen=True)
class Appointments:
    catalogue: BookingsRepository
    repository: AppointmentRepository
    publisher: EventPublisher
    clock: Callable[[], datetime]

    # ------------------------------------------------------------ organisation

    def organization(self, organization_id: str) -> Organization:
        organization = self.catalogue.get_organization(organization_id)
        if organization is None:
            raise NotFound("your organisation no longer exists")
        return organization

    def public_organization(self, slug: str) -> Organization:
        organization = self.catalogue.get_organization_by_slug(slug)
        if organization is None or not organization.active:
            raise NotFound("no organisation takes bookings at this address")
        return organization

    # ------------------------------------------------------------ availability

    def availability(
        self, organization: Organization, professional_id: str, service_id: str, day: date
    ) -> list[dict[str, str]]:
        professional, service = self._offer(organization, professional_id, service_id)
        zone = ZoneInfo(organization.timezone)
        window = self._window()
        # Outside the window nothing is bookable, and a day near year 1 or 9999 has no UTC instants to compute.
        if not window.earliest.date() - timedelta(days=1) <= day <= window.latest.date() + timedelta(days=1):
            return []
        whole = day_span(day, zone)
        agenda = self._agenda(organization, professional, Span(whole.start - MAX_OCCUPIED, whole.end))
        slots = free_slots(day, agenda, _length(service), window)
        return [as_local(slot, zone) for slot in slots]

    # ------------------------------------------------------------ booking

    def book_as(self, caller: OrgCaller, request: BookingRequest) -> tuple[Organization, Appointment]:
        self._may_manage(caller, request.professional_id)
        organization = self.organization(caller.organization_id)
        return organization, self.book(organization, request, booked_by=caller.user_id)

    def book(
        self, organization: Organization, request: BookingRequest, booked_by: str, appointment_id: str | None = None
    ) -> Appointment:
        """The new appointment, booked only if its slot is still free: SlotUnavailable (409, with the next free
        slots) otherwise. With `appointment_id` (a public booking's Idempotency-Key), the same request again
        answers the appointment it made; another request with that id is refused."""
        professional, service = self._offer(organization, request.professional_id, request.service_id)
        length = _length(service)
        slot = self._bookable(organization, professional, length, request.start)
        client = self._client(organization, request)
        now = self.clock()
        appointment = Appointment(
            organization_id=organization.organization_id,
            appointment_id=appointment_id or str(uuid.uuid4()),
            professional_id=professional.professional_id,
            service_id=service.service_id,
            client_id=client.client_id,
            start=stamp(slot.start),
            end=stamp(slot.end),
            occupied_until=stamp(slot.start + length.step),
            status=AppointmentStatus.BOOKED,
            booked_by=booked_by,
            created_at=stamp(now),
            updated_at=stamp(now),
            reminder_due=slot.start - now > REMINDER_LEAD,
        )
        try:
            self.repository.book(appointment)
        except SlotTaken:
            raise self._unavailable(organization, professional, length, slot.start, None) from None
        except AppointmentConflict:
            appointment = self._same_booking(appointment)
        self.publisher.publish(appointment_event(APPOINTMENT_BOOKED, appointment))
        return appointment

    # ------------------------------------------------------------ listing

    def of_professional(self, caller: OrgCaller, professional_id: str, start: str | None, end: str | None) -> Listing:
        self._may_manage(caller, professional_id)
        organization = self.organization(caller.organization_id)
        zone = ZoneInfo(organization.timezone)
        since, until = self._range(zone, start, end)
        found = self.repository.of_professional(organization.organization_id, professional_id, since, until)
        return Listing(zone, found)

    def of_client(self, caller: OrgCaller, client_id: str, start: str | None, end: str | None) -> Listing:
        own = self._own_professional(caller)
        organization = self.organization(caller.organization_id)
        if self.catalogue.get_client(organization.organization_id, client_id) is None:
            raise NotFound("no such client in your organisation")
        zone = ZoneInfo(organization.timezone)
        since, until = self._range(zone, start, end)
        found = self.repository.of_client(organization.organization_id, client_id, since, until)
        return Listing(zone, [a for a in found if own is None or a.professional_id == own])

    # ------------------------------------------------------------ changes

    def cancel_as(self, caller: OrgCaller, appointment_id: str) -> tuple[Organization, Appointment]:
        appointment = self._managed(caller, appointment_id)
        return self.organization(caller.organization_id), self.cancel(appointment)

    def cancel(self, appointment: Appointment) -> Appointment:
        if appointment.status is not AppointmentStatus.BOOKED:
            raise Conflict("this appointment is already cancelled")
        try:
            cancelled = self.repository.cancel(appointment, stamp(self.clock()))
        except AppointmentConflict:
            raise Conflict("this appointment changed meanwhile (cancelled or moved); read it again") from None
        self.publisher.publish(appointment_event(APPOINTMENT_CANCELLED, cancelled))
        return cancelled

    def reschedule_as(self, caller: OrgCaller, appointment_id: str, start: str) -> tuple[Organization, Appointment]:
        appointment = self._managed(caller, appointment_id)
        if appointment.status is not AppointmentStatus.BOOKED:
            raise Conflict("a cancelled appointment cannot be moved; book a new one")
        organization = self.organization(caller.organization_id)
        professional, service = self._offer(organization, appointment.professional_id, appointment.service_id)
        length = _length(service)
        slot = self._bookable(organization, professional, length, start, moving=appointment)
        now = self.clock()
        moved = replace(
            appointment,
            start=stamp(slot.start),
            end=stamp(slot.end),
            occupied_until=stamp(slot.start + length.step),
            updated_at=stamp(now),
            reminder_due=slot.start - now > REMINDER_LEAD,
            reminder_sent_at=None,
        )
        try:
            self.repository.reschedule(appointment, moved)
        except SlotTaken:
            raise self._unavailable(organization, professional, length, slot.start, appointment) from None
        except AppointmentConflict:
            raise Conflict("this appointment changed meanwhile (cancelled or moved); read it again") from None
        self.publisher.publish(appointment_event(APPOINTMENT_RESCHEDULED, moved, previous_start=appointment.start))
        return organization, moved

    def get(self, organization_id: str, appointment_id: str) -> Appointment:
        appointment = self.repository.get(organization_id, appointment_id)
        if appointment is None:
            raise NotFound(NO_SUCH_APPOINTMENT)
        return appointment

    # ------------------------------------------------------------ shared

    def _own_professional(self, caller: OrgCaller) -> str | None:
        """The caller's own professional id when their role is professional (Forbidden when they are linked
        to none), None for a role that manages every agenda."""
        if caller.role is not Role.PROFESSIONAL:
            return None
        own = self.catalogue.professional_id_of(caller.organization_id, caller.user_id)
        if own is None:
            raise Forbidden("your account is not linked to a professional of your organisation")
        return own

    def _may_manage(self, caller: OrgCaller, professional_id: str) -> None:
        own = self._own_professional(caller)
        if own is not None and own != professional_id:
            raise Forbidden(OWN_AGENDA)

    def _managed(self, caller: OrgCaller, appointment_id: str) -> Appointment:
        appointment = self.get(caller.organization_id, appointment_id)
        self._may_manage(caller, appointment.professional_id)
        return appointment

    def _offer(self, organization: Organization, professional_id: str, service_id: str) -> tuple[Professional, Service]:
        org = organization.organization_id
        professional = self.catalogue.get_professional(org, professional_id)
        if professional is None or not professional.active:
            raise NotFound("no such professional in this organisation")
        service = self.catalogue.get_service(org, service_id)
        if service is None or not service.active:
            raise NotFound("no such service in this organisation")
        if service_id not in professional.service_ids:
            raise InvalidInput("this professional does not offer this service", "service_id")
        return professional, service

    def _agenda(self, organization: Organization, professional: Professional, around: Span) -> Agenda:
        zone = ZoneInfo(organization.timezone)
        booked = self.repository.booked_of_professional(
            organization.organization_id, professional.professional_id, stamp(around.start), stamp(around.end)
        )
        return _agenda_of(zone, professional, tuple(a.occupied for a in booked))

    def _bookable(
        self,
        organization: Organization,
        professional: Professional,
        length: ServiceLength,
        start: str,
        moving: Appointment | None = None,
    ) -> Span:
        zone = ZoneInfo(organization.timezone)
        slot = bookable_slot(parse_start(start), _agenda_of(zone, professional, ()), length, self._window())
        if not is_free(slot, _agenda_of(zone, professional, ()), length):  # time off: no lock says so
            raise self._unavailable(organization, professional, length, slot.start, moving)
        return slot

    def _unavailable(
        self,
        organization: Organization,
        professional: Professional,
        length: ServiceLength,
        after: datetime,
        moving: Appointment | None,
    ) -> SlotUnavailable:
        agenda = self._agenda(organization, professional, Span(after - MAX_OCCUPIED, after + timedelta(days=8)))
        if moving is not None:  # its own time is free for itself
            agenda = replace(agenda, booked=tuple(s for s in agenda.booked if s != moving.occupied))
        slots = next_free_slots(after, agenda, length, self._window(), count=NEXT_SLOTS)
        return SlotUnavailable([as_local(slot, agenda.zone) for slot in slots])

    def _client(self, organization: Organization, request: BookingRequest) -> Client:
        org = organization.organization_id
        if request.client_id is not None:
            client = self.catalogue.get_client(org, request.client_id)
            if client is None:
                raise NotFound("no such client in this organisation")
            return client
        if request.client is None:
            raise InvalidInput("give client_id, or client with name and email", "client")
        now = stamp(self.clock())
        new = Client(org, str(uuid.uuid4()), request.client.name, request.client.email, request.client.phone, now, now)
        client, _ = self.catalogue.find_or_create_client(new)
        return client

    def _same_booking(self, asked: Appointment) -> Appointment:
        stored = self.repository.get(asked.organization_id, asked.appointment_id)
        same = stored is not None and (stored.professional_id, stored.service_id, stored.start, stored.client_id) == (
            asked.professional_id,
            asked.service_id,
            asked.start,
            asked.client_id,
        )
        if stored is None or not same:
            raise InvalidInput(
                "this Idempotency-Key was sent before with another booking; use a new key", "idempotency-key"
            )
        return stored

    def _window(self) -> BookingWindow:
        return BookingWindow.from_now(self.clock(), HORIZON_DAYS)

    def _range(self, zone: ZoneInfo, start: str | None, end: str | None) -> tuple[str, str]:
        """A listing's [from, to): dates are whole local days (to included), date-times need an offset. From
        today and for 30 days when not given; at most MAX_LISTING long."""
        today = self.clock().astimezone(zone).date()
        try:
            since = _bound(start, zone, "from") if start else day_span(today, zone).start
            until = _bound(end, zone, "to", end_of_day=True) if end else since + timedelta(days=30)
        except OverflowError:
            raise InvalidInput("from and to must be times a UTC clock can show", "from") from None
        if until <= since or until - since > MAX_LISTING:
            raise InvalidInput(f"to must come after from, and at most {MAX_LISTING.days} days later", "to")
        return stamp(since), stamp(until)


def _length(service: Service) -> ServiceLength:
    return ServiceLength.of(service.duration_minutes, service.buffer_minutes)


def _agenda_of(zone: ZoneInfo, professional: Professional, booked: tuple[Span, ...]) -> Agenda:
    schedule = {
        day: [{"start": r.start, "end": r.end} for r in ranges] for day, ranges in professional.weekly_schedule.items()
    }
    time_off = time_off_spans(({"start": t.start, "end": t.end} for t in professional.time_off), zone)
    return Agenda(zone, schedule, time_off, booked)


def _bound(text: str, zone: ZoneInfo, field: str, *, end_of_day: bool = False) -> datetime:
    if len(text) == len("2026-11-26"):
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise InvalidInput(f"{text!r} is not a date (YYYY-MM-DD)", field) from None
        whole = day_span(day, zone)
        return whole.end if end_of_day else whole.start
    return parse_start(text, field).astimezone(UTC)
