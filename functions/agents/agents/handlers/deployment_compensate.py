"""DeploymentCompensateFunction: what a failed deployment created, removed in reverse (the number out of
ElevenLabs, released at Twilio, the agent deleted) and the number's owner item with it. A deployment that
went live is never undone."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from agents.deployment import steps
from agents.deployment.state import DeploymentState
from agents.deployment.wiring import DeploymentTask
from agents.models import DeploymentStatus

task = DeploymentTask.from_env(elevenlabs=True, twilio=True)


def compensate(state: DeploymentState) -> dict[str, Any]:
    current = task.repository.deployment(state.onboarding_id)
    if current is not None and current.status is DeploymentStatus.DEPLOYED:
        task.function.logger.warning(
            "the deployment is live: nothing is undone", extra={"onboarding_id": state.onboarding_id}
        )
        return _answer(steps.Compensated())
    bought = steps.Bought(sid=state.number.sid, phone_number=state.number.phone_number) if state.number else None
    done = steps.compensate(
        task.elevenlabs(),
        task.twilio(),
        state.onboarding_id,
        agent_id=state.agent.agent_id if state.agent else None,
        bought=bought,
    )
    for phone_number in done.phone_numbers:
        task.repository.forget_number(state.onboarding_id, phone_number)
    task.function.logger.info("compensated", extra=_answer(done))
    return _answer(done)


def _answer(done: steps.Compensated) -> dict[str, Any]:
    return {what: list(ids) for what, ids in asdict(done).items()}


lambda_handler = task.handler(compensate)
