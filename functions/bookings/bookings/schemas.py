"""Bookings API's request and response bodies for organisations, members and the catalogue (pydantic; only
the REST handlers import this). Bodies refuse unknown fields, so a misspelt one is a 422 naming it."""

from __future__ import annotations

from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from bookings.logic import time_off, weekly_schedule
from bookings.models import Client, Member, MemberStatus, Organization, Professional, Role, Service, TimeOff, TimeRange
from colmena.currencies import CIRCULATING_CURRENCIES

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


# ---------------------------------------------------------------- catalogue

Id = Annotated[str, Field(min_length=1, max_length=64)]


def _circulating_currency(code: str) -> str:
    # Stored lower case, as Stripe writes it; accepted in either case, as Identity's settings take EUR.
    if code.upper() not in CIRCULATING_CURRENCIES:
        raise ValueError(f"{code!r} is not an ISO 4217 currency code in circulation (for example eur or EUR)")
    return code.lower()


Currency = Annotated[
    str,
    Field(min_length=3, max_length=3, description="ISO 4217, either case; answered lower case", examples=["eur"]),
    AfterValidator(_circulating_currency),
]


class TimeRangeBody(Body):
    start: str = Field(description="HH:MM in the organisation's time zone", examples=["09:00"])
    end: str = Field(description="HH:MM, after start", examples=["14:00"])


class TimeOffBody(Body):
    start: str = Field(description="ISO 8601 with offset", examples=["2026-12-24T00:00:00+01:00"])
    end: str = Field(description="ISO 8601 with offset, after start", examples=["2026-12-27T00:00:00+01:00"])
    reason: Annotated[str, Field(max_length=200)] | None = None


def _schedule(days: dict[str, list[TimeRangeBody]]) -> dict[str, list[TimeRangeBody]]:
    weekly_schedule({day: [TimeRange(r.start, r.end) for r in ranges] for day, ranges in days.items()})
    return days


def _time_off(periods: list[TimeOffBody]) -> list[TimeOffBody]:
    time_off([TimeOff(p.start, p.end, p.reason) for p in periods])
    return periods


WeeklySchedule = Annotated[
    dict[str, list[TimeRangeBody]],
    AfterValidator(_schedule),
    Field(
        description="Day (mon..sun) to its working ranges; a break is the gap between two",
        examples=[{"mon": [{"start": "09:00", "end": "14:00"}, {"start": "15:00", "end": "19:00"}]}],
    ),
]
TimeOffList = Annotated[list[TimeOffBody], AfterValidator(_time_off)]
ServiceIds = Annotated[list[Id], Field(max_length=100)]


class NewProfessional(Body):
    name: Name
    service_ids: ServiceIds = []
    weekly_schedule: WeeklySchedule = {}
    time_off: TimeOffList = []
    active: bool = True
    user_id: Id | None = Field(default=None, description="A member of the organisation who is this professional")


class ProfessionalChanges(Body):
    name: Name | None = None
    service_ids: ServiceIds | None = None
    weekly_schedule: WeeklySchedule | None = None
    time_off: TimeOffList | None = None
    active: bool | None = None
    user_id: Id | None = Field(default=None, description="Links a member not yet linked to a professional")


class ProfessionalView(BaseModel):
    professional_id: str
    name: str
    service_ids: list[str]
    weekly_schedule: dict[str, list[dict[str, str]]]
    time_off: list[dict[str, str]]
    active: bool
    user_id: str | None
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, professional: Professional) -> ProfessionalView:
        return cls(
            professional_id=professional.professional_id,
            name=professional.name,
            service_ids=list(professional.service_ids),
            weekly_schedule={
                day: [{"start": r.start, "end": r.end} for r in ranges]
                for day, ranges in professional.weekly_schedule.items()
            },
            time_off=[
                {"start": t.start, "end": t.end, **({"reason": t.reason} if t.reason else {})}
                for t in professional.time_off
            ],
            active=professional.active,
            user_id=professional.user_id,
            created_at=professional.created_at,
            updated_at=professional.updated_at,
        )


class ProfessionalPage(BaseModel):
    professionals: list[ProfessionalView]
    next_cursor: str | None


class NewService(Body):
    name: Name
    duration_minutes: Annotated[int, Field(strict=True, ge=5, le=720)]
    buffer_minutes: Annotated[int, Field(strict=True, ge=0, le=240)] = 0
    price_cents: Annotated[int, Field(strict=True, ge=0, le=99_999_999)]
    currency: Currency
    active: bool = True


class ServiceChanges(Body):
    name: Name | None = None
    duration_minutes: Annotated[int, Field(strict=True, ge=5, le=720)] | None = None
    buffer_minutes: Annotated[int, Field(strict=True, ge=0, le=240)] | None = None
    price_cents: Annotated[int, Field(strict=True, ge=0, le=99_999_999)] | None = None
    currency: Currency | None = None
    active: bool | None = None


class ServiceView(BaseModel):
    service_id: str
    name: str
    duration_minutes: int
    buffer_minutes: int
    price_cents: int
    currency: str
    active: bool
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, service: Service) -> ServiceView:
        return cls(
            service_id=service.service_id,
            name=service.name,
            duration_minutes=service.duration_minutes,
            buffer_minutes=service.buffer_minutes,
            price_cents=service.price_cents,
            currency=service.currency,
            active=service.active,
            created_at=service.created_at,
            updated_at=service.updated_at,
        )


class ServicePage(BaseModel):
    services: list[ServiceView]
    next_cursor: str | None


Phone = Annotated[str, Field(min_length=3, max_length=32, pattern=r"^\+?[0-9 ().-]+$")]


class NewClient(Body):
    name: Name
    email: Email
    phone: Phone | None = None


class ClientChanges(Body):
    name: Name | None = None
    phone: Phone | None = None


class ClientView(BaseModel):
    client_id: str
    name: str
    email: str
    phone: str | None
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, client: Client) -> ClientView:
        return cls(
            client_id=client.client_id,
            name=client.name,
            email=client.email,
            phone=client.phone,
            created_at=client.created_at,
            updated_at=client.updated_at,
        )


class ClientPage(BaseModel):
    clients: list[ClientView]
    next_cursor: str | None
