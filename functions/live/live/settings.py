"""Live's settings, read once from the environment at cold start (see colmena.settings)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from colmena.settings import require


@dataclass(frozen=True)
class LiveSettings:
    table_name: str

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> LiveSettings:
        return cls(table_name=require("LIVE_TABLE_NAME", environ))


@dataclass(frozen=True)
class WebSocketSettings:
    """The Live WebSocket API's id and stage: where the push function posts to connections."""

    api_id: str
    stage: str

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> WebSocketSettings:
        return cls(api_id=require("WEBSOCKET_API_ID", environ), stage=require("WEBSOCKET_STAGE", environ))


@dataclass(frozen=True)
class CleanupSettings:
    """The scheduled cleanup's thresholds, from the template: minutes without activity before a live session
    ends, and minutes past its time before a scheduled session that never started is cancelled."""

    idle_after: timedelta
    cancel_after: timedelta

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> CleanupSettings:
        return cls(
            idle_after=_minutes("LIVE_IDLE_AFTER_MINUTES", environ),
            cancel_after=_minutes("LIVE_CANCEL_AFTER_MINUTES", environ),
        )


def _minutes(name: str, environ: Mapping[str, str] | None) -> timedelta:
    text = require(name, environ)
    if not text.isdigit() or int(text) == 0:
        raise ValueError(f"environment variable {name} must be a whole number of minutes above 0, not {text!r}")
    return timedelta(minutes=int(text))
