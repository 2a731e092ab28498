"""Starting the deployment once. The route claims the next attempt with a conditional write, then starts
the workflow under a name made of the onboarding and the attempt (`<onboarding_id>-<attempt>`): two requests
at once get one claim, and a retried request, or one after a crash between the claim and the start, can only
start that same execution, which Step Functions refuses to start twice."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Protocol

from agents import logic
from agents.deployment.repository import DeploymentRepository
from agents.models import Deployment, DeploymentStatus, Onboarding, OnboardingRecord, Step

# An execution's status, as DescribeExecution says it; None for one that was never started.
ENDED_WITHOUT_GOING_LIVE = frozenset({"FAILED", "TIMED_OUT", "ABORTED"})


class Workflow(Protocol):
    def execution_arn(self, name: str) -> str: ...
    def start(self, name: str, payload: str) -> None:
        """Starts the execution; one of that name that exists already is not an error."""

    def status(self, execution_arn: str) -> str | None: ...


@dataclass(frozen=True)
class Started:
    deployment: Deployment
    execution_name: str
    execution_status: str


def execution_name(onboarding_id: str, attempt: int) -> str:
    return f"{onboarding_id}-{attempt}"


def execution_input(onboarding_id: str, owner_id: str, deployment: Deployment, base_url: str) -> str:
    """The execution's input, from the stored attempt and the API's address, so a request that starts it again
    sends the same."""
    return json.dumps(
        {
            "onboarding_id": onboarding_id,
            "owner_id": owner_id,
            "attempt": deployment.attempt,
            "public_api_base_url": base_url,
            "correlation_id": deployment.correlation_id,
        },
        separators=(",", ":"),
    )


def deploy(
    record: OnboardingRecord,
    repository: DeploymentRepository,
    workflow: Workflow,
    correlation_id: str | None,
    now: str,
    base_url: str,
) -> Started:
    """The deployment, started if none runs or went live; StepOutOfOrder while a step it needs is not done."""
    logic.require_step(record, Step.DEPLOYMENT)
    onboarding = record.onboarding
    current = record.deployment
    if current is not None and current.status is not DeploymentStatus.FAILED:
        status = workflow.status(current.execution_arn)
        if current.status is DeploymentStatus.DEPLOYED or status not in ENDED_WITHOUT_GOING_LIVE:
            return _started(onboarding, current, workflow, status, base_url)
        # Running by the table, but its execution ended without marking it: a new attempt may start.
    next_attempt = (current.attempt if current else 0) + 1
    claim = repository.claim(
        onboarding.onboarding_id,
        previous=current,
        execution_arn=workflow.execution_arn(execution_name(onboarding.onboarding_id, next_attempt)),
        correlation_id=correlation_id,
        now=now,
    )
    status = None if claim.won else workflow.status(claim.deployment.execution_arn)
    return _started(onboarding, claim.deployment, workflow, status, base_url)


def _started(
    onboarding: Onboarding, deployment: Deployment, workflow: Workflow, status: str | None, base_url: str
) -> Started:
    name = execution_name(onboarding.onboarding_id, deployment.attempt)
    if status is None and deployment.status is DeploymentStatus.RUNNING:
        # Claimed, and never started (this request's claim, or one whose request stopped in between).
        workflow.start(name, execution_input(onboarding.onboarding_id, onboarding.owner_id, deployment, base_url))
        status = workflow.status(deployment.execution_arn)
    return Started(deployment=deployment, execution_name=name, execution_status=status or "RUNNING")
