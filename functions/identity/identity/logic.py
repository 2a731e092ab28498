"""Identity's business rules, over plain data. Nothing here sees an event, a context object or boto3."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from colmena.errors import InvalidEvent, NotFound, PublishFailed
from colmena.events import DomainEvent, deterministic_event_id
from identity.models import (
    DEFAULT_CURRENCY,
    DEFAULT_LANGUAGE,
    DEFAULT_TIMEZONE,
    NewUser,
    OrganizationStatus,
    User,
    UserSettings,
    UserStatus,
)

USER_REGISTERED = "user.registered"
USER_SUSPENDED = "user.suspended"
USER_REINSTATED = "user.reinstated"

SUSPENDED_MESSAGE = "Your account is suspended. Contact your organisation's administrator."
INACTIVE_ORGANIZATION_MESSAGE = "Your organisation is inactive. Ask its owner to reactivate it."


class UserStore(Protocol):
    def create_user(self, user: User, settings: UserSettings) -> bool: ...
    def get_user(self, user_id: str) -> User | None: ...
    def mark_registration_published(self, user_id: str) -> None: ...


class RegistrationStore(Protocol):
    def unpublished_registrations(self, created_before: str, limit: int) -> list[User]: ...
    def mark_registration_published(self, user_id: str) -> None: ...


class Publisher(Protocol):
    def publish(self, event: DomainEvent) -> None: ...


class StatusStore(Protocol):
    def get_user(self, user_id: str) -> User | None: ...
    def set_user_status(self, user_id: str, status: UserStatus, now: str) -> User: ...


class Sessions(Protocol):
    def sign_out_everywhere(self, username: str) -> None: ...


@dataclass(frozen=True)
class Registration:
    user: User
    created: bool
    published: bool


def new_user_from_attributes(user_name: Any, attributes: Any) -> NewUser:
    """The user Cognito describes in a PostConfirmation event; refuses one without a `sub` or an e-mail."""
    if not isinstance(attributes, Mapping):
        raise InvalidEvent("the event has no request.userAttributes object")
    sub, email = _text(attributes.get("sub")), _text(attributes.get("email"))
    if not sub:
        raise InvalidEvent("request.userAttributes.sub is missing or empty")
    if not email or "@" not in email:
        raise InvalidEvent("request.userAttributes.email is missing or not an e-mail address")
    return NewUser(
        user_id=sub,
        email=email.lower(),
        username=_text(user_name) or sub,
        email_verified=_is_true(attributes.get("email_verified")),
        organization_id=_text(attributes.get("custom:organization_id")) or None,
        role=_text(attributes.get("custom:role")) or None,
    )


def default_settings(now: str) -> UserSettings:
    return UserSettings(language=DEFAULT_LANGUAGE, timezone=DEFAULT_TIMEZONE, currency=DEFAULT_CURRENCY, updated_at=now)


def user_registered_event(user: User) -> DomainEvent:
    # Built only from the stored user, so a retry publishes exactly the same event as the first try.
    return DomainEvent(
        event_type=USER_REGISTERED,
        event_id=deterministic_event_id(USER_REGISTERED, user.user_id),
        occurred_at=user.created_at,
        data={
            "user_id": user.user_id,
            "email": user.email,
            "username": user.username,
            "organization_id": user.organization_id,
            "role": user.role,
        },
    )


def register_user(new_user: NewUser, store: UserStore, publisher: Publisher, now: str) -> Registration:
    """Creates the user and their default settings once, then publishes `user.registered` at least once.

    A retry (Cognito delivers a trigger up to 3 times) finds the user already there and publishes only if
    the earlier run stopped before it had published."""
    user = User(
        user_id=new_user.user_id,
        email=new_user.email,
        username=new_user.username,
        status=UserStatus.ACTIVE,
        created_at=now,
        email_verified=new_user.email_verified,
        organization_id=new_user.organization_id,
        role=new_user.role,
    )
    created = store.create_user(user, default_settings(now))
    if not created:
        stored = store.get_user(new_user.user_id)
        if stored is None:
            raise RuntimeError(f"user {new_user.user_id} was reported as existing but cannot be read")
        user = stored
    if user.registration_published:
        return Registration(user=user, created=created, published=False)
    publisher.publish(user_registered_event(user))
    store.mark_registration_published(user.user_id)
    return Registration(user=user, created=created, published=True)


@dataclass(frozen=True)
class Sweep:
    published: list[str]
    failed: list[str]


def republish_registrations(store: RegistrationStore, publisher: Publisher, created_before: str, limit: int) -> Sweep:
    """Publishes the `user.registered` that PostConfirmation stored but never got onto the bus (it crashed, timed
    out or EventBridge refused it), for users created before `created_before`, so no registration is lost. The
    event is the one the trigger would have sent (same id), so a consumer that saw it once sees a duplicate it
    already ignores. A user whose event is refused again is left for the next run."""
    published, failed = [], []
    for user in store.unpublished_registrations(created_before, limit):
        try:
            publisher.publish(user_registered_event(user))
        except PublishFailed:
            failed.append(user.user_id)
            continue
        store.mark_registration_published(user.user_id)
        published.append(user.user_id)
    return Sweep(published, failed)


def change_user_status(
    user_id: str, status: UserStatus, store: StatusStore, sessions: Sessions, publisher: Publisher, now: str
) -> User:
    """Suspends or reinstates a user, for the back office. Suspending also revokes every refresh token the
    user holds, so no session outlives the suspension by more than an ID token's lifetime (and GET /me and
    PreAuthentication refuse at once). Repeated or concurrent calls change the status once: it keeps the time
    of its first change, and the event published again has the same id. A user whose status never changed
    (reinstating someone never suspended) publishes nothing."""
    user = store.get_user(user_id)
    if user is None:
        raise NotFound(f"no user {user_id}")
    if user.status != status:
        user = store.set_user_status(user_id, status, now)
    if status == UserStatus.SUSPENDED:
        sessions.sign_out_everywhere(user.username)
    if user.status_changed_at is not None:
        publisher.publish(user_status_event(user))
    return user


def user_status_event(user: User) -> DomainEvent:
    """`user.suspended` or `user.reinstated`, so other contexts can refuse a suspended user on their own
    routes without reading Identity's table."""
    event_type = USER_SUSPENDED if user.status == UserStatus.SUSPENDED else USER_REINSTATED
    changed_at = user.status_changed_at or user.created_at  # a status never changed is as old as the user
    return DomainEvent(
        event_type=event_type,
        event_id=deterministic_event_id(event_type, user.user_id, changed_at),
        occurred_at=changed_at,
        data={"user_id": user.user_id, "status": str(user.status), "changed_at": changed_at},
    )


def refusal_of_a_suspended_user(user: User) -> str | None:
    """The 403 message for a suspended user's request to a protected route; None for an active user."""
    return SUSPENDED_MESSAGE if user.status == UserStatus.SUSPENDED else None


def sign_in_refusal(user: User | None, organization: OrganizationStatus | None) -> str | None:
    """The message to refuse a sign-in with, or None to let it through.

    A user with no record yet (PostConfirmation still running) and an organisation Identity has heard nothing
    about are let through: refusing them would lock out every new sign-up."""
    if user is not None and user.status == UserStatus.SUSPENDED:
        return SUSPENDED_MESSAGE
    if organization is not None and not organization.active:
        return INACTIVE_ORGANIZATION_MESSAGE
    return None


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _is_true(value: Any) -> bool:
    # Cognito sends attribute values as strings ("true"); SDK-built test events often send booleans.
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")
