"""Call usage in template.yaml: the webhook public (its signature is the authentication), the usage route
behind the authorizer, each function's grants no wider than its reads and writes, and the webhook told the
secret and the public base URL to check signatures with."""

from __future__ import annotations

from typing import Any

from tools import template


def api_events(logical_id: str) -> list[dict[str, Any]]:
    events = template.function(logical_id).properties["Events"].values()
    return [event["Properties"] for event in events if event["Type"] == "Api"]


def actions(logical_id: str) -> set[str]:
    found: set[str] = set()
    for policy in template.function(logical_id).properties["Policies"]:
        for statement in policy["Statement"]:
            listed = statement["Action"]
            found.update([listed] if isinstance(listed, str) else listed)
    return found


def test_the_call_status_webhook_is_public_on_the_twilio_path() -> None:
    (event,) = api_events("TwilioCallStatusFunction")

    assert (event["Method"], event["Path"]) == ("post", "/webhooks/twilio/call-status")
    assert event["Auth"] == {"Authorizer": "NONE"}


def test_the_usage_route_is_behind_the_cognito_authorizer() -> None:
    (event,) = api_events("AgentsUsageFunction")

    assert (event["Method"], event["Path"]) == ("get", "/onboarding/{onboarding_id}/usage")
    assert "Auth" not in event


def test_the_webhook_reads_the_twilio_secret_and_the_public_base_url_from_the_parameters() -> None:
    variables = template.function("TwilioCallStatusFunction").properties["Environment"]["Variables"]

    assert variables["TWILIO_SECRET_NAME"] == {"Ref": "TwilioSecretName"}
    assert variables["PUBLIC_API_BASE_URL"] == {"Ref": "PublicApiBaseUrl"}
    assert template.template()["Parameters"]["PublicApiBaseUrl"]["Default"] == ""


def test_the_webhook_may_only_read_write_the_table_and_read_its_secret() -> None:
    assert actions("TwilioCallStatusFunction") == {
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "secretsmanager:GetSecretValue",
    }


def test_the_usage_route_only_reads() -> None:
    assert actions("AgentsUsageFunction") == {"dynamodb:GetItem"}
