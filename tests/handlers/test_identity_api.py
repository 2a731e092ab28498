"""GET /me and PATCH /me/settings driven with the API Gateway sample events, against moto."""

from __future__ import annotations

import json
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

from colmena.errors import InvalidEvent
from identity.logic import default_settings
from identity.models import User, UserStatus
from tools.handlers import LambdaContext, sample_event
from tools.template import ROOT

EVENTS = ROOT / "events" / "identity_api"
SUB = "6f9a3c2e-5b1d-4e8a-9c7f-2d4b6a8e0c13"
NOW = "2026-11-25T10:00:00.000+00:00"


@pytest.fixture
def api(load_handler: Callable[[str], ModuleType], dynamodb: Any) -> ModuleType:
    return load_handler("IdentityApiFunction")


@pytest.fixture
def registered(api: ModuleType) -> None:
    api.repository.create_user(User(SUB, "ana@example.com", SUB, UserStatus.ACTIVE, NOW), default_settings(NOW))


def call(api: ModuleType, event_file: str, **overrides: Any) -> tuple[int, dict[str, Any]]:
    response = api.lambda_handler(sample_event(EVENTS / event_file, **overrides), LambdaContext())
    return response["statusCode"], json.loads(response["body"])


def patch(api: ModuleType, body: Any) -> tuple[int, dict[str, Any]]:
    return call(api, "patch_settings.json", body=body if isinstance(body, str) else json.dumps(body))


def test_get_me_returns_the_profile_and_settings_of_the_token_subject(api: ModuleType, registered: None) -> None:
    status, me = call(api, "get_me.json")

    assert status == 200
    assert me["user_id"] == SUB and me["email"] == "ana@example.com"
    assert (me["organization_id"], me["role"]) == ("org-7c1d2e", "professional")
    assert me["settings"]["language"] == "es"


def test_get_me_before_the_profile_exists_is_a_clear_404(api: ModuleType) -> None:
    status, body = call(api, "get_me.json")

    assert status == 404
    assert "no profile exists" in body["error"]["message"]


def test_patch_settings_changes_the_callers_settings(api: ModuleType, registered: None) -> None:
    status, settings = call(api, "patch_settings.json")

    assert status == 200
    assert (settings["language"], settings["timezone"], settings["currency"]) == (
        "en",
        "Europe/Madrid",
        "USD",
    )
    _, me = call(api, "get_me.json")
    assert me["settings"]["timezone"] == "Europe/Madrid"


def test_the_caller_is_the_token_never_the_body(api: ModuleType, registered: None) -> None:
    other = "b0b0b0b0-0000-4000-8000-000000000000"
    api.repository.create_user(User(other, "bo@example.com", other, UserStatus.ACTIVE, NOW), default_settings(NOW))
    event = sample_event(EVENTS / "get_me.json")
    event["requestContext"]["authorizer"]["claims"]["sub"] = other
    event["requestContext"]["authorizer"]["claims"]["email"] = "bo@example.com"
    event["body"] = json.dumps({"user_id": SUB})

    me = json.loads(api.lambda_handler(event, LambdaContext())["body"])

    assert me["user_id"] == other


def test_a_body_naming_another_user_is_refused(api: ModuleType, registered: None) -> None:
    status, body = patch(api, {"user_id": "someone-else", "language": "en"})

    assert status == 422
    assert body["error"]["fields"][0]["field"] == "user_id"


def test_email_and_its_verification_come_from_the_token(api: ModuleType, registered: None) -> None:
    """The e-mail may have changed in Cognito since the profile was written at sign-up."""
    event = sample_event(EVENTS / "get_me.json")
    event["requestContext"]["authorizer"]["claims"].update(email="ana@new.example.com", email_verified="false")

    me = json.loads(api.lambda_handler(event, LambdaContext())["body"])

    assert (me["email"], me["email_verified"]) == ("ana@new.example.com", False)


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "application/jsonx", None])
def test_a_body_that_is_not_sent_as_json_is_a_415_in_the_projects_shape(
    api: ModuleType, registered: None, content_type: str | None
) -> None:
    event = sample_event(EVENTS / "patch_settings.json")
    del event["headers"]["Content-Type"]
    if content_type is not None:
        event["headers"]["content-type"] = content_type

    response = api.lambda_handler(event, LambdaContext())

    assert response["statusCode"] == 415
    assert json.loads(response["body"])["error"]["code"] == "unsupported_media_type"


def test_a_json_type_in_capitals_is_json(api: ModuleType, registered: None) -> None:
    """Media types are case-insensitive (RFC 9110); Powertools alone would refuse this one."""
    event = sample_event(EVENTS / "patch_settings.json")
    event["headers"]["Content-Type"] = "APPLICATION/JSON; charset=UTF-8"

    response = api.lambda_handler(event, LambdaContext())

    assert response["statusCode"] == 200


@pytest.mark.parametrize(
    ("body", "code"),
    [("%%% not base64", "invalid_body"), ("//79", "invalid_body")],  # //79 is the bytes ff fe fd: not UTF-8
)
def test_a_base64_body_that_does_not_decode_is_a_400(api: ModuleType, registered: None, body: str, code: str) -> None:
    response = api.lambda_handler(
        sample_event(EVENTS / "patch_settings.json", body=body, isBase64Encoded=True), LambdaContext()
    )

    assert response["statusCode"] == 400
    assert json.loads(response["body"])["error"]["code"] == code


