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


def test_the_seed_is_what_confirming_the_sample_sign_up_stores(
    load_handler: Callable[[str], ModuleType], dynamodb: Any, published: Any
) -> None:
    handler = load_handler("PostConfirmationFunction")

    handler.lambda_handler(
        sample_event(ROOT / "events" / "post_confirmation" / "confirm_sign_up.json"), LambdaContext()
    )

    assert without_times(stored(dynamodb)) == without_times(json.loads(SEED.read_text())["IdentityTable"])
