"""Bookings API's request and response bodies for organisations, members and the catalogue (pydantic; only
the REST handlers import this). Bodies refuse unknown fields, so a misspelt one is a 422 naming it."""

from __future__ import annotations

from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from bookings.models import Member, MemberStatus, Organization, Role

MAX_SLUG = 63


def _time_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{name!r} is not an IANA time zone, such as Europe/Madrid") from None
    return name


Name = Annotated[str, Field(min_length=1, max_length=120)]
Slug = Annotated[
    str,
    Field(
        min_length=3,
        max_length=MAX_SLUG,
        pattern=r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$",
        description="The public booking page's address: lower-case letters, digits and inner hyphens",
    ),
]
TimeZone = Annotated[str, Field(min_length=1, max_length=64, description="IANA time zone"), AfterValidator(_time_zone)]
Language = Literal["es", "en"]
# A plain shape check (Cognito and SES judge deliverability); kept in lower case, the deduplication key.
Email = Annotated[
    str,
    Field(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
    AfterValidator(str.lower),
]
Industry = Annotated[str, Field(min_length=1, max_length=60)]
InvitedRole = Literal[Role.ADMIN, Role.PROFESSIONAL, Role.RECEPTION]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ---------------------------------------------------------------- organisations


class NewOrganization(Body):
    name: Name
    slug: Slug
    industry: Industry
    timezone: TimeZone
    language: Language


class OrganizationChanges(Body):
    name: Name | None = None
    industry: Industry | None = None
    timezone: TimeZone | None = None
    language: Language | None = None
    active: bool | None = Field(default=None, description="false deactivates: its members can no longer sign in")


class OrganizationView(BaseModel):
    organization_id: str
    name: str
    slug: str
    industry: str
    timezone: str
    language: str
    owner_id: str
    active: bool
    max_professionals: int = Field(description="The plan's limit on professionals")
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, organization: Organization) -> OrganizationView:
        return cls(
            organization_id=organization.organization_id,
            name=organization.name,
            slug=organization.slug,
            industry=organization.industry,
            timezone=organization.timezone,
            language=organization.language,
            owner_id=organization.owner_id,
            active=organization.active,
            max_professionals=organization.max_professionals,
            created_at=organization.created_at,
            updated_at=organization.updated_at,
        )


# ---------------------------------------------------------------- members


class Invitation(Body):
    email: Email
    role: InvitedRole


class MemberChanges(Body):
    role: InvitedRole | None = None
    status: MemberStatus | None = Field(default=None, description="suspended signs the member out everywhere")


class MemberView(BaseModel):
    user_id: str
    email: str
    role: Role
    status: MemberStatus
    professional_id: str | None
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, member: Member) -> MemberView:
        return cls(
            user_id=member.user_id,
            email=member.email,
            role=member.role,
            status=member.status,
            professional_id=member.professional_id,
            created_at=member.created_at,
            updated_at=member.updated_at,
        )


class MemberPage(BaseModel):
    members: list[MemberView]
    next_cursor: str | None = Field(description="Give it as `cursor` for the next page; null on the last page")
