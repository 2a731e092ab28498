"""The Agents context's settings, read once from the environment at cold start (see colmena.settings)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from colmena.settings import require


@dataclass(frozen=True)
class AgentsSettings:
    """What every Agents function reads: the context's table."""

    table_name: str

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> AgentsSettings:
        return cls(table_name=require("AGENTS_TABLE_NAME", environ))


@dataclass(frozen=True)
class KnowledgeBaseBucketSettings:
    """The bucket a business's documents are uploaded to, under `knowledge-base/<onboarding_id>/`."""

    bucket_name: str

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> KnowledgeBaseBucketSettings:
        return cls(bucket_name=require("KNOWLEDGE_BASE_BUCKET_NAME", environ))


# Local only: `make run` and the tests set it, the template never does (a test checks), so on AWS no
# loopback address is ever fetched.
LOOPBACK_PORTS = "AGENTS_WEBSITE_LOOPBACK_PORTS"


@dataclass(frozen=True)
class WebsiteSettings:
    """The loopback ports the website fetch may reach over http, for the local stack's sample sites: empty
    unless AGENTS_WEBSITE_LOOPBACK_PORTS names them ("8101,8102")."""

    loopback_ports: frozenset[int] = frozenset()

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> WebsiteSettings:
        text = (os.environ if environ is None else environ).get(LOOPBACK_PORTS, "").strip()
        ports = [part.strip() for part in text.split(",") if part.strip()]
        if not all(part.isdigit() and 0 < int(part) < 65536 for part in ports):
            raise ValueError(f"{LOOPBACK_PORTS} must list port numbers separated by commas, not {text!r}")
        return cls(loopback_ports=frozenset(int(part) for part in ports))
