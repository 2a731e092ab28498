"""The knowledge-base processor driven with its sample S3 event against moto: the document item as the upload
route creates it, the object in the bucket, the event as S3 sends it (the key URL-encoded)."""

from __future__ import annotations

import json
from collections.abc import Callable
from types import ModuleType
from typing import Any
from urllib.parse import quote_plus

import boto3
import pytest

from tests import knowledge_documents as documents
from tools.handlers import LambdaContext, sample_event
from tools.template import ROOT

EVENT = ROOT / "events" / "process_document" / "document_uploaded.json"
BUCKET = "KnowledgeBaseBucket"
ONBOARDING, DOCUMENT = "5f0c7a52-onboarding", "0b6e3d9c-document"
KEY = f"knowledge-base/{ONBOARDING}/{DOCUMENT}/Lista de precios 2026.pdf"
PRICE_LIST = ["Corte de pelo 25,00 €\nL-V 9:00-14:00", "P: ¿Hace falta cita?\nR: Sí."]


@pytest.fixture
def handler(load_handler: Callable[[str], ModuleType], dynamodb: Any, published: Any) -> ModuleType:
    boto3.client("s3").create_bucket(Bucket=BUCKET)
    return load_handler("KnowledgeBaseProcessorFunction")


def awaiting(dynamodb: Any, document_id: str = DOCUMENT) -> None:
    """The document item as the upload route writes it when it hands out the presigned POST."""
    dynamodb.put_item(
        TableName="AgentsTable",
        Item={
            "pk": {"S": f"ONBOARDING#{ONBOARDING}"},
            "sk": {"S": f"DOCUMENT#{document_id}"},
            "status": {"S": "awaiting_upload"},
            "created_at": {"S": f"2026-11-26T01:00:00.000+00:00 {document_id}"},
        },
    )


def uploaded(data: bytes, key: str = KEY) -> dict[str, Any]:
    """The object put in the bucket, and the event S3 sends for it."""
    etag = boto3.client("s3").put_object(Bucket=BUCKET, Key=key, Body=data)["ETag"]
    event = sample_event(EVENT)
    event["Records"][0]["s3"]["object"].update(key=quote_plus(key, safe="/"), size=len(data), eTag=etag.strip('"'))
    return event


def item(dynamodb: Any, sk: str) -> dict[str, Any]:
    from colmena.repository import from_attributes

    stored = dynamodb.get_item(TableName="AgentsTable", Key={"pk": {"S": f"ONBOARDING#{ONBOARDING}"}, "sk": {"S": sk}})
    return from_attributes(stored["Item"])


def test_the_sample_event_runs_and_an_object_no_upload_created_is_ignored(handler: ModuleType) -> None:
    result = handler.lambda_handler(sample_event(EVENT), LambdaContext())

    assert result == {"outcomes": ["skipped"]}


def test_an_uploaded_pdf_becomes_ready_and_its_knowledge_base_is_merged_and_announced(
    handler: ModuleType, dynamodb: Any, published: Callable[[], list[dict[str, Any]]]
) -> None:
    awaiting(dynamodb)

    result = handler.lambda_handler(uploaded(documents.pdf(PRICE_LIST)), LambdaContext())

    assert result == {"outcomes": ["ready"]}
    assert (item(dynamodb, f"DOCUMENT#{DOCUMENT}")["status"], item(dynamodb, f"DOCUMENT#{DOCUMENT}")["pages"]) == (
        "ready",
        2,
    )
    merged = item(dynamodb, "KNOWLEDGE_BASE")
    assert (merged["status"], merged["structurer"], merged["document_ids"]) == ("ready", "local", [DOCUMENT])
    assert [(s["name"], s["price"], s["page"]) for s in merged["knowledge_base"]["services"]] == [
        ("Corte de pelo", "25.00", 1)
    ]
    assert [faq["page"] for faq in merged["knowledge_base"]["faqs"]] == [2]
    [event] = published()
    assert (event["source"], event["detail-type"]) == ("colmena.agents", "knowledge_base.ready")
    assert event["detail"]["data"] == {
        "onboarding_id": ONBOARDING, "document_id": DOCUMENT, "structurer": "local", "notes": [], "pages": 2,
    }  # fmt: skip


