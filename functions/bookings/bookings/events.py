"""Bookings' domain events, as published on the project bus with source `colmena.bookings`: Identity's
organisation-status projection consumes `organization.activated` / `organization.deactivated` (data:
`organization_id`) and refuses the sign-in of a deactivated organisation's members.

An event's id comes from the organisation and the instant its status changed, so the same change published
again (a retried request) sends the same id, and consumers drop the duplicate; a later change is a new event,
which Identity orders by `occurred_at`."""

from __future__ import annotations

from bookings.models import Organization
from colmena.events import DomainEvent, deterministic_event_id

SOURCE = "colmena.bookings"
ORGANIZATION_ACTIVATED = "organization.activated"
ORGANIZATION_DEACTIVATED = "organization.deactivated"


def organization_status(organization: Organization) -> DomainEvent:
    """The organisation's current status as its event: activated or deactivated, at the change's time."""
    event_type = ORGANIZATION_ACTIVATED if organization.active else ORGANIZATION_DEACTIVATED
    return DomainEvent(
        event_type,
        deterministic_event_id(event_type, organization.organization_id, organization.status_changed_at),
        organization.status_changed_at,
        {"organization_id": organization.organization_id},
    )
