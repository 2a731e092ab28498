"""Call usage's rules, on plain data: what one of Twilio's call-status callbacks says (read from its form
fields once its signature holds), which statuses count, a call's billable minutes, the month it counts in, the
month a client asks for, and the public URL Twilio signed.

Twilio posts a callback for a call's progress (initiated, ringing, in-progress) and one when it ends; only a
completed call is used: its minutes (CallDuration seconds, rounded up to whole minutes, as Twilio bills) and
one call go to the business's month, the month of the callback's own Timestamp in UTC."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from enum import StrEnum
from urllib.parse import urlencode

from agents.public_api import public_api_base_url
from colmena.errors import InvalidInput, InvalidPayload


class CallStatus(StrEnum):
    """Twilio's CallStatus values (https://www.twilio.com/docs/voice/api/call-resource#call-status-values)."""

    QUEUED = "queued"
    INITIATED = "initiated"
    RINGING = "ringing"
    IN_PROGRESS = "in-progress"
    COMPLETED = "completed"
    BUSY = "busy"
    NO_ANSWER = "no-answer"
    FAILED = "failed"
    CANCELED = "canceled"

    @property
    def final(self) -> bool:
        return self in FINAL

    @property
    def counts(self) -> bool:
        """Only an answered call that ended takes minutes; a busy, unanswered, failed or canceled one is none."""
        return self is CallStatus.COMPLETED


FINAL = frozenset({CallStatus.COMPLETED, CallStatus.BUSY, CallStatus.NO_ANSWER, CallStatus.FAILED, CallStatus.CANCELED})

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
MONTH_PATTERN = _MONTH.pattern
_CALL_SID = re.compile(r"^CA[0-9a-fA-F]{32}$")
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")
# A call longer than a day is a fault, not a call: refused rather than billed.
MAX_CALL_SECONDS = 24 * 3600


@dataclass(frozen=True)
class CallCallback:
    """One verified status callback: the call, the number it was made to, its status, how long it lasted
    (completed calls only) and when Twilio says it happened."""

    call_sid: str
    to: str
    status: CallStatus
    duration_s: int | None
    at: datetime

    @property
    def minutes(self) -> int:
        return billable_minutes(self.duration_s or 0) if self.status.counts else 0

    @property
    def month(self) -> str:
        return month_of(self.at)


def billable_minutes(seconds: int) -> int:
    """Seconds rounded up to whole minutes: 1 s is one minute, 60 s one, 61 s two; 0 s none."""
    if seconds < 0:
        raise ValueError(f"a call cannot last {seconds} seconds")
    return math.ceil(seconds / 60)


def month_of(moment: datetime) -> str:
    """The UTC month (`2026-11`) a moment falls in: 00:30 on 1 December in Madrid is still November."""
    return moment.astimezone(UTC).strftime("%Y-%m")


def requested_month(text: str | None, now: datetime) -> str:
    """The month a client asks for (`YYYY-MM`), or the current UTC month when it asks for none."""
    if text is None:
        return month_of(now)
    if not _MONTH.fullmatch(text):
        raise InvalidInput(f"{text!r} is not a month written YYYY-MM", field="month")
    return text


def callback_of(form: Mapping[str, Sequence[str]], received_at: datetime) -> CallCallback:
    """The callback's facts from its (verified) form fields; InvalidPayload, naming the field, for one Twilio
    would never send. Without a Timestamp (Twilio sends one with each status event) it happened when received."""
    status_text = _one(form, "CallStatus")
    try:
        status = CallStatus(status_text)
    except ValueError as error:
        raise InvalidPayload(f"CallStatus {status_text!r} is not one of Twilio's call statuses") from error
    call_sid = _one(form, "CallSid")
    if not _CALL_SID.fullmatch(call_sid):
        raise InvalidPayload(f"CallSid {call_sid!r} is not a Twilio call id")
    to = _one(form, "To")
    duration = _duration(form) if status.counts else None
    stamp = _optional(form, "Timestamp")
    return CallCallback(
        call_sid=call_sid,
        to=to,
        status=status,
        duration_s=duration,
        at=_timestamp(stamp) if stamp else received_at,
    )


def is_e164(number: str) -> bool:
    return bool(_E164.fullmatch(number))


def public_url(
    *,
    base_url: str,
    path: str,
    query: Mapping[str, Sequence[str]] | None,
    api_id: str,
    stage: str,
    region: str,
) -> str:
    """The URL Twilio was given and signed: the configured public base (`https://api.example.com`, or the
    local API port) and the request's path; with no base configured, the API's own execute-api address with
    its stage. Never the Host header, which the caller chooses. API Gateway's `path` is the resource path
    without the stage, so the stage is written once, by the base."""
    url = public_api_base_url(base_url, api_id=api_id, stage=stage, region=region) + path
    if query:
        url += "?" + urlencode([(name, value) for name, values in query.items() for value in values])
    return url


def _one(form: Mapping[str, Sequence[str]], name: str) -> str:
    values = form.get(name) or []
    if len(values) != 1 or not values[0]:
        raise InvalidPayload(f"{name}: Twilio sends it once, not empty; this callback has {len(values)}")
    return values[0]


def _optional(form: Mapping[str, Sequence[str]], name: str) -> str | None:
    values = form.get(name) or []
    return values[0] if values and values[0] else None


def _duration(form: Mapping[str, Sequence[str]]) -> int:
    text = _one(form, "CallDuration")
    if not text.isdigit() or int(text) > MAX_CALL_SECONDS:
        raise InvalidPayload(f"CallDuration {text!r} is not a number of seconds up to {MAX_CALL_SECONDS}")
    return int(text)


def _timestamp(text: str) -> datetime:
    """Twilio's Timestamp, RFC 2822 (`Wed, 26 Nov 2026 05:00:00 +0000`)."""
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError) as error:
        raise InvalidPayload(f"Timestamp {text!r} is not an RFC 2822 date") from error
    if moment.tzinfo is None:
        raise InvalidPayload(f"Timestamp {text!r} has no time zone")
    return moment
