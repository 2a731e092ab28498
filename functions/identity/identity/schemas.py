"""The Identity API's request and response bodies. Only the API handler imports this (pydantic)."""

from __future__ import annotations

import functools
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field

from colmena.changes import PartialChange
from colmena.currencies import CIRCULATING_CURRENCIES
from colmena.http import Caller
from identity.models import Language, User, UserSettings, UserStatus


@functools.cache
def _iana_time_zones() -> frozenset[str]:
    import zoneinfo  # only the PATCH path pays for reading the zone list, once per container

    # The zone database also holds entries that name no place's time.
    return frozenset(zoneinfo.available_timezones()) - {"Factory", "localtime", "posixrules"}


def _iana_time_zone(value: str) -> str:
    if value not in _iana_time_zones():
        raise ValueError(f"{value!r} is not an IANA time zone (for example Europe/Madrid or UTC)")
    return value


def _iso_4217_currency(value: str) -> str:
    if value not in CIRCULATING_CURRENCIES:
        raise ValueError(f"{value!r} is not an ISO 4217 currency code in circulation (for example EUR or USD)")
    return value


TimeZone = Annotated[str, Field(max_length=64, examples=["Europe/Madrid"]), AfterValidator(_iana_time_zone)]
Currency = Annotated[str, Field(min_length=3, max_length=3, examples=["EUR"]), AfterValidator(_iso_4217_currency)]


class SettingsChange(PartialChange):
    """The settings to change; the fields left out keep their value."""

    language: Language | None = None
    timezone: TimeZone | None = None
    currency: Currency | None = None


class Me(BaseModel):
    """The caller's profile and settings. E-mail, organisation and role come from the token, which is
    what every route authorises with and which follows changes the stored profile does not see."""

    user_id: str
    email: str
    username: str
    status: str
    email_verified: bool
    created_at: str
    organization_id: str | None
    role: str | None
    # The stored dataclass itself: pydantic validates and describes it, so its fields are declared once.
    settings: UserSettings

    @classmethod
    def of(cls, user: User, settings: UserSettings, caller: Caller) -> Me:
        return cls(
            user_id=user.user_id,
            email=caller.email or user.email,
            username=user.username,
            status=str(user.status),
            email_verified=user.email_verified if caller.email_verified is None else caller.email_verified,
            created_at=user.created_at,
            organization_id=caller.organization_id,
            role=caller.role,
            settings=settings,
        )


class UserStatusView(BaseModel):
    """A user's status as the back office sets it."""

    user_id: str
    status: UserStatus
    status_changed_at: str | None

    @classmethod
    def of(cls, user: User) -> UserStatusView:
        return cls(user_id=user.user_id, status=user.status, status_changed_at=user.status_changed_at)
