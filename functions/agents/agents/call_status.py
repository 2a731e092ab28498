"""Twilio's call-status callbacks, verified: the webhook's settings, and the X-Twilio-Signature check with the
official library's RequestValidator against the public URL Twilio was given, over every form field (empty ones
too, as Twilio signs them).

The auth token is read from the Twilio secret (JSON: account_sid, auth_token) through Powertools parameters,
cached for SECRET_MAX_AGE_S, never at import and never logged. `twilio.request_validator` is imported on the
first callback only (it is the standard library's hmac, but the package's __init__ is not free)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from colmena.errors import Forbidden
from colmena.settings import MissingSettingError, require

if TYPE_CHECKING:
    from twilio.request_validator import RequestValidator  # type: ignore[import-untyped]  # no stubs

# Powertools caches the secret this long in the container; a rotated token reaches it within that time.
SECRET_MAX_AGE_S = 300
SIGNATURE_HEADER = "x-twilio-signature"


class ForgedCallback(Forbidden):
    """A callback without a signature, or with one the auth token did not make: 403, and nothing written."""

    code = "invalid_signature"


@dataclass(frozen=True)
class CallStatusSettings:
    """The Twilio secret's name (never its value), the public base URL Twilio calls back (empty on AWS: the
    API's own execute-api address, rebuilt from the request) and the region that address is in."""

    twilio_secret_name: str
    public_api_base_url: str
    region: str

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> CallStatusSettings:
        env = os.environ if environ is None else environ
        base_url = env.get("PUBLIC_API_BASE_URL", "").strip()
        # Lambda sets AWS_REGION; the tests and the local stack set AWS_DEFAULT_REGION.
        region = (env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "").strip()
        if not base_url and not region:
            raise MissingSettingError("AWS_REGION")
        return cls(
            twilio_secret_name=require("TWILIO_SECRET_NAME", env),
            public_api_base_url=base_url,
            region=region,
        )


class FormFields(dict[str, list[str]]):
    """A form's fields, each with every value it was sent with, in the shape RequestValidator reads a
    multi-valued form from (a Flask MultiDict's `getall`)."""

    def getall(self, name: str) -> list[str]:
        return self[name]


def form_fields(body: str) -> FormFields:
    """Every field of an application/x-www-form-urlencoded body, empty ones kept: Twilio signs them too."""
    try:
        parsed = parse_qs(body, keep_blank_values=True, strict_parsing=bool(body), errors="strict")
    except (ValueError, UnicodeDecodeError) as error:
        # What cannot be read as fields cannot be checked against a signature over them.
        raise ForgedCallback("the body is not a form, so no signature can hold for it") from error
    return FormFields(parsed)


class CallbackVerifier:
    """Checks X-Twilio-Signature with the Twilio secret's auth token, fetched (and cached) on first use."""

    def __init__(self, settings: CallStatusSettings) -> None:
        self._settings = settings
        self._validator: RequestValidator | None = None
        self._token: str | None = None

    def verify(self, url: str, fields: FormFields, signature: str | None) -> None:
        if not signature:
            raise ForgedCallback("the callback carries no X-Twilio-Signature")
        if not self.validator().validate(url, fields, signature):
            raise ForgedCallback("the callback's X-Twilio-Signature does not match its URL and fields")

    def validator(self) -> RequestValidator:
        from aws_lambda_powertools.utilities import parameters
        from twilio.request_validator import RequestValidator

        secret: Any = parameters.get_secret(
            self._settings.twilio_secret_name, transform="json", max_age=SECRET_MAX_AGE_S
        )
        token = str(secret["auth_token"])
        if self._validator is None or token != self._token:
            self._validator, self._token = RequestValidator(token), token
        return self._validator
