"""The Agents context's settings, read once from the environment at cold start (see colmena.settings)."""

from __future__ import annotations

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
