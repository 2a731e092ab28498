"""PostConfirmation driven with the sample events in events/, against moto."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

from colmena.errors import InvalidEvent, PublishFailed
from tools.handlers import LambdaContext, sample_event
from tools.template import ROOT

EVENTS = ROOT / "events" / "post_confirmation"
SUB = "6f9a3c2e-5b1d-4e8a-9c7f-2d4b6a8e0c13"


@pytest.fixture
def handler(load_handler: Callable[[str], ModuleType], dynamodb: Any, published: Any) -> ModuleType:
    return load_handler("PostConfirmationFunction")


def items(dynamodb: Any) -> list[dict[str, Any]]:
    return list(dynamodb.scan(TableName="IdentityTable")["Items"])


def test_a_confirmed_sign_up_creates_the_user_and_settings_and_returns_the_event(
    handler: ModuleType, dynamodb: Any
) -> None:
    event = sample_event(EVENTS / "confirm_sign_up.json")

    returned = handler.lambda_handler(copy.deepcopy(event), LambdaContext())

    assert returned == event
    user, settings = handler.repository.get_profile(SUB)
    assert user.email == "ana@example.com" and user.status == "active" and user.email_verified
    assert (settings.language, settings.timezone, settings.currency) == ("es", "UTC", "EUR")


def test_it_publishes_one_user_registered_event(handler: ModuleType, published: Callable[[], list[Any]]) -> None:
    handler.lambda_handler(sample_event(EVENTS / "confirm_sign_up.json"), LambdaContext())

    events = published()
    assert [(event["source"], event["detail-type"]) for event in events] == [("colmena.identity", "user.registered")]
    assert events[0]["detail"]["data"]["user_id"] == SUB
    assert events[0]["detail"]["metadata"]["event_id"]


@pytest.mark.parametrize("email_verified", [True, "true"])
def test_email_verified_may_be_a_boolean_or_a_string(handler: ModuleType, email_verified: object) -> None:
    event = sample_event(EVENTS / "confirm_sign_up.json")
    event["request"]["userAttributes"]["email_verified"] = email_verified

    handler.lambda_handler(event, LambdaContext())

    assert handler.repository.get_user(SUB).email_verified is True


def test_a_retried_delivery_changes_nothing_and_does_not_fail(
    handler: ModuleType, dynamodb: Any, published: Callable[[], list[Any]]
) -> None:
    event = sample_event(EVENTS / "confirm_sign_up.json")
    handler.lambda_handler(copy.deepcopy(event), LambdaContext())
    before = items(dynamodb)

    for _ in range(3):
        assert handler.lambda_handler(copy.deepcopy(event), LambdaContext()) == event

    assert items(dynamodb) == before
    assert len(published()) == 1


def test_a_retry_after_the_bus_refused_publishes_the_same_event_id(
    handler: ModuleType, published: Callable[[], list[Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    event = sample_event(EVENTS / "confirm_sign_up.json")
    refused: list[dict[str, Any]] = []

    def refuse(**request: Any) -> dict[str, Any]:
        refused.extend(request["Entries"])
        return {"FailedEntryCount": 1, "Entries": [{"ErrorCode": "InternalFailure", "ErrorMessage": "try again"}]}

    with monkeypatch.context() as bus_down:
        bus_down.setattr(handler.publisher._client, "put_events", refuse)
        with pytest.raises(PublishFailed, match="InternalFailure"):
            handler.lambda_handler(copy.deepcopy(event), LambdaContext())
    assert not handler.repository.get_user(SUB).registration_published

    handler.lambda_handler(copy.deepcopy(event), LambdaContext())

    first_try_id = json.loads(refused[0]["Detail"])["metadata"]["event_id"]
    (delivered,) = published()
    assert delivered["detail"]["metadata"]["event_id"] == first_try_id
    assert handler.repository.get_user(SUB).registration_published


def test_a_forgot_password_confirmation_recreates_and_resets_nothing(handler: ModuleType, dynamodb: Any) -> None:
    handler.lambda_handler(sample_event(EVENTS / "confirm_sign_up.json"), LambdaContext())
    handler.repository.update_settings(SUB, {"language": "en"}, "2026-11-25T12:00:00.000+00:00")
    before = items(dynamodb)
    event = sample_event(EVENTS / "confirm_forgot_password.json")

    assert handler.lambda_handler(copy.deepcopy(event), LambdaContext()) == event

    assert items(dynamodb) == before


def test_a_forgot_password_confirmation_of_an_unknown_user_creates_nothing(handler: ModuleType, dynamodb: Any) -> None:
    handler.lambda_handler(sample_event(EVENTS / "confirm_forgot_password.json"), LambdaContext())

    assert items(dynamodb) == []


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda event: event.update(triggerSource="PreSignUp_SignUp"), "triggerSource"),
        (lambda event: event["request"]["userAttributes"].pop("sub"), "sub"),
        (lambda event: event["request"]["userAttributes"].pop("email"), "email"),
        (lambda event: event.pop("request"), "userAttributes"),
    ],
)
def test_an_event_it_cannot_use_is_refused_and_writes_nothing(
    handler: ModuleType, dynamodb: Any, mutate: Callable[[dict[str, Any]], Any], reason: str
) -> None:
    event = sample_event(EVENTS / "confirm_sign_up.json")
    mutate(event)

    with pytest.raises(InvalidEvent, match=reason):
        handler.lambda_handler(event, LambdaContext())

    assert items(dynamodb) == []
