"""DeploymentBuyNumberFunction: a local Twilio number in the business's country, bought once per onboarding,
its calls reporting their status to the API's call-status webhook (under the public base URL the route put in
the execution's input)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from agents.deployment import steps
from agents.deployment.state import DeploymentState
from agents.deployment.wiring import DeploymentTask

task = DeploymentTask.from_env(twilio=True)


def buy_number(state: DeploymentState) -> dict[str, Any]:
    country = state.need_prompt().country
    return asdict(steps.buy_number(task.twilio(), state.onboarding_id, country, state.public_api_base_url))


lambda_handler = task.handler(buy_number)
