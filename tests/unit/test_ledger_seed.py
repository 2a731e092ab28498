"""The ledger's records in events/seed.json are exactly what recording the sample `tip.completed` stores, so
the seed cannot drift from the item shape the repository writes."""

from __future__ import annotations

import json
from collections.abc import Callable
from types import ModuleType
from typing import Any

from colmena.repository import from_attributes
from tools.handlers import LambdaContext, sample_event
from tools.local_stack.stack import SEED
from tools.template import ROOT

TIMES = ("created_at", "updated_at")


def without_times(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(
        ({name: value for name, value in item.items() if name not in TIMES} for item in items),
        key=lambda item: (item["pk"], item["sk"]),
    )


def test_the_seeded_transaction_is_what_recording_the_sample_tip_stores(
    load_handler: Callable[[str], ModuleType], dynamodb: Any
) -> None:
    handler = load_handler("LedgerRecordFunction")

    handler.lambda_handler(sample_event(ROOT / "events" / "ledger_record" / "tip_completed.json"), LambdaContext())

    stored = [from_attributes(item) for item in dynamodb.scan(TableName="LedgerTable")["Items"]]
    assert without_times(stored) == without_times(json.loads(SEED.read_text())["LedgerTable"])
