"""What the appointment handler suites share: an organisation in Madrid with two professionals, a service,
members of every role, and a second organisation to try the first one's ids from; requests as API Gateway
sends them with the caller's claims."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from types import ModuleType
from typing import Any

from bookings.models import Member, MemberStatus, Organization, Professional, Role, Service, TimeRange
from bookings.repository import BookingsRepository
from tools.handlers import LambdaContext, sample_event
from tools.template import ROOT

ORG = "7c1d2e4f-6a8b-4c0d-9e2f-1a3b5c7d9e0f"
OTHER_ORG = "0e2f4a6c-8e0a-4c2e-9a4c-6e8a0c2e4a6c"
ANA = "a0a0a0a0-0000-4000-8000-00000000000a"  # professional
BEA = "b0b0b0b0-0000-4000-8000-00000000000b"  # professional
PRO_ANA = "pro-ana"
PRO_BEA = "pro-bea"
SERVICE = "svc-physio"
USERS = {
    Role.OWNER: "0d5e7f3a-2c4b-4e6d-8f1a-3b5c7d9e1f20",
    Role.ADMIN: "ad000000-0000-4000-8000-0000000000ad",
    Role.RECEPTION: "ec000000-0000-4000-8000-0000000000ec",
    Role.PROFESSIONAL: ANA,
}
OUTSIDER = "f0f0f0f0-0000-4000-8000-0000000000f0"  # the owner of OTHER_ORG
NOW = "2026-11-20T09:00:00.000+00:00"
WEEKDAYS: dict[str, tuple[TimeRange, ...]] = {
    day: (TimeRange("09:00", "14:00"), TimeRange("16:00", "19:00")) for day in ("mon", "tue", "wed", "thu", "fri")
}


def next_monday(after_days: int = 7) -> date:
    """A Monday at least `after_days` from today: inside the booking window, more than a day ahead."""
    day = datetime.now(UTC).date() + timedelta(days=after_days)
    return day + timedelta(days=(7 - day.weekday()) % 7)


def madrid(day: date, hhmm: str) -> str:
    """The ISO start of `hhmm` on `day` in Madrid, with Madrid's offset that day."""
    from zoneinfo import ZoneInfo

    hours, minutes = (int(p) for p in hhmm.split(":"))
    return datetime(day.year, day.month, day.day, hours, minutes, tzinfo=ZoneInfo("Europe/Madrid")).isoformat()


def organization(org: str, slug: str, owner: str, *, active: bool = True) -> Organization:
    return Organization(org, f"Clínica {slug}", slug, "health", "Europe/Madrid", "es", owner, active, NOW, NOW, NOW)


def seed(dynamodb: Any) -> BookingsRepository:
    catalogue = BookingsRepository(dynamodb, "BookingsTable")
    for org, slug, owner in ((ORG, "clinica-sol", USERS[Role.OWNER]), (OTHER_ORG, "clinica-luna", OUTSIDER)):
        catalogue.create_organization(
            organization(org, slug, owner),
            Member(org, owner, f"{slug}@example.com", Role.OWNER, MemberStatus.ACTIVE, NOW, NOW),
        )
        catalogue.put_service(Service(org, SERVICE, "Fisioterapia", 45, 15, 4000, "eur", True, NOW, NOW), new=True)
    for pro, user in ((PRO_ANA, ANA), (PRO_BEA, BEA)):
        catalogue.create_professional(
            Professional(ORG, pro, pro.removeprefix("pro-").title(), (SERVICE,), WEEKDAYS, (), True, NOW, NOW, user)
        )
    for role in (Role.ADMIN, Role.RECEPTION, Role.PROFESSIONAL):
        user = USERS[role]
        member = Member(ORG, user, f"{role}@example.com", role, MemberStatus.ACTIVE, NOW, NOW)
        catalogue.add_member(
            member if role is not Role.PROFESSIONAL else Member(**{**member.__dict__, "professional_id": PRO_ANA})
        )
    catalogue.create_professional(
        Professional(OTHER_ORG, "pro-luna", "Luna", (SERVICE,), WEEKDAYS, (), True, NOW, NOW, None)
    )
    return catalogue


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any]


def call(
    module: ModuleType,
    sample: str,
    *,
    user: str | None = USERS[Role.OWNER],
    org: str = ORG,
    role: Role = Role.OWNER,
    path: dict[str, str] | None = None,
    query: dict[str, str] | None = None,
    body: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Answer:
    """The sample event of `sample` (events/<function>/<name>.json) with the caller, path, query and body given."""
    event = sample_event(ROOT / "events" / sample)
    claims = event["requestContext"].get("authorizer", {}).get("claims")
    if claims is not None and user is not None:
        claims.update({"sub": user, "custom:organization_id": org, "custom:role": str(role)})
    if path is not None:
        event["pathParameters"] = {**(event["pathParameters"] or {}), **path}
        # Powertools routes by the path itself, not by pathParameters: both say the same, as API Gateway's do.
        event["path"] = event["resource"].format(**event["pathParameters"])
        event["requestContext"]["path"] = "/dev" + event["path"]
    if query is not None:
        event["queryStringParameters"] = query
        event["multiValueQueryStringParameters"] = {name: [value] for name, value in query.items()}
    if body is not None:
        event["body"] = json.dumps(body)
    event["headers"] = {**event["headers"], **(headers or {})}
    response = module.lambda_handler(event, LambdaContext())
    return Answer(response["statusCode"], json.loads(response["body"]) if response["body"] else {})
