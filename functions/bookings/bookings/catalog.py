"""What the catalogue routes do, over the repository: professionals, services and clients of the caller's
organisation, with who may do what.

- owner and admin: everything;
- reception: reads professionals and services, and reads, creates and changes clients (reception books for
  anyone);
- professional: reads the services, reads their own professional and changes its schedule and time off (their
  own agenda); no other professional, no client list.

An id of another organisation, or of nothing, is a 404: the keys are built from the caller's organisation."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from bookings.access import MANAGERS, STAFF, OrgCaller, require_role
from bookings.appointments.locks import GRANULE, MAX_GRANULES
from bookings.logic import time_off, weekly_schedule
from bookings.models import Client, Member, Page, Professional, Role, Service, TimeOff, TimeRange
from colmena.errors import Conflict, Forbidden, InvalidInput, NotFound
from colmena.repository import ConditionFailed

# One booking writes a lock per granule of its duration and buffer in one DynamoDB transaction, and a start off
# the grid touches one granule more: the same bound bookings.appointments.availability enforces when booking.
MAX_BOOKABLE_MINUTES = (MAX_GRANULES - 1) * GRANULE // timedelta(minutes=1)

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from bookings.repository import BookingsRepository

NO_SUCH_PROFESSIONAL = "no such professional in your organisation"
NO_SUCH_SERVICE = "no such service in your organisation"
NO_SUCH_CLIENT = "no such client in your organisation"
# What a professional may change of their own professional: their agenda, not their place in the catalogue.
OWN_AGENDA = frozenset({"weekly_schedule", "time_off"})


@dataclass(frozen=True)
class Catalog:
    repository: BookingsRepository
    clock: Callable[[], str]

    # ------------------------------------------------------------ professionals

    def create_professional(self, caller: OrgCaller, fields: Mapping[str, Any]) -> Professional:
        require_role(caller, MANAGERS, "add professionals")
        organization = self.repository.get_organization(caller.organization_id)
        if organization is None:
            raise NotFound("your organisation no longer exists")
        if self.repository.count_professionals(caller.organization_id) >= organization.max_professionals:
            raise Conflict(f"your plan allows {organization.max_professionals} professionals; none can be added")
        self._require_services(caller, fields.get("service_ids", ()))
        member = self._linkable_member(caller, fields.get("user_id"))
        now = self.clock()
        professional = Professional(
            organization_id=caller.organization_id,
            professional_id=str(uuid.uuid4()),
            name=fields["name"],
            service_ids=tuple(dict.fromkeys(fields.get("service_ids", ()))),
            weekly_schedule=_schedule(fields.get("weekly_schedule", {})),
            time_off=_time_off(fields.get("time_off", ())),
            active=fields.get("active", True),
            created_at=now,
            updated_at=now,
            user_id=member.user_id if member else None,
        )
        try:
            self.repository.create_professional(professional, member)
        except ConditionFailed:
            raise Conflict("that member was linked to another professional meanwhile") from None
        return professional

    def professional(self, caller: OrgCaller, professional_id: str) -> Professional:
        professional = self.repository.get_professional(caller.organization_id, professional_id)
        if professional is None:
            raise NotFound(NO_SUCH_PROFESSIONAL)
        if caller.role is Role.PROFESSIONAL and professional.user_id != caller.user_id:
            raise Forbidden("a professional sees only their own professional")
        return professional

    def professionals(self, caller: OrgCaller, limit: int, cursor: str | None) -> Page[Professional]:
        """Every professional for the staff; a professional's own only, for a professional."""
        if caller.role is Role.PROFESSIONAL:
            own = self.repository.professional_id_of(caller.organization_id, caller.user_id)
            found = self.repository.get_professional(caller.organization_id, own) if own else None
            return Page([found] if found else [])
        return self.repository.professionals(caller.organization_id, limit, cursor)

    def change_professional(self, caller: OrgCaller, professional_id: str, fields: Mapping[str, Any]) -> Professional:
        current = self.professional(caller, professional_id)
        if caller.role is Role.RECEPTION:
            raise Forbidden("reception may read professionals, not change them")
        if caller.role is Role.PROFESSIONAL and set(fields) - OWN_AGENDA:
            raise Forbidden("a professional may change only their own weekly_schedule and time_off")
        if "service_ids" in fields:
            self._require_services(caller, fields["service_ids"])
        link = None
        if fields.get("user_id") and fields["user_id"] != current.user_id:
            if current.user_id:
                raise Conflict("this professional is already linked to a member")
            link = self._linkable_member(caller, fields["user_id"])
        changed = replace(
            current,
            name=fields.get("name", current.name),
            service_ids=tuple(dict.fromkeys(fields["service_ids"])) if "service_ids" in fields else current.service_ids,
            weekly_schedule=_schedule(fields["weekly_schedule"])
            if "weekly_schedule" in fields
            else current.weekly_schedule,
            time_off=_time_off(fields["time_off"]) if "time_off" in fields else current.time_off,
            active=fields.get("active", current.active),
            user_id=link.user_id if link else current.user_id,
            updated_at=self.clock(),
        )
        try:
            self.repository.save_professional(changed, link)
        except ConditionFailed:
            raise Conflict("the professional or the member changed meanwhile; read them again") from None
        return changed

    def _require_services(self, caller: OrgCaller, service_ids: Sequence[str]) -> None:
        for service_id in dict.fromkeys(service_ids):
            if self.repository.get_service(caller.organization_id, service_id) is None:
                raise InvalidInput(f"{service_id}: {NO_SUCH_SERVICE}", field="service_ids")

    def _linkable_member(self, caller: OrgCaller, user_id: str | None) -> Member | None:
        if not user_id:
            return None
        member = self.repository.get_member(caller.organization_id, user_id)
        if member is None:
            raise InvalidInput("no such member in your organisation", field="user_id")
        if member.professional_id:
            raise Conflict(f"member {user_id} is already professional {member.professional_id}")
        return member

    # ------------------------------------------------------------ services

    def create_service(self, caller: OrgCaller, fields: Mapping[str, Any]) -> Service:
        require_role(caller, MANAGERS, "add services")
        require_bookable_length(fields["duration_minutes"], fields.get("buffer_minutes", 0))
        now = self.clock()
        service = Service(
            organization_id=caller.organization_id,
            service_id=str(uuid.uuid4()),
            name=fields["name"],
            duration_minutes=fields["duration_minutes"],
            buffer_minutes=fields.get("buffer_minutes", 0),
            price_cents=fields["price_cents"],
            currency=fields["currency"],
            active=fields.get("active", True),
            created_at=now,
            updated_at=now,
        )
        self.repository.put_service(service, new=True)
        return service

    def service(self, caller: OrgCaller, service_id: str) -> Service:
        service = self.repository.get_service(caller.organization_id, service_id)
        if service is None:
            raise NotFound(NO_SUCH_SERVICE)
        return service

    def services(self, caller: OrgCaller, limit: int, cursor: str | None) -> Page[Service]:
        return self.repository.services(caller.organization_id, limit, cursor)

    def change_service(self, caller: OrgCaller, service_id: str, fields: Mapping[str, Any]) -> Service:
        require_role(caller, MANAGERS, "change services")
        changed = replace(self.service(caller, service_id), **fields, updated_at=self.clock())
        require_bookable_length(changed.duration_minutes, changed.buffer_minutes)
        try:
            self.repository.put_service(changed, new=False)
        except ConditionFailed:
            raise NotFound(NO_SUCH_SERVICE) from None
        return changed

    # ------------------------------------------------------------ clients

    def create_client(self, caller: OrgCaller, name: str, email: str, phone: str | None) -> tuple[Client, bool]:
        """The organisation's client with this e-mail: created (True), or the one that already has it (False)."""
        require_role(caller, STAFF, "add clients")
        now = self.clock()
        client = Client(caller.organization_id, str(uuid.uuid4()), name, email.lower(), phone, now, now)
        return self.repository.find_or_create_client(client)

    def client(self, caller: OrgCaller, client_id: str) -> Client:
        require_role(caller, STAFF, "read clients")
        client = self.repository.get_client(caller.organization_id, client_id)
        if client is None:
            raise NotFound(NO_SUCH_CLIENT)
        return client

    def clients(self, caller: OrgCaller, limit: int, cursor: str | None) -> Page[Client]:
        require_role(caller, STAFF, "list clients")
        return self.repository.clients(caller.organization_id, limit, cursor)

    def change_client(self, caller: OrgCaller, client_id: str, fields: Mapping[str, Any]) -> Client:
        changed = replace(self.client(caller, client_id), **fields, updated_at=self.clock())
        try:
            self.repository.save_client(changed)
        except ConditionFailed:
            raise NotFound(NO_SUCH_CLIENT) from None
        return changed


def _schedule(days: Mapping[str, Sequence[Mapping[str, str]]]) -> dict[str, tuple[TimeRange, ...]]:
    return weekly_schedule({day: [TimeRange(r["start"], r["end"]) for r in ranges] for day, ranges in days.items()})


def _time_off(periods: Sequence[Mapping[str, Any]]) -> tuple[TimeOff, ...]:
    return time_off([TimeOff(p["start"], p["end"], p.get("reason")) for p in periods])


def require_bookable_length(duration_minutes: int, buffer_minutes: int) -> None:
    """A service the appointments can book: its duration plus buffer fits the slot locks one booking may take
    in its transaction (bookings.appointments.locks), 240 minutes."""
    if duration_minutes + buffer_minutes > MAX_BOOKABLE_MINUTES:
        raise InvalidInput(
            f"a service's duration plus buffer is at most {MAX_BOOKABLE_MINUTES} minutes, so it can be booked",
            "duration_minutes",
        )
