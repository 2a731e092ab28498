"""The signed link that lets a client cancel their appointment without an account.

A token is `<expiry>.<organisation>.<signature>`: the expiry in Unix seconds, the appointment's organisation
(the public route's path names only the appointment, and its key starts with the organisation), and an
HMAC-SHA256, keyed by a secret kept in Secrets Manager, over the organisation, the appointment's id and the
expiry. Changing any of them, or signing with another key, breaks the signature; an expired token is refused
even though its signature holds. The token carries no state, so nothing is stored per link; the cost is that a
link cannot be revoked before it expires except by rotating the secret, which revokes them all (a cancelled
appointment refuses a second cancellation anyway)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime

from colmena.errors import Forbidden

# Read from Secrets Manager at most once per five minutes per warm function: a rotated secret is in use that
# much later, and links signed with the old one stop working then.
SECRET_MAX_AGE_S = 300


class LinkRefused(Forbidden):
    code = "invalid_link"


def sign(secret: bytes, organization_id: str, appointment_id: str, expires_at: datetime) -> str:
    expiry = int(expires_at.timestamp())
    return f"{expiry}.{organization_id}.{_signature(secret, organization_id, appointment_id, expiry)}"


def verify(secret: bytes, appointment_id: str, token: str, now: datetime) -> str:
    """The organisation of the appointment when `token` was signed with `secret` for it and has not expired;
    LinkRefused otherwise, with the same message for a forged token as for a malformed one."""
    expiry_text, _, rest = token.partition(".")
    organization_id, _, signature = rest.rpartition(".")
    if not (expiry_text.isdigit() and organization_id) or not hmac.compare_digest(
        signature.encode(), _signature(secret, organization_id, appointment_id, int(expiry_text)).encode()
    ):
        raise LinkRefused("this cancellation link is not valid")
    if int(expiry_text) <= now.timestamp():
        raise LinkRefused("this cancellation link has expired")
    return organization_id


class CancellationLinks:
    """Signs and checks cancellation tokens with the `signing_key` of the JSON secret named `secret_name`, read
    through Powertools parameters (cached for SECRET_MAX_AGE_S). No call to Secrets Manager happens until a
    link is made or checked."""

    def __init__(self, secret_name: str) -> None:
        self._secret_name = secret_name

    def token(self, organization_id: str, appointment_id: str, expires_at: datetime) -> str:
        return sign(self._secret(), organization_id, appointment_id, expires_at)

    def verify(self, appointment_id: str, token: str, now: datetime) -> str:
        return verify(self._secret(), appointment_id, token, now)

    def _secret(self) -> bytes:
        from aws_lambda_powertools.utilities import parameters

        value = parameters.get_secret(self._secret_name, transform="json", max_age=SECRET_MAX_AGE_S)
        key = value.get("signing_key") if isinstance(value, dict) else None
        if not isinstance(key, str) or len(key) < 32:
            # The name only, never the value: a short key makes every link forgeable by brute force.
            raise RuntimeError(f"the secret {self._secret_name} needs a signing_key of at least 32 characters")
        return key.encode()


def _signature(secret: bytes, organization_id: str, appointment_id: str, expiry: int) -> str:
    digest = hmac.new(secret, f"{organization_id}\n{appointment_id}\n{expiry}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
