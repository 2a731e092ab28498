"""The e-mails of an appointment: which SES template each one uses, and the flat data it is rendered with.

The templates themselves (subject, text and HTML, in Spanish and English) are declared once, in template.yaml's
AWS::SES::Template resources, named `<prefix>-<kind>-<language>`; the mailer sends SendTemplatedEmail with
the organisation's language, and English when the organisation speaks one no template is written in. The data
is flat ({{key}} placeholders only) because that is all SES's own substitution needs, and all MiniStack's
renders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo


class EmailKind(StrEnum):
    BOOKING = "booking"
    CANCELLATION = "cancellation"
    RESCHEDULE = "reschedule"
    REMINDER = "reminder"


LANGUAGES = ("es", "en")
FALLBACK_LANGUAGE = "en"

COMMON_KEYS = frozenset(
    {"organization_name", "client_name", "professional_name", "service_name", "date", "time", "cancel_url"}
)
# Every placeholder a template of each kind may use; the template suite checks the templates use no other.
KEYS: dict[EmailKind, frozenset[str]] = {
    EmailKind.BOOKING: COMMON_KEYS,
    EmailKind.CANCELLATION: COMMON_KEYS - {"cancel_url"},
    EmailKind.RESCHEDULE: COMMON_KEYS | {"previous_date", "previous_time"},
    EmailKind.REMINDER: COMMON_KEYS,
}

_WEEKDAYS = {
    "es": ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
_MONTHS = {
    "es": ("enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre".split()),
    "en": "January February March April May June July August September October November December".split(),
}


@dataclass(frozen=True)
class AppointmentMail:
    """What an e-mail about one appointment says, gathered by the mailer from the stored items."""

    kind: EmailKind
    language: str
    to: str
    organization_name: str
    client_name: str
    professional_name: str
    service_name: str
    start: datetime
    zone: ZoneInfo
    cancel_url: str = ""
    previous_start: datetime | None = None


def language_of(organization_language: str | None) -> str:
    language = (organization_language or "").split("-")[0].lower()
    return language if language in LANGUAGES else FALLBACK_LANGUAGE


def template_name(prefix: str, kind: EmailKind, language: str) -> str:
    return f"{prefix}-{kind.value}-{language_of(language)}"


def template_data(mail: AppointmentMail) -> dict[str, str]:
    language = language_of(mail.language)
    data = {
        "organization_name": mail.organization_name,
        "client_name": mail.client_name,
        "professional_name": mail.professional_name,
        "service_name": mail.service_name,
        "date": local_date(mail.start, mail.zone, language),
        "time": local_time(mail.start, mail.zone),
        "cancel_url": mail.cancel_url,
    }
    if mail.previous_start is not None:
        data["previous_date"] = local_date(mail.previous_start, mail.zone, language)
        data["previous_time"] = local_time(mail.previous_start, mail.zone)
    return {key: value for key, value in data.items() if key in KEYS[mail.kind]}


def local_date(moment: datetime, zone: ZoneInfo, language: str) -> str:
    local = moment.astimezone(zone)
    weekday, month = _WEEKDAYS[language][local.weekday()], _MONTHS[language][local.month - 1]
    if language == "es":
        return f"{weekday} {local.day} de {month} de {local.year}"
    return f"{weekday} {local.day} {month} {local.year}"


def local_time(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%H:%M")
