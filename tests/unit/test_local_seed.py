"""events/seed.json, the records the local stack writes so the sample events work on a fresh stack, holds
exactly what the code itself stores when the sample sign-up is confirmed: it cannot drift from the item
shape the repository writes."""

from __future__ import annotations

import json
from collections.abc import Callable
from types import ModuleType
from typing import Any

from boto3.dynamodb.types import TypeDeserializer

from tools.handlers import LambdaContext, sample_event
from tools.local_stack.stack import SEED
from tools.template import ROOT

TIMES = ("created_at", "updated_at")


def stored(dynamodb: Any) -> list[dict[str, Any]]:
    deserializer = TypeDeserializer()
    items = dynamodb.scan(TableName="IdentityTable")["Items"]
    return [{name: deserializer.deserialize(value) for name, value in item.items()} for item in items]


def without_times(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(
        ({name: value for name, value in item.items() if name not in TIMES} for item in items),
        key=lambda item: (item["pk"], item["sk"]),
    )


def confirmed_sign_up_of(user_id: str, email: str) -> dict[str, Any]:
    event = sample_event(ROOT / "events" / "post_confirmation" / "confirm_sign_up.json")
    event["userName"] = user_id
    event["request"]["userAttributes"].update({"sub": user_id, "email": email, "cognito:email_alias": email})
    return event


def test_each_seeded_user_is_what_confirming_their_sign_up_stores(
    load_handler: Callable[[str], ModuleType], dynamodb: Any, published: Any
) -> None:
    """Ana is the sample events' user; Bo is the one the back office's samples suspend and reinstate, so that
    running those never changes what Ana's samples answer."""
    seeded = json.loads(SEED.read_text())["IdentityTable"]
    handler = load_handler("PostConfirmationFunction")

    for profile in (item for item in seeded if item["sk"] == "PROFILE"):
        handler.lambda_handler(confirmed_sign_up_of(profile["user_id"], profile["email"]), LambdaContext())

    assert without_times(stored(dynamodb)) == without_times(seeded)
