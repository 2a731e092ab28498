"""The $connect authorizer, driven with its sample event: an Allow policy naming the user for a valid ID
token, a Deny for anything else. The pool's keys are made here (the tests have no network)."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

from live_authorizer.tokens import TokenVerifier
from tests.unit.test_live_tokens import CLIENT_ID, ISSUER, USER, id_token, key_for
from tools.handlers import LambdaContext, sample_event
from tools.template import ROOT

CONNECT = ROOT / "events" / "live_authorizer" / "connect.json"


@pytest.fixture
def authorizer(load_handler: Callable[[str], ModuleType], monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    module = load_handler("LiveAuthorizerFunction")
    monkeypatch.setattr(module, "verifier", TokenVerifier(ISSUER, CLIENT_ID, key_for))
    return module


def authorize(authorizer: ModuleType, token: str | None) -> dict[str, Any]:
    event = sample_event(CONNECT, queryStringParameters={"token": token} if token is not None else None)
    answer: dict[str, Any] = authorizer.lambda_handler(event, LambdaContext())
    return answer


def test_a_valid_id_token_is_allowed_to_connect_as_its_user(authorizer: ModuleType) -> None:
    answer = authorize(authorizer, id_token())

    [statement] = answer["policyDocument"]["Statement"]
    assert statement["Effect"] == "Allow"
    assert statement["Resource"] == sample_event(CONNECT)["methodArn"]
    assert answer["principalId"] == USER and answer["context"] == {"user_id": USER}


@pytest.mark.parametrize("token", [None, "the sample's token", "access"])
def test_anything_but_a_valid_id_token_is_denied(authorizer: ModuleType, token: str | None) -> None:
    if token == "the sample's token":
        token = sample_event(CONNECT)["queryStringParameters"]["token"]
    elif token == "access":
        token = id_token(token_use="access")

    answer = authorize(authorizer, token)

    assert answer["policyDocument"]["Statement"][0]["Effect"] == "Deny"
    assert "context" not in answer


def test_the_authorizer_reads_the_pools_issuer_and_app_client_from_the_template(
    load_handler: Callable[[str], ModuleType],
) -> None:
    settings = load_handler("LiveAuthorizerFunction").settings

    assert settings.issuer == "https://cognito-idp.us-east-1.amazonaws.com/UserPool"
    assert settings.audience == "UserPoolClient"
