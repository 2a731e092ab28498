"""The payment's items in the Agents table: the onboarding's PAYMENT item (its Checkout Session, open or paid)
and, when the session completes, the onboarding's `paid_at`, written together."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from agents.keys import ONBOARDING, PAYMENT, onboarding_pk
from agents.payment.rules import Payment, PaymentStatus
from colmena.repository import ConditionFailed, DynamoRepository, Item, to_attributes, translated


@dataclass(frozen=True)
class Payer:
    """What the payment events read of the onboarding itself."""

    onboarding_id: str
    owner_id: str
    paid_at: str | None


class PaymentRepository(DynamoRepository):
    def payment(self, onboarding_id: str) -> Payment | None:
        item = self._get(onboarding_pk(onboarding_id), PAYMENT)
        return _payment(item) if item else None

    def payer(self, onboarding_id: str) -> Payer | None:
        item = self._get(onboarding_pk(onboarding_id), ONBOARDING)
        if item is None:
            return None
        return Payer(onboarding_id, item["owner_id"], item.get("paid_at"))

    def open_session(self, payment: Payment) -> Payment:
        """Stores `payment`'s session, unless an earlier or concurrent call stored one of the same attempt or a
        later one, or the payment is paid: then the stored payment, which the caller answers instead."""
        try:
            self._client.put_item(
                TableName=self.table_name,
                Item=to_attributes(_item(payment)),
                ConditionExpression="attribute_not_exists(pk) OR (#status = :open AND attempt < :attempt)",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues=to_attributes(
                    {":open": str(PaymentStatus.OPEN), ":attempt": payment.attempt}
                ),
            )
        except ClientError as error:
            if not isinstance(translated(error), ConditionFailed):
                raise
            stored = self.payment(payment.onboarding_id)
            assert stored is not None  # PAYMENT items are never deleted
            return stored
        return payment

    def mark_paid(self, onboarding_id: str, session_id: str, paid_at: str, now: str) -> bool:
        """The onboarding's `paid_at` and its PAYMENT item paid, in one transaction, only if the onboarding was not
        paid yet: False when it was (a redelivered event changes nothing). The PAYMENT item is created if the
        session was not one complete-payment stored (it always is, unless that write was lost)."""
        pk = onboarding_pk(onboarding_id)
        values = to_attributes({":paid_at": paid_at, ":now": now, ":paid": str(PaymentStatus.PAID),
                                ":session": session_id, ":zero": 0})  # fmt: skip
        try:
            self._transact(
                [
                    {
                        "Update": {
                            "TableName": self.table_name,
                            "Key": self._key(pk, ONBOARDING),
                            "UpdateExpression": "SET paid_at = :paid_at, updated_at = :now",
                            "ConditionExpression": "attribute_exists(pk) AND attribute_not_exists(paid_at)",
                            "ExpressionAttributeValues": {k: values[k] for k in (":paid_at", ":now")},
                        }
                    },
                    {
                        "Update": {
                            "TableName": self.table_name,
                            "Key": self._key(pk, PAYMENT),
                            "UpdateExpression": "SET #status = :paid, paid_at = :paid_at, "
                            "paid_session_id = :session, "
                            "checkout_session_id = if_not_exists(checkout_session_id, :session), "
                            "attempt = if_not_exists(attempt, :zero), created_at = if_not_exists(created_at, :now), "
                            "onboarding_id = if_not_exists(onboarding_id, :onboarding)",
                            "ExpressionAttributeNames": {"#status": "status"},
                            "ExpressionAttributeValues": {
                                **{k: values[k] for k in (":paid", ":paid_at", ":session", ":zero", ":now")},
                                ":onboarding": {"S": onboarding_id},
                            },
                        }
                    },
                ]
            )
        except ConditionFailed:
            return False
        return True

    def mark_announced(self, onboarding_id: str) -> None:
        """`onboarding.paid` was published: a redelivered event does not publish it again."""
        self._set_fields(
            onboarding_pk(onboarding_id),
            PAYMENT,
            {"paid_announced": True},
            condition="attribute_exists(pk)",
            allowed=frozenset({"paid_announced"}),
        )


def _item(payment: Payment) -> Item:
    return {
        "pk": onboarding_pk(payment.onboarding_id),
        "sk": PAYMENT,
        "onboarding_id": payment.onboarding_id,
        "checkout_session_id": payment.checkout_session_id,
        "url": payment.url,
        "status": str(payment.status),
        "attempt": payment.attempt,
        "created_at": payment.created_at,
        "expires_at": payment.expires_at,
        "paid_at": payment.paid_at,
    }


def _payment(item: dict[str, Any]) -> Payment:
    return Payment(
        onboarding_id=item["onboarding_id"],
        checkout_session_id=item.get("paid_session_id") or item["checkout_session_id"],
        status=PaymentStatus(item["status"]),
        attempt=int(item["attempt"]),
        created_at=item["created_at"],
        url=item.get("url"),
        expires_at=int(item["expires_at"]) if item.get("expires_at") is not None else None,
        paid_at=item.get("paid_at"),
        paid_announced=bool(item.get("paid_announced")),
    )
