"""The project's ElevenLabs client: the handful of documented REST calls the agent deployment and the voice
list make, over the standard library (`urllib`), with a timeout on every call and typed errors.

Why not the `elevenlabs` SDK: it costs ~300 ms and ~31 MB to import (it brings httpx, pydantic models for the
whole API and websockets) for six calls; tools/bench_providers.py measures both (docs/decisions.md).

Wire format (api.elevenlabs.io): the key in `xi-api-key`; JSON both ways; errors as `{"detail": ...}`, where
`detail` is a list of validation errors (422: `{"loc": [...], "msg": ...}`), an object with `message`, or a
string."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from agents.providers.errors import ProviderError, ProviderNotFound, from_status, unreachable

PROVIDER = "elevenlabs"
CORRELATION_HEADER = "X-Correlation-Id"
# The largest pages the API gives (voices: 100; agents: 100), so a listing takes as few calls as it can.
PAGE_SIZE = 100
# The agent speaks the business's language: ElevenLabs accepts a non-English agent only with a multilingual
# low-latency model (Flash v2.5), and that is also the one meant for phone calls.
TTS_MODEL_ID = "eleven_flash_v2_5"

Json = dict[str, Any]


@dataclass(frozen=True)
class Voice:
    voice_id: str
    name: str
    category: str | None
    language: str | None
    preview_url: str | None


@dataclass(frozen=True)
class Agent:
    agent_id: str
    name: str


@dataclass(frozen=True)
class ImportedNumber:
    phone_number_id: str
    phone_number: str
    label: str
    agent_id: str | None


class ElevenLabsClient:
    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        timeout: float = 5.0,
        correlation_id: Callable[[], str | None] | None = None,
    ) -> None:
        self._base_url = base_url.rstrip("/")
        self._api_key = api_key
        self._timeout = timeout
        self._correlation_id = correlation_id

    # ---------------------------------------------------------------- voices
    def list_voices(self) -> list[Voice]:
        """Every voice the account can use, following `next_page_token` while `has_more`."""
        voices: list[Voice] = []
        token: str | None = None
        while True:
            query: dict[str, str | int] = {"page_size": PAGE_SIZE}
            if token:
                query["next_page_token"] = token
            page = self._call("GET", "/v2/voices", query=query)
            voices.extend(_voice(item) for item in page.get("voices", []))
            token = page.get("next_page_token")
            if not page.get("has_more") or not token:
                return voices

    # ---------------------------------------------------------------- agents
    def create_agent(self, *, name: str, system_prompt: str, first_message: str, voice_id: str, language: str) -> str:
        body = {
            "name": name,
            "conversation_config": {
                "agent": {"first_message": first_message, "language": language, "prompt": {"prompt": system_prompt}},
                "tts": {"voice_id": voice_id, "model_id": TTS_MODEL_ID},
            },
        }
        return str(self._call("POST", "/v1/convai/agents/create", body=body)["agent_id"])

    def find_agent(self, name: str) -> Agent | None:
        """The agent named exactly `name` (the API's `search` matches names loosely), following `cursor`."""
        cursor: str | None = None
        while True:
            query: dict[str, str | int] = {"search": name, "page_size": PAGE_SIZE}
            if cursor:
                query["cursor"] = cursor
            page = self._call("GET", "/v1/convai/agents", query=query)
            for item in page.get("agents", []):
                if item.get("name") == name:
                    return Agent(agent_id=str(item["agent_id"]), name=name)
            cursor = page.get("next_cursor")
            if not page.get("has_more") or not cursor:
                return None

    def delete_agent(self, agent_id: str) -> None:
        """Deletes the agent; one already gone counts as deleted (compensation may run twice)."""
        with suppress(ProviderNotFound):
            self._call("DELETE", f"/v1/convai/agents/{quote(agent_id, safe='')}")

    # ---------------------------------------------------------------- phone numbers
    def import_twilio_number(self, *, phone_number: str, label: str, sid: str, token: str) -> str:
        body = {"provider": "twilio", "phone_number": phone_number, "label": label, "sid": sid, "token": token}
        return str(self._call("POST", "/v1/convai/phone-numbers", body=body)["phone_number_id"])

    def find_number(self, phone_number: str) -> ImportedNumber | None:
        listed = self._call_list("GET", "/v1/convai/phone-numbers")
        for item in listed:
            if item.get("phone_number") == phone_number:
                assigned = item.get("assigned_agent") or {}
                return ImportedNumber(
                    phone_number_id=str(item["phone_number_id"]),
                    phone_number=phone_number,
                    label=str(item.get("label") or ""),
                    agent_id=assigned.get("agent_id"),
                )
        return None

    def assign_agent(self, phone_number_id: str, agent_id: str) -> None:
        self._call("PATCH", f"/v1/convai/phone-numbers/{quote(phone_number_id, safe='')}", body={"agent_id": agent_id})

    def delete_number(self, phone_number_id: str) -> None:
        """Removes the imported number from ElevenLabs (Twilio keeps it); one already gone counts as done."""
        with suppress(ProviderNotFound):
            self._call("DELETE", f"/v1/convai/phone-numbers/{quote(phone_number_id, safe='')}")

    # ---------------------------------------------------------------- HTTP
    def _call(
        self, method: str, path: str, *, query: dict[str, str | int] | None = None, body: Json | None = None
    ) -> Json:
        answer = self._request(method, path, query, body)
        if not isinstance(answer, dict):
            raise ProviderError(PROVIDER, f"ElevenLabs answered {method} {path} with something other than an object")
        return answer

    def _call_list(self, method: str, path: str) -> list[Json]:
        answer = self._request(method, path, None, None)
        if not isinstance(answer, list):
            raise ProviderError(PROVIDER, f"ElevenLabs answered {method} {path} with something other than a list")
        return [item for item in answer if isinstance(item, dict)]

    def _request(self, method: str, path: str, query: dict[str, str | int] | None, body: Json | None) -> Any:
        url = self._base_url + path + (f"?{urlencode(query)}" if query else "")
        headers = {"xi-api-key": self._api_key, "Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        correlation_id = self._correlation_id() if self._correlation_id else None
        if correlation_id:
            headers[CORRELATION_HEADER] = correlation_id
        request = urllib.request.Request(url, data=data, headers=headers, method=method)  # noqa: S310 (an https base URL, or the local fake's)
        content = self._send(request)
        if not content:
            return {}
        try:
            return json.loads(content)
        except ValueError:
            raise ProviderError(
                PROVIDER, f"ElevenLabs answered {method} {path} with something other than JSON"
            ) from None

    def _send(self, request: urllib.request.Request) -> bytes:
        """The answer's body, or the typed error for an error status or no answer at all."""
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as response:  # noqa: S310
                return bytes(response.read())
        except urllib.error.HTTPError as error:
            with error:
                raise from_status(PROVIDER, error.code, _message(error.read(), str(error.reason))) from None
        except TimeoutError as error:
            raise unreachable(PROVIDER, error, timed_out=True) from None
        except urllib.error.URLError as error:
            raise unreachable(PROVIDER, error, timed_out=isinstance(error.reason, TimeoutError)) from None
        except OSError as error:  # reset mid-answer, or the answer cut short
            raise unreachable(PROVIDER, error, timed_out=False) from None


def _voice(item: Json) -> Voice:
    labels = item.get("labels") or {}
    verified = item.get("verified_languages") or []
    language = verified[0].get("language") if verified and isinstance(verified[0], dict) else None
    return Voice(
        voice_id=str(item["voice_id"]),
        name=str(item.get("name") or item["voice_id"]),
        category=item.get("category"),
        language=language or labels.get("language"),
        preview_url=item.get("preview_url"),
    )


def _message(content: bytes, fallback: str) -> str:
    """The readable part of ElevenLabs' error body: each validation error's field and message, the
    `message` of an object, or the string itself."""
    try:
        detail = json.loads(content).get("detail")
    except (ValueError, AttributeError):
        return fallback
    if isinstance(detail, list):
        parts = []
        for item in detail:
            if isinstance(item, dict):
                where = ".".join(str(part) for part in item.get("loc", []) if part != "body")
                parts.append(f"{where}: {item.get('msg')}" if where else str(item.get("msg")))
        return "; ".join(parts) or fallback
    if isinstance(detail, dict):
        return str(detail.get("message") or detail.get("status") or fallback)
    if isinstance(detail, str):
        return detail
    return fallback
