"""Bookings' settings, read once from the environment at cold start (see colmena.settings)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from colmena.settings import require


@dataclass(frozen=True)
class BookingsSettings:
    table_name: str

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> BookingsSettings:
        return cls(table_name=require("BOOKINGS_TABLE_NAME", environ))


@dataclass(frozen=True)
class DirectorySettings:
    """The user pool whose users' organisation and role the organisations function writes (Cognito admin
    calls); only that function reads it."""

    user_pool_id: str

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> DirectorySettings:
        return cls(user_pool_id=require("USER_POOL_ID", environ))
