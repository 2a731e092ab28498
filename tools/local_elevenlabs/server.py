"""The local ElevenLabs' HTTP side: `GET /v2/voices` (paged by `next_page_token`), the conversational agents
(`POST /v1/convai/agents/create`, `GET /v1/convai/agents` with `search` and `cursor`, `GET` and `DELETE
/v1/convai/agents/{agent_id}`), the imported Twilio numbers (`POST`/`GET /v1/convai/phone-numbers`, `GET`,
`PATCH` and `DELETE /v1/convai/phone-numbers/{phone_number_id}`), the `xi-api-key` header, ElevenLabs' errors
(`{"detail": {"status", "message"}}`, and 422 `{"detail": [{"loc", "msg", "type"}]}` for a body that does not
validate), a silent preview for each voice, and the admin routes under /_local/ (tools/local_provider)."""

from __future__ import annotations

import io
import re
import wave
from collections.abc import Callable
from typing import Any

from tools.local_elevenlabs.store import VOICES, ElevenLabsStore, voice
from tools.local_provider import ADMIN, Answer, Call, LocalProvider, Refused

Json = dict[str, Any]
DEFAULT_PORT = 12113
E164 = re.compile(r"^\+[1-9]\d{6,14}$")
LANGUAGES = {"en", "es", "fr", "de", "it", "pt", "pl", "nl", "ca", "gl", "eu", "sv", "da", "fi", "no", "ja", "zh"}
# ElevenLabs takes a non-English agent only on its multilingual low-latency models.
MULTILINGUAL_MODELS = {"eleven_turbo_v2_5", "eleven_flash_v2_5"}
STATUSES = {401: "invalid_api_key", 404: "not_found", 429: "too_many_concurrent_requests",
            500: "internal_server_error", 502: "bad_gateway", 503: "service_unavailable",
            504: "gateway_timeout"}  # fmt: skip
# Whether the Twilio account (sid, token) owns the number: None when it cannot say (no local Twilio beside).
TwilioOwns = Callable[[str, str, str], bool | None]


