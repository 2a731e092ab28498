"""The Ledger's DynamoDB access: one table (`LedgerTable`), single-table keys and one local secondary index.
The README's "The social ledger" section lists every access pattern.

pk                      sk              item
TXN#<payment_intent>    TXN             the transaction, once per PaymentIntent (its `version` guards changes)
USER#<user_id>          TXN#<pi>        the transaction as that user sees it: direction, counterpart
                                        (lsi1sk <occurred_at>#<pi>: the ByTime index orders a user's entries)

A change writes the transaction and both users' entries in one TransactWriteItems, on condition that the
transaction is absent (the first event) or still at the version read (any later one): of ten deliveries at
once, one writes and the others read again and find nothing left to do."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from colmena.errors import InvalidInput
from colmena.repository import ConditionFailed, Contended, DynamoRepository, Item, from_attributes, to_attributes
from ledger.logic import applied, entries_of
from ledger.models import (
    Direction,
    Entry,
    Page,
    PaymentFact,
    Transaction,
    TransactionStatus,
    TransactionType,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

TRANSACTION = "TXN"
ENTRY = "TXN#"
BY_TIME = "ByTime"
MAX_CURSOR_CHARS = 1024
# Each lost race means another delivery of the same payment wrote in between; a handful is already unusual.
MAX_ATTEMPTS = 8


def transaction_pk(payment_intent_id: str) -> str:
    return f"TXN#{payment_intent_id}"


def user_pk(user_id: str) -> str:
    return f"USER#{user_id}"


@dataclass(frozen=True)
class Recorded:
    """The transaction as stored after an event, and whether this event changed it."""

    transaction: Transaction
    changed: bool


class LedgerRepository(DynamoRepository):
    def get_transaction(self, payment_intent_id: str) -> Transaction | None:
        item = self._get(transaction_pk(payment_intent_id), TRANSACTION)
        return _transaction(item) if item else None

    def record(self, fact: PaymentFact, now: str) -> Recorded:
        """Applies one payment event: reads the transaction, merges the fact (ledger.logic.applied) and writes
        the result with both users' entries, once. A write that loses a race reads again; Contended after
        MAX_ATTEMPTS lost races, for the event to be delivered again."""
        for _ in range(MAX_ATTEMPTS):
            current = self.get_transaction(fact.payment_intent_id)
            merged = applied(current, fact, now)
            if merged is None:
                assert current is not None  # a first fact always makes a transaction
                return Recorded(current, changed=False)
            try:
                self._write(merged, previous_version=current.version if current else None)
            except (ConditionFailed, Contended):
                continue
            return Recorded(merged, changed=True)
        raise Contended(f"payment {fact.payment_intent_id}: lost {MAX_ATTEMPTS} races to other deliveries")

    def _write(self, transaction: Transaction, previous_version: int | None) -> None:
        guard: dict[str, Any] = (
            {"ConditionExpression": "attribute_not_exists(pk)"}
            if previous_version is None
            else {
                "ConditionExpression": "#version = :read",
                "ExpressionAttributeNames": {"#version": "version"},
                "ExpressionAttributeValues": to_attributes({":read": previous_version}),
            }
        )
        put_transaction = {"TableName": self.table_name, "Item": to_attributes(_transaction_item(transaction)), **guard}
        writes = [cast("TransactWriteItemTypeDef", {"Put": put_transaction})]
        writes.extend(
            {"Put": {"TableName": self.table_name, "Item": to_attributes(_entry_item(entry))}}
            for entry in entries_of(transaction)
        )
        self._transact(writes)

    def entries(self, user_id: str, limit: int, cursor: str | None) -> Page[Entry]:
        """The user's entries, newest first: one Query of their own partition on the ByTime index."""
        pk = user_pk(user_id)
        request: dict[str, Any] = {
            "TableName": self.table_name,
            "IndexName": BY_TIME,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": to_attributes({":pk": pk}),
            "ScanIndexForward": False,
            "ConsistentRead": True,
            "Limit": limit,
        }
        if cursor:
            request["ExclusiveStartKey"] = _start_key(cursor, pk)
        response = self._client.query(**request)
        return Page(
            [_entry(from_attributes(item)) for item in response["Items"]],
            _cursor(response.get("LastEvaluatedKey")),
        )


