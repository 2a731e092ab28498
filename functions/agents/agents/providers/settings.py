"""Where each provider is and which secret holds its keys (from the environment the template gives a function
that calls it), and the clients made from them. A secret is read through Powertools parameters, cached for
SECRET_MAX_AGE_S in the container (a rotated key reaches it within that time), never at import and never
logged: only its name and the keys it lacks ever appear in an error."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from agents.providers.elevenlabs import ElevenLabsClient
from agents.providers.twilio import TwilioNumbers
from colmena.settings import require

SECRET_MAX_AGE_S = 300


@dataclass(frozen=True)
class ElevenLabsSettings:
    secret_name: str  # JSON: {"api_key"}
    api_base_url: str

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ElevenLabsSettings:
        return cls(
            secret_name=require("ELEVENLABS_SECRET_NAME", environ),
            api_base_url=require("ELEVENLABS_API_BASE_URL", environ).rstrip("/"),
        )


@dataclass(frozen=True)
class TwilioSettings:
    secret_name: str  # JSON: {"account_sid", "auth_token"}
    api_base_url: str

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> TwilioSettings:
        return cls(
            secret_name=require("TWILIO_SECRET_NAME", environ),
            api_base_url=require("TWILIO_API_BASE_URL", environ).rstrip("/"),
        )


@dataclass(frozen=True)
class TwilioCredentials:
    account_sid: str
    auth_token: str

    def __repr__(self) -> str:  # a log line or a traceback never shows the token
        return f"TwilioCredentials(account_sid={self.account_sid!r}, auth_token='***')"


def secret(name: str, keys: tuple[str, ...]) -> dict[str, str]:
    from aws_lambda_powertools.utilities import parameters

    value: Any = parameters.get_secret(name, transform="json", max_age=SECRET_MAX_AGE_S)
    missing = [key for key in keys if not isinstance(value, dict) or not value.get(key)]
    if missing:
        raise RuntimeError(f"the secret {name} lacks {', '.join(missing)}")
    return {key: str(value[key]) for key in keys}


def elevenlabs_client(
    settings: ElevenLabsSettings, *, correlation_id: Callable[[], str | None] | None = None
) -> ElevenLabsClient:
    api_key = secret(settings.secret_name, ("api_key",))["api_key"]
    return ElevenLabsClient(settings.api_base_url, api_key, correlation_id=correlation_id)


def twilio_credentials(settings: TwilioSettings) -> TwilioCredentials:
    """The account's sid and token: the gateway's keys, and what ElevenLabs needs to import a number."""
    keys = secret(settings.secret_name, ("account_sid", "auth_token"))
    return TwilioCredentials(keys["account_sid"], keys["auth_token"])


def twilio_numbers(
    settings: TwilioSettings, *, correlation_id: Callable[[], str | None] | None = None
) -> TwilioNumbers:
    credentials = twilio_credentials(settings)
    return TwilioNumbers(
        settings.api_base_url, credentials.account_sid, credentials.auth_token, correlation_id=correlation_id
    )
