"""Call usage's response body (pydantic; only the usage route imports this)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path
from pydantic import BaseModel, Field

from agents.usage_repository import Usage

# agents.schemas.Id, written again: importing that module brings the onboarding's models, website rules and
# phone numbers (~0.2 s of cold start) to a function that reads two items.
Id = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$")]


class UsageView(BaseModel):
    """A business's calls in one month: the completed calls and their minutes, each rounded up as billed."""

    onboarding_id: str
    month: str = Field(examples=["2026-11"])
    minutes: int = Field(ge=0)
    calls: int = Field(ge=0)

    @classmethod
    def of(cls, usage: Usage) -> UsageView:
        return cls(onboarding_id=usage.onboarding_id, month=usage.month, minutes=usage.minutes, calls=usage.calls)
