"""DeploymentMarkDeployedFunction: the onboarding deployed with its agent and number, in one transaction, and
`agent.deployed` published."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit

from agents.deployment import outcome
from agents.deployment.repository import Live
from agents.deployment.state import DeploymentState
from agents.deployment.wiring import DeploymentTask
from colmena.clock import utc_now

task = DeploymentTask.from_env()


def mark_deployed(state: DeploymentState) -> dict[str, Any]:
    number = state.need_number()
    live = Live(
        agent_id=state.need_agent().agent_id,
        phone_number=number.phone_number,
        phone_number_sid=number.sid,
        elevenlabs_phone_number_id=state.need_import().phone_number_id,
    )
    now = utc_now()
    marked = outcome.deployed(
        task.repository, task.function.publisher, state.onboarding_id, state.owner_id, state.attempt, live, now
    )
    if marked:
        task.function.metrics.add_metric(name="AgentDeployed", unit=MetricUnit.Count, value=1)
    return {"deployed_at": now}


lambda_handler = task.handler(mark_deployed)
