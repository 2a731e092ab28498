"""Identity's settings, read once from the environment at cold start (see colmena.settings)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from colmena.settings import require


@dataclass(frozen=True)
class IdentitySettings:
    table_name: str

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> IdentitySettings:
        return cls(table_name=require("IDENTITY_TABLE_NAME", environ))


@dataclass(frozen=True)
class UserPoolSettings:
    user_pool_id: str

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> UserPoolSettings:
        return cls(user_pool_id=require("USER_POOL_ID", environ))