def test_a_hostile_upload_ends_failed_with_its_reason_and_is_announced(
    handler: ModuleType, dynamodb: Any, published: Callable[[], list[dict[str, Any]]]
) -> None:
    awaiting(dynamodb)

    result = handler.lambda_handler(uploaded(documents.encrypted_pdf("Precios")), LambdaContext())

    assert result == {"outcomes": ["failed"]}
    document = item(dynamodb, f"DOCUMENT#{DOCUMENT}")
    assert (document["status"], document["failure"]) == ("failed", "encrypted")
    assert document["reason"] == "the PDF is password-protected; upload it without the password"
    merged = item(dynamodb, "KNOWLEDGE_BASE")
    assert (merged["status"], merged["reason"], merged["document_ids"]) == ("failed", document["reason"], [])
    [event] = published()
    assert event["detail-type"] == "knowledge_base.failed"
    assert event["detail"]["data"]["reason"] == document["reason"]


def test_a_redelivered_event_changes_nothing_and_announces_the_same_event_again(
    handler: ModuleType, dynamodb: Any, published: Callable[[], list[dict[str, Any]]]
) -> None:
    awaiting(dynamodb)
    event = uploaded(documents.pdf(PRICE_LIST))
    handler.lambda_handler(event, LambdaContext())
    before = dynamodb.scan(TableName="AgentsTable")["Items"]
    [first] = published()

    again = handler.lambda_handler(json.loads(json.dumps(event)), LambdaContext())

    assert again == {"outcomes": ["skipped"]}
    assert dynamodb.scan(TableName="AgentsTable")["Items"] == before
    [repeated] = published()
    assert repeated["detail"] == first["detail"]


def test_two_documents_are_merged_into_one_knowledge_base_in_upload_order(handler: ModuleType, dynamodb: Any) -> None:
    awaiting(dynamodb, "doc-a")
    awaiting(dynamodb, "doc-b")
    handler.lambda_handler(uploaded(b"Corte 20 EUR", f"knowledge-base/{ONBOARDING}/doc-a/precios.txt"), LambdaContext())

    handler.lambda_handler(uploaded(b"Corte 25 EUR\nTinte 40 EUR", f"knowledge-base/{ONBOARDING}/doc-b/nuevos.txt"),
                           LambdaContext())  # fmt: skip

    merged = item(dynamodb, "KNOWLEDGE_BASE")
    assert merged["document_ids"] == ["doc-a", "doc-b"]
    assert [(s["name"], s["price"], s["document_id"]) for s in merged["knowledge_base"]["services"]] == [
        ("Corte", "25.00", "doc-b"),
        ("Tinte", "40.00", "doc-b"),
    ]


def test_a_failure_of_aws_fails_the_invocation_so_lambda_retries_it(
    handler: ModuleType, dynamodb: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

    awaiting(dynamodb)
    event = uploaded(documents.pdf(PRICE_LIST))
    monkeypatch.setattr(handler.function.processor, "read_object", _unreachable)

    with pytest.raises(BatchProcessingError):
        handler.lambda_handler(event, LambdaContext())

    assert item(dynamodb, f"DOCUMENT#{DOCUMENT}")["status"] == "processing"


def _unreachable(*args: object) -> bytes:
    from botocore.exceptions import EndpointConnectionError

    raise EndpointConnectionError(endpoint_url="https://s3.amazonaws.com")


def test_an_event_for_an_object_overwritten_since_is_left_to_the_newer_objects_own_event(
    handler: ModuleType, dynamodb: Any
) -> None:
    awaiting(dynamodb)
    older = uploaded(documents.pdf(PRICE_LIST))
    uploaded(b"Corte 30 EUR")  # the same key, before the first event is processed

    result = handler.lambda_handler(older, LambdaContext())

    assert result == {"outcomes": ["skipped"]}
    assert item(dynamodb, f"DOCUMENT#{DOCUMENT}")["status"] == "processing"