class LocalElevenLabs(LocalProvider):
    """`LocalElevenLabs(api_key=...).start()`; with `twilio_owns`, an import is refused, as ElevenLabs refuses
    it, when the Twilio credentials do not own the number."""

    name = "ElevenLabs"

    def __init__(
        self, *, api_key: str, port: int = DEFAULT_PORT, host: str = "127.0.0.1", twilio_owns: TwilioOwns | None = None
    ) -> None:
        super().__init__(port=port, host=host)
        self.api_key = api_key
        self.twilio_owns = twilio_owns
        self.store = ElevenLabsStore()
        self.route("GET", "/v2/voices", "list_voices", self._voices)
        self.route("POST", "/v1/convai/agents/create", "create_agent", self._create_agent)
        self.route("GET", "/v1/convai/agents", "list_agents", self._list_agents)
        self.route("GET", "/v1/convai/agents/{agent_id}", "get_agent", self._get_agent)
        self.route("DELETE", "/v1/convai/agents/{agent_id}", "delete_agent", self._delete_agent)
        self.route("POST", "/v1/convai/phone-numbers", "import_number", self._import_number)
        self.route("GET", "/v1/convai/phone-numbers", "list_numbers", self._list_numbers)
        self.route("GET", "/v1/convai/phone-numbers/{phone_number_id}", "get_number", self._get_number)
        self.route("PATCH", "/v1/convai/phone-numbers/{phone_number_id}", "assign_agent", self._update_number)
        self.route("DELETE", "/v1/convai/phone-numbers/{phone_number_id}", "delete_number", self._delete_number)

    # --- what the base asks ---------------------------------------------------------------------------

    def authenticate(self, call: Call) -> None:
        given = call.headers.get("xi-api-key")
        if not given:
            raise _detail(401, "needs_authorization", "Neither authorization header nor xi-api-key received.")
        if given != self.api_key:
            raise _detail(401, "invalid_api_key", "Invalid API key")

    def error(self, status: int, message: str) -> Refused:
        return _detail(status, STATUSES.get(status, "error"), message)

    def state(self) -> Json:
        return {
            "agents": list(self.store.agents.values()),
            "deleted_agents": list(self.store.deleted_agents),
            "phone_numbers": list(self.store.numbers.values()),
            "deleted_phone_numbers": list(self.store.deleted_numbers),
        }

    def reset(self) -> None:
        self.store.reset()

    def admin(self, call: Call, path: str) -> Answer:
        match = re.fullmatch(r"/previews/(\w+)\.wav", path)
        if call.method == "GET" and match and any(entry[0] == match.group(1) for entry in VOICES):
            return Answer(200, _silence(), content_type="audio/wav")
        return super().admin(call, path)

    # --- voices ---------------------------------------------------------------------------------------

    def _voices(self, call: Call) -> Answer:
        size = _integer(call.param("page_size"), 10, 1, 100, "page_size")
        start = _integer(call.param("next_page_token"), 0, 0, len(VOICES), "next_page_token")
        search = (call.param("search") or "").lower()
        matching = [entry for entry in VOICES if search in entry[1].lower()]
        shown = matching[start : start + size]
        more = start + size < len(matching)
        return Answer.json({
            "voices": [voice(entry, f"{self.base_url}{ADMIN}/previews") for entry in shown],
            "has_more": more, "total_count": len(matching), "next_page_token": str(start + size) if more else None,
        })  # fmt: skip

    # --- agents ---------------------------------------------------------------------------------------

    def _create_agent(self, call: Call) -> Answer:
        body = call.json()
        if not isinstance(body, dict):
            raise _invalid([(["body"], "Input should be a valid dictionary", "dict_type")])
        config = body.get("conversation_config")
        if not isinstance(config, dict):
            raise _invalid([(["body", "conversation_config"], "Field required", "missing")])
        self._check_agent_config(config)
        name, tags = body.get("name") or "", body.get("tags") or []
        return Answer.json({"agent_id": self.store.create_agent(str(name), config, list(tags))["agent_id"]})

    def _check_agent_config(self, config: Json) -> None:
        agent, tts = config.get("agent") or {}, config.get("tts") or {}
        problems: list[tuple[list[str], str, str]] = []
        where = ["body", "conversation_config"]
        prompt = (agent.get("prompt") or {}).get("prompt")
        if prompt is not None and not isinstance(prompt, str):
            problems.append(([*where, "agent", "prompt", "prompt"], "Input should be a valid string", "string_type"))
        language = agent.get("language", "en")
        if language not in LANGUAGES:
            problems.append(([*where, "agent", "language"], f"Unsupported language: {language}", "value_error"))
        voice_id = tts.get("voice_id")
        if voice_id is not None and not any(entry[0] == voice_id for entry in VOICES):
            problems.append(([*where, "tts", "voice_id"], f"A voice with the voice_id {voice_id} was not found.",
                             "value_error"))  # fmt: skip
        if language != "en" and tts.get("model_id") not in MULTILINGUAL_MODELS:
            problems.append(([*where], "Non-english Agents must use turbo or flash v2_5.", "value_error"))
        if problems:
            raise _invalid(problems)

    def _list_agents(self, call: Call) -> Answer:
        size = _integer(call.param("page_size"), 30, 1, 100, "page_size")
        search = (call.param("search") or "").lower()
        newest_first = [agent for agent in reversed(self.store.agents.values()) if search in agent["name"].lower()]
        cursor = call.param("cursor")
        start = 0
        if cursor:
            ids = [agent["agent_id"] for agent in newest_first]
            start = ids.index(cursor) + 1 if cursor in ids else len(ids)
        shown = newest_first[start : start + size]
        more = start + size < len(newest_first)
        return Answer.json({
            "agents": [self.store.summary(agent) for agent in shown], "has_more": more,
            "next_cursor": shown[-1]["agent_id"] if more and shown else None,
        })  # fmt: skip

    def _get_agent(self, _call: Call, agent_id: str) -> Answer:
        agent = self._agent(agent_id)
        return Answer.json({**agent, "phone_numbers": self.store.agent_phone_numbers(agent_id)})

    def _delete_agent(self, _call: Call, agent_id: str) -> Answer:
        self._agent(agent_id)
        self.store.delete_agent(agent_id)
        return Answer(200)

    def _agent(self, agent_id: str) -> Json:
        agent = self.store.agents.get(agent_id)
        if agent is None:
            raise _detail(404, "agent_not_found", f"Agent {agent_id} not found")
        return agent

    # --- phone numbers --------------------------------------------------------------------------------

    def _import_number(self, call: Call) -> Answer:
        body = call.json()
        if not isinstance(body, dict):
            raise _invalid([(["body"], "Input should be a valid dictionary", "dict_type")])
        if body.get("provider", "twilio") != "twilio":
            raise _invalid(
                [(["body", "provider"], "The local ElevenLabs imports Twilio numbers only", "literal_error")]
            )
        missing = [key for key in ("phone_number", "label", "sid", "token") if not isinstance(body.get(key), str)]
        if missing:
            raise _invalid([(["body", key], "Field required", "missing") for key in missing])
        phone_number = body["phone_number"]
        if not E164.match(phone_number):
            raise _invalid([(["body", "phone_number"], "The phone number must be in E.164 form", "value_error")])
        if any(number["phone_number"] == phone_number for number in self.store.numbers.values()):
            raise _detail(400, "phone_number_already_exists", f"The phone number {phone_number} is already imported.")
        owns = self.twilio_owns(body["sid"], body["token"], phone_number) if self.twilio_owns else None
        if owns is False:
            raise _detail(
                400,
                "invalid_twilio_number",
                f"The Twilio account {body['sid']} does not own {phone_number}, or its credentials are wrong.",
            )
        number = self.store.import_number(phone_number, body["label"], body["sid"])
        return Answer.json({"phone_number_id": number["phone_number_id"]})

    def _list_numbers(self, _call: Call) -> Answer:
        return Answer.json(list(self.store.numbers.values()))

    def _get_number(self, _call: Call, phone_number_id: str) -> Answer:
        return Answer.json(self._number(phone_number_id))

    def _update_number(self, call: Call, phone_number_id: str) -> Answer:
        number = self._number(phone_number_id)
        body = call.json()
        if not isinstance(body, dict):
            raise _invalid([(["body"], "Input should be a valid dictionary", "dict_type")])
        if "agent_id" in body:
            agent_id = body["agent_id"]
            if agent_id is None:
                number["assigned_agent"] = None
            else:
                agent = self._agent(str(agent_id))
                number["assigned_agent"] = {"agent_id": agent["agent_id"], "agent_name": agent["name"]}
        if isinstance(body.get("label"), str):
            number["label"] = body["label"]
        return Answer.json(number)

    def _delete_number(self, _call: Call, phone_number_id: str) -> Answer:
        number = self._number(phone_number_id)
        del self.store.numbers[phone_number_id]
        self.store.deleted_numbers.append(number)
        return Answer(200)

    def _number(self, phone_number_id: str) -> Json:
        number = self.store.numbers.get(phone_number_id)
        if number is None:
            raise _detail(404, "phone_number_not_found", f"Phone number {phone_number_id} not found")
        return number


def _detail(status: int, kind: str, message: str) -> Refused:
    return Refused(status, {"detail": {"status": kind, "message": message}})


def _invalid(problems: list[tuple[list[str], str, str]]) -> Refused:
    return Refused(422, {"detail": [{"loc": loc, "msg": message, "type": kind} for loc, message, kind in problems]})


def _integer(text: str | None, default: int, lowest: int, highest: int, name: str) -> int:
    if text is None or text == "":
        return default
    if not text.isdigit() or not lowest <= int(text) <= highest:
        raise _invalid([(["query", name], f"Input should be between {lowest} and {highest}", "value_error")])
    return int(text)


def _silence() -> bytes:
    """A quarter of a second of silence: what a voice's preview plays locally."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(2)
        audio.setframerate(8000)
        audio.writeframes(b"\0\0" * 2000)
    return buffer.getvalue()
