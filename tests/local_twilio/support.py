"""Helpers for the local Twilio's tests: the official client pointed at the fake, and the admin routes."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

from tests.local_twilio.conftest import ACCOUNT_SID, AUTH_TOKEN
from tools.local_twilio import LocalTwilio


def official_client(fake: LocalTwilio, auth_token: str = AUTH_TOKEN) -> Any:
    """The `twilio` library's account resource, on the fake (the API domain's base URL, as the gateway sets it)."""
    from twilio.rest import Client  # type: ignore[import-untyped]

    client = Client(ACCOUNT_SID, auth_token)
    client.api.base_url = fake.base_url
    return client.api.v2010.accounts(ACCOUNT_SID)


def admin(fake: LocalTwilio, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{fake.base_url}/_local{path}", data=data, method=method)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
            content = answer.read()
            return answer.status, json.loads(content) if content else None
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read() or b"null")
