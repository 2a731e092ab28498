"""The workflow's state as each task receives it (its whole input, `Payload.$: "$"`): the execution's input,
then each earlier task's result under its own key. Parsed once per task, so a task reads typed fields."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict

# The errors whose messages are written for the owner (the providers' refusals, a step not ready): the
# reason of a failure quotes them; any other error's message may be an internal detail and is not shown.
READABLE_ERRORS = frozenset(
    {
        "ProviderError",
        "ProviderRateLimited",
        "ProviderUnavailable",
        "ProviderRejected",
        "ProviderNotFound",
        "NoNumberAvailable",
        "NotReadyToDeploy",
    }
)
TIMEOUTS = frozenset({"States.Timeout", "Sandbox.Timedout"})


class Stage(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class PromptResult(Stage):
    system_prompt: str
    first_message: str
    language: str
    voice_id: str
    country: str


class AgentResult(Stage):
    agent_id: str


class NumberResult(Stage):
    sid: str
    phone_number: str


class ImportResult(Stage):
    phone_number_id: str


class CaughtError(Stage):
    """What a Catch puts in the state: the error's name and its cause (for a Lambda error, the JSON of
    errorType, errorMessage and trace)."""

    Error: str
    Cause: str | None = None

    def reason(self) -> str:
        """The failure as the owner reads it: the provider's own refusal, or a plain sentence."""
        if self.Error in READABLE_ERRORS:
            message = _error_message(self.Cause)
            if message:
                return message
        if self.Error in TIMEOUTS:
            return "a step of the deployment took too long; start the deployment again"
        return "the deployment stopped on an internal error; start it again, and tell us if it happens again"


class DeploymentState(Stage):
    onboarding_id: str
    owner_id: str
    attempt: int
    public_api_base_url: str  # where Twilio calls back: the route knows the API's own address
    correlation_id: str | None = None
    prompt: PromptResult | None = None
    agent: AgentResult | None = None
    number: NumberResult | None = None
    imported: ImportResult | None = None
    error: CaughtError | None = None

    @classmethod
    def of(cls, event: dict[str, Any]) -> DeploymentState:
        return cls.model_validate(event)

    def need_prompt(self) -> PromptResult:
        if self.prompt is None:
            raise ValueError("the state has no prompt: BuildPrompt runs first")
        return self.prompt

    def need_agent(self) -> AgentResult:
        if self.agent is None:
            raise ValueError("the state has no agent: CreateAgent runs first")
        return self.agent

    def need_number(self) -> NumberResult:
        if self.number is None:
            raise ValueError("the state has no number: BuyNumber runs first")
        return self.number

    def need_import(self) -> ImportResult:
        if self.imported is None:
            raise ValueError("the state has no imported number: ImportNumber runs first")
        return self.imported


def _error_message(cause: str | None) -> str | None:
    if not cause:
        return None
    try:
        payload = json.loads(cause)
    except ValueError:
        return cause.strip() or None
    message = payload.get("errorMessage") if isinstance(payload, dict) else None
    return message.strip() or None if isinstance(message, str) else None
