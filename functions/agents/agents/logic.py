"""The onboarding's rules, on plain records: who may see an onboarding, the order of its steps and what is
missing next, and the owner's confirmed facts.

The steps: the business (drafted, then confirmed by its owner); the knowledge base (documents uploaded once
the business is confirmed; done when the processor's merged result is ready); the voice (next issue;
independent of the knowledge base); the deployment (needs the confirmed business, a ready knowledge base
and a voice); the payment (after the deployment)."""

from __future__ import annotations

from collections.abc import Mapping

from agents.models import (
    Business,
    DeploymentStatus,
    DocumentStatus,
    KnowledgeBaseStatus,
    Onboarding,
    OnboardingRecord,
    Step,
    StepState,
    StepStatus,
)
from agents.phones import to_e164
from colmena.errors import Conflict, InvalidInput, NotFound

# What each step needs done before it can be taken.
REQUIRES: Mapping[Step, tuple[Step, ...]] = {
    Step.BUSINESS: (),
    Step.VOICE: (),
    Step.KNOWLEDGE_BASE: (Step.BUSINESS,),
    Step.DEPLOYMENT: (Step.BUSINESS, Step.VOICE, Step.KNOWLEDGE_BASE),
    Step.PAYMENT: (Step.DEPLOYMENT,),
}
ORDER = (Step.BUSINESS, Step.VOICE, Step.KNOWLEDGE_BASE, Step.DEPLOYMENT, Step.PAYMENT)


class StepOutOfOrder(Conflict):
    """A step taken before the steps it needs: 409, naming them."""

    code = "step_out_of_order"

    def __init__(self, step: Step, missing: tuple[Step, ...]) -> None:
        names = ", ".join(str(name) for name in missing)
        super().__init__(f"{step} cannot be taken yet: first {names}")
        self.step = step
        self.missing = missing


def owned(record: OnboardingRecord | None, caller_id: str, onboarding_id: str) -> OnboardingRecord:
    """The record, if the caller created it; NotFound otherwise, the same answer as for one that does not
    exist, so nobody learns which ids are taken."""
    if record is None or record.onboarding.owner_id != caller_id:
        raise NotFound(f"no onboarding {onboarding_id}")
    return record


def state_of(record: OnboardingRecord, step: Step) -> StepState:
    onboarding = record.onboarding
    if step is Step.BUSINESS:
        return StepState.DONE if onboarding.business is not None else StepState.IN_PROGRESS
    if step is Step.VOICE:
        return StepState.DONE if onboarding.voice_id else StepState.NOT_STARTED
    if step is Step.KNOWLEDGE_BASE:
        return _knowledge_base_state(record)
    if step is Step.DEPLOYMENT:
        return _deployment_state(record)
    return StepState.DONE if onboarding.paid_at else StepState.NOT_STARTED


def _knowledge_base_state(record: OnboardingRecord) -> StepState:
    """Ready once the processor's merged knowledge base says so; failed when its last verdict was a failure
    and no document is still on its way; in progress while documents are asked for or processed."""
    merged = record.knowledge_base
    pending = any(
        document.status in (DocumentStatus.AWAITING_UPLOAD, DocumentStatus.PROCESSING) for document in record.documents
    )
    if merged is not None and merged.status is KnowledgeBaseStatus.READY:
        return StepState.DONE
    if merged is not None and merged.status is KnowledgeBaseStatus.FAILED and not pending:
        return StepState.FAILED
    if record.documents:
        return StepState.IN_PROGRESS
    return StepState.NOT_STARTED


def _deployment_state(record: OnboardingRecord) -> StepState:
    if record.onboarding.deployed_at:
        return StepState.DONE
    deployment = record.deployment
    if deployment is None:
        return StepState.NOT_STARTED
    return StepState.FAILED if deployment.status is DeploymentStatus.FAILED else StepState.IN_PROGRESS


def missing_for(record: OnboardingRecord, step: Step) -> tuple[Step, ...]:
    return tuple(required for required in REQUIRES[step] if state_of(record, required) is not StepState.DONE)


def steps(record: OnboardingRecord) -> list[StepStatus]:
    return [StepStatus(step, state_of(record, step), missing_for(record, step)) for step in ORDER]


def missing_next(record: OnboardingRecord) -> list[Step]:
    """The steps not done yet that can be taken now, in order: what the owner should do next."""
    return [status.step for status in steps(record) if status.state is not StepState.DONE and not status.missing]


def require_step(record: OnboardingRecord, step: Step) -> None:
    """StepOutOfOrder (409) unless every step `step` needs is done."""
    missing = missing_for(record, step)
    if missing:
        raise StepOutOfOrder(step, missing)


def confirmed_business(
    onboarding: Onboarding,
    *,
    name: str,
    description: str | None,
    phones: list[str],
    address: str | None,
    opening_hours: list[str],
    services: list[str],
) -> Business:
    """The owner's corrected facts as stored: text trimmed, empty entries dropped, each phone in E.164 for
    the onboarding's country (InvalidInput naming `phones[i]` for one that is not a valid number there)."""
    numbers: list[str] = []
    for index, phone in enumerate(phones):
        number = to_e164(phone, onboarding.country)
        if number is None:
            raise InvalidInput(
                f"{phone!r} is not a valid phone number in {onboarding.country} (national or E.164)",
                field=f"phones[{index}]",
            )
        if number not in numbers:
            numbers.append(number)
    return Business(
        name=name.strip(),
        description=_text(description),
        phones=tuple(numbers),
        address=_text(address),
        opening_hours=_entries(opening_hours),
        services=_entries(services),
    )


def _text(value: str | None) -> str | None:
    return value.strip() or None if value is not None else None


def _entries(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(value.strip() for value in values if value.strip()))
