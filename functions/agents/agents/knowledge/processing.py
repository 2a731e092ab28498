"""One uploaded object, from its S3 record to a ready or failed document and the onboarding's merged knowledge
base: claimed by its ETag (so a re-delivery does nothing twice), read within the byte cap, extracted, structured,
stored, merged with the onboarding's other ready documents, and announced on the bus. A document that cannot be
read ends failed with its reason; only a failure of AWS itself is raised, for Lambda to retry the event."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

from agents.events import KNOWLEDGE_BASE_FAILED, KNOWLEDGE_BASE_READY
from agents.keys import UploadKey, parse_upload_key
from agents.knowledge.extract import Extraction, extract
from agents.knowledge.failures import DocumentRejected, FailureKind
from agents.knowledge.limits import Budget, Limits
from agents.knowledge.models import KnowledgeBase, Structured, Structurer, merged
from agents.knowledge_repository import Claim, KnowledgeRepository
from colmena.clock import utc_now
from colmena.errors import Busy
from colmena.events import DomainEvent, EventPublisher, deterministic_event_id

if TYPE_CHECKING:
    from aws_lambda_powertools import Logger

# What the merged knowledge base may take of its DynamoDB item (400 KB in all, with its keys and attributes).
MAX_STORED_BYTES = 350_000
MERGE_ATTEMPTS = 5


@dataclass(frozen=True)
class Upload:
    """One S3 ObjectCreated record: the object's key already URL-decoded."""

    bucket: str
    key: str
    etag: str
    size: int


class Outcome(StrEnum):
    READY = "ready"
    FAILED = "failed"
    SKIPPED = "skipped"


class ObjectReader(Protocol):
    def __call__(self, bucket: str, key: str, etag: str, max_bytes: int) -> bytes | None:
        """The object's bytes (at most max_bytes + 1 of them), or None when the object is no longer the one with
        this ETag (overwritten or deleted since: the newer upload's own event follows)."""


@dataclass
class DocumentProcessor:
    repository: KnowledgeRepository
    read_object: ObjectReader
    structure: Callable[[Extraction, str], Structured]
    publisher: EventPublisher
    logger: Logger
    limits: Limits = field(default_factory=Limits)
    clock: Callable[[], str] = utc_now

    def process(self, upload: Upload) -> Outcome:
        key = parse_upload_key(upload.key)
        if key is None:
            self.logger.warning("not an upload's key; ignored", extra={"key": upload.key})
            return Outcome.SKIPPED
        claimed = self.repository.claim(key.onboarding_id, key.document_id, upload.etag, self.clock())
        if claimed.claim is not Claim.CLAIMED:
            self.logger.info("nothing to do", extra={"key": upload.key, "claim": claimed.claim.value})
            if claimed.document is not None:
                self._announce_again(key, upload.etag, claimed.document)
            return Outcome.SKIPPED
        try:
            data = self._read(upload)
            if data is None:
                return Outcome.SKIPPED
            extraction = extract(data, self.limits, Budget(self.limits))
        except DocumentRejected as rejected:
            return self._failed(key, upload.etag, rejected)
        structured = self.structure(extraction, key.document_id)
        finished = self.clock()
        stored = self.repository.mark_ready(
            key.onboarding_id, key.document_id, upload.etag, structured.knowledge_base,
            structured.structurer.value, structured.notes, len(extraction.pages), finished,
        )  # fmt: skip
        if not stored:
            return Outcome.SKIPPED
        self._merge(key.onboarding_id)
        self._publish(KNOWLEDGE_BASE_READY, key, upload.etag, {
            "structurer": structured.structurer.value, "notes": structured.notes, "pages": len(extraction.pages),
        }, finished)  # fmt: skip
        return Outcome.READY

    def _announce_again(self, key: UploadKey, etag: str, document: dict[str, Any]) -> None:
        """A re-delivery of a processed object publishes its event again, with the same id: the first delivery
        may have stored its verdict and then failed to publish it (publishing is at least once)."""
        if document.get("status") == "ready":
            self._publish(KNOWLEDGE_BASE_READY, key, etag, {
                "structurer": document.get("structurer"), "notes": document.get("notes", []),
                "pages": int(document.get("pages", 0)),
            }, document.get("processed_at"))  # fmt: skip
        elif document.get("status") == "failed":
            data: dict[str, object] = {"failure": document.get("failure"), "reason": document.get("reason")}
            self._publish(KNOWLEDGE_BASE_FAILED, key, etag, data, document.get("processed_at"))

    def _read(self, upload: Upload) -> bytes | None:
        if upload.size > self.limits.max_bytes:
            raise DocumentRejected(
                FailureKind.TOO_LARGE,
                f"the file is {upload.size / 1024 / 1024:.1f} MB; at most {self.limits.max_bytes // 1024 // 1024} MB",
            )
        return self.read_object(upload.bucket, upload.key, upload.etag, self.limits.max_bytes)

    def _failed(self, key: UploadKey, etag: str, rejected: DocumentRejected) -> Outcome:
        self.logger.info("document refused", extra={"failure": rejected.kind.value, "reason": rejected.message})
        finished = self.clock()
        stored = self.repository.mark_failed(
            key.onboarding_id, key.document_id, etag, rejected.kind.value, rejected.message, finished
        )
        if not stored:
            return Outcome.SKIPPED
        self._merge(key.onboarding_id, rejected.message)
        data: dict[str, object] = {"failure": rejected.kind.value, "reason": rejected.message}
        self._publish(KNOWLEDGE_BASE_FAILED, key, etag, data, finished)
        return Outcome.FAILED

    def _merge(self, onboarding_id: str, failure: str | None = None) -> list[str]:
        """The onboarding's merged knowledge base rewritten from its ready documents, read afresh until the write
        is not overtaken by another document's finishing at the same moment. With no ready document it is failed,
        with the reason the last document gave (`failure`)."""
        for _ in range(MERGE_ATTEMPTS):
            documents = self.repository.documents(onboarding_id)
            knowledge, notes = fitted(merged(document.knowledge_base for document in documents.ready))
            structurers = {document.structurer for document in documents.ready}
            structurer = Structurer.BEDROCK if structurers == {Structurer.BEDROCK.value} else Structurer.LOCAL
            document_ids = [document.document_id for document in documents.ready]
            if self.repository.save_knowledge_base(
                onboarding_id, knowledge, structurer.value, document_ids, notes, documents.knowledge_base_version,
                self.clock(), failure,
            ):  # fmt: skip
                return document_ids
        raise Busy(f"the knowledge base of onboarding {onboarding_id} kept changing while it was merged")

    def _publish(
        self, event_type: str, key: UploadKey, etag: str, data: dict[str, object], at: str | None = None
    ) -> None:
        event_id = deterministic_event_id(event_type, key.onboarding_id, key.document_id, etag)
        detail = {"onboarding_id": key.onboarding_id, "document_id": key.document_id, **data}
        self.publisher.publish(DomainEvent(event_type, event_id, at or self.clock(), detail))


def fitted(knowledge: KnowledgeBase) -> tuple[KnowledgeBase, list[str]]:
    """The knowledge base within what its item can hold: free-text sections are the first to go, from the last."""
    sections = list(knowledge.sections)
    dropped = 0
    while sections and len(knowledge.model_dump_json()) > MAX_STORED_BYTES:
        drop = max(1, len(sections) // 10)
        sections, dropped = sections[:-drop], dropped + drop
        knowledge = knowledge.model_copy(update={"sections": sections})
    if not dropped:
        return knowledge, []
    return knowledge, [f"{dropped} free-text sections were left out: the knowledge base is kept under 350 KB"]
