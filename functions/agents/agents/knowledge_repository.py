"""The knowledge base's items in the Agents table (keys in agents.keys): a document's status as the processor moves
it on, and the merged knowledge base, which only the processor writes.

Every write is conditional, so that a re-delivered S3 event, a retry after a crash or the same object posted twice
changes nothing twice: the work on a document is keyed on the uploaded object's ETag. A document's own knowledge
base is kept on its item compressed (a 300-page document's text would not fit DynamoDB's 400 KB otherwise)."""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from agents.keys import DOCUMENT, KNOWLEDGE_BASE, document_sk, onboarding_pk
from agents.knowledge.models import KnowledgeBase
from agents.models import DocumentStatus, KnowledgeBaseStatus
from colmena.repository import ConditionFailed, DynamoRepository, Item


class Claim(StrEnum):
    """What a delivery of an uploaded object may do with its document."""

    CLAIMED = "claimed"  # process it (first delivery, or a retry of one that did not finish)
    DONE = "done"  # this very object was already processed: nothing to do but announce it again
    UNKNOWN = "unknown"  # no upload route created this document: the object is not one of ours


@dataclass(frozen=True)
class Claimed:
    claim: Claim
    # The document as it is when this object was already processed (DONE).
    document: Item | None = None


@dataclass(frozen=True)
class ProcessedDocument:
    document_id: str
    created_at: str
    structurer: str
    knowledge_base: KnowledgeBase


@dataclass(frozen=True)
class Documents:
    """An onboarding's ready documents in upload order, and the version of its merged knowledge base (0: none)."""

    ready: list[ProcessedDocument]
    knowledge_base_version: int


CLAIM_FIELDS = frozenset({"status", "etag", "processing_started_at", "updated_at"})
FINISH_FIELDS = frozenset(
    {"status", "reason", "failure", "knowledge_base_zlib", "structurer", "notes", "pages", "processed_at", "updated_at"}
)


class KnowledgeRepository(DynamoRepository):
    def claim(self, onboarding_id: str, document_id: str, etag: str, now: str) -> Claimed:
        try:
            self._set_fields(
                onboarding_pk(onboarding_id),
                document_sk(document_id),
                {
                    "status": DocumentStatus.PROCESSING.value,
                    "etag": etag,
                    "processing_started_at": now,
                    "updated_at": now,
                },
                "attribute_exists(pk) AND NOT (#etag = :etag AND #status IN (:ready, :failed))",
                CLAIM_FIELDS,
                ready=DocumentStatus.READY.value,
                failed=DocumentStatus.FAILED.value,
            )
        except ConditionFailed:
            document = self._get(onboarding_pk(onboarding_id), document_sk(document_id))
            return Claimed(Claim.DONE, document) if document else Claimed(Claim.UNKNOWN)
        return Claimed(Claim.CLAIMED)

    def mark_ready(
        self,
        onboarding_id: str,
        document_id: str,
        etag: str,
        knowledge_base: KnowledgeBase,
        structurer: str,
        notes: list[str],
        pages: int,
        now: str,
    ) -> bool:
        compressed = zlib.compress(knowledge_base.model_dump_json().encode(), level=6)
        fields = {
            "status": DocumentStatus.READY.value,
            "knowledge_base_zlib": compressed,
            "structurer": structurer,
            "notes": notes or None,
            "pages": pages,
            "processed_at": now,
            "updated_at": now,
        }
        return self._finish(onboarding_id, document_id, etag, fields)

    def mark_failed(self, onboarding_id: str, document_id: str, etag: str, failure: str, reason: str, now: str) -> bool:
        fields = {"status": DocumentStatus.FAILED.value, "failure": failure, "reason": reason, "processed_at": now,
                  "updated_at": now}  # fmt: skip
        return self._finish(onboarding_id, document_id, etag, fields)

    def _finish(self, onboarding_id: str, document_id: str, etag: str, fields: dict[str, Any]) -> bool:
        """False when the document is no longer this object's to finish (a newer upload claimed it since)."""
        try:
            self._set_fields(
                onboarding_pk(onboarding_id),
                document_sk(document_id),
                {name: value for name, value in fields.items() if value is not None},
                "#etag = :etag",
                FINISH_FIELDS,
                etag=etag,
            )
        except ConditionFailed:
            return False
        return True

    def documents(self, onboarding_id: str) -> Documents:
        ready: list[ProcessedDocument] = []
        version = 0
        for item in self._query_partition(onboarding_pk(onboarding_id)):
            if item["sk"] == KNOWLEDGE_BASE:
                version = int(item.get("version", 0))
            elif item["sk"].startswith(DOCUMENT) and item.get("status") == DocumentStatus.READY:
                ready.append(_processed(item))
        ready.sort(key=lambda document: (document.created_at, document.document_id))
        return Documents(ready, version)

    def save_knowledge_base(
        self,
        onboarding_id: str,
        knowledge_base: KnowledgeBase,
        structurer: str,
        document_ids: list[str],
        notes: list[str],
        read_version: int,
        now: str,
        reason: str | None = None,
    ) -> bool:
        """Writes the merged knowledge base if nobody else has since `read_version` was read; False otherwise (the
        caller merges again from a fresh read, so that two documents finishing at once both end up in it)."""
        item = {
            "pk": onboarding_pk(onboarding_id),
            "sk": KNOWLEDGE_BASE,
            "status": (KnowledgeBaseStatus.READY if document_ids else KnowledgeBaseStatus.FAILED).value,
            "knowledge_base": knowledge_base.model_dump(mode="json"),
            "structurer": structurer,
            "document_ids": document_ids,
            "notes": notes or None,
            "reason": None if document_ids else reason,
            "version": read_version + 1,
            "updated_at": now,
        }
        try:
            self._put(item, "attribute_not_exists(pk) OR version = :version", version=read_version)
        except ConditionFailed:
            return False
        return True


def _processed(item: Item) -> ProcessedDocument:
    document_id = item["sk"].removeprefix(DOCUMENT)
    stored = item.get("knowledge_base_zlib")
    knowledge = KnowledgeBase.model_validate(json.loads(zlib.decompress(bytes(stored)))) if stored else KnowledgeBase()
    return ProcessedDocument(document_id, str(item.get("created_at", "")), str(item.get("structurer")), knowledge)
