"""The organisation-status projection driven with the sample EventBridge events, against moto."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

from colmena.errors import InvalidEvent
from tools.handlers import LambdaContext, sample_event
from tools.template import ROOT

EVENTS = ROOT / "events" / "organization_status"


@pytest.fixture
def handler(load_handler: Callable[[str], ModuleType], dynamodb: Any) -> ModuleType:
    return load_handler("OrganizationStatusFunction")


def test_a_deactivation_is_projected(handler: ModuleType) -> None:
    result = handler.lambda_handler(sample_event(EVENTS / "organization_deactivated.json"), LambdaContext())

    assert result == {"organization_id": "org-7c1d2e", "active": False, "applied": True}
    assert handler.repository.get_organization_status("org-7c1d2e").active is False


def test_an_earlier_activation_delivered_late_does_not_undo_a_deactivation(handler: ModuleType) -> None:
    handler.lambda_handler(sample_event(EVENTS / "organization_deactivated.json"), LambdaContext())

    late = handler.lambda_handler(sample_event(EVENTS / "organization_activated.json"), LambdaContext())

    assert late["applied"] is False
    assert handler.repository.get_organization_status("org-7c1d2e").active is False


def test_a_duplicate_delivery_has_the_effect_of_one(handler: ModuleType) -> None:
    event = sample_event(EVENTS / "organization_deactivated.json")
    handler.lambda_handler(event, LambdaContext())

    assert handler.lambda_handler(event, LambdaContext())["applied"] is False


def test_an_event_of_another_type_is_refused(handler: ModuleType, dynamodb: Any) -> None:
    event = sample_event(EVENTS / "organization_deactivated.json", **{"detail-type": "organization.renamed"})

    with pytest.raises(InvalidEvent, match="detail-type"):
        handler.lambda_handler(event, LambdaContext())

    assert dynamodb.scan(TableName="IdentityTable")["Count"] == 0
