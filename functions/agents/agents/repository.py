"""The Agents context's DynamoDB access: one table (`AgentsTable`), one partition per onboarding (the items
are listed in agents.keys). The routes read an onboarding whole with one Query of its partition."""

from __future__ import annotations

from typing import Any, cast

from agents.keys import DEPLOYMENT, DOCUMENT, KNOWLEDGE_BASE, ONBOARDING, document_sk, onboarding_pk
from agents.models import (
    Business,
    Deployment,
    DeploymentStatus,
    Document,
    DocumentStatus,
    KnowledgeBase,
    KnowledgeBaseStatus,
    Onboarding,
    OnboardingRecord,
)
from colmena.errors import Conflict, NotFound
from colmena.repository import ConditionFailed, DynamoRepository, Item, from_attributes, to_attributes

# Documents one onboarding may ask to upload: a business's price lists, menus and policies are a handful;
# the cap keeps the onboarding's partition (read whole on every GET) small.
MAX_DOCUMENTS = 20


class TooManyDocuments(Conflict):
    code = "too_many_documents"


class OnboardingRepository(DynamoRepository):
    def create(self, onboarding: Onboarding) -> None:
        self._put(_onboarding_item(onboarding), "attribute_not_exists(pk)")

    def record(self, onboarding_id: str) -> OnboardingRecord | None:
        """The onboarding with its documents and merged knowledge base, from one Query of its partition (paged
        only if a large knowledge base fills DynamoDB's 1 MB page)."""
        items: list[Item] = []
        request: dict[str, Any] = {
            "TableName": self.table_name,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": to_attributes({":pk": onboarding_pk(onboarding_id)}),
            "ConsistentRead": True,
        }
        while True:
            response = self._client.query(**request)
            items.extend(from_attributes(item) for item in response["Items"])
            if "LastEvaluatedKey" not in response:
                break
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]
        onboarding = next((item for item in items if item["sk"] == ONBOARDING), None)
        if onboarding is None:
            return None
        merged = next((item for item in items if item["sk"] == KNOWLEDGE_BASE), None)
        deployment = next((item for item in items if item["sk"] == DEPLOYMENT), None)
        return OnboardingRecord(
            onboarding=_onboarding(onboarding),
            documents=tuple(
                sorted(
                    (_document(item) for item in items if item["sk"].startswith(DOCUMENT)),
                    key=lambda document: (document.created_at, document.document_id),
                )
            ),
            knowledge_base=_knowledge_base(merged) if merged else None,
            deployment=deployment_of(deployment) if deployment else None,
        )

    def confirm_business(self, onboarding_id: str, owner_id: str, business: Business, now: str) -> None:
        """Stores the owner's confirmed facts (again, if they correct them later)."""
        try:
            self._set_fields(
                onboarding_pk(onboarding_id),
                ONBOARDING,
                {"business": business.as_item(), "updated_at": now},
                condition="attribute_exists(pk) AND #owner_id = :owner",
                allowed=frozenset({"business", "updated_at"}),
                owner=owner_id,
            )
        except ConditionFailed as error:
            raise NotFound(f"no onboarding {onboarding_id}") from error

    def add_document(self, onboarding_id: str, owner_id: str, document: Document) -> None:
        """The document, awaiting its upload, in one transaction with a check of the onboarding: still the
        owner's, its business confirmed, and fewer than MAX_DOCUMENTS asked for (the count is kept on it)."""
        pk = onboarding_pk(onboarding_id)
        try:
            self._transact(
                [
                    {
                        "Update": {
                            "TableName": self.table_name,
                            "Key": self._key(pk, ONBOARDING),
                            "UpdateExpression": "SET document_count = if_not_exists(document_count, :zero) + :one, "
                            "updated_at = :now",
                            "ConditionExpression": "owner_id = :owner AND attribute_exists(business) AND "
                            "(attribute_not_exists(document_count) OR document_count < :max)",
                            "ExpressionAttributeValues": to_attributes(
                                {
                                    ":zero": 0,
                                    ":one": 1,
                                    ":now": document.created_at,
                                    ":owner": owner_id,
                                    ":max": MAX_DOCUMENTS,
                                }
                            ),
                        }
                    },
                    {
                        "Put": {
                            "TableName": self.table_name,
                            "Item": to_attributes(_document_item(pk, document)),
                            "ConditionExpression": "attribute_not_exists(pk)",
                        }
                    },
                ]
            )
        except ConditionFailed as error:
            raise self._document_refusal(onboarding_id, owner_id) from error

    def _document_refusal(self, onboarding_id: str, owner_id: str) -> Exception:
        """Why the onboarding's check refused a document, read afresh: the routes check owner and step first,
        so this is a race with a change of them, or the cap."""
        current = self._get(onboarding_pk(onboarding_id), ONBOARDING)
        if current is None or current["owner_id"] != owner_id:
            return NotFound(f"no onboarding {onboarding_id}")
        if not current.get("business"):
            return Conflict("the business must be confirmed before documents are uploaded")
        return TooManyDocuments(
            f"an onboarding takes at most {MAX_DOCUMENTS} documents; this one has asked for them all"
        )


