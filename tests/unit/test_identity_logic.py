"""Identity's rules over plain data: no event, no boto3."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, tzinfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from colmena.clock import normalized_timestamp
from colmena.errors import InvalidEvent, NotFound
from colmena.events import DomainEvent
from identity.logic import (
    INACTIVE_ORGANIZATION_MESSAGE,
    SUSPENDED_MESSAGE,
    change_user_status,
    new_user_from_attributes,
    register_user,
    sign_in_refusal,
    user_registered_event,
)
from identity.models import NewUser, OrganizationStatus, User, UserSettings, UserStatus

NOW = "2026-11-25T10:00:00.000+00:00"
ANA = NewUser(user_id="sub-ana", email="ana@example.com", username="sub-ana", email_verified=True)


class MemoryStore:
    """The UserStore protocol over a dict, to test the registration rules without DynamoDB."""

    def __init__(self) -> None:
        self.users: dict[str, User] = {}
        self.settings: dict[str, UserSettings] = {}

    def create_user(self, user: User, settings: UserSettings) -> bool:
        if user.user_id in self.users:
            return False
        self.users[user.user_id], self.settings[user.user_id] = user, settings
        return True

    def get_user(self, user_id: str) -> User | None:
        return self.users.get(user_id)

    def mark_registration_published(self, user_id: str) -> None:
        self.users[user_id] = replace(self.users[user_id], registration_published=True)

    def unpublished_registrations(self, created_before: str, limit: int) -> list[User]:
        waiting = [u for u in self.users.values() if not u.registration_published and u.created_at < created_before]
        return sorted(waiting, key=lambda user: user.created_at)[:limit]

    def set_user_status(self, user_id: str, status: UserStatus, now: str) -> User:
        if self.users[user_id].status != status:
            self.users[user_id] = replace(self.users[user_id], status=status, status_changed_at=now)
        return self.users[user_id]


class SignedOut:
    """The Sessions protocol, remembering whom it signed out."""

    def __init__(self) -> None:
        self.usernames: list[str] = []

    def sign_out_everywhere(self, username: str) -> None:
        self.usernames.append(username)


class Outbox:
    def __init__(self, failures: int = 0) -> None:
        self.events: list[DomainEvent] = []
        self.failures = failures

    def publish(self, event: DomainEvent) -> None:
        if self.failures:
            self.failures -= 1
            raise ConnectionError("the bus is unreachable")
        self.events.append(event)


def test_a_new_user_gets_the_default_settings_and_one_registered_event() -> None:
    store, outbox = MemoryStore(), Outbox()

    registration = register_user(ANA, store, outbox, now=NOW)

    assert registration.created and registration.published
    settings = store.settings["sub-ana"]
    assert (settings.language, settings.timezone, settings.currency) == ("es", "UTC", "EUR")
    assert store.users["sub-ana"].status == UserStatus.ACTIVE
    assert [event.event_type for event in outbox.events] == ["user.registered"]


def test_a_retried_registration_changes_nothing_and_publishes_nothing_more() -> None:
    store, outbox = MemoryStore(), Outbox()
    register_user(ANA, store, outbox, now=NOW)

    retry = register_user(ANA, store, outbox, now="2026-11-25T10:00:03.000+00:00")

    assert not retry.created and not retry.published
    assert store.users["sub-ana"].created_at == NOW
    assert len(outbox.events) == 1


def test_a_retry_after_a_crash_before_publishing_publishes_the_same_event() -> None:
    store, outbox = MemoryStore(), Outbox(failures=1)
    with pytest.raises(ConnectionError):
        register_user(ANA, store, outbox, now=NOW)

    retry = register_user(ANA, store, outbox, now="2026-11-25T10:00:04.000+00:00")

    assert retry.published
    assert outbox.events == [user_registered_event(store.users["sub-ana"])]
    assert outbox.events[0].occurred_at == NOW


def test_the_registered_event_id_depends_only_on_the_user() -> None:
    user = User("sub-ana", "ana@example.com", "sub-ana", UserStatus.ACTIVE, NOW)

    first, again = (
        user_registered_event(user),
        user_registered_event(replace(user, registration_published=True)),
    )

    assert first.event_id == again.event_id
    assert first.event_id != user_registered_event(replace(user, user_id="sub-bo")).event_id


@pytest.mark.parametrize("verified", [True, "true", "True"])
def test_email_verified_is_read_from_a_boolean_or_cognitos_string(verified: object) -> None:
    attributes = {"sub": "sub-ana", "email": "Ana@Example.com", "email_verified": verified}

    user = new_user_from_attributes("sub-ana", attributes)

    assert user.email_verified is True
    assert user.email == "ana@example.com"


@pytest.mark.parametrize(
    ("attributes", "reason"),
    [
        (None, "userAttributes"),
        ({"email": "ana@example.com"}, "sub"),
        ({"sub": "  ", "email": "ana@example.com"}, "sub"),
        ({"sub": "sub-ana"}, "email"),
        ({"sub": "sub-ana", "email": "not-an-address"}, "email"),
    ],
)
def test_an_event_without_a_sub_or_an_email_is_refused_with_the_reason(attributes: object, reason: str) -> None:
    with pytest.raises(InvalidEvent, match=reason):
        new_user_from_attributes("sub-ana", attributes)


def test_the_organisation_and_role_attributes_are_kept() -> None:
    attributes = {"sub": "s", "email": "a@b.c", "custom:organization_id": "org-1", "custom:role": "owner"}

    user = new_user_from_attributes("s", attributes)

    assert (user.organization_id, user.role) == ("org-1", "owner")


ACTIVE_USER = User("sub-ana", "ana@example.com", "sub-ana", UserStatus.ACTIVE, NOW)
ACTIVE_ORG = OrganizationStatus("org-1", active=True, changed_at=NOW, event_id="e1")


def test_an_active_user_of_an_active_organisation_signs_in() -> None:
    assert sign_in_refusal(ACTIVE_USER, ACTIVE_ORG) is None


def test_a_suspended_user_is_refused_with_a_message_to_show() -> None:
    assert sign_in_refusal(replace(ACTIVE_USER, status=UserStatus.SUSPENDED), ACTIVE_ORG) == SUSPENDED_MESSAGE


def test_a_member_of_an_inactive_organisation_is_refused() -> None:
    assert sign_in_refusal(ACTIVE_USER, replace(ACTIVE_ORG, active=False)) == INACTIVE_ORGANIZATION_MESSAGE


def test_unknown_users_and_organisations_are_let_through() -> None:
    assert sign_in_refusal(None, None) is None


@given(
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(9000, 1, 1), timezones=st.just(UTC)),
    st.timezones(),
)
def test_normalised_times_sort_as_the_instants_they_name(instant: datetime, zone: tzinfo) -> None:
    later = instant + timedelta(milliseconds=1)  # in UTC, so no daylight-saving fold shifts it

    first, second = (
        normalized_timestamp(instant.astimezone(zone).isoformat()),
        normalized_timestamp(later.astimezone(zone).isoformat()),
    )

    assert first < second
    assert datetime.fromisoformat(first).tzinfo == UTC


def registered_store() -> MemoryStore:
    store = MemoryStore()
    register_user(ANA, store, Outbox(), now=NOW)
    return store


def test_a_suspension_signs_the_user_out_and_publishes_user_suspended() -> None:
    store, sessions, outbox = registered_store(), SignedOut(), Outbox()

    user = change_user_status("sub-ana", UserStatus.SUSPENDED, store, sessions, outbox, now="2026-11-26T00:00:00Z")

    assert user.status == UserStatus.SUSPENDED
    assert sessions.usernames == ["sub-ana"]
    assert [(event.event_type, event.data["changed_at"]) for event in outbox.events] == [
        ("user.suspended", "2026-11-26T00:00:00Z")
    ]


def test_suspending_again_later_publishes_the_first_suspensions_event_again() -> None:
    store, outbox = registered_store(), Outbox()
    change_user_status("sub-ana", UserStatus.SUSPENDED, store, SignedOut(), outbox, now="2026-11-26T00:00:00Z")

    change_user_status("sub-ana", UserStatus.SUSPENDED, store, SignedOut(), outbox, now="2026-11-27T00:00:00Z")

    first, again = outbox.events
    assert again == first


def test_reinstating_publishes_user_reinstated_and_signs_nobody_out() -> None:
    store, sessions, outbox = registered_store(), SignedOut(), Outbox()
    change_user_status("sub-ana", UserStatus.SUSPENDED, store, SignedOut(), Outbox(), now="2026-11-26T00:00:00Z")

    user = change_user_status("sub-ana", UserStatus.ACTIVE, store, sessions, outbox, now="2026-11-27T00:00:00Z")

    assert user.status == UserStatus.ACTIVE
    assert sessions.usernames == []
    assert [event.event_type for event in outbox.events] == ["user.reinstated"]


def test_reinstating_a_user_never_suspended_publishes_nothing() -> None:
    store, outbox = registered_store(), Outbox()

    change_user_status("sub-ana", UserStatus.ACTIVE, store, SignedOut(), outbox, now=NOW)

    assert outbox.events == []


def test_changing_the_status_of_an_unknown_user_is_not_found() -> None:
    with pytest.raises(NotFound):
        change_user_status("nobody", UserStatus.SUSPENDED, MemoryStore(), SignedOut(), Outbox(), now=NOW)
