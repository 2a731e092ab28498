"""The Live sample records (events/seed.json), written into a moto table as the local stack writes them."""

from __future__ import annotations

import json
from typing import Any

from colmena.clock import utc_now
from colmena.repository import to_attributes
from tools.local_stack.stack import NOW, SEED

ANA = "6f9a3c2e-5b1d-4e8a-9c7f-2d4b6a8e0c13"  # the DJ of every seeded session
BO = "b0b0b0b0-0000-4000-8000-000000000000"  # a participant of the live session
CY = "c0c0c0c0-0000-4000-8000-000000000000"  # a listener who is in no session
LIVE = "5e551011-0000-4000-8000-000000000001"  # live, voting on, one song queued by Bo
SCHEDULED = "5e551011-0000-4000-8000-000000000002"
NO_VOTING = "5e551011-0000-4000-8000-000000000003"  # live, voting off; the end sample ends it
IDLE = "5e551011-0000-4000-8000-000000000004"  # live, no activity since 2026-11-24; the cleanup ends it
OVERDUE = "5e551011-0000-4000-8000-000000000005"  # scheduled for 2026-11-23, never started; the cleanup cancels it
SONG = "50e60000-0000-4000-8000-000000000001"


def seeded_items() -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = json.loads(SEED.read_text())["LiveTable"]
    return items


def seed_live(dynamodb: Any) -> None:
    """As the local stack seeds them: `$now` is the time of seeding."""
    now = utc_now()
    for item in seeded_items():
        dynamodb.put_item(
            TableName="LiveTable", Item=to_attributes({k: now if v == NOW else v for k, v in item.items()})
        )
