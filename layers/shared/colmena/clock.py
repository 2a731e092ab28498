"""Timestamps as stored and compared: ISO 8601 in UTC with milliseconds, so text order is time order."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def normalized_timestamp(text: str) -> str:
    """The same instant in the stored format; raises ValueError for text that is not an ISO 8601 time."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    if moment.tzinfo is None:
        raise ValueError(f"{text!r} has no time zone")
    try:
        return moment.astimezone(UTC).isoformat(timespec="milliseconds")
    except OverflowError as error:  # 0001-01-01 east of UTC, 9999-12-31 west of it: no UTC instant exists
        raise ValueError(f"{text!r} is outside the times a UTC clock can show") from error
