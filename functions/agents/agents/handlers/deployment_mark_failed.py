"""DeploymentMarkFailedFunction: the attempt marked failed with a reason the owner can read (the provider's
own refusal), and `agent.deployment_failed` published."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit

from agents.deployment import outcome
from agents.deployment.state import CaughtError, DeploymentState
from agents.deployment.wiring import DeploymentTask
from colmena.clock import utc_now

task = DeploymentTask.from_env()


def mark_failed(state: DeploymentState) -> dict[str, Any]:
    reason = (state.error or CaughtError(Error="States.Runtime")).reason()
    marked = outcome.failed(
        task.repository, task.function.publisher, state.onboarding_id, state.owner_id, state.attempt, reason, utc_now()
    )
    if marked:
        task.function.metrics.add_metric(name="AgentDeploymentFailed", unit=MetricUnit.Count, value=1)
    return {"reason": reason}


lambda_handler = task.handler(mark_failed)
