"""What the Agents payment's tests share: the seeded onboarding (Ana's, its business confirmed and its knowledge
base ready) made ready for payment by writing what the deployment would have written, and its items read back."""

from __future__ import annotations

import json
from typing import Any

from colmena.repository import from_attributes, to_attributes
from tools.local_stack.stack import SEED

DEPLOYED_AT = "2026-11-26T10:00:00.000+00:00"


def seed_agents(dynamodb: Any) -> None:
    for item in json.loads(SEED.read_text())["AgentsTable"]:
        dynamodb.put_item(TableName="AgentsTable", Item=to_attributes(item))


def set_onboarding(dynamodb: Any, onboarding_id: str, **fields: Any) -> None:
    """Fields written on the onboarding item directly: the deployment's `voice_id` and `deployed_at`, which their
    own routes and workflow write on the real path."""
    dynamodb.update_item(
        TableName="AgentsTable",
        Key={"pk": {"S": f"ONBOARDING#{onboarding_id}"}, "sk": {"S": "ONBOARDING"}},
        UpdateExpression="SET " + ", ".join(f"{name} = :{name}" for name in fields),
        ExpressionAttributeValues=to_attributes({f":{name}": value for name, value in fields.items()}),
    )


def item(dynamodb: Any, onboarding_id: str, sk: str) -> dict[str, Any] | None:
    found = dynamodb.get_item(
        TableName="AgentsTable", Key={"pk": {"S": f"ONBOARDING#{onboarding_id}"}, "sk": {"S": sk}}
    )
    return from_attributes(found["Item"]) if "Item" in found else None
