"""The events Identity consumes from the bus, as parser models: Bookings' organisation status changes."""

from __future__ import annotations

from typing import Literal

from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
from pydantic import BaseModel, Field

from colmena.inbound import EventMetadata
from identity.models import OrganizationStatus

ORGANIZATION_ACTIVATED = "organization.activated"
ORGANIZATION_DEACTIVATED = "organization.deactivated"


class OrganizationReference(BaseModel):
    organization_id: str = Field(min_length=1, max_length=64)


class OrganizationStatusDetail(BaseModel):
    metadata: EventMetadata
    data: OrganizationReference


class OrganizationStatusChanged(EventBridgeModel):
    """`organization.activated` / `organization.deactivated`, published by Bookings (source colmena.bookings)."""

    detail_type: Literal["organization.activated", "organization.deactivated"] = Field(alias="detail-type")
    detail: OrganizationStatusDetail

    def status(self) -> OrganizationStatus:
        return OrganizationStatus(
            organization_id=self.detail.data.organization_id,
            active=self.detail_type == ORGANIZATION_ACTIVATED,
            changed_at=self.detail.metadata.occurred_at,
            event_id=self.detail.metadata.event_id,
        )
