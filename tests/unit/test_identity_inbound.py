"""Bookings' organisation events as Identity's parser model reads them off the bus."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from colmena.errors import InvalidEvent
from colmena.inbound import parsed
from identity.inbound import OrganizationStatusChanged
from identity.models import OrganizationStatus
from tools.handlers import sample_event
from tools.template import ROOT

DEACTIVATED = sample_event(ROOT / "events" / "organization_status" / "organization_deactivated.json")


def with_changes(**paths: Any) -> dict[str, Any]:
    """The sample event with the values at the given dotted paths replaced (None removes the key)."""
    event = copy.deepcopy(DEACTIVATED)
    for path, value in paths.items():
        *parents, leaf = path.split("__")
        target = event
        for part in parents:
            target = target[part]
        if value is None:
            target.pop(leaf, None)
        else:
            target[leaf] = value
    return event


def test_an_organisation_event_becomes_a_status_at_a_normalised_time() -> None:
    event = with_changes(detail__metadata__occurred_at="2026-11-25T12:00:00+02:00")

    status = parsed(event, OrganizationStatusChanged).status()

    assert status == OrganizationStatus(
        "org-7c1d2e",
        active=False,
        changed_at="2026-11-25T10:00:00.000+00:00",
        event_id=DEACTIVATED["detail"]["metadata"]["event_id"],
    )


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"detail-type": "organization.renamed"}, "detail-type"),
        ({"detail": "not an object"}, "detail"),
        ({"detail__data__organization_id": None}, "detail.data.organization_id"),
        ({"detail__data__organization_id": ""}, "detail.data.organization_id"),
        ({"detail__metadata__event_id": None}, "detail.metadata.event_id"),
        ({"detail__metadata__occurred_at": "yesterday"}, "ISO 8601"),
        ({"detail__metadata__occurred_at": "0001-01-01T00:00:00+01:00"}, "ISO 8601"),
        ({"detail__metadata__occurred_at": "2026-11-25T10:00:00"}, "time zone"),
    ],
)
def test_a_malformed_organisation_event_is_refused_naming_the_field_and_the_reason(
    changes: dict[str, Any], reason: str
) -> None:
    with pytest.raises(InvalidEvent, match=reason):
        parsed(with_changes(**changes), OrganizationStatusChanged)
