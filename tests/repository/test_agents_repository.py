"""The Agents table on moto, built from template.yaml: the stored item shapes (a contract with the
knowledge-base processor), the one Query that reads an onboarding whole, and the guarded writes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from agents.models import (
    Business,
    Document,
    DocumentStatus,
    KnowledgeBaseStatus,
    Onboarding,
)
from agents.repository import MAX_DOCUMENTS, OnboardingRepository, TooManyDocuments
from colmena.errors import Conflict, NotFound
from colmena.repository import from_attributes, to_attributes

NOW = "2026-11-26T09:00:00.000+00:00"
LATER = "2026-11-26T09:05:00.000+00:00"
DRAFT = Business(name="La Espiga", phones=("+34954123456",), opening_hours=("L-V 7:30-14:30",))


@pytest.fixture
def repository(dynamodb: Any) -> OnboardingRepository:
    return OnboardingRepository(dynamodb, "AgentsTable")


def onboarding(onboarding_id: str = "o-1", owner_id: str = "owner") -> Onboarding:
    return Onboarding(onboarding_id, owner_id, "ES", "https://espiga.example/", DRAFT, None, NOW, NOW)


def document(document_id: str = "d-1") -> Document:
    key = f"knowledge-base/o-1/{document_id}/carta.pdf"
    return Document(
        document_id, "carta.pdf", "application/pdf", 1024, key, DocumentStatus.AWAITING_UPLOAD, LATER, LATER
    )


def item(dynamodb: Any, sk: str, pk: str = "ONBOARDING#o-1") -> dict[str, Any]:
    return from_attributes(dynamodb.get_item(TableName="AgentsTable", Key=to_attributes({"pk": pk, "sk": sk}))["Item"])


def test_the_onboarding_item_has_the_agreed_shape(repository: OnboardingRepository, dynamodb: Any) -> None:
    repository.create(onboarding())

    assert item(dynamodb, "ONBOARDING") == {
        "pk": "ONBOARDING#o-1",
        "sk": "ONBOARDING",
        "onboarding_id": "o-1",
        "owner_id": "owner",
        "country": "ES",
        "website_url": "https://espiga.example/",
        "draft": {
            "name": "La Espiga",
            "description": None,
            "phones": ["+34954123456"],
            "address": None,
            "opening_hours": ["L-V 7:30-14:30"],
            "services": [],
        },
        "created_at": NOW,
        "updated_at": NOW,
    }


def test_the_document_item_has_the_agreed_shape_and_counts_on_the_onboarding(
    repository: OnboardingRepository, dynamodb: Any
) -> None:
    repository.create(onboarding())
    repository.confirm_business("o-1", "owner", DRAFT, NOW)

    repository.add_document("o-1", "owner", document())

    assert item(dynamodb, "DOCUMENT#d-1") == {
        "pk": "ONBOARDING#o-1",
        "sk": "DOCUMENT#d-1",
        "document_id": "d-1",
        "file_name": "carta.pdf",
        "content_type": "application/pdf",
        "size": 1024,
        "s3_key": "knowledge-base/o-1/d-1/carta.pdf",
        "status": "awaiting_upload",
        "created_at": LATER,
        "updated_at": LATER,
    }
    assert item(dynamodb, "ONBOARDING")["document_count"] == 1


def test_one_query_reads_the_onboarding_its_documents_and_the_processors_knowledge_base(
    repository: OnboardingRepository, dynamodb: Any
) -> None:
    repository.create(onboarding())
    repository.confirm_business("o-1", "owner", DRAFT, NOW)
    repository.add_document("o-1", "owner", document("d-1"))
    repository.add_document("o-1", "owner", document("d-2"))
    # As the processor writes them: the document's status, and the merged knowledge base.
    dynamodb.update_item(
        TableName="AgentsTable",
        Key=to_attributes({"pk": "ONBOARDING#o-1", "sk": "DOCUMENT#d-2"}),
        UpdateExpression="SET #status = :failed, reason = :reason",
        ExpressionAttributeNames={"#status": "status"},
        ExpressionAttributeValues=to_attributes({":failed": "failed", ":reason": "the PDF is encrypted"}),
    )
    dynamodb.put_item(
        TableName="AgentsTable",
        Item=to_attributes(
            {
                "pk": "ONBOARDING#o-1",
                "sk": "KNOWLEDGE_BASE",
                "status": "ready",
                "knowledge_base": {"services": [{"name": "Pan", "price": Decimal("3.2"), "page": 1}]},
                "structurer": "bedrock",
                "document_ids": ["d-1"],
                "updated_at": LATER,
            }
        ),
    )
    queries: list[str] = []
    dynamodb.meta.events.register("before-call.dynamodb.Query", lambda **_: queries.append("query"))

    record = repository.record("o-1")

    assert record is not None and len(queries) == 1
    assert record.onboarding.business == DRAFT
    assert [(d.document_id, d.status, d.reason) for d in record.documents] == [
        ("d-1", DocumentStatus.AWAITING_UPLOAD, None),
        ("d-2", DocumentStatus.FAILED, "the PDF is encrypted"),
    ]
    assert record.knowledge_base is not None
    assert record.knowledge_base.status is KnowledgeBaseStatus.READY
    assert record.knowledge_base.knowledge_base == {"services": [{"name": "Pan", "price": 3.2, "page": 1}]}
    assert (record.knowledge_base.structurer, record.knowledge_base.document_ids) == ("bedrock", ("d-1",))


def test_an_onboarding_that_does_not_exist_reads_as_none(repository: OnboardingRepository) -> None:
    assert repository.record("nope") is None


def test_only_the_owner_can_confirm_the_business(repository: OnboardingRepository) -> None:
    repository.create(onboarding())

    with pytest.raises(NotFound):
        repository.confirm_business("o-1", "someone-else", DRAFT, LATER)
    with pytest.raises(NotFound):
        repository.confirm_business("o-2", "owner", DRAFT, LATER)
    record = repository.record("o-1")
    assert record is not None and record.onboarding.business is None


def test_a_document_is_refused_before_the_business_is_confirmed_or_for_another_owner(
    repository: OnboardingRepository, dynamodb: Any
) -> None:
    repository.create(onboarding())
    with pytest.raises(Conflict, match="business must be confirmed"):
        repository.add_document("o-1", "owner", document())
    repository.confirm_business("o-1", "owner", DRAFT, NOW)
    with pytest.raises(NotFound):
        repository.add_document("o-1", "someone-else", document())

    assert dynamodb.scan(TableName="AgentsTable")["Count"] == 1


def test_no_more_than_the_cap_of_documents_is_ever_stored(repository: OnboardingRepository, dynamodb: Any) -> None:
    repository.create(onboarding())
    repository.confirm_business("o-1", "owner", DRAFT, NOW)
    for index in range(MAX_DOCUMENTS):
        repository.add_document("o-1", "owner", document(f"d-{index}"))

    with pytest.raises(TooManyDocuments):
        repository.add_document("o-1", "owner", document("one-more"))

    assert dynamodb.scan(TableName="AgentsTable")["Count"] == 1 + MAX_DOCUMENTS
