"""The small base every context's repository module builds on: one DynamoDB table behind the low-level
client (cheaper to create at cold start than boto3's resource layer), items as plain dicts, and the
ClientError codes that carry meaning turned into `ConditionFailed`, which each repository translates into
its own domain answer."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from colmena.errors import Busy

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

Item = dict[str, Any]

# An attribute-name placeholder in a condition expression: `#status`.
_PLACEHOLDER = re.compile(r"#(\w+)")

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


class ConditionFailed(Exception):
    """A condition expression did not hold: the item exists, or is newer, or is missing."""


class Contended(Busy):
    """A write lost a race with a transaction on the same items (TransactionConflict), before any condition
    was judged: the same write again, after reading afresh, may succeed. One that nobody retries answers 503."""

    def __init__(self, detail: str) -> None:
        super().__init__("another request changed the same data at the same moment; send the request again")
        self.detail = detail


def to_attributes(item: Mapping[str, Any]) -> dict[str, Any]:
    return {name: _serializer.serialize(value) for name, value in item.items() if value is not None}


def from_attributes(attributes: Mapping[str, Any]) -> Item:
    return {name: _deserializer.deserialize(value) for name, value in attributes.items()}


class DynamoRepository:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self.table_name = table_name

    def _key(self, pk: str, sk: str) -> dict[str, Any]:
        return to_attributes({"pk": pk, "sk": sk})

    def _get(self, pk: str, sk: str) -> Item | None:
        response = self._client.get_item(TableName=self.table_name, Key=self._key(pk, sk), ConsistentRead=True)
        return from_attributes(response["Item"]) if "Item" in response else None

    def _query_partition(self, pk: str) -> list[Item]:
        """Every item of one partition (a handful at most: one aggregate per partition key)."""
        response = self._client.query(
            TableName=self.table_name,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": pk}},
            ConsistentRead=True,
        )
        return [from_attributes(item) for item in response["Items"]]

    def _put(self, item: Mapping[str, Any], condition: str | None = None, **values: Any) -> None:
        request: dict[str, Any] = {"TableName": self.table_name, "Item": to_attributes(item)}
        if condition:
            request["ConditionExpression"] = condition
        if values:
            request["ExpressionAttributeValues"] = to_attributes({f":{name}": v for name, v in values.items()})
        try:
            self._client.put_item(**request)
        except ClientError as error:
            raise translated(error) from error

    def _set_fields(
        self,
        pk: str,
        sk: str,
        fields: Mapping[str, Any],
        condition: str,
        allowed: frozenset[str],
        **values: Any,
    ) -> Item:
        """SETs the given attributes on an existing item (names are placeholders, so reserved words such as
        `status` are fine) and returns the item as it now is. Only names in `allowed` may be set: a key, an
        id or an attribute another writer owns can never be overwritten by a caller's mapping. The condition
        may name any attribute as `#name` and any of `values` as `:name`, beside the fields being set."""
        refused = set(fields) - allowed
        if refused or not fields:
            raise ValueError(f"cannot set {sorted(refused) or 'nothing'} on {sk} items; settable: {sorted(allowed)}")
        names = {*fields, *_PLACEHOLDER.findall(condition)}
        try:
            response = self._client.update_item(
                TableName=self.table_name,
                Key=self._key(pk, sk),
                UpdateExpression="SET " + ", ".join(f"#{name} = :{name}" for name in fields),
                ConditionExpression=condition,
                ExpressionAttributeNames={f"#{name}": name for name in names},
                ExpressionAttributeValues=to_attributes(
                    {f":{name}": value for name, value in {**values, **fields}.items()}
                ),
                ReturnValues="ALL_NEW",
            )
        except ClientError as error:
            raise translated(error) from error
        return from_attributes(response["Attributes"])

    def _transact(self, transaction: Sequence[TransactWriteItemTypeDef]) -> None:
        """Writes every item of the transaction or none: ConditionFailed when a condition did not hold,
        Contended when another transaction on the same items got in the way."""
        try:
            self._client.transact_write_items(TransactItems=list(transaction))
        except ClientError as error:
            raise translated(error) from error

    def _put_all_if_absent(self, items: Sequence[Mapping[str, Any]]) -> None:
        """Writes every item in one transaction, or none of them if any already exists."""
        transaction: list[TransactWriteItemTypeDef] = [
            {
                "Put": {
                    "TableName": self.table_name,
                    "Item": to_attributes(item),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            }
            for item in items
        ]
        try:
            self._client.transact_write_items(TransactItems=transaction)
        except ClientError as error:
            raise translated(error) from error


def translated(error: ClientError) -> Exception:
    """The DynamoDB error as the repositories' own: ConditionFailed, Contended, or the error itself."""
    code = error.response.get("Error", {}).get("Code", "")
    if code == "ConditionalCheckFailedException":
        return ConditionFailed(str(error))
    if code == "TransactionConflictException":  # a plain write on an item a transaction holds
        return Contended(str(error))
    if code == "TransactionCanceledException":
        reasons = [reason.get("Code") for reason in error.response.get("CancellationReasons", [])]
        if "ConditionalCheckFailed" in reasons and all(r in ("ConditionalCheckFailed", "None") for r in reasons):
            return ConditionFailed(str(error))
        if "TransactionConflict" in reasons:
            return Contended(str(error))
    return error