# ---------------------------------------------------------------- cursors

CURSOR_KEYS = frozenset({"pk", "sk", "lsi1sk"})


def _cursor(last_key: dict[str, Any] | None) -> str | None:
    """The next page's opaque cursor: the last key read, as URL-safe base64 of its JSON."""
    if not last_key:
        return None
    plain = {name: value["S"] for name, value in last_key.items()}
    return base64.urlsafe_b64encode(json.dumps(plain, separators=(",", ":")).encode()).decode()


def _start_key(cursor: str, pk: str) -> dict[str, dict[str, str]]:
    """The key a cursor names, refused (422) unless it is one this listing could have given out: an entry of
    the caller's own partition. A cursor can start the caller's listing elsewhere, never reach another's."""
    refusal = InvalidInput("not a cursor this listing gave out; start again without one", field="cursor")
    if len(cursor) > MAX_CURSOR_CHARS:
        raise refusal
    try:
        plain = json.loads(base64.urlsafe_b64decode(cursor.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeError, RecursionError) as error:
        raise refusal from error
    if not isinstance(plain, dict) or set(plain) != CURSOR_KEYS:
        raise refusal
    if not all(isinstance(value, str) and value for value in plain.values()):
        raise refusal
    if plain["pk"] != pk or not plain["sk"].startswith(ENTRY):
        raise refusal
    return {name: {"S": value} for name, value in plain.items()}


# ---------------------------------------------------------------- items


def _transaction_item(transaction: Transaction) -> Item:
    return {
        "pk": transaction_pk(transaction.payment_intent_id),
        "sk": TRANSACTION,
        "transaction_id": transaction.transaction_id,
        "payment_intent_id": transaction.payment_intent_id,
        "type": str(transaction.type),
        "payer_id": transaction.payer_id,
        "payee_id": transaction.payee_id,
        "amount": transaction.amount,
        "currency": transaction.currency,
        "status": str(transaction.status),
        "occurred_at": transaction.occurred_at,
        "completed_at": transaction.completed_at,
        "refunded_at": transaction.refunded_at,
        "reference": transaction.reference,
        "source_id": transaction.source_id,
        "created_at": transaction.created_at,
        "updated_at": transaction.updated_at,
        "version": transaction.version,
    }


def _transaction(item: Item) -> Transaction:
    return Transaction(
        transaction_id=item["transaction_id"],
        payment_intent_id=item["payment_intent_id"],
        type=TransactionType(item["type"]),
        payer_id=item["payer_id"],
        payee_id=item["payee_id"],
        amount=int(item["amount"]),
        currency=item["currency"],
        status=TransactionStatus(item["status"]),
        occurred_at=item["occurred_at"],
        created_at=item["created_at"],
        updated_at=item["updated_at"],
        completed_at=item.get("completed_at"),
        refunded_at=item.get("refunded_at"),
        reference=item.get("reference"),
        source_id=item.get("source_id"),
        version=int(item["version"]),
    )


def _entry_item(entry: Entry) -> Item:
    transaction = entry.transaction
    item = _transaction_item(transaction)
    for party in ("pk", "sk", "payer_id", "payee_id"):
        del item[party]
    return {
        "pk": user_pk(entry.user_id),
        "sk": ENTRY + transaction.payment_intent_id,
        "lsi1sk": f"{transaction.occurred_at}#{transaction.payment_intent_id}",
        "user_id": entry.user_id,
        "direction": str(entry.direction),
        "counterpart_id": entry.counterpart_id,
        **item,
    }


def _entry(item: Item) -> Entry:
    direction = Direction(item["direction"])
    user_id, counterpart_id = item["user_id"], item["counterpart_id"]
    payer_id, payee_id = (user_id, counterpart_id) if direction is Direction.SENT else (counterpart_id, user_id)
    return Entry(user_id, direction, counterpart_id, _transaction({**item, "payer_id": payer_id, "payee_id": payee_id}))
