"""Live's settings, read once from the environment at cold start (see colmena.settings)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

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
