"""The Ledger's settings, read once from the environment at cold start (see colmena.settings)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from colmena.settings import require


@dataclass(frozen=True)
class LedgerSettings:
    table_name: str

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> LedgerSettings:
        return cls(table_name=require("LEDGER_TABLE_NAME", environ))
