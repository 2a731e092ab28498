"""The usage route, driven with its sample event against moto and the seeded onboarding (Ana's): a month's
minutes and calls for the owner, 404 for anyone else, the current month by default, 422 for a malformed one."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from types import ModuleType
from typing import Any

import pytest

from colmena.repository import to_attributes
from tests.agents_api import BO, SEEDED, call
from tools.handlers import LambdaContext, sample_event
from tools.local_stack.stack import SEED
from tools.template import ROOT


@pytest.fixture
def api(load_handler: Callable[[str], ModuleType], dynamodb: Any) -> ModuleType:
    for item in json.loads(SEED.read_text())["AgentsTable"]:
        dynamodb.put_item(TableName="AgentsTable", Item=to_attributes(item))
    return load_handler("AgentsUsageFunction")


def used(dynamodb: Any, month: str, minutes: int, calls: int) -> None:
    item = {"pk": f"ONBOARDING#{SEEDED}", "sk": f"USAGE#{month}", "month": month, "minutes": minutes, "calls": calls}
    dynamodb.put_item(TableName="AgentsTable", Item=to_attributes(item))


def in_month(api: ModuleType, month: str | None) -> tuple[int, dict[str, Any]]:
    event = sample_event(ROOT / "events" / "agents_usage" / "usage.json")
    event["queryStringParameters"] = {"month": month} if month is not None else None
    event["multiValueQueryStringParameters"] = {"month": [month]} if month is not None else None
    response = api.lambda_handler(event, LambdaContext())
    return response["statusCode"], json.loads(response["body"])


def test_the_owner_sees_the_months_minutes_and_calls(api: ModuleType, dynamodb: Any) -> None:
    used(dynamodb, "2026-11", minutes=17, calls=4)

    status, answer = call(api, "agents_usage/usage")

    assert status == 200
    assert answer == {"onboarding_id": SEEDED, "month": "2026-11", "minutes": 17, "calls": 4}


def test_a_month_without_calls_answers_zero(api: ModuleType, dynamodb: Any) -> None:
    used(dynamodb, "2026-11", minutes=17, calls=4)

    status, answer = in_month(api, "2026-10")

    assert status == 200 and (answer["minutes"], answer["calls"]) == (0, 0)


def test_without_a_month_the_current_utc_month_is_answered(api: ModuleType, dynamodb: Any) -> None:
    this_month = datetime.now(UTC).strftime("%Y-%m")
    used(dynamodb, this_month, minutes=2, calls=1)

    status, answer = in_month(api, None)

    assert status == 200 and answer["month"] == this_month and answer["calls"] == 1


@pytest.mark.parametrize("month", ["2026-13", "2026-1", "noviembre"])
def test_a_malformed_month_is_refused_naming_it(api: ModuleType, month: str) -> None:
    status, answer = in_month(api, month)

    assert status == 422
    assert [field["field"] for field in answer["error"]["fields"]] == ["month"]


def test_someone_elses_onboarding_is_not_found(api: ModuleType, dynamodb: Any) -> None:
    used(dynamodb, "2026-11", minutes=17, calls=4)

    status, answer = call(api, "agents_usage/usage", user=BO)

    assert status == 404 and "minutes" not in answer


def test_an_onboarding_that_does_not_exist_is_not_found(api: ModuleType) -> None:
    status, _ = call(api, "agents_usage/usage", onboarding_id="0b0a7d10-0000-4000-8000-0000000000ff")

    assert status == 404
