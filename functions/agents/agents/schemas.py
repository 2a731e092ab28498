"""The Agents API's request and response bodies (pydantic; only the REST handlers import this)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler.openapi.params import Path
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from agents.deployment.starter import Started
from agents.logic import missing_next, steps
from agents.models import Business, Deployment, Document, OnboardingRecord, Step, StepState
from agents.phones import supported_country
from agents.uploads import MAX_UPLOAD_BYTES, PresignedPost
from agents.website import MAX_URL_CHARS

Id = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$")]


def _country(value: str) -> str:
    code = value.upper()
    if not supported_country(code):
        raise ValueError(f"{value!r} is not an ISO 3166 alpha-2 country code")
    return code


def _no_control_characters(value: str) -> str:
    if any(ord(character) < 32 or ord(character) == 127 for character in value):
        raise ValueError("must not hold control characters")
    return value


def _no_control_characters_if_any(value: str | None) -> str | None:
    return None if value is None else _no_control_characters(value)


Country = Annotated[
    str, Field(min_length=2, max_length=2, pattern=r"^[A-Za-z]{2}$", examples=["ES"]), AfterValidator(_country)
]
Line = Annotated[str, Field(max_length=200), AfterValidator(_no_control_characters)]
# agents.uploads' PDF, DOCX and TEXT, spelled out: a Literal takes only literal values.
ContentType = Literal[
    "application/pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "text/plain"
]
Phone = Annotated[str, Field(min_length=1, max_length=40, examples=["954 12 34 56", "+34954123456"])]


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class BusinessInfo(Request):
    website_url: str | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_URL_CHARS,
        description="The business's own website: http or https, on the default port. Without it the draft is empty.",
        examples=["https://panaderia-la-espiga.example/"],
    )
    country: Country


class ConfirmedBusiness(Request):
    name: Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_no_control_characters)]
    description: Annotated[str | None, Field(max_length=1000)] = None
    phones: Annotated[list[Phone], Field(max_length=5)] = []
    address: Annotated[str | None, Field(max_length=300), AfterValidator(_no_control_characters_if_any)] = None
    opening_hours: Annotated[list[Line], Field(max_length=14)] = []
    services: Annotated[list[Line], Field(max_length=30)] = []


class UploadRequest(Request):
    file_name: Annotated[
        str, Field(min_length=1, max_length=255, examples=["carta.pdf"]), AfterValidator(_no_control_characters)
    ]
    content_type: ContentType = Field(description="PDF, DOCX or plain text")
    size: int = Field(ge=1, le=MAX_UPLOAD_BYTES, description=f"In bytes; at most {MAX_UPLOAD_BYTES} (20 MB)")


class BusinessView(BaseModel):
    name: str | None
    description: str | None
    phones: list[str] = Field(description="E.164")
    address: str | None
    opening_hours: list[str]
    services: list[str]

    @classmethod
    def of(cls, business: Business) -> BusinessView:
        return cls(**business.as_item())


class Drafted(BaseModel):
    onboarding_id: str
    country: str
    website_url: str | None
    draft: BusinessView


class StepView(BaseModel):
    state: StepState
    missing: list[Step] = Field(description="The steps this one needs that are not done yet")


class Steps(BaseModel):
    business: StepView
    voice: StepView
    knowledge_base: StepView
    deployment: StepView
    payment: StepView


class DeploymentView(BaseModel):
    status: Literal["running", "deployed", "failed"]
    attempt: int = Field(description="1 for the first deployment; each start after a failure adds one")
    reason: str | None = Field(description="Why the deployment failed, for a person to read")
    agent_id: str | None = Field(description="The ElevenLabs agent, once live")
    phone_number: str | None = Field(description="The number the agent answers (E.164), once live")
    started_at: str
    updated_at: str

    @classmethod
    def of(cls, deployment: Deployment) -> DeploymentView:
        return cls(
            status=deployment.status.value,
            attempt=deployment.attempt,
            reason=deployment.reason,
            agent_id=deployment.agent_id,
            phone_number=deployment.phone_number,
            started_at=deployment.started_at,
            updated_at=deployment.updated_at,
        )


class ExecutionView(BaseModel):
    name: str = Field(description="`<onboarding_id>-<attempt>`: one execution per attempt")
    status: Literal["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE"]


class DeploymentStarted(BaseModel):
    onboarding_id: str
    execution: ExecutionView
    deployment: DeploymentView

    @classmethod
    def of(cls, onboarding_id: str, started: Started) -> DeploymentStarted:
        return cls(
            onboarding_id=onboarding_id,
            execution=ExecutionView(name=started.execution_name, status=started.execution_status),  # type: ignore[arg-type]
            deployment=DeploymentView.of(started.deployment),
        )


class OnboardingView(BaseModel):
    onboarding_id: str
    country: str
    website_url: str | None
    draft: BusinessView
    business: BusinessView | None = Field(description="The facts as the owner confirmed them")
    steps: Steps
    missing_next: list[Step] = Field(description="The steps not done yet that can be taken now, in order")
    deployment: DeploymentView | None = Field(default=None, description="The agent's deployment, once started")
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, record: OnboardingRecord) -> OnboardingView:
        onboarding = record.onboarding
        return cls(
            onboarding_id=onboarding.onboarding_id,
            country=onboarding.country,
            website_url=onboarding.website_url,
            draft=BusinessView.of(onboarding.draft),
            business=BusinessView.of(onboarding.business) if onboarding.business else None,
            steps=Steps(
                **{
                    str(status.step): StepView(state=status.state, missing=list(status.missing))
                    for status in steps(record)
                }
            ),
            missing_next=missing_next(record),
            deployment=DeploymentView.of(record.deployment) if record.deployment else None,
            created_at=onboarding.created_at,
            updated_at=onboarding.updated_at,
        )


class UploadView(BaseModel):
    document_id: str
    url: str = Field(description="POST the form here: the fields first, the file last, as `file`")
    fields: dict[str, str]
    expires_at: str

    @classmethod
    def of(cls, document_id: str, post: PresignedPost) -> UploadView:
        return cls(document_id=document_id, url=post.url, fields=post.fields, expires_at=post.expires_at)


class DocumentView(BaseModel):
    document_id: str
    file_name: str
    content_type: str
    size: int
    status: Literal["awaiting_upload", "processing", "ready", "failed"]
    reason: str | None = Field(description="Why the document failed, for a person to read")
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, document: Document) -> DocumentView:
        return cls(
            document_id=document.document_id,
            file_name=document.file_name,
            content_type=document.content_type,
            size=document.size,
            status=document.status.value,
            reason=document.reason,
            created_at=document.created_at,
            updated_at=document.updated_at,
        )


class KnowledgeBaseView(BaseModel):
    onboarding_id: str
    state: StepState
    documents: list[DocumentView]
    knowledge_base: dict[str, Any] | None = Field(description="The merged knowledge base, once ready")
    structurer: Literal["bedrock", "local"] | None = Field(description="Which structurer built it")
    reason: str | None = Field(description="Why the knowledge base failed, when it did")
    updated_at: str | None

    @classmethod
    def of(cls, record: OnboardingRecord, state: StepState) -> KnowledgeBaseView:
        merged = record.knowledge_base
        ready = merged is not None and state is StepState.DONE
        return cls(
            onboarding_id=record.onboarding.onboarding_id,
            state=state,
            documents=[DocumentView.of(document) for document in record.documents],
            knowledge_base=merged.knowledge_base if ready and merged else None,
            structurer=merged.structurer if merged and merged.structurer in ("bedrock", "local") else None,  # type: ignore[arg-type]
            reason=merged.reason if merged else None,
            updated_at=merged.updated_at if merged else None,
        )
