"""The deployment's two endings: live (one transaction, then `agent.deployed`) or failed with the reason
(then `agent.deployment_failed`). Each is safe to run again: the event's id is made of the onboarding and the
attempt, so a retried task publishes the same event, and the store changes once."""

from __future__ import annotations

from agents.deployment.repository import DeploymentRepository, Live
from agents.events import AGENT_DEPLOYED, AGENT_DEPLOYMENT_FAILED
from agents.models import DeploymentStatus
from colmena.events import DomainEvent, EventPublisher, deterministic_event_id


def deployed(
    repository: DeploymentRepository,
    publisher: EventPublisher,
    onboarding_id: str,
    owner_id: str,
    attempt: int,
    live: Live,
    now: str,
) -> bool:
    """Marks the attempt deployed and publishes it; True when this call was the one that marked it."""
    marked = repository.mark_deployed(onboarding_id, attempt, live, now)
    publisher.publish(
        DomainEvent(
            event_type=AGENT_DEPLOYED,
            event_id=deterministic_event_id(AGENT_DEPLOYED, onboarding_id, str(attempt)),
            occurred_at=now,
            data={
                "onboarding_id": onboarding_id,
                "owner_id": owner_id,
                "agent_id": live.agent_id,
                "phone_number": live.phone_number,
            },
        )
    )
    return marked


def failed(
    repository: DeploymentRepository,
    publisher: EventPublisher,
    onboarding_id: str,
    owner_id: str,
    attempt: int,
    reason: str,
    now: str,
) -> bool:
    """Marks the attempt failed with the reason and publishes it; True when this call was the one that
    marked it. An attempt that went live, or is no longer the current one, is left alone and not published."""
    marked = repository.mark_failed(onboarding_id, attempt, reason, now)
    current = repository.deployment(onboarding_id)
    if current is None or current.attempt != attempt or current.status is not DeploymentStatus.FAILED:
        return False
    publisher.publish(
        DomainEvent(
            event_type=AGENT_DEPLOYMENT_FAILED,
            event_id=deterministic_event_id(AGENT_DEPLOYMENT_FAILED, onboarding_id, str(attempt)),
            occurred_at=now,
            data={"onboarding_id": onboarding_id, "owner_id": owner_id, "reason": current.reason or reason},
        )
    )
    return marked
