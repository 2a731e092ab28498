"""Domain events on the project's one custom EventBridge bus.

Every event carries a deterministic `event_id` (a UUIDv5 of its type and the key of what it is about), so a
producer that publishes again after a crash or a retry sends the same id, and consumers drop duplicates by
it. Publishing is at-least-once; see docs/decisions.md."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from colmena.errors import PublishFailed

if TYPE_CHECKING:
    from mypy_boto3_events import EventBridgeClient

# Fixed namespace for event ids: changing it would make every consumer see old events as new.
EVENT_ID_NAMESPACE = uuid.UUID("6f1c1c3e-3f7a-4c8e-9f55-2d1b0c6a7e41")
SCHEMA_VERSION = 1


def deterministic_event_id(event_type: str, *key: str) -> str:
    return str(uuid.uuid5(EVENT_ID_NAMESPACE, "|".join((event_type, *key))))


@dataclass(frozen=True)
class DomainEvent:
    """`event_type` is the EventBridge detail-type (`user.registered`); `data` is the payload."""

    event_type: str
    event_id: str
    occurred_at: str
    data: dict[str, Any] = field(default_factory=dict)

    def detail(self) -> dict[str, Any]:
        return {
            "metadata": {
                "event_id": self.event_id,
                "event_type": self.event_type,
                "occurred_at": self.occurred_at,
                "version": SCHEMA_VERSION,
            },
            "data": self.data,
        }


class EventPublisher:
    def __init__(self, client: EventBridgeClient, bus_name: str, source: str) -> None:
        self._client = client
        self._bus_name = bus_name
        self._source = source

    def publish(self, event: DomainEvent) -> None:
        response = self._client.put_events(
            Entries=[
                {
                    "EventBusName": self._bus_name,
                    "Source": self._source,
                    "DetailType": event.event_type,
                    "Detail": json.dumps(event.detail(), separators=(",", ":")),
                    "Time": datetime.fromisoformat(event.occurred_at),
                }
            ]
        )
        if response.get("FailedEntryCount", 0):
            entry = response["Entries"][0]
            raise PublishFailed(
                f"EventBridge refused {event.event_type} {event.event_id}: "
                f"{entry.get('ErrorCode')} {entry.get('ErrorMessage')}"
            )
