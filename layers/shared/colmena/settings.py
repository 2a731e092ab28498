"""Settings read once from the environment, at import of the handler module (cold start), so a missing
one fails at start-up with its name rather than at the first request.

Plain frozen dataclasses rather than a pydantic model: the Cognito triggers import nothing of pydantic,
which keeps ~90 ms off their cold start (see docs/decisions.md)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass


class MissingSettingError(RuntimeError):
    def __init__(self, name: str) -> None:
        super().__init__(f"environment variable {name} is not set; the function's template entry must set it")
        self.name = name


def require(name: str, environ: Mapping[str, str] | None = None) -> str:
    value = (os.environ if environ is None else environ).get(name, "").strip()
    if not value:
        raise MissingSettingError(name)
    return value


@dataclass(frozen=True)
class EventBusSettings:
    event_bus_name: str

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> EventBusSettings:
        return cls(event_bus_name=require("EVENT_BUS_NAME", environ))
