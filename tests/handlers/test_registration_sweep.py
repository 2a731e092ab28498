"""Identity's registration sweep, driven with its sample event (a scheduled event as EventBridge sends it)
against moto: a registration whose `user.registered` never reached the bus is published and marked, once."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

from colmena.errors import InvalidEvent
from identity.logic import default_settings
from identity.models import User, UserStatus
from identity.repository import IdentityRepository
from tools.handlers import LambdaContext, sample_event
from tools.template import ROOT

SAMPLE = ROOT / "events" / "registration_sweep" / "scheduled.json"
LOST = User("sub-lost", "lost@example.com", "sub-lost", UserStatus.ACTIVE, "2026-11-25T10:00:00.000+00:00")


@pytest.fixture
def sweep(load_handler: Callable[[str], ModuleType], dynamodb: Any, published: Any) -> ModuleType:
    # PostConfirmation stored Ana and then crashed before publishing.
    IdentityRepository(dynamodb, "IdentityTable").create_user(LOST, default_settings(LOST.created_at))
    return load_handler("RegistrationSweepFunction")


def test_the_sample_publishes_the_lost_registration_once(
    sweep: ModuleType, published: Callable[[], list[dict[str, Any]]], dynamodb: Any
) -> None:
    first = sweep.lambda_handler(sample_event(SAMPLE), LambdaContext())
    second = sweep.lambda_handler(sample_event(SAMPLE), LambdaContext())

    events = published()
    assert (first, second) == ({"published": ["sub-lost"]}, {"published": []})
    assert [(event["detail-type"], event["detail"]["data"]["user_id"]) for event in events] == [
        ("user.registered", "sub-lost")
    ]
    stored = IdentityRepository(dynamodb, "IdentityTable").get_user("sub-lost")
    assert stored is not None and stored.registration_published


def test_anything_but_a_scheduled_event_is_refused(sweep: ModuleType) -> None:
    with pytest.raises(InvalidEvent, match="scheduled event"):
        sweep.lambda_handler({"source": "colmena.identity", "detail-type": "user.registered"}, LambdaContext())
