"""The back office's suspend and reinstate routes, driven with the sample events, against moto (DynamoDB,
EventBridge and a Cognito user pool whose sessions the suspension must end)."""

from __future__ import annotations

import json
from collections.abc import Callable
from types import ModuleType
from typing import Any

import boto3
import pytest

from identity.logic import default_settings
from identity.models import User, UserStatus
from identity.sessions import CognitoSessions
from tools.handlers import LambdaContext, sample_event
from tools.template import ROOT

EVENTS = ROOT / "events" / "identity_admin"
SUB = "b0b0b0b0-0000-4000-8000-000000000000"  # Bo, whom the back office's sample events name
NOW = "2026-11-25T10:00:00.000+00:00"
PASSWORD = "Passw0rd!x"


@pytest.fixture
def cognito(aws: None) -> Any:
    return boto3.client("cognito-idp")


@pytest.fixture
def pool(cognito: Any) -> dict[str, str]:
    """A moto user pool holding the sample user, signed in once: its refresh token is what a suspension ends."""
    pool_id = cognito.create_user_pool(PoolName="colmena")["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    cognito.admin_create_user(UserPoolId=pool_id, Username=SUB, MessageAction="SUPPRESS")
    cognito.admin_set_user_password(UserPoolId=pool_id, Username=SUB, Password=PASSWORD, Permanent=True)
    tokens = cognito.admin_initiate_auth(
        UserPoolId=pool_id,
        ClientId=client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": SUB, "PASSWORD": PASSWORD},
    )["AuthenticationResult"]
    return {"pool_id": pool_id, "client_id": client_id, "refresh_token": tokens["RefreshToken"]}


@pytest.fixture
def admin(
    load_handler: Callable[[str], ModuleType],
    monkeypatch: pytest.MonkeyPatch,
    dynamodb: Any,
    published: Any,
    cognito: Any,
    pool: dict[str, str],
) -> ModuleType:
    module = load_handler("IdentityAdminFunction")
    monkeypatch.setattr(module, "sessions", CognitoSessions(cognito, pool["pool_id"]))  # the pool as moto named it
    module.repository.create_user(User(SUB, "bo@example.com", SUB, UserStatus.ACTIVE, NOW), default_settings(NOW))
    return module


def call(admin: ModuleType, event_file: str, **claims: str) -> tuple[int, dict[str, Any]]:
    event = sample_event(EVENTS / event_file)
    event["requestContext"]["authorizer"]["claims"].update(claims)
    response = admin.lambda_handler(event, LambdaContext())
    return response["statusCode"], json.loads(response["body"])


def refreshes(cognito: Any, pool: dict[str, str]) -> bool:
    try:
        cognito.admin_initiate_auth(
            UserPoolId=pool["pool_id"],
            ClientId=pool["client_id"],
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": pool["refresh_token"]},
        )
    except cognito.exceptions.NotAuthorizedException:
        return False
    return True


def test_an_admin_suspends_a_user_who_is_then_stored_suspended(admin: ModuleType) -> None:
    status, body = call(admin, "suspend_user.json")

    assert status == 200
    assert (body["user_id"], body["status"]) == (SUB, "suspended")
    assert admin.repository.get_user(SUB).status == UserStatus.SUSPENDED


def test_a_suspension_ends_every_session_of_the_user(admin: ModuleType, cognito: Any, pool: dict[str, str]) -> None:
    assert refreshes(cognito, pool)

    call(admin, "suspend_user.json")

    assert not refreshes(cognito, pool)


def test_a_retried_suspension_publishes_again_with_the_same_event_id(
    admin: ModuleType, published: Callable[[], list[dict[str, Any]]]
) -> None:
    call(admin, "suspend_user.json")
    call(admin, "suspend_user.json")  # a retried request

    events = published()
    assert [event["detail-type"] for event in events] == ["user.suspended", "user.suspended"]
    first, again = (event["detail"]["metadata"]["event_id"] for event in events)
    assert first == again


def test_a_reinstated_user_is_active_again_and_it_is_published(
    admin: ModuleType, published: Callable[[], list[dict[str, Any]]]
) -> None:
    call(admin, "suspend_user.json")

    status, body = call(admin, "reinstate_user.json")

    assert (status, body["status"]) == (200, "active")
    assert [event["detail-type"] for event in published()] == ["user.suspended", "user.reinstated"]


@pytest.mark.parametrize("groups", ["", "editors", "[editors, support]"])
def test_a_caller_outside_the_admins_group_is_refused_and_nothing_changes(admin: ModuleType, groups: str) -> None:
    status, body = call(admin, "suspend_user.json", **{"cognito:groups": groups})

    assert (status, body["error"]["code"]) == (403, "forbidden")
    assert admin.repository.get_user(SUB).status == UserStatus.ACTIVE


def test_an_admin_among_several_groups_is_recognised(admin: ModuleType) -> None:
    status, _ = call(admin, "suspend_user.json", **{"cognito:groups": "[support, admins]"})

    assert status == 200


def test_suspending_an_unknown_user_is_a_404(admin: ModuleType) -> None:
    event = sample_event(EVENTS / "suspend_user.json")
    event["pathParameters"] = {"user_id": "0000aaaa-0000-4000-8000-000000000000"}
    event["path"] = "/admin/users/0000aaaa-0000-4000-8000-000000000000/suspend"

    response = admin.lambda_handler(event, LambdaContext())

    assert response["statusCode"] == 404


def test_a_bus_that_refuses_the_event_answers_503_and_the_same_request_again_finishes(
    admin: ModuleType, published: Callable[[], list[dict[str, Any]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(**_: Any) -> dict[str, Any]:
        return {"FailedEntryCount": 1, "Entries": [{"ErrorCode": "ThrottlingException", "ErrorMessage": "slow down"}]}

    with monkeypatch.context() as bus_down:
        bus_down.setattr(admin.publisher._client, "put_events", refuse)
        status, body = call(admin, "suspend_user.json")
    assert (status, body["error"]["code"]) == (503, "publish_failed")
    assert admin.repository.get_user(SUB).status == UserStatus.SUSPENDED

    status, _ = call(admin, "suspend_user.json")

    assert status == 200
    assert [event["detail-type"] for event in published()] == ["user.suspended"]


def test_a_suspended_admin_can_no_longer_suspend_or_reinstate_anyone(admin: ModuleType) -> None:
    event = sample_event(EVENTS / "suspend_user.json")
    admin_id = event["requestContext"]["authorizer"]["claims"]["sub"]
    admin.repository.create_user(
        User(admin_id, "backoffice@example.com", admin_id, UserStatus.ACTIVE, NOW), default_settings(NOW)
    )
    admin.repository.set_user_status(admin_id, UserStatus.SUSPENDED, NOW)

    status, body = call(admin, "suspend_user.json")

    assert (status, body["error"]["code"]) == (403, "forbidden")
    assert admin.repository.get_user(SUB).status == UserStatus.ACTIVE


def test_reinstating_a_user_never_suspended_changes_and_publishes_nothing(
    admin: ModuleType, published: Callable[[], list[dict[str, Any]]]
) -> None:
    status, body = call(admin, "reinstate_user.json")

    assert (status, body["status"], body["status_changed_at"]) == (200, "active", None)
    assert published() == []


def test_the_published_event_carries_the_api_request_s_correlation_id(
    admin: ModuleType, published: Callable[[], list[dict[str, Any]]]
) -> None:
    request_id = sample_event(EVENTS / "suspend_user.json")["requestContext"]["requestId"]

    call(admin, "suspend_user.json")

    assert [event["detail"]["metadata"]["correlation_id"] for event in published()] == [request_id]
