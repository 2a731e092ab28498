"""How `make run` wires the local Twilio and the local ElevenLabs in: their keys from the secrets' local
values, the local ElevenLabs asking the local Twilio who owns a number, their addresses passed as the
template's TwilioApiBaseUrl and ElevenLabsApiBaseUrl, and printed in the summary."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tools import template
from tools.local_elevenlabs import LocalElevenLabs
from tools.local_stack.stack import Api, DeployFailed, Deployment, LocalValues, local_providers, summary
from tools.local_twilio import LocalTwilio


@pytest.fixture
def committed() -> Iterator[tuple[LocalTwilio, LocalElevenLabs]]:
    providers = local_providers(LocalValues.read(), 0, 0)  # bound, never started: no connection is made
    yield providers
    for provider in providers:
        provider.stop()


def test_the_fakes_take_the_secrets_local_values(committed: tuple[LocalTwilio, LocalElevenLabs]) -> None:
    twilio, elevenlabs = committed
    secrets = LocalValues.read().secrets

    assert (twilio.account_sid, twilio.auth_token) == (
        secrets["TwilioSecretName"]["account_sid"],
        secrets["TwilioSecretName"]["auth_token"],
    )
    assert elevenlabs.api_key == secrets["ElevenLabsSecretName"]["api_key"]


def test_the_local_elevenlabs_imports_only_what_the_local_twilio_account_owns(
    committed: tuple[LocalTwilio, LocalElevenLabs],
) -> None:
    twilio, elevenlabs = committed
    assert elevenlabs.twilio_owns is not None
    bought = twilio.store.buy("+34910000001", "colmena-o1", None, "POST")["phone_number"]

    assert elevenlabs.twilio_owns(twilio.account_sid, twilio.auth_token, bought) is True
    assert elevenlabs.twilio_owns(twilio.account_sid, "wrong", bought) is False
    assert elevenlabs.twilio_owns(twilio.account_sid, twilio.auth_token, "+34910000002") is False


def test_without_the_secrets_local_values_the_run_stops_naming_them() -> None:
    with pytest.raises(DeployFailed, match=r"\[secrets.TwilioSecretName\].*\[secrets.ElevenLabsSecretName\]"):
        local_providers(LocalValues(parameters={}, secrets={}), 0, 0)


def test_the_fakes_addresses_and_the_api_port_are_the_templates_parameters() -> None:
    values = LocalValues.read().with_parameters(
        TwilioApiBaseUrl="http://127.0.0.1:40112",
        ElevenLabsApiBaseUrl="http://127.0.0.1:40113",
        PublicApiBaseUrl="http://127.0.0.1:40000",
    )

    passed = values.stack_parameters(template.template())

    assert {name: passed[name] for name in ("TwilioApiBaseUrl", "ElevenLabsApiBaseUrl", "PublicApiBaseUrl")} == {
        "TwilioApiBaseUrl": "http://127.0.0.1:40112",
        "ElevenLabsApiBaseUrl": "http://127.0.0.1:40113",
        "PublicApiBaseUrl": "http://127.0.0.1:40000",
    }


def test_the_summary_prints_both_fakes_addresses(committed: tuple[LocalTwilio, LocalElevenLabs]) -> None:
    deployment = Deployment({}, {}, {}, {}, {}, {}, {"Api": Api("a1", "dev")}, {}, {}, [], "Api")
    body: dict[str, Any] = {"Resources": {}}

    printed = summary(deployment, body, 4566, 3000, providers=committed)

    assert f"Local Twilio  {committed[0].base_url}" in printed
    assert f"Local ElevenLabs  {committed[1].base_url}" in printed
