"""GET /me/transactions, driven with the sample API Gateway event against moto and the seeded ledger."""

from __future__ import annotations

import json
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

from colmena.repository import to_attributes
from tools.handlers import LambdaContext, sample_event
from tools.local_stack.stack import SEED
from tools.template import ROOT

EVENTS = ROOT / "events" / "ledger_api"
ANA = "6f9a3c2e-5b1d-4e8a-9c7f-2d4b6a8e0c13"  # the sample's caller, who received Bo's seeded tip
BO = "b0b0b0b0-0000-4000-8000-000000000000"
CY = "c0c0c0c0-0000-4000-8000-000000000000"


@pytest.fixture
def api(load_handler: Callable[[str], ModuleType], dynamodb: Any) -> ModuleType:
    for item in json.loads(SEED.read_text())["LedgerTable"]:
        dynamodb.put_item(TableName="LedgerTable", Item=to_attributes(item))
    return load_handler("LedgerApiFunction")


def get(api: ModuleType, user: str | None = None, **query: str) -> tuple[int, dict[str, Any]]:
    event = sample_event(EVENTS / "get_transactions.json")
    if user is not None:
        event["requestContext"]["authorizer"]["claims"]["sub"] = user
    if query:
        event["queryStringParameters"] = query
        event["multiValueQueryStringParameters"] = {name: [value] for name, value in query.items()}
    response = api.lambda_handler(event, LambdaContext())
    return response["statusCode"], json.loads(response["body"])


def test_the_dj_sees_the_tip_received_from_the_tipper(api: ModuleType) -> None:
    status, page = get(api)

    assert status == 200
    [entry] = page["transactions"]
    assert (entry["direction"], entry["counterpart_id"], entry["amount"], entry["currency"]) == (
        "received",
        BO,
        500,
        "eur",
    )
    assert (entry["type"], entry["status"], entry["payment_intent_id"]) == (
        "tip",
        "completed",
        "pi_3QsampleColmena0001",
    )
    assert page["next_cursor"] is None


def test_the_tipper_sees_the_same_transaction_sent(api: ModuleType) -> None:
    _, anas = get(api)

    status, bos = get(api, user=BO)

    assert status == 200
    [entry] = bos["transactions"]
    assert (entry["direction"], entry["counterpart_id"]) == ("sent", ANA)
    assert entry["transaction_id"] == anas["transactions"][0]["transaction_id"]


def test_a_user_with_no_transactions_gets_an_empty_page(api: ModuleType) -> None:
    assert get(api, user=CY) == (200, {"transactions": [], "next_cursor": None})


@pytest.mark.parametrize(
    ("query", "field"), [({"limit": "0"}, "limit"), ({"limit": "101"}, "limit"), ({"cursor": "nope"}, "cursor")]
)
def test_a_bad_limit_or_cursor_is_a_422_naming_it(api: ModuleType, query: dict[str, str], field: str) -> None:
    status, answer = get(api, **query)

    assert status == 422
    assert answer["error"]["fields"][0]["field"] == field


def test_an_access_token_is_refused(api: ModuleType) -> None:
    event = sample_event(EVENTS / "get_transactions.json")
    event["requestContext"]["authorizer"]["claims"]["token_use"] = "access"

    response = api.lambda_handler(event, LambdaContext())

    assert response["statusCode"] == 401
