"""Plain HTTP to the local ElevenLabs: its admin routes, and the API where a test needs the raw answer."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from tests.local_elevenlabs.conftest import API_KEY
from tools.local_elevenlabs import LocalElevenLabs


def call(
    fake: LocalElevenLabs, method: str, path: str, body: Any = None, *, api_key: str | None = API_KEY
) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    headers = {"Content-Type": "application/json"} | ({"xi-api-key": api_key} if api_key else {})
    request = urllib.request.Request(f"{fake.base_url}{path}", data=data, method=method, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
            content = answer.read()
            return answer.status, json.loads(
                content
            ) if content and answer.headers.get_content_subtype() == "json" else content
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read() or b"null")


def state(fake: LocalElevenLabs) -> Any:
    return call(fake, "GET", "/_local/state")[1]
