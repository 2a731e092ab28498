"""Identity's plain data. No pydantic here: the Cognito triggers import this module on their cold start."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal, get_args


class UserStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"


# The languages the products are translated into; the first is the default for new users.
Language = Literal["es", "en", "pt", "fr", "ca", "it", "de"]
SUPPORTED_LANGUAGES: tuple[str, ...] = get_args(Language)


@dataclass(frozen=True)
class NewUser:
    """What PostConfirmation knows of a user who just confirmed their sign-up."""

    user_id: str
    email: str
    username: str
    email_verified: bool
    organization_id: str | None = None
    role: str | None = None


@dataclass(frozen=True)
class User:
    user_id: str
    email: str
    username: str
    status: UserStatus
    created_at: str
    email_verified: bool = False
    organization_id: str | None = None
    role: str | None = None
    registration_published: bool = False
    status_changed_at: str | None = None


@dataclass(frozen=True)
class UserSettings:
    language: str
    timezone: str
    currency: str
    updated_at: str


DEFAULT_LANGUAGE = SUPPORTED_LANGUAGES[0]
DEFAULT_TIMEZONE = "UTC"
DEFAULT_CURRENCY = "EUR"


@dataclass(frozen=True)
class OrganizationStatus:
    """Identity's projection of a Bookings organisation: only what sign-in needs."""

    organization_id: str
    active: bool
    changed_at: str
    event_id: str
