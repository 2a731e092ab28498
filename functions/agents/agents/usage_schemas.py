"""Call usage's response body (pydantic; only the usage route imports this)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from agents.usage_repository import Usage


class UsageView(BaseModel):
    """A business's calls in one month: the completed calls and their minutes, each rounded up as billed."""

    onboarding_id: str
    month: str = Field(examples=["2026-11"])
    minutes: int = Field(ge=0)
    calls: int = Field(ge=0)

    @classmethod
    def of(cls, usage: Usage) -> UsageView:
        return cls(onboarding_id=usage.onboarding_id, month=usage.month, minutes=usage.minutes, calls=usage.calls)
