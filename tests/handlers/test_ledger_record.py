"""The ledger's recording of tip events, driven with the sample EventBridge events against moto."""

from __future__ import annotations

import json
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

from colmena.errors import InvalidEvent
from tools.handlers import LambdaContext, sample_event
from tools.template import ROOT

EVENTS = ROOT / "events" / "ledger_record"
PAYMENT_INTENT = "pi_3QsampleColmena0001"


@pytest.fixture
def handler(load_handler: Callable[[str], ModuleType], dynamodb: Any) -> ModuleType:
    return load_handler("LedgerRecordFunction")


def deliver(handler: ModuleType, sample: str, **overrides: Any) -> dict[str, Any]:
    result: dict[str, Any] = handler.lambda_handler(sample_event(EVENTS / sample, **overrides), LambdaContext())
    return result


def test_a_completed_tip_is_recorded_as_a_completed_transaction(handler: ModuleType) -> None:
    result = deliver(handler, "tip_completed.json")

    assert (result["payment_intent_id"], result["status"], result["changed"]) == (PAYMENT_INTENT, "completed", True)
    assert handler.repository.get_transaction(PAYMENT_INTENT).amount == 500


def test_a_refund_after_the_completion_marks_it_refunded(handler: ModuleType) -> None:
    deliver(handler, "tip_completed.json")

    result = deliver(handler, "tip_refunded.json")

    assert (result["status"], result["changed"]) == ("refunded", True)


def test_a_refund_delivered_first_is_recorded_refunded_and_the_late_completion_keeps_it_so(handler: ModuleType) -> None:
    deliver(handler, "tip_refunded.json")

    late = deliver(handler, "tip_completed.json")

    assert late["status"] == "refunded"
    transaction = handler.repository.get_transaction(PAYMENT_INTENT)
    assert (transaction.completed_at, transaction.refunded_at) == (
        "2026-11-25T10:20:00.000+00:00",
        "2026-11-25T11:00:00.000+00:00",
    )


def test_a_duplicate_delivery_has_the_effect_of_one(handler: ModuleType, dynamodb: Any) -> None:
    deliver(handler, "tip_completed.json")
    before = dynamodb.scan(TableName="LedgerTable")["Items"]

    again = deliver(handler, "tip_completed.json")

    assert again["changed"] is False
    assert dynamodb.scan(TableName="LedgerTable")["Items"] == before


def test_an_event_of_another_type_is_refused_and_nothing_is_stored(handler: ModuleType, dynamodb: Any) -> None:
    with pytest.raises(InvalidEvent, match="detail-type"):
        deliver(handler, "tip_completed.json", **{"detail-type": "tip.created"})

    assert dynamodb.scan(TableName="LedgerTable")["Count"] == 0


def test_an_event_contradicting_the_recorded_payment_is_refused_and_changes_nothing(
    handler: ModuleType, dynamodb: Any
) -> None:
    deliver(handler, "tip_completed.json")
    before = dynamodb.scan(TableName="LedgerTable")["Items"]
    refund = sample_event(EVENTS / "tip_refunded.json")
    refund["detail"]["data"]["amount"] = 5000

    with pytest.raises(InvalidEvent, match="amount differ"):
        handler.lambda_handler(refund, LambdaContext())

    assert dynamodb.scan(TableName="LedgerTable")["Items"] == before


def test_the_consumer_logs_with_the_correlation_id_the_producer_carried(handler: ModuleType) -> None:
    event = sample_event(EVENTS / "tip_completed.json")
    event["detail"]["metadata"]["correlation_id"] = "api-request-7f3c"

    handler.lambda_handler(event, LambdaContext())

    assert handler.logger.get_correlation_id() == "api-request-7f3c"


def test_an_event_without_a_correlation_id_is_logged_with_its_own_id(handler: ModuleType) -> None:
    event = sample_event(EVENTS / "tip_completed.json")
    event["detail"]["metadata"].pop("correlation_id", None)

    handler.lambda_handler(event, LambdaContext())

    assert handler.logger.get_correlation_id() == event["id"]


def test_a_new_completion_counts_the_tip_and_its_amount_per_currency(
    handler: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    deliver(handler, "tip_completed.json")
    deliver(handler, "tip_completed.json")  # a duplicate delivery counts nothing more

    records = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith('{"_aws"')]
    counted = [
        (r["currency"], r["TransactionsCompleted"], r["AmountCompleted"]) for r in records if "AmountCompleted" in r
    ]
    assert counted == [("eur", [1.0], [500.0])]
