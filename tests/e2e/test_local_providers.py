"""The local Twilio and the local ElevenLabs as `make run` starts them: on the stack's own ports, taking the
credentials the stack's secrets hold (the ones the functions read), named to the functions as the template's
base URLs, and sending a fake call's signed callbacks to the API port."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest

from agents.providers.elevenlabs import ElevenLabsClient
from agents.providers.twilio import TwilioNumbers
from tools import template
from tools.local_stack.process import StackProcess
from tools.local_stack.stack import LocalValues

pytestmark = pytest.mark.e2e


def secret(local_stack: StackProcess, parameter: str) -> dict[str, str]:
    """A secret as the functions read it: from the stack's Secrets Manager."""
    name = template.parameter_values(LocalValues.read().stack_parameters(template.template()))[parameter]
    value: dict[str, str] = json.loads(
        local_stack.client("secretsmanager").get_secret_value(SecretId=name)["SecretString"]
    )
    return value


def admin(base_url: str, method: str, path: str, body: Any = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{base_url}/_local{path}", data=data, method=method)  # noqa: S310
    with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310
        return json.loads(answer.read())


def test_the_stack_names_the_fakes_and_its_api_port_to_the_functions(local_stack: StackProcess) -> None:
    parameters = local_stack.state["parameters"]

    assert parameters["TwilioApiBaseUrl"] == local_stack.twilio
    assert parameters["ElevenLabsApiBaseUrl"] == local_stack.elevenlabs
    assert parameters["PublicApiBaseUrl"] == local_stack.api


def test_run_prints_both_fakes_addresses(local_stack: StackProcess) -> None:
    printed = "".join(local_stack.output)

    assert f"Local Twilio  {local_stack.twilio}" in printed
    assert f"Local ElevenLabs  {local_stack.elevenlabs}" in printed


def test_the_fakes_take_the_credentials_the_stacks_secrets_hold(local_stack: StackProcess) -> None:
    twilio_keys = secret(local_stack, "TwilioSecretName")
    numbers = TwilioNumbers(local_stack.twilio, twilio_keys["account_sid"], twilio_keys["auth_token"])
    elevenlabs = ElevenLabsClient(local_stack.elevenlabs, secret(local_stack, "ElevenLabsSecretName")["api_key"])

    bought = numbers.buy_local_number(
        country="GB", friendly_name="colmena-e2e-providers", status_callback_url=f"{local_stack.api}/nowhere"
    )
    imported = elevenlabs.import_twilio_number(
        phone_number=bought.phone_number, label="colmena-e2e-providers", sid=twilio_keys["account_sid"],
        token=twilio_keys["auth_token"],
    )  # fmt: skip

    assert elevenlabs.find_number(bought.phone_number) is not None
    elevenlabs.delete_number(imported)
    numbers.release(bought.sid)
    assert numbers.find_purchased("colmena-e2e-providers") is None


def test_a_fake_calls_callbacks_reach_the_api_port(local_stack: StackProcess) -> None:
    twilio_keys = secret(local_stack, "TwilioSecretName")
    numbers = TwilioNumbers(local_stack.twilio, twilio_keys["account_sid"], twilio_keys["auth_token"])
    bought = numbers.buy_local_number(
        country="US", friendly_name="colmena-e2e-call", status_callback_url=f"{local_stack.api}/no-such-route"
    )

    placed = admin(local_stack.twilio, "POST", "/calls", {"to": bought.phone_number, "duration": 10})
    numbers.release(bought.sid)

    # The API port answers them (with its refusal of a route the template does not have).
    assert [delivery["call_status"] for delivery in placed["deliveries"]] == ["ringing", "in-progress", "completed"]
    assert all(isinstance(delivery["status"], int) for delivery in placed["deliveries"])
