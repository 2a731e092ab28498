"""Twilio's call-status webhook, driven with the sample callbacks (signed as Twilio signs them, over the API's
own execute-api URL with its stage, the template's default) against moto: what a valid, replayed, forged,
unsigned, progress-only, unknown-number or malformed callback does."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import replace
from types import ModuleType
from typing import Any
from urllib.parse import parse_qsl, urlencode

import boto3
import pytest
from aws_lambda_powertools.utilities import parameters
from twilio.request_validator import RequestValidator  # type: ignore[import-untyped]  # no stubs

from colmena.repository import from_attributes, to_attributes
from tests.handlers.test_logs_hold_no_secrets import logs_at_debug
from tools.handlers import LambdaContext, sample_event
from tools.template import ROOT, resolve

AUTH_TOKEN = "local-twilio-auth-token"  # the local secret's, which signed the sample callbacks
SIGNED_URL = "https://abc123defg.execute-api.us-east-1.amazonaws.com/dev/webhooks/twilio/call-status"
ONBOARDING = "0b0a7d10-0000-4000-8000-000000000001"
NUMBER = "+34910000001"  # the sample callbacks' To
CALL = "CALL#CA5a1e0000000000000000000000000001"
USAGE = ("ONBOARDING#" + ONBOARDING, "USAGE#2026-11")


@pytest.fixture
def webhook(load_handler: Callable[[str], ModuleType], dynamodb: Any) -> Iterator[ModuleType]:
    boto3.client("secretsmanager").create_secret(
        Name=resolve({"Ref": "TwilioSecretName"}),
        SecretString=json.dumps({"account_sid": "AC00000000000000000000000000000000", "auth_token": AUTH_TOKEN}),
    )
    parameters.clear_caches()  # type: ignore[no-untyped-call]  # Powertools leaves it untyped
    yield load_handler("TwilioCallStatusFunction")
    parameters.clear_caches()  # type: ignore[no-untyped-call]  # Powertools leaves it untyped


@pytest.fixture
def number(dynamodb: Any) -> None:
    """The sample callbacks' number, deployed for Ana's onboarding."""
    dynamodb.put_item(
        TableName="AgentsTable",
        Item=to_attributes(
            {"pk": f"PHONE_NUMBER#{NUMBER}", "sk": "PHONE_NUMBER", "onboarding_id": ONBOARDING, "agent_id": "agent-1"}
        ),
    )


def callback(sample: str = "completed", *, resign: bool = False, **fields: str) -> dict[str, Any]:
    """A sample callback; with other fields, signed again over them as Twilio would sign them."""
    event = sample_event(ROOT / "events" / "twilio_call_status" / f"{sample}.json")
    if fields or resign:
        form = {**dict(parse_qsl(event["body"], keep_blank_values=True)), **fields}
        event["body"] = urlencode(form)
        event["headers"]["X-Twilio-Signature"] = RequestValidator(AUTH_TOKEN).compute_signature(SIGNED_URL, form)
    return event


def send(webhook: ModuleType, event: dict[str, Any]) -> tuple[int, str]:
    response = webhook.lambda_handler(event, LambdaContext())
    return response["statusCode"], response["body"] or ""


def stored(dynamodb: Any, pk: str, sk: str) -> dict[str, Any] | None:
    found = dynamodb.get_item(TableName="AgentsTable", Key=to_attributes({"pk": pk, "sk": sk}))
    return from_attributes(found["Item"]) if "Item" in found else None


def usage(dynamodb: Any) -> tuple[int, int] | None:
    item = stored(dynamodb, *USAGE)
    return (int(item["minutes"]), int(item["calls"])) if item else None


@pytest.mark.usefixtures("number")
def test_a_signed_completed_call_is_counted_in_its_businesss_month(webhook: ModuleType, dynamodb: Any) -> None:
    status, body = send(webhook, callback())

    assert (status, body) == (204, "")
    assert usage(dynamodb) == (3, 1)  # 125 s: three minutes, one call
    call = stored(dynamodb, CALL, "CALL")
    assert call is not None and call["onboarding_id"] == ONBOARDING and call["status"] == "completed"


@pytest.mark.usefixtures("number")
def test_a_replayed_callback_is_acknowledged_and_changes_nothing(webhook: ModuleType, dynamodb: Any) -> None:
    send(webhook, callback())

    status, _ = send(webhook, callback())

    assert status == 204
    assert usage(dynamodb) == (3, 1)


@pytest.mark.usefixtures("number")
def test_a_forged_callback_is_refused_and_writes_nothing(webhook: ModuleType, dynamodb: Any) -> None:
    event = callback()
    event["body"] = event["body"].replace("CallDuration=125", "CallDuration=3599")

    status, body = send(webhook, event)

    assert status == 403 and json.loads(body)["error"]["code"] == "invalid_signature"
    assert usage(dynamodb) is None and stored(dynamodb, CALL, "CALL") is None


@pytest.mark.usefixtures("number")
def test_a_callback_without_a_signature_is_refused_and_writes_nothing(webhook: ModuleType, dynamodb: Any) -> None:
    event = callback()
    del event["headers"]["X-Twilio-Signature"]

    status, _ = send(webhook, event)

    assert status == 403
    assert usage(dynamodb) is None and stored(dynamodb, CALL, "CALL") is None


@pytest.mark.usefixtures("number")
def test_the_signature_is_checked_against_the_public_url_never_the_host_header(
    webhook: ModuleType, dynamodb: Any
) -> None:
    # Signed for the address a caller names in Host, which is not where Twilio was told to call.
    event = callback()
    event["headers"]["Host"] = "evil.example"
    form = dict(parse_qsl(event["body"], keep_blank_values=True))
    event["headers"]["X-Twilio-Signature"] = RequestValidator(AUTH_TOKEN).compute_signature(
        "https://evil.example/webhooks/twilio/call-status", form
    )

    status, _ = send(webhook, event)

    assert status == 403 and usage(dynamodb) is None


@pytest.mark.usefixtures("number")
def test_a_callback_signed_without_its_empty_fields_is_refused(webhook: ModuleType, dynamodb: Any) -> None:
    event = callback()
    form = {name: value for name, value in parse_qsl(event["body"], keep_blank_values=True) if value}
    event["headers"]["X-Twilio-Signature"] = RequestValidator(AUTH_TOKEN).compute_signature(SIGNED_URL, form)

    status, _ = send(webhook, event)

    assert status == 403 and usage(dynamodb) is None


@pytest.mark.usefixtures("number")
def test_a_ringing_callback_notes_the_call_and_counts_nothing(webhook: ModuleType, dynamodb: Any) -> None:
    status, _ = send(webhook, callback("ringing"))

    assert status == 204
    assert usage(dynamodb) is None
    call = stored(dynamodb, CALL, "CALL")
    assert call is not None and call["status"] == "ringing"


def test_a_callback_for_a_number_no_business_has_is_acknowledged_and_ignored(
    webhook: ModuleType, dynamodb: Any
) -> None:
    status, _ = send(webhook, callback())

    assert status == 204
    assert stored(dynamodb, CALL, "CALL") is None


@pytest.mark.usefixtures("number")
def test_a_signed_callback_twilio_would_never_send_is_refused_naming_the_field(
    webhook: ModuleType, dynamodb: Any
) -> None:
    status, body = send(webhook, callback(CallDuration="soon"))

    assert status == 400 and "CallDuration" in json.loads(body)["error"]["message"]
    assert usage(dynamodb) is None


@pytest.mark.usefixtures("number")
def test_a_json_body_is_refused_as_the_wrong_media_type(webhook: ModuleType, dynamodb: Any) -> None:
    event = callback()
    event["headers"]["Content-Type"] = "application/json"
    event["body"] = json.dumps(dict(parse_qsl(event["body"], keep_blank_values=True)))

    status, _ = send(webhook, event)

    assert status == 415 and usage(dynamodb) is None


@pytest.mark.usefixtures("number")
def test_with_a_public_base_url_configured_the_callback_is_signed_for_it(
    webhook: ModuleType, dynamodb: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        webhook, "settings", replace(webhook.settings, public_api_base_url="https://api.colmena.example")
    )
    event = callback()
    form = dict(parse_qsl(event["body"], keep_blank_values=True))
    event["headers"]["X-Twilio-Signature"] = RequestValidator(AUTH_TOKEN).compute_signature(
        "https://api.colmena.example/webhooks/twilio/call-status", form
    )

    status, _ = send(webhook, event)

    assert status == 204 and usage(dynamodb) == (3, 1)


@pytest.mark.usefixtures("number")
def test_the_logs_hold_neither_the_auth_token_nor_the_signature(
    webhook: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    event = callback()
    forged = callback()
    forged["headers"]["X-Twilio-Signature"] = "AAAAAAAAAAAAAAAAAAAAAAAAAAA="

    with logs_at_debug("agents"):
        send(webhook, event)
        send(webhook, forged)

    printed = capsys.readouterr()
    logs = printed.out + printed.err
    assert "call-status callback" in logs  # the handler did log
    assert AUTH_TOKEN not in logs
    assert event["headers"]["X-Twilio-Signature"] not in logs
