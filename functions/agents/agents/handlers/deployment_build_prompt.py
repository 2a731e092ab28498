"""DeploymentBuildPromptFunction: the workflow's first task, the agent's prompt from the confirmed business,
the voice and the ready knowledge base; NotReadyToDeploy (caught, not retried) when one is missing."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from agents.deployment.prompt import NotReadyToDeploy, prompt_for
from agents.deployment.state import DeploymentState
from agents.deployment.wiring import DeploymentTask
from agents.repository import OnboardingRepository

task = DeploymentTask.from_env()
records = OnboardingRepository(task.function.dynamodb, task.function.table_name)


def build_prompt(state: DeploymentState) -> dict[str, Any]:
    record = records.record(state.onboarding_id)
    if record is None:
        raise NotReadyToDeploy(f"the onboarding {state.onboarding_id} does not exist")
    return asdict(prompt_for(record))


lambda_handler = task.handler(build_prompt)
