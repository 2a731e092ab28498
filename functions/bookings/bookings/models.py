"""Bookings' plain data: what the repository stores and the logic reasons about. No pydantic here.

Every record carries its `organization_id`: nothing of one organisation is ever read through another's keys."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

# The days of a weekly schedule, in the order a week reads (Monday first, as ISO 8601 numbers them).
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Role(StrEnum):
    """A member's role in their organisation, as `custom:role` carries it in the token."""

    OWNER = "owner"
    ADMIN = "admin"
    PROFESSIONAL = "professional"
    RECEPTION = "reception"


class MemberStatus(StrEnum):
    ACTIVE = "active"
    # Kept as a member, signed out everywhere, refused by every route until reinstated.
    SUSPENDED = "suspended"


@dataclass(frozen=True)
class Organization:
    organization_id: str
    name: str
    slug: str
    industry: str
    timezone: str  # an IANA zone, e.g. Europe/Madrid: schedules are written in it
    language: str  # es or en: the e-mails' language
    owner_id: str
    active: bool
    # When `active` last changed (the creation at first): the organisation events' occurred_at.
    status_changed_at: str
    created_at: str
    updated_at: str
    # Plan limits: how many professionals the organisation may have.
    max_professionals: int = 10


@dataclass(frozen=True)
class Member:
    organization_id: str
    user_id: str  # the Cognito sub
    email: str
    role: Role
    status: MemberStatus
    created_at: str
    updated_at: str
    professional_id: str | None = None


@dataclass(frozen=True)
class TimeRange:
    """A stretch of a working day, "HH:MM" to "HH:MM" in the organisation's time zone, start before end."""

    start: str
    end: str


@dataclass(frozen=True)
class TimeOff:
    """Time a professional does not work, ISO 8601 instants with their offset, start before end."""

    start: str
    end: str
    reason: str | None = None


@dataclass(frozen=True)
class Professional:
    organization_id: str
    professional_id: str
    name: str
    service_ids: tuple[str, ...]
    # Day ("mon".."sun") to its working ranges, sorted and never overlapping; a break is the gap between two.
    weekly_schedule: dict[str, tuple[TimeRange, ...]]
    time_off: tuple[TimeOff, ...]
    active: bool
    created_at: str
    updated_at: str
    user_id: str | None = None  # the member who is this professional, when one is linked


@dataclass(frozen=True)
class Service:
    organization_id: str
    service_id: str
    name: str
    duration_minutes: int
    buffer_minutes: int  # kept free after each appointment of the service
    price_cents: int
    currency: str  # ISO 4217, lower case
    active: bool
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class Client:
    organization_id: str
    client_id: str
    name: str
    email: str  # lower case: one client per e-mail address in an organisation
    phone: str | None
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class Page[T]:
    """One page of a listing and the opaque cursor of the next page (None on the last)."""

    items: list[T] = field(default_factory=list)
    next_cursor: str | None = None
