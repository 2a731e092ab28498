"""DeploymentImportNumberFunction: the bought number imported into ElevenLabs (once) and assigned to the
agent, so the agent answers its calls."""

from __future__ import annotations

from typing import Any

from agents.deployment import steps
from agents.deployment.state import DeploymentState
from agents.deployment.wiring import DeploymentTask

task = DeploymentTask.from_env(elevenlabs=True, twilio=True)


def import_number(state: DeploymentState) -> dict[str, Any]:
    credentials = task.twilio_credentials()
    phone_number_id = steps.import_number(
        task.elevenlabs(),
        state.onboarding_id,
        state.need_number().phone_number,
        state.need_agent().agent_id,
        account_sid=credentials.account_sid,
        auth_token=credentials.auth_token,
    )
    return {"phone_number_id": phone_number_id}


lambda_handler = task.handler(import_number)
