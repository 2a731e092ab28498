"""DeploymentCreateAgentFunction: the conversational agent at ElevenLabs, created once per onboarding."""

from __future__ import annotations

from typing import Any

from agents.deployment import steps
from agents.deployment.prompt import Prompt
from agents.deployment.state import DeploymentState
from agents.deployment.wiring import DeploymentTask

task = DeploymentTask.from_env(elevenlabs=True)


def create_agent(state: DeploymentState) -> dict[str, Any]:
    prompt = Prompt(**state.need_prompt().model_dump())
    return {"agent_id": steps.create_agent(task.elevenlabs(), state.onboarding_id, prompt)}


lambda_handler = task.handler(create_agent)
