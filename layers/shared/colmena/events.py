"""Domain events on the project's one custom EventBridge bus.

Every event carries a deterministic `event_id` (a UUIDv5 of its type and the key of what it is about), so a
producer that publishes again after a crash or a retry sends the same id, and consumers drop duplicates by
it. Publishing is at-least-once; see docs/decisions.md.

Every event also carries the correlation id of the request that caused it (`metadata.correlation_id`: the API
request's id, or the id a consumer was itself given), so one id follows a request from the API through the
bus to every consumer's logs. Consumers log with `correlation_id_path=CORRELATION_ID_PATH`."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from colmena.errors import PublishFailed

if TYPE_CHECKING:
    from mypy_boto3_events import EventBridgeClient

# Fixed namespace for event ids: changing it would make every consumer see old events as new.
EVENT_ID_NAMESPACE = uuid.UUID("6f1c1c3e-3f7a-4c8e-9f55-2d1b0c6a7e41")
SCHEMA_VERSION = 1
# Where a consumer's Powertools Logger finds the correlation id in an EventBridge event: the one the producer
# carried, else the event's own id (an event published before correlation ids, or by AWS itself).
CORRELATION_ID_PATH = "detail.metadata.correlation_id || id"


def deterministic_event_id(event_type: str, *key: str) -> str:
    return str(uuid.uuid5(EVENT_ID_NAMESPACE, "|".join((event_type, *key))))


@dataclass(frozen=True)
class DomainEvent:
    """`event_type` is the EventBridge detail-type (`user.registered`); `data` is the payload."""

    event_type: str
    event_id: str
    occurred_at: str
    data: dict[str, Any] = field(default_factory=dict)

    def detail(self, correlation_id: str | None = None) -> dict[str, Any]:
        metadata: dict[str, Any] = {
            "event_id": self.event_id,
            "event_type": self.event_type,
            "occurred_at": self.occurred_at,
            "version": SCHEMA_VERSION,
        }
        if correlation_id:
            metadata["correlation_id"] = correlation_id
        return {"metadata": metadata, "data": self.data}


class EventPublisher:
    """`correlation_id` gives the id of the request being handled when an event is published (a Powertools
    Logger's `get_correlation_id`); without it events carry none."""

    def __init__(
        self,
        client: EventBridgeClient,
        bus_name: str,
        source: str,
        correlation_id: Callable[[], str | None] | None = None,
    ) -> None:
        self._client = client
        self._bus_name = bus_name
        self._source = source
        self._correlation_id = correlation_id

    def publish(self, event: DomainEvent) -> None:
        response = self._client.put_events(
            Entries=[
                {
                    "EventBusName": self._bus_name,
                    "Source": self._source,
                    "DetailType": event.event_type,
                    "Detail": json.dumps(event.detail(self._correlation_id_now()), separators=(",", ":")),
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

    def _correlation_id_now(self) -> str | None:
        return self._correlation_id() if self._correlation_id is not None else None
