"""Domain events carry the correlation id of the request that caused them, when the publisher is given one."""

from __future__ import annotations

import json
from typing import Any

from colmena.events import DomainEvent, EventPublisher

EVENT = DomainEvent("user.suspended", "e-1", "2026-11-26T10:00:00.000+00:00", {"user_id": "u-1"})


class Bus:
    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []

    def put_events(self, Entries: list[dict[str, Any]]) -> dict[str, Any]:  # noqa: N803 (boto3's name)
        self.entries.extend(Entries)
        return {"FailedEntryCount": 0, "Entries": [{"EventId": "x"}]}


def published_metadata(publisher: EventPublisher, bus: Bus) -> dict[str, Any]:
    publisher.publish(EVENT)
    metadata: dict[str, Any] = json.loads(bus.entries[-1]["Detail"])["metadata"]
    return metadata


def test_an_event_carries_the_correlation_id_of_the_request_being_handled() -> None:
    bus = Bus()
    publisher = EventPublisher(bus, "colmena-test", "colmena.identity", correlation_id=lambda: "req-1")  # type: ignore[arg-type]

    assert published_metadata(publisher, bus)["correlation_id"] == "req-1"


def test_an_event_published_outside_a_request_carries_none() -> None:
    bus = Bus()
    without_provider = EventPublisher(bus, "colmena-test", "colmena.identity")  # type: ignore[arg-type]
    without_id = EventPublisher(bus, "colmena-test", "colmena.identity", correlation_id=lambda: None)  # type: ignore[arg-type]

    assert "correlation_id" not in published_metadata(without_provider, bus)
    assert "correlation_id" not in published_metadata(without_id, bus)
