"""The Agents context's records, as plain data: what the repository stores and reads and the logic decides on."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


@dataclass(frozen=True)
class Business:
    """A business's facts: drafted from its website, then as its owner confirmed them. Phones in E.164."""

    name: str | None = None
    description: str | None = None
    phones: tuple[str, ...] = ()
    address: str | None = None
    opening_hours: tuple[str, ...] = ()
    services: tuple[str, ...] = ()

    def as_item(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "phones": list(self.phones),
            "address": self.address,
            "opening_hours": list(self.opening_hours),
            "services": list(self.services),
        }

    @classmethod
    def of_item(cls, item: dict[str, Any]) -> Business:
        return cls(
            name=item.get("name"),
            description=item.get("description"),
            phones=tuple(item.get("phones") or ()),
            address=item.get("address"),
            opening_hours=tuple(item.get("opening_hours") or ()),
            services=tuple(item.get("services") or ()),
        )


class DocumentStatus(StrEnum):
    AWAITING_UPLOAD = "awaiting_upload"  # the upload route gave out a presigned POST
    PROCESSING = "processing"  # the processor has the object
    READY = "ready"
    FAILED = "failed"


class KnowledgeBaseStatus(StrEnum):
    READY = "ready"
    FAILED = "failed"


class StepState(StrEnum):
    DONE = "done"
    IN_PROGRESS = "in_progress"
    FAILED = "failed"
    NOT_STARTED = "not_started"


class Step(StrEnum):
    """The onboarding's steps, in the order a business meets them."""

    BUSINESS = "business"
    VOICE = "voice"
    KNOWLEDGE_BASE = "knowledge_base"
    DEPLOYMENT = "deployment"
    PAYMENT = "payment"


@dataclass(frozen=True)
class Onboarding:
    onboarding_id: str
    owner_id: str
    country: str
    website_url: str | None
    draft: Business
    business: Business | None  # once the owner confirmed it
    created_at: str
    updated_at: str
    voice_id: str | None = None  # the next issue's step; read here so the state is right once it exists
    deployed_at: str | None = None
    paid_at: str | None = None


@dataclass(frozen=True)
class Document:
    document_id: str
    file_name: str
    content_type: str
    size: int
    s3_key: str
    status: DocumentStatus
    created_at: str
    updated_at: str
    reason: str | None = None


@dataclass(frozen=True)
class KnowledgeBase:
    """The processor's merged result (written by it alone): the knowledge base as it dumped it."""

    status: KnowledgeBaseStatus
    knowledge_base: dict[str, Any] | None
    structurer: str | None
    document_ids: tuple[str, ...]
    updated_at: str
    reason: str | None = None


class DeploymentStatus(StrEnum):
    RUNNING = "running"
    DEPLOYED = "deployed"
    FAILED = "failed"


@dataclass(frozen=True)
class Deployment:
    """The agent's deployment (agents.deployment): one workflow execution per attempt, its outcome, and what
    went live."""

    status: DeploymentStatus
    attempt: int
    execution_arn: str
    started_at: str
    updated_at: str
    correlation_id: str | None = None
    reason: str | None = None
    agent_id: str | None = None
    phone_number: str | None = None
    phone_number_sid: str | None = None
    elevenlabs_phone_number_id: str | None = None


@dataclass(frozen=True)
class OnboardingRecord:
    """Everything one Query of the onboarding's partition reads: the onboarding, its documents, and the
    merged knowledge base once the processor wrote one."""

    onboarding: Onboarding
    documents: tuple[Document, ...] = ()
    knowledge_base: KnowledgeBase | None = None
    deployment: Deployment | None = None


@dataclass(frozen=True)
class StepStatus:
    step: Step
    state: StepState
    missing: tuple[Step, ...] = field(default=())