# ---------------------------------------------------------------- items


def _onboarding_item(onboarding: Onboarding) -> Item:
    return {
        "pk": onboarding_pk(onboarding.onboarding_id),
        "sk": ONBOARDING,
        "onboarding_id": onboarding.onboarding_id,
        "owner_id": onboarding.owner_id,
        "country": onboarding.country,
        "website_url": onboarding.website_url,
        "draft": onboarding.draft.as_item(),
        "business": onboarding.business.as_item() if onboarding.business else None,
        "created_at": onboarding.created_at,
        "updated_at": onboarding.updated_at,
    }


def _onboarding(item: Item) -> Onboarding:
    return Onboarding(
        onboarding_id=item["onboarding_id"],
        owner_id=item["owner_id"],
        country=item["country"],
        website_url=item.get("website_url"),
        draft=Business.of_item(item.get("draft") or {}),
        business=Business.of_item(item["business"]) if item.get("business") else None,
        created_at=item["created_at"],
        updated_at=item["updated_at"],
        voice_id=item.get("voice_id"),
        deployed_at=item.get("deployed_at"),
        paid_at=item.get("paid_at"),
    )


def _document_item(pk: str, document: Document) -> Item:
    return {
        "pk": pk,
        "sk": document_sk(document.document_id),
        "document_id": document.document_id,
        "file_name": document.file_name,
        "content_type": document.content_type,
        "size": document.size,
        "s3_key": document.s3_key,
        "status": str(document.status),
        "reason": document.reason,
        "created_at": document.created_at,
        "updated_at": document.updated_at,
    }


def _document(item: Item) -> Document:
    return Document(
        document_id=item["document_id"],
        file_name=item["file_name"],
        content_type=item["content_type"],
        size=int(item["size"]),
        s3_key=item["s3_key"],
        status=DocumentStatus(item["status"]),
        created_at=item["created_at"],
        updated_at=item["updated_at"],
        reason=item.get("reason"),
    )


def _knowledge_base(item: Item) -> KnowledgeBase:
    return KnowledgeBase(
        status=KnowledgeBaseStatus(item["status"]),
        knowledge_base=cast("dict[str, Any] | None", _plain(item.get("knowledge_base"))),
        structurer=item.get("structurer"),
        document_ids=tuple(item.get("document_ids") or ()),
        updated_at=item["updated_at"],
        reason=item.get("reason"),
    )


def deployment_of(item: Item) -> Deployment:
    return Deployment(
        status=DeploymentStatus(item["status"]),
        attempt=int(item["attempt"]),
        execution_arn=item["execution_arn"],
        started_at=item["started_at"],
        updated_at=item["updated_at"],
        correlation_id=item.get("correlation_id"),
        reason=item.get("reason"),
        agent_id=item.get("agent_id"),
        phone_number=item.get("phone_number"),
        phone_number_sid=item.get("phone_number_sid"),
        elevenlabs_phone_number_id=item.get("elevenlabs_phone_number_id"),
    )


def _plain(value: Any) -> Any:
    """DynamoDB's numbers come back as Decimal: whole ones as int, others as float, for the JSON answer."""
    from decimal import Decimal

    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | set | tuple):
        return [_plain(item) for item in value]
    return value
