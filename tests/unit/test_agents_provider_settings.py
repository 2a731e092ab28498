"""The providers' clients are made from the environment the template gives and the secrets it names, read
through Powertools parameters; a secret lacking a key fails with the secret's name and the key, never a
value."""

from __future__ import annotations

import base64
import json
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.utilities import parameters

from agents.providers.settings import (
    ElevenLabsSettings,
    TwilioSettings,
    elevenlabs_client,
    twilio_credentials,
    twilio_numbers,
)
from colmena.settings import MissingSettingError
from tests.provider_double import allow_loopback_only, scripted_provider

ENVIRONMENT = {
    "ELEVENLABS_SECRET_NAME": "colmena/test/elevenlabs",
    "ELEVENLABS_API_BASE_URL": "http://127.0.0.1:12113/",
    "TWILIO_SECRET_NAME": "colmena/test/twilio",
    "TWILIO_API_BASE_URL": "http://127.0.0.1:12112",
}


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    allow_loopback_only(monkeypatch)


@pytest.fixture
def secrets(aws: None) -> Any:
    parameters.clear_caches()  # type: ignore[no-untyped-call]  # Powertools leaves it untyped
    client = boto3.client("secretsmanager")
    client.create_secret(Name="colmena/test/elevenlabs", SecretString=json.dumps({"api_key": "xi-key"}))
    client.create_secret(
        Name="colmena/test/twilio", SecretString=json.dumps({"account_sid": "AC1", "auth_token": "token-1"})
    )
    yield client
    parameters.clear_caches()  # type: ignore[no-untyped-call]  # Powertools leaves it untyped


def test_the_settings_are_the_secret_names_and_the_base_urls_without_a_trailing_slash() -> None:
    assert ElevenLabsSettings.from_env(ENVIRONMENT) == ElevenLabsSettings(
        "colmena/test/elevenlabs", "http://127.0.0.1:12113"
    )
    assert TwilioSettings.from_env(ENVIRONMENT) == TwilioSettings("colmena/test/twilio", "http://127.0.0.1:12112")


def test_a_missing_setting_is_named() -> None:
    with pytest.raises(MissingSettingError, match="TWILIO_API_BASE_URL"):
        TwilioSettings.from_env({"TWILIO_SECRET_NAME": "x"})


def test_the_clients_call_their_base_urls_with_the_keys_from_the_secrets(secrets: Any) -> None:
    with scripted_provider() as provider:
        environment = {**ENVIRONMENT, "ELEVENLABS_API_BASE_URL": provider.url, "TWILIO_API_BASE_URL": provider.url}
        provider.answer(200, {"voices": [], "has_more": False}).answer(204)

        elevenlabs_client(ElevenLabsSettings.from_env(environment)).list_voices()
        twilio_numbers(TwilioSettings.from_env(environment)).release("PN1")

    voices, release = provider.seen
    assert voices.headers["xi-api-key"] == "xi-key"
    assert release.path == "/2010-04-01/Accounts/AC1/IncomingPhoneNumbers/PN1.json"
    assert release.headers["authorization"] == "Basic " + base64.b64encode(b"AC1:token-1").decode()


def test_the_twilio_credentials_never_show_the_token(secrets: Any) -> None:
    credentials = twilio_credentials(TwilioSettings.from_env(ENVIRONMENT))

    assert (credentials.account_sid, credentials.auth_token) == ("AC1", "token-1")
    assert "token-1" not in repr(credentials)


def test_a_secret_lacking_a_key_is_refused_by_name_without_its_values(secrets: Any) -> None:
    secrets.put_secret_value(SecretId="colmena/test/twilio", SecretString=json.dumps({"account_sid": "AC-visible"}))

    with pytest.raises(RuntimeError) as refused:
        twilio_credentials(TwilioSettings.from_env(ENVIRONMENT))

    assert str(refused.value) == "the secret colmena/test/twilio lacks auth_token"
