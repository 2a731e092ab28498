"""The tips' and DJ payouts' items in LiveTable (docs/live-table.md lists them beside Live's others):

pk                  sk          item
PAYOUT#<user_id>    PAYOUT      a DJ's Stripe Connect account: claimed, then its id, then payable
ACCOUNT#<acct_id>   ACCOUNT     which user a connected account belongs to (account.updated finds the DJ)
TIP#<tip_id>        TIP         a tip, pending until Stripe's events move it forward
PI#<pi_id>          PI          which tip a PaymentIntent pays (Stripe's events find the tip)

Every write is conditional on what the use case read, so concurrent requests and deliveries never overwrite
each other: a payout is claimed once, a PaymentIntent attached once, and a tip's status only moves from the
one read to one further along."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from colmena.repository import DynamoRepository, Item, from_attributes, to_attributes, translated
from live.tips.rules import Payout, Tip, TipStatus

PAYOUT = "PAYOUT"
ACCOUNT = "ACCOUNT"
TIP = "TIP"
PAYMENT_INTENT = "PI"


def payout_pk(user_id: str) -> str:
    return f"PAYOUT#{user_id}"


def account_pk(account_id: str) -> str:
    return f"ACCOUNT#{account_id}"


def tip_pk(tip_id: str) -> str:
    return f"TIP#{tip_id}"


def payment_intent_pk(payment_intent_id: str) -> str:
    return f"PI#{payment_intent_id}"


# The timestamp each status sets when a tip reaches it.
REACHED_AT = {TipStatus.FAILED: "failed_at", TipStatus.COMPLETED: "completed_at", TipStatus.REFUNDED: "refunded_at"}


class TipRepository(DynamoRepository):
    # ---------------------------------------------------------------- payouts
    def get_payout(self, user_id: str) -> Payout | None:
        item = self._get(payout_pk(user_id), PAYOUT)
        return _payout(item) if item else None

    def claim_payout(self, payout: Payout) -> None:
        """The DJ's payout record, written once: ConditionFailed when it exists (a retry, or a call at the
        same moment)."""
        self._put(_payout_item(payout), condition="attribute_not_exists(pk)")

    def set_account(self, user_id: str, account_id: str, now: str) -> Payout:
        """Records the account Stripe created for the claimed payout, and the account's owner, together:
        ConditionFailed when the payout already names another account."""
        self._transact(
            [
                {
                    "Update": {
                        "TableName": self.table_name,
                        "Key": self._key(payout_pk(user_id), PAYOUT),
                        "UpdateExpression": "SET account_id = :account, updated_at = :now",
                        "ConditionExpression": "attribute_exists(pk) AND "
                        "(attribute_not_exists(account_id) OR account_id = :account)",
                        "ExpressionAttributeValues": to_attributes({":account": account_id, ":now": now}),
                    }
                },
                {
                    "Put": {
                        "TableName": self.table_name,
                        "Item": to_attributes(
                            {"pk": account_pk(account_id), "sk": ACCOUNT, "account_id": account_id, "user_id": user_id}
                        ),
                        "ConditionExpression": "attribute_not_exists(pk) OR user_id = :user",
                        "ExpressionAttributeValues": to_attributes({":user": user_id}),
                    }
                },
            ]
        )
        payout = self.get_payout(user_id)
        assert payout is not None
        return payout

    def payout_of_account(self, account_id: str) -> Payout | None:
        owner = self._get(account_pk(account_id), ACCOUNT)
        if owner is None:
            return None
        payout = self.get_payout(str(owner["user_id"]))
        return payout if payout is not None and payout.account_id == account_id else None

    def apply_account_update(
        self, payout: Payout, payable: bool, country: str | None, updated_at: int, now: str
    ) -> None:
        """Sets whether the DJ is payable and where, as of Stripe's `updated_at` (epoch seconds), unless a newer update
        was applied already (ConditionFailed then). Of two updates in the same second, the one that makes the
        account payable wins: Stripe enables charges after the rest of onboarding, never in the same breath as
        disabling them."""
        newer = "account_updated_at <= :at" if payable else "account_updated_at < :at"
        self._update(
            payout_pk(payout.user_id),
            PAYOUT,
            "SET payable = :payable, country = :country, account_updated_at = :at, updated_at = :now",
            f"account_id = :account AND {newer}",
            {":payable": payable, ":country": country, ":at": updated_at, ":now": now, ":account": payout.account_id},
        )

    # ---------------------------------------------------------------- tips
    def get_tip(self, tip_id: str) -> Tip | None:
        item = self._get(tip_pk(tip_id), TIP)
        return _tip(item) if item else None

    def create_tip(self, tip: Tip) -> None:
        """Stores the tip, pending, before Stripe hears of it: ConditionFailed when it exists (a retried
        request with the same key)."""
        self._put(_tip_item(tip), condition="attribute_not_exists(pk)")

    def attach_payment_intent(self, tip: Tip, payment_intent_id: str, client_secret: str, now: str) -> Tip:
        """The tip pending with its PaymentIntent, and the PaymentIntent's pointer to it, together, once:
        ConditionFailed when a PaymentIntent is attached already (a concurrent retry got there first)."""
        self._transact(
            [
                {
                    "Update": {
                        "TableName": self.table_name,
                        "Key": self._key(tip_pk(tip.tip_id), TIP),
                        "UpdateExpression": "SET payment_intent_id = :pi, client_secret = :secret, #status = :pending, "
                        "updated_at = :now REMOVE failure_reason, failed_at",
                        "ConditionExpression": "attribute_exists(pk) AND attribute_not_exists(payment_intent_id)",
                        "ExpressionAttributeNames": {"#status": "status"},
                        "ExpressionAttributeValues": to_attributes(
                            {
                                ":pi": payment_intent_id,
                                ":secret": client_secret,
                                ":pending": str(TipStatus.PENDING),
                                ":now": now,
                            }
                        ),
                    }
                },
                {
                    "Put": {
                        "TableName": self.table_name,
                        "Item": to_attributes(
                            {
                                "pk": payment_intent_pk(payment_intent_id),
                                "sk": PAYMENT_INTENT,
                                "payment_intent_id": payment_intent_id,
                                "tip_id": tip.tip_id,
                            }
                        ),
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
            ]
        )
        attached = self.get_tip(tip.tip_id)
        assert attached is not None
        return attached

    def fail_before_payment_intent(self, tip: Tip, reason: str, now: str) -> Tip:
        """Marks a tip whose PaymentIntent Stripe did not create as failed, with the reason; the same request
        again may still create it. ConditionFailed when a PaymentIntent got attached meanwhile."""
        item = self._update(
            tip_pk(tip.tip_id),
            TIP,
            "SET #status = :failed, failure_reason = :reason, failed_at = :now, updated_at = :now",
            "attribute_exists(pk) AND attribute_not_exists(payment_intent_id)",
            {":failed": str(TipStatus.FAILED), ":reason": reason, ":now": now},
        )
        return _tip(item)

    def tip_of_payment_intent(self, payment_intent_id: str) -> Tip | None:
        pointer = self._get(payment_intent_pk(payment_intent_id), PAYMENT_INTENT)
        return self.get_tip(str(pointer["tip_id"])) if pointer else None

    def move_tip(self, tip: Tip, status: TipStatus, at: str, now: str, reason: str | None = None) -> Tip:
        """The tip from the status it was read in to `status` (reached at `at`): ConditionFailed when its
        status changed since it was read, for the caller to read again and judge afresh."""
        values: dict[str, Any] = {":from": str(tip.status), ":to": str(status), ":at": at, ":now": now}
        expression = f"SET #status = :to, {REACHED_AT[status]} = :at, updated_at = :now"
        if reason is not None:
            expression += ", failure_reason = :reason"
            values[":reason"] = reason
        item = self._update(
            tip_pk(tip.tip_id), TIP, expression, "attribute_exists(payment_intent_id) AND #status = :from", values
        )
        return _tip(item)

    def mark_announced(self, tip: Tip, flag: str) -> Tip:
        """Sets `completion_announced` or `refund_announced` once its announcements are out."""
        assert flag in ("completion_announced", "refund_announced")
        item = self._update(tip_pk(tip.tip_id), TIP, f"SET {flag} = :yes", "attribute_exists(pk)", {":yes": True})
        return _tip(item)

    # ---------------------------------------------------------------- helpers
    def _update(self, pk: str, sk: str, expression: str, condition: str, values: dict[str, Any]) -> Item:
        request: dict[str, Any] = {
            "TableName": self.table_name,
            "Key": self._key(pk, sk),
            "UpdateExpression": expression,
            "ConditionExpression": condition,
            "ExpressionAttributeValues": to_attributes(values),
            "ReturnValues": "ALL_NEW",
        }
        if "#status" in expression or "#status" in condition:
            request["ExpressionAttributeNames"] = {"#status": "status"}  # DynamoDB refuses an empty map
        try:
            response = self._client.update_item(**request)
        except ClientError as error:
            raise translated(error) from error
        return from_attributes(response["Attributes"])


# ---------------------------------------------------------------- items


def _payout_item(payout: Payout) -> Item:
    return {
        "pk": payout_pk(payout.user_id),
        "sk": PAYOUT,
        "user_id": payout.user_id,
        "email": payout.email,
        "account_id": payout.account_id,
        "payable": payout.payable,
        "account_updated_at": payout.account_updated_at,
        "country": payout.country,
        "created_at": payout.created_at,
        "updated_at": payout.created_at,
    }


def _payout(item: Item) -> Payout:
    return Payout(
        user_id=item["user_id"],
        email=item.get("email"),
        created_at=item["created_at"],
        account_id=item.get("account_id"),
        payable=bool(item.get("payable", False)),
        account_updated_at=int(item.get("account_updated_at", 0)),
        country=item.get("country"),
    )


def _tip_item(tip: Tip) -> Item:
    return {
        "pk": tip_pk(tip.tip_id),
        "sk": TIP,
        "tip_id": tip.tip_id,
        "session_id": tip.session_id,
        "tipper_id": tip.tipper_id,
        "dj_id": tip.dj_id,
        "destination": tip.destination,
        "amount": tip.amount,
        "currency": tip.currency,
        "application_fee_amount": tip.application_fee_amount,
        "idempotency_key": tip.idempotency_key,
        "status": str(tip.status),
        "created_at": tip.created_at,
        "updated_at": tip.updated_at,
        "payment_intent_id": tip.payment_intent_id,
        "client_secret": tip.client_secret,
        "failure_reason": tip.failure_reason,
        "completed_at": tip.completed_at,
        "refunded_at": tip.refunded_at,
        "completion_announced": tip.completion_announced,
        "refund_announced": tip.refund_announced,
    }


def _tip(item: Item) -> Tip:
    return Tip(
        tip_id=item["tip_id"],
        session_id=item["session_id"],
        tipper_id=item["tipper_id"],
        dj_id=item["dj_id"],
        destination=item["destination"],
        amount=int(item["amount"]),
        currency=item["currency"],
        application_fee_amount=int(item["application_fee_amount"]),
        idempotency_key=item["idempotency_key"],
        status=TipStatus(item["status"]),
        created_at=item["created_at"],
        updated_at=item["updated_at"],
        payment_intent_id=item.get("payment_intent_id"),
        client_secret=item.get("client_secret"),
        failure_reason=item.get("failure_reason"),
        completed_at=item.get("completed_at"),
        refunded_at=item.get("refunded_at"),
        completion_announced=bool(item.get("completion_announced", False)),
        refund_announced=bool(item.get("refund_announced", False)),
    )
