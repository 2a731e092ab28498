"""Call usage on AgentsTable (the items are listed in agents.keys): which business a number answers for, each
call recorded once by its CallSid, and each business's minutes and calls per month.

A call's final status is written once, in one transaction with its month's usage: the CALL item's condition
(no final status yet) is what makes a replayed or concurrently duplicated callback change nothing, and the
transaction is what makes the usage count exactly the calls recorded as completed."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from agents.keys import CALL, ONBOARDING, PHONE_NUMBER, call_pk, onboarding_pk, phone_number_pk, usage_sk
from agents.usage import CallCallback
from colmena.repository import ConditionFailed, Contended, DynamoRepository, Item, to_attributes

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

# A duplicate delivery racing this one is what a lost transaction means here; after this many, answer 503.
MAX_ATTEMPTS = 3


class Recorded(StrEnum):
    COUNTED = "counted"  # completed: its minutes and one call added to its month
    RECORDED = "recorded"  # a status that counts nothing (in progress, or ended unanswered), noted
    ALREADY = "already"  # this call's final status (or its first sight) was recorded before: nothing changed


@dataclass(frozen=True)
class Usage:
    onboarding_id: str
    month: str
    minutes: int
    calls: int


class UsageRepository(DynamoRepository):
    def onboarding_of_number(self, e164: str) -> str | None:
        """The onboarding a deployed number answers for (its PHONE_NUMBER item), or None."""
        item = self._get(phone_number_pk(e164), PHONE_NUMBER)
        return str(item["onboarding_id"]) if item else None

    def owner_of(self, onboarding_id: str) -> str | None:
        response = self._client.get_item(
            TableName=self.table_name,
            Key=self._key(onboarding_pk(onboarding_id), ONBOARDING),
            ProjectionExpression="owner_id",
            ConsistentRead=True,
        )
        return response["Item"]["owner_id"]["S"] if "Item" in response else None

    def usage(self, onboarding_id: str, month: str) -> Usage:
        item = self._get(onboarding_pk(onboarding_id), usage_sk(month)) or {}
        return Usage(onboarding_id, month, int(item.get("minutes", 0)), int(item.get("calls", 0)))

    def record_call(self, onboarding_id: str, callback: CallCallback, now: str) -> Recorded:
        """Records the callback's call once. A status that is not final is noted only if the call is new; a
        final one once per call, and a completed one with its minutes and one call added to its month."""
        call = _call_item(onboarding_id, callback, now)
        if not callback.status.final:
            try:
                self._put(call, "attribute_not_exists(pk)")
            except ConditionFailed:
                return Recorded.ALREADY
            return Recorded.RECORDED
        transaction: list[TransactWriteItemTypeDef] = [
            {
                "Put": {
                    "TableName": self.table_name,
                    "Item": to_attributes(call),
                    "ConditionExpression": "attribute_not_exists(final_at)",
                }
            }
        ]
        if callback.status.counts:
            transaction.append(self._usage_added(onboarding_id, callback, now))
        for _ in range(MAX_ATTEMPTS):
            try:
                self._transact(transaction)
            except ConditionFailed:
                return Recorded.ALREADY
            except Contended:
                # Another delivery of this call, or another call of the month, held an item: judged again.
                continue
            return Recorded.COUNTED if callback.status.counts else Recorded.RECORDED
        raise Contended(f"call {callback.call_sid}: lost {MAX_ATTEMPTS} races to other callbacks")

    def _usage_added(self, onboarding_id: str, callback: CallCallback, now: str) -> TransactWriteItemTypeDef:
        return {
            "Update": {
                "TableName": self.table_name,
                "Key": self._key(onboarding_pk(onboarding_id), usage_sk(callback.month)),
                "UpdateExpression": "SET onboarding_id = :id, #month = :month, updated_at = :now "
                "ADD minutes :minutes, calls :one",
                "ExpressionAttributeNames": {"#month": "month"},
                "ExpressionAttributeValues": to_attributes(
                    {
                        ":id": onboarding_id,
                        ":month": callback.month,
                        ":now": now,
                        ":minutes": callback.minutes,
                        ":one": 1,
                    }
                ),
            }
        }


def _call_item(onboarding_id: str, callback: CallCallback, now: str) -> Item:
    return {
        "pk": call_pk(callback.call_sid),
        "sk": CALL,
        "call_sid": callback.call_sid,
        "onboarding_id": onboarding_id,
        "to": callback.to,
        "status": str(callback.status),
        "duration_s": callback.duration_s,
        "minutes": callback.minutes if callback.status.counts else None,
        "month": callback.month,
        "final_at": now if callback.status.final else None,
        "updated_at": now,
    }