@pytest.mark.parametrize(
    ("body", "field", "reason"),
    [
        ({"language": "tlh"}, "language", "Input should be"),
        ({"timezone": "Nowhere/Special"}, "timezone", "IANA"),
        ({"timezone": "Factory"}, "timezone", "IANA"),
        ({"timezone": "localtime"}, "timezone", "IANA"),
        ({"currency": "ABC"}, "currency", "ISO 4217"),
        ({"currency": 978}, "currency", "valid string"),
        ({}, "body", "at least one of"),
        ({"language": None}, "language", "must not be null"),
        ([{"language": "en"}], "body", "must be a JSON object"),
    ],
)
def test_a_bad_settings_body_is_a_422_naming_the_field(
    api: ModuleType, registered: None, body: Any, field: str, reason: str
) -> None:
    status, answer = patch(api, body)

    assert status == 422
    assert answer["error"]["fields"][0]["field"] == field
    assert reason in answer["error"]["fields"][0]["reason"]


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("{language: en}", "not valid JSON"),
        ('{"language": "en", "currency": ' + "1" * 4301 + "}", "an integer of more than 4300 digits"),
    ],
)
def test_a_body_that_cannot_be_read_as_json_is_a_400(api: ModuleType, registered: None, body: str, reason: str) -> None:
    status, answer = patch(api, body)

    assert (status, answer["error"]["code"]) == (400, "invalid_body")
    assert reason in answer["error"]["fields"][0]["reason"]


def test_a_huge_body_is_refused_with_the_limit(api: ModuleType, registered: None) -> None:
    status, answer = patch(api, {"timezone": "x" * 100_000})

    assert status == 400
    assert answer["error"]["code"] == "body_too_large"


def test_patch_settings_without_a_profile_is_a_404_and_creates_nothing(api: ModuleType, dynamodb: Any) -> None:
    status, _ = call(api, "patch_settings.json")

    assert status == 404
    assert dynamodb.scan(TableName="IdentityTable")["Count"] == 0


def test_patch_settings_after_the_profile_is_gone_is_a_404_as_get_me_is(
    api: ModuleType, registered: None, dynamodb: Any
) -> None:
    dynamodb.delete_item(TableName="IdentityTable", Key={"pk": {"S": f"USER#{SUB}"}, "sk": {"S": "PROFILE"}})

    patched, _ = call(api, "patch_settings.json")
    got, _ = call(api, "get_me.json")

    assert (patched, got) == (404, 404)


@pytest.mark.parametrize("event_file", ["get_me.json", "patch_settings.json"])
def test_the_claims_of_an_access_token_are_a_401(api: ModuleType, registered: None, event_file: str) -> None:
    event = sample_event(EVENTS / event_file)
    event["requestContext"]["authorizer"]["claims"]["token_use"] = "access"

    response = api.lambda_handler(event, LambdaContext())

    assert response["statusCode"] == 401


def test_an_event_that_is_not_an_api_request_is_an_invalid_event(api: ModuleType) -> None:
    event = sample_event(ROOT / "events" / "post_confirmation" / "confirm_sign_up.json")

    with pytest.raises(InvalidEvent, match="not an API Gateway REST proxy event"):
        api.lambda_handler(event, LambdaContext())


def test_a_request_without_claims_is_a_401(api: ModuleType, registered: None) -> None:
    event = sample_event(EVENTS / "get_me.json")
    del event["requestContext"]["authorizer"]

    response = api.lambda_handler(event, LambdaContext())

    assert response["statusCode"] == 401


def test_an_unknown_route_is_a_404(api: ModuleType) -> None:
    status, _ = call(api, "get_me.json", path="/you", resource="/you")

    assert status == 404


def test_a_suspended_user_is_refused_get_me_with_a_403(api: ModuleType, registered: None) -> None:
    api.repository.set_user_status(SUB, UserStatus.SUSPENDED, NOW)

    status, body = call(api, "get_me.json")

    assert (status, body["error"]["code"]) == (403, "forbidden")
    assert "suspended" in body["error"]["message"]


def test_a_suspended_user_cannot_change_their_settings(api: ModuleType, registered: None) -> None:
    api.repository.set_user_status(SUB, UserStatus.SUSPENDED, NOW)

    status, _ = call(api, "patch_settings.json")

    assert status == 403
    _, settings = api.repository.get_profile(SUB)
    assert settings.language == "es"


def test_an_unexpected_failure_answers_500_in_the_projects_shape_without_internals(
    api: ModuleType, registered: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def table_gone(**_: Any) -> None:
        raise RuntimeError("ResourceNotFoundException: arn:aws:dynamodb:...:table/IdentityTable")

    monkeypatch.setattr(api.repository._client, "query", table_gone)

    status, body = call(api, "get_me.json")

    assert (status, body["error"]["code"]) == (500, "internal_error")
    assert "request id" in body["error"]["message"] and "IdentityTable" not in body["error"]["message"]
