"""The knowledge base's items in AgentsTable (moto, built from template.yaml): the stored shapes, and the
conditional writes that make a re-delivered event or the same object twice change nothing twice."""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

import pytest

from agents.knowledge.models import KnowledgeBase, Service
from agents.knowledge_repository import Claim, KnowledgeRepository
from colmena.repository import from_attributes

NOW = "2026-11-26T01:40:00.000+00:00"
KNOWLEDGE = KnowledgeBase(services=[Service(document_id="d1", page=1, name="Corte", price=Decimal(25), currency="EUR")])


@pytest.fixture
def repository(dynamodb: Any) -> KnowledgeRepository:
    return KnowledgeRepository(dynamodb, "AgentsTable")


def awaiting(dynamodb: Any, document_id: str, created_at: str = NOW) -> None:
    dynamodb.put_item(
        TableName="AgentsTable",
        Item={"pk": {"S": "ONBOARDING#o1"}, "sk": {"S": f"DOCUMENT#{document_id}"},
              "status": {"S": "awaiting_upload"}, "created_at": {"S": created_at}},
    )  # fmt: skip


def stored(dynamodb: Any, sk: str) -> dict[str, Any]:
    item = dynamodb.get_item(TableName="AgentsTable", Key={"pk": {"S": "ONBOARDING#o1"}, "sk": {"S": sk}})["Item"]
    return from_attributes(item)


def test_the_first_delivery_claims_the_document_as_processing_keyed_on_the_objects_etag(
    repository: KnowledgeRepository, dynamodb: Any
) -> None:
    awaiting(dynamodb, "d1")

    claimed = repository.claim("o1", "d1", "etag-1", NOW)

    assert claimed.claim is Claim.CLAIMED
    item = stored(dynamodb, "DOCUMENT#d1")
    assert (item["status"], item["etag"], item["processing_started_at"]) == ("processing", "etag-1", NOW)


def test_a_finished_object_cannot_be_claimed_again_but_a_new_object_on_the_same_key_can(
    repository: KnowledgeRepository, dynamodb: Any
) -> None:
    awaiting(dynamodb, "d1")
    repository.claim("o1", "d1", "etag-1", NOW)
    repository.mark_ready("o1", "d1", "etag-1", KNOWLEDGE, "local", [], 1, NOW)

    assert repository.claim("o1", "d1", "etag-1", NOW).claim is Claim.DONE
    assert repository.claim("o1", "d1", "etag-2", NOW).claim is Claim.CLAIMED


def test_an_object_no_upload_route_created_a_document_for_is_unknown_and_nothing_is_written(
    repository: KnowledgeRepository, dynamodb: Any
) -> None:
    assert repository.claim("o1", "nobody", "etag-1", NOW).claim is Claim.UNKNOWN
    assert dynamodb.scan(TableName="AgentsTable")["Items"] == []


def test_a_ready_document_keeps_its_knowledge_base_compressed_beside_its_status(
    repository: KnowledgeRepository, dynamodb: Any
) -> None:
    awaiting(dynamodb, "d1")
    repository.claim("o1", "d1", "etag-1", NOW)

    repository.mark_ready("o1", "d1", "etag-1", KNOWLEDGE, "bedrock", ["a note"], 3, NOW)

    item = stored(dynamodb, "DOCUMENT#d1")
    assert {name: item[name] for name in ("status", "structurer", "notes", "pages", "processed_at")} == {
        "status": "ready", "structurer": "bedrock", "notes": ["a note"], "pages": 3, "processed_at": NOW,
    }  # fmt: skip
    assert repository.documents("o1").ready[0].knowledge_base == KNOWLEDGE


def test_a_document_finished_by_a_newer_object_is_not_finished_by_the_older_one(
    repository: KnowledgeRepository, dynamodb: Any
) -> None:
    awaiting(dynamodb, "d1")
    repository.claim("o1", "d1", "etag-old", NOW)
    repository.claim("o1", "d1", "etag-new", NOW)

    assert not repository.mark_failed("o1", "d1", "etag-old", "corrupt", "damaged", NOW)
    assert stored(dynamodb, "DOCUMENT#d1")["status"] == "processing"


def test_the_merged_knowledge_base_item_has_the_agreed_shape(repository: KnowledgeRepository, dynamodb: Any) -> None:
    assert repository.save_knowledge_base("o1", KNOWLEDGE, "local", ["d1"], [], 0, NOW)

    item = stored(dynamodb, "KNOWLEDGE_BASE")
    assert item == {
        "pk": "ONBOARDING#o1", "sk": "KNOWLEDGE_BASE", "status": "ready", "structurer": "local",
        "document_ids": ["d1"], "version": 1, "updated_at": NOW,
        "knowledge_base": KNOWLEDGE.model_dump(mode="json"),
    }  # fmt: skip


def test_a_merge_read_before_another_was_written_is_refused(repository: KnowledgeRepository) -> None:
    repository.save_knowledge_base("o1", KNOWLEDGE, "local", ["d1"], [], 0, NOW)

    assert not repository.save_knowledge_base("o1", KnowledgeBase(), "local", ["d2"], [], 0, NOW)


def test_ready_documents_are_listed_in_upload_order(repository: KnowledgeRepository, dynamodb: Any) -> None:
    for document_id, created_at in (("late", "2026-11-26T02:00:00.000+00:00"), ("early", NOW), ("waiting", NOW)):
        awaiting(dynamodb, document_id, created_at)
    for document_id in ("late", "early"):
        repository.claim("o1", document_id, "e", NOW)
        repository.mark_ready("o1", document_id, "e", KNOWLEDGE, "local", [], 1, NOW)

    assert [document.document_id for document in repository.documents("o1").ready] == ["early", "late"]


@pytest.mark.usefixtures("atomic_calls")
def test_two_deliveries_of_one_object_at_once_claim_it_at_most_once_after_it_is_finished(
    repository: KnowledgeRepository, dynamodb: Any
) -> None:
    awaiting(dynamodb, "d1")
    repository.claim("o1", "d1", "etag-1", NOW)
    repository.mark_ready("o1", "d1", "etag-1", KNOWLEDGE, "local", [], 1, NOW)
    claims: list[Claim] = []

    threads = [threading.Thread(target=lambda: claims.append(repository.claim("o1", "d1", "etag-1", NOW).claim))
               for _ in range(4)]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert claims == [Claim.DONE] * 4
