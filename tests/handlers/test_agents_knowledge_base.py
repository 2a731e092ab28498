"""The knowledge base's routes, driven with the sample events against moto."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import UTC, datetime
from types import ModuleType
from typing import Any

import pytest

from colmena.repository import to_attributes
from tests.agents_api import BO, SEEDED, call
from tools.local_stack.stack import SEED

UPLOAD = "agents_knowledge_base/upload"
LISTING = "agents_knowledge_base/get_knowledge_base"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def api(load_handler: Callable[[str], ModuleType], dynamodb: Any) -> ModuleType:
    for item in json.loads(SEED.read_text())["AgentsTable"]:
        dynamodb.put_item(TableName="AgentsTable", Item=to_attributes(item))
    return load_handler("AgentsKnowledgeBaseFunction")


@pytest.fixture
def onboarding(load_handler: Callable[[str], ModuleType], api: ModuleType) -> Callable[[bool], str]:
    """A new onboarding of the sample's caller, its business confirmed or not."""
    onboarding_api = load_handler("AgentsOnboardingFunction")

    def new(confirmed: bool) -> str:
        _, started = call(onboarding_api, "agents_onboarding/business_info")
        if confirmed:
            call(onboarding_api, "agents_onboarding/confirm_business", onboarding_id=started["onboarding_id"])
        return str(started["onboarding_id"])

    return new


def documents(dynamodb: Any, onboarding_id: str) -> list[dict[str, Any]]:
    items = dynamodb.query(
        TableName="AgentsTable",
        KeyConditionExpression="pk = :pk AND begins_with(sk, :document)",
        ExpressionAttributeValues={":pk": {"S": f"ONBOARDING#{onboarding_id}"}, ":document": {"S": "DOCUMENT#"}},
    )["Items"]
    return list(items)


def policy_of(fields: dict[str, str]) -> dict[str, Any]:
    return dict(json.loads(base64.b64decode(fields["policy"])))


def test_an_upload_is_a_presigned_post_for_one_key_type_and_size_under_the_onboardings_prefix(
    api: ModuleType, onboarding: Callable[[bool], str], dynamodb: Any
) -> None:
    onboarding_id = onboarding(True)

    status, answer = call(api, UPLOAD, onboarding_id=onboarding_id)

    assert status == 201
    key = f"knowledge-base/{onboarding_id}/{answer['document_id']}/carta-precios.pdf"
    assert answer["fields"]["key"] == key
    assert answer["fields"]["Content-Type"] == "application/pdf"
    conditions = policy_of(answer["fields"])["conditions"]
    assert {"key": key} in conditions
    assert {"Content-Type": "application/pdf"} in conditions
    assert ["content-length-range", 1, 184320] in conditions
    assert {"bucket": answer["url"].rstrip("/").rsplit("/", 1)[-1]} in conditions or any(
        "bucket" in condition for condition in conditions if isinstance(condition, dict)
    )


def test_the_post_expires_within_five_minutes(api: ModuleType, onboarding: Callable[[bool], str]) -> None:
    status, answer = call(api, UPLOAD, onboarding_id=onboarding(True))

    expiration = datetime.fromisoformat(policy_of(answer["fields"])["expiration"].replace("Z", "+00:00"))
    assert status == 201
    assert 0 < (expiration - datetime.now(UTC)).total_seconds() <= 300


def test_the_document_waits_for_its_upload_in_the_listing(api: ModuleType, onboarding: Callable[[bool], str]) -> None:
    onboarding_id = onboarding(True)
    _, upload = call(api, UPLOAD, onboarding_id=onboarding_id)

    status, listing = call(api, LISTING, onboarding_id=onboarding_id)

    assert status == 200
    assert listing["state"] == "in_progress"
    [document] = listing["documents"]
    assert (document["document_id"], document["status"], document["size"]) == (
        upload["document_id"],
        "awaiting_upload",
        184320,
    )
    assert listing["knowledge_base"] is None


def test_an_upload_before_the_business_is_confirmed_is_a_409_naming_it_and_stores_nothing(
    api: ModuleType, onboarding: Callable[[bool], str], dynamodb: Any
) -> None:
    onboarding_id = onboarding(False)

    status, answer = call(api, UPLOAD, onboarding_id=onboarding_id)

    assert status == 409
    assert answer["error"]["code"] == "step_out_of_order"
    assert answer["error"]["fields"] == [{"field": "business", "reason": "not done yet"}]
    assert documents(dynamodb, onboarding_id) == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"file_name": "carta.pdf", "content_type": "application/pdf", "size": 20 * 1024 * 1024 + 1}, "size"),
        ({"file_name": "carta.pdf", "content_type": "application/pdf", "size": 0}, "size"),
        ({"file_name": "carta.png", "content_type": "image/png", "size": 100}, "content_type"),
        ({"file_name": "carta.exe", "content_type": "application/pdf", "size": 100}, "file_name"),
        ({"file_name": "notas.pdf", "content_type": DOCX, "size": 100}, "file_name"),
        ({"file_name": "", "content_type": "text/plain", "size": 100}, "file_name"),
        ({"file_name": "a\nb.txt", "content_type": "text/plain", "size": 100}, "file_name"),
        ({"content_type": "text/plain", "size": 100}, "file_name"),
        ({"file_name": "a.txt", "content_type": "text/plain", "size": "many"}, "size"),
    ],
)
def test_a_refused_upload_is_a_422_naming_the_field_and_stores_nothing(
    api: ModuleType, onboarding: Callable[[bool], str], dynamodb: Any, body: dict[str, Any], field: str
) -> None:
    onboarding_id = onboarding(True)

    status, answer = call(api, UPLOAD, onboarding_id=onboarding_id, body=body)

    assert status == 422
    assert field in [error["field"] for error in answer["error"]["fields"]]
    assert documents(dynamodb, onboarding_id) == []


def test_someone_else_can_neither_upload_to_nor_list_an_onboarding(api: ModuleType, dynamodb: Any) -> None:
    before = len(documents(dynamodb, SEEDED))

    assert call(api, UPLOAD, user=BO)[0] == 404
    assert call(api, LISTING, user=BO)[0] == 404
    assert len(documents(dynamodb, SEEDED)) == before


def test_a_ready_knowledge_base_is_listed_with_its_documents_and_structurer(api: ModuleType) -> None:
    status, listing = call(api, LISTING)

    assert status == 200
    assert listing["state"] == "done" and listing["structurer"] == "local"
    assert [document["status"] for document in listing["documents"]] == ["ready"]
    assert listing["knowledge_base"]["services"][0]["price"] == "3,20 €"


def test_an_onboarding_takes_at_most_twenty_documents(api: ModuleType, onboarding: Callable[[bool], str]) -> None:
    onboarding_id = onboarding(True)
    for _ in range(20):
        assert call(api, UPLOAD, onboarding_id=onboarding_id)[0] == 201

    status, answer = call(api, UPLOAD, onboarding_id=onboarding_id)

    assert status == 409 and answer["error"]["code"] == "too_many_documents"
