"""The workflow's state as a task reads it, and the failure reason the owner reads: a provider's own refusal
as it said it, never an internal error's detail."""

from __future__ import annotations

import json

import pytest

from agents.deployment.state import CaughtError, DeploymentState


def lambda_error(error_type: str, message: str) -> CaughtError:
    cause = json.dumps({"errorType": error_type, "errorMessage": message, "trace": ["File ..."]})
    return CaughtError(Error=error_type, Cause=cause)


@pytest.mark.parametrize("name", ["NoNumberAvailable", "ProviderRejected", "ProviderRateLimited", "NotReadyToDeploy"])
def test_a_providers_refusal_or_a_missing_step_is_the_reason_as_written(name: str) -> None:
    assert lambda_error(name, "Twilio has no local number in ES").reason() == "Twilio has no local number in ES"


def test_an_internal_errors_message_is_not_shown_to_the_owner() -> None:
    reason = lambda_error("KeyError", "'agent_id' at /var/task/agents/...").reason()

    assert "agent_id" not in reason
    assert reason.startswith("the deployment stopped on an internal error")


def test_a_step_that_timed_out_says_so() -> None:
    assert CaughtError(Error="States.Timeout").reason().startswith("a step of the deployment took too long")


def test_a_cause_that_is_not_json_is_read_as_text() -> None:
    assert CaughtError(Error="ProviderRejected", Cause="the agent's voice does not exist").reason() == (
        "the agent's voice does not exist"
    )


def test_the_state_reads_each_earlier_tasks_result_and_ignores_what_it_does_not_know() -> None:
    state = DeploymentState.of(
        {
            "onboarding_id": "o-1",
            "owner_id": "u-1",
            "attempt": 2,
            "public_api_base_url": "http://127.0.0.1:3000",
            "correlation_id": "c-1",
            "agent": {"agent_id": "agent_1"},
            "compensated": {"removed": {}},
        }
    )

    assert (state.attempt, state.need_agent().agent_id, state.number) == (2, "agent_1", None)
    with pytest.raises(ValueError, match="BuyNumber runs first"):
        state.need_number()
