"""The registration sweep: every registration whose event never reached the bus is published once, with the
event the trigger would have sent, and one the bus refuses again waits for the next run."""

from __future__ import annotations

from dataclasses import replace

from colmena.errors import PublishFailed
from colmena.events import DomainEvent
from identity.logic import default_settings, republish_registrations, user_registered_event
from identity.models import User, UserStatus
from tests.unit.test_identity_logic import MemoryStore

EARLY = "2026-11-25T10:00:00.000+00:00"
CUTOFF = "2026-11-25T10:05:00.000+00:00"
RECENT = "2026-11-25T10:06:00.000+00:00"


def user(user_id: str, created_at: str = EARLY, published: bool = False) -> User:
    return User(
        user_id, f"{user_id}@example.com", user_id, UserStatus.ACTIVE, created_at, registration_published=published
    )


class Bus:
    def __init__(self, refusing: frozenset[str] = frozenset()) -> None:
        self.events: list[DomainEvent] = []
        self.refusing = refusing

    def publish(self, event: DomainEvent) -> None:
        if event.data["user_id"] in self.refusing:
            raise PublishFailed("EventBridge refused the event")
        self.events.append(event)


def store_with(*users: User) -> MemoryStore:
    store = MemoryStore()
    for each in users:
        store.create_user(each, default_settings(each.created_at))
    return store


def test_a_registration_never_published_is_published_with_the_triggers_event_and_marked() -> None:
    store, bus = store_with(user("lost")), Bus()

    sweep = republish_registrations(store, bus, CUTOFF, limit=10)

    assert sweep.published == ["lost"] and sweep.failed == []
    assert bus.events == [user_registered_event(user("lost"))]
    assert store.users["lost"].registration_published


def test_published_and_recent_registrations_are_left_alone() -> None:
    store, bus = store_with(user("done", published=True), user("in-flight", created_at=RECENT)), Bus()

    sweep = republish_registrations(store, bus, CUTOFF, limit=10)

    assert sweep.published == [] and bus.events == []
    assert not store.users["in-flight"].registration_published


def test_a_refused_event_is_left_for_the_next_run_and_the_others_go_on() -> None:
    store, bus = (
        store_with(user("refused"), user("fine", created_at="2026-11-25T10:01:00.000+00:00")),
        Bus(refusing=frozenset({"refused"})),
    )

    sweep = republish_registrations(store, bus, CUTOFF, limit=10)

    assert (sweep.published, sweep.failed) == (["fine"], ["refused"])
    assert not store.users["refused"].registration_published
    assert republish_registrations(store, Bus(), CUTOFF, limit=10).published == ["refused"]


def test_a_second_run_publishes_nothing_again() -> None:
    store, bus = store_with(user("lost")), Bus()
    republish_registrations(store, bus, CUTOFF, limit=10)

    assert republish_registrations(store, bus, CUTOFF, limit=10).published == []
    assert len(bus.events) == 1


def test_a_run_takes_at_most_its_limit_oldest_first() -> None:
    users = [replace(user(f"u{i}"), created_at=f"2026-11-25T10:0{i}:00.000+00:00") for i in range(4)]
    store, bus = store_with(*users), Bus()

    assert republish_registrations(store, bus, CUTOFF, limit=2).published == ["u0", "u1"]
