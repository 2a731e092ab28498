"""Call usage on the local stack, as Twilio and a business owner meet it: a number arranged for the owner's
onboarding (its PHONE_NUMBER item written into the local table, as the deployment's mark-deployed task writes
it), call-status callbacks posted to the API port signed with the local Twilio secret's auth token over the
public URL the webhook is configured with, and the month's usage read back through the API."""

from __future__ import annotations

import json
import uuid
from typing import Any
from urllib.parse import urlencode

import pytest
import requests
from twilio.request_validator import RequestValidator  # type: ignore[import-untyped]  # no stubs

from colmena.repository import to_attributes
from tools.local_stack.process import StackProcess
from tools.local_stack.stack import LOCAL_VALUES, LocalValues

pytestmark = pytest.mark.e2e

PATH = "/webhooks/twilio/call-status"
MONTH = "2026-11"

Owner = tuple[str, str]  # sub, ID token


@pytest.fixture(scope="module")
def owner(local_stack: StackProcess) -> Owner:
    return local_stack.new_user("caller-owner")


@pytest.fixture(scope="module")
def auth_token() -> str:
    return LocalValues.read(LOCAL_VALUES).secrets["TwilioSecretName"]["auth_token"]


@pytest.fixture(scope="module")
def signed_url(local_stack: StackProcess) -> str:
    """The URL Twilio would have been given: the webhook's own PUBLIC_API_BASE_URL and the path."""
    name = local_stack.state["functions"]["TwilioCallStatusFunction"]
    configuration = local_stack.client("lambda").get_function_configuration(FunctionName=name)
    return str(configuration["Environment"]["Variables"]["PUBLIC_API_BASE_URL"]).rstrip("/") + PATH


@pytest.fixture(scope="module")
def onboarding(local_stack: StackProcess, owner: Owner) -> str:
    answer = requests.post(
        f"{local_stack.api}/onboarding/business-info",
        json={"country": "ES"},
        headers={"Authorization": owner[1]},
        timeout=30,
    )
    assert answer.status_code == 201, answer.text
    return str(answer.json()["onboarding_id"])


@pytest.fixture
def number(local_stack: StackProcess, onboarding: str) -> str:
    """A number of its own for each test, arranged for the owner's onboarding."""
    e164 = f"+3491{uuid.uuid4().int % 10**7:07d}"
    local_stack.client("dynamodb").put_item(
        TableName=local_stack.state["outputs"]["AgentsTableName"],
        Item=to_attributes(
            {"pk": f"PHONE_NUMBER#{e164}", "sk": "PHONE_NUMBER", "onboarding_id": onboarding, "agent_id": "agent-e2e"}
        ),
    )
    return e164


def completed(number: str, seconds: int) -> dict[str, str]:
    return {
        "AccountSid": "AC00000000000000000000000000000000",
        "ApiVersion": "2010-04-01",
        "CallSid": f"CA{uuid.uuid4().hex}",
        "CallStatus": "completed",
        "CallDuration": str(seconds),
        "CallerName": "",
        "Direction": "inbound",
        "ForwardedFrom": "",
        "From": "+34600111222",
        "To": number,
        "Timestamp": "Thu, 26 Nov 2026 09:30:00 +0000",
    }


def post(local_stack: StackProcess, form: dict[str, str], signature: str | None) -> requests.Response:
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if signature is not None:
        headers["X-Twilio-Signature"] = signature
    return requests.post(f"{local_stack.api}{PATH}", data=urlencode(form), headers=headers, timeout=30)


def usage(local_stack: StackProcess, owner: Owner, onboarding: str) -> dict[str, Any]:
    answer = requests.get(
        f"{local_stack.api}/onboarding/{onboarding}/usage",
        params={"month": MONTH},
        headers={"Authorization": owner[1]},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def test_a_signed_call_counts_once_and_a_forged_one_not_at_all(
    local_stack: StackProcess, owner: Owner, onboarding: str, number: str, auth_token: str, signed_url: str
) -> None:
    before = usage(local_stack, owner, onboarding)
    call = completed(number, seconds=61)
    signature = RequestValidator(auth_token).compute_signature(signed_url, call)

    first = post(local_stack, call, signature)
    replayed = post(local_stack, call, signature)
    forged_form = {**completed(number, seconds=3599), "CallSid": f"CA{uuid.uuid4().hex}"}
    forged = post(
        local_stack, forged_form, RequestValidator("not-the-token").compute_signature(signed_url, forged_form)
    )
    unsigned = post(local_stack, forged_form, None)

    assert (first.status_code, replayed.status_code) == (204, 204), first.text + replayed.text
    assert forged.status_code == 403 and json.loads(forged.text)["error"]["code"] == "invalid_signature"
    assert unsigned.status_code == 403
    after = usage(local_stack, owner, onboarding)
    assert (after["minutes"] - before["minutes"], after["calls"] - before["calls"]) == (2, 1)


def test_a_stranger_cannot_read_the_owners_usage(local_stack: StackProcess, onboarding: str) -> None:
    stranger = local_stack.new_user("caller-stranger")

    answer = requests.get(
        f"{local_stack.api}/onboarding/{onboarding}/usage", headers={"Authorization": stranger[1]}, timeout=30
    )

    assert answer.status_code == 404


def test_a_call_through_the_local_twilio_is_counted_from_its_own_signed_callbacks(
    local_stack: StackProcess, owner: Owner, onboarding: str, signed_url: str
) -> None:
    from agents.providers.twilio import TwilioNumbers

    # Given a number bought from the local Twilio with the webhook as its StatusCallback, as the deployment buys
    # it, and arranged for the owner's onboarding.
    secret = LocalValues.read(LOCAL_VALUES).secrets["TwilioSecretName"]
    numbers = TwilioNumbers(local_stack.twilio, secret["account_sid"], secret["auth_token"])
    bought = numbers.buy_local_number(
        country="ES", friendly_name=f"colmena-{onboarding}-{uuid.uuid4().hex[:6]}", status_callback_url=signed_url
    )
    local_stack.client("dynamodb").put_item(
        TableName=local_stack.state["outputs"]["AgentsTableName"],
        Item=to_attributes(
            {"pk": f"PHONE_NUMBER#{bought.phone_number}", "sk": "PHONE_NUMBER", "onboarding_id": onboarding}
        ),
    )
    before = current_usage(local_stack, owner, onboarding)

    # When a caller rings it for 95 seconds (ringing, in-progress and completed callbacks, signed by the fake).
    placed = requests.post(
        f"{local_stack.twilio}/_local/calls", json={"to": bought.phone_number, "duration": 95}, timeout=60
    )

    # Then every callback was taken, and the call counts once: two minutes.
    assert placed.status_code == 201, placed.text
    deliveries = placed.json()["deliveries"]
    assert [(d["call_status"], d["status"]) for d in deliveries] == [
        ("ringing", 204),
        ("in-progress", 204),
        ("completed", 204),
    ]
    after = current_usage(local_stack, owner, onboarding)
    assert (after["minutes"] - before["minutes"], after["calls"] - before["calls"]) == (2, 1)


def current_usage(local_stack: StackProcess, owner: Owner, onboarding: str) -> dict[str, Any]:
    answer = requests.get(
        f"{local_stack.api}/onboarding/{onboarding}/usage", headers={"Authorization": owner[1]}, timeout=30
    )
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body
