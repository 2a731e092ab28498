"""What the local ElevenLabs holds: its voice library, the conversational agents created (and the ids of those
deleted), and the phone numbers imported (and those deleted). Every method runs under the server's lock.
Objects are the JSON ElevenLabs answers, with the fields Colmena and the `elevenlabs` SDK read."""

from __future__ import annotations

import secrets
import string
import time
from dataclasses import dataclass, field
from typing import Any

Json = dict[str, Any]
_ALPHABET = string.ascii_lowercase + string.digits

# The library: made-up voices (not ElevenLabs' own), a few per language the businesses speak, each with the
# language it is verified in. (voice_id, name, gender, language, locale, accent)
VOICES: list[tuple[str, str, str, str, str, str]] = [
    ("LocalVoiceLucia00001", "Lucía", "female", "es", "es-ES", "peninsular"),
    ("LocalVoiceMateo00002", "Mateo", "male", "es", "es-ES", "peninsular"),
    ("LocalVoiceXimena0003", "Ximena", "female", "es", "es-MX", "mexican"),
    ("LocalVoiceGrace00004", "Grace", "female", "en", "en-US", "american"),
    ("LocalVoiceOliver0005", "Oliver", "male", "en", "en-GB", "british"),
    ("LocalVoiceCamille006", "Camille", "female", "fr", "fr-FR", "parisian"),
]


def new_id(prefix: str) -> str:
    return prefix + "".join(secrets.choice(_ALPHABET) for _ in range(28))


def voice(entry: tuple[str, str, str, str, str, str], preview_base: str) -> Json:
    voice_id, name, gender, language, locale, accent = entry
    preview = f"{preview_base}/{voice_id}.wav"
    return {
        "voice_id": voice_id, "name": name, "category": "premade", "description": f"A local {gender} voice ({locale}).",
        "labels": {"accent": accent, "gender": gender, "language": language, "use_case": "conversational"},
        "preview_url": preview, "samples": None, "settings": None, "available_for_tiers": [], "is_owner": False,
        "is_legacy": False, "is_mixed": False, "high_quality_base_model_ids": ["eleven_flash_v2_5"],
        "verified_languages": [{"language": language, "model_id": "eleven_flash_v2_5", "accent": accent,
                                "locale": locale, "preview_url": preview}],
        "created_at_unix": None,
    }  # fmt: skip


@dataclass
class ElevenLabsStore:
    agents: dict[str, Json] = field(default_factory=dict)  # agent_id -> the agent, in creation order
    deleted_agents: list[str] = field(default_factory=list)
    numbers: dict[str, Json] = field(default_factory=dict)  # phone_number_id -> the imported number
    deleted_numbers: list[Json] = field(default_factory=list)

    def reset(self) -> None:
        self.agents.clear()
        self.deleted_agents.clear()
        self.numbers.clear()
        self.deleted_numbers.clear()

    def create_agent(self, name: str, conversation_config: Json, tags: list[str]) -> Json:
        agent_id = new_id("agent_")
        now = int(time.time())
        agent = {
            "agent_id": agent_id, "name": name, "conversation_config": conversation_config,
            "metadata": {"created_at_unix_secs": now, "updated_at_unix_secs": now}, "platform_settings": {},
            "phone_numbers": [], "tags": tags,
            "access_info": {"is_creator": True, "creator_name": "Colmena (local)",
                            "creator_email": "local@colmena.example", "role": "admin"},
        }  # fmt: skip
        self.agents[agent_id] = agent
        return agent

    def summary(self, agent: Json) -> Json:
        return {"agent_id": agent["agent_id"], "name": agent["name"], "tags": agent["tags"],
                "created_at_unix_secs": agent["metadata"]["created_at_unix_secs"], "access_info": agent["access_info"],
                "last_call_time_unix_secs": None, "archived": False}  # fmt: skip

    def delete_agent(self, agent_id: str) -> None:
        self.agents.pop(agent_id)
        self.deleted_agents.append(agent_id)
        for number in self.numbers.values():  # as ElevenLabs does: the number stays, unassigned
            if (number["assigned_agent"] or {}).get("agent_id") == agent_id:
                number["assigned_agent"] = None

    def import_number(self, phone_number: str, label: str, sid: str) -> Json:
        phone_number_id = new_id("phnum_")
        number = {"phone_number": phone_number, "label": label, "phone_number_id": phone_number_id,
                  "provider": "twilio", "assigned_agent": None, "supports_inbound": True, "supports_outbound": True,
                  "provider_config": {"account_sid": sid}}  # fmt: skip
        self.numbers[phone_number_id] = number
        return number

    def agent_phone_numbers(self, agent_id: str) -> list[Json]:
        return [
            {"phone_number": number["phone_number"], "label": number["label"],
             "phone_number_id": number["phone_number_id"], "provider": number["provider"]}
            for number in self.numbers.values()
            if (number["assigned_agent"] or {}).get("agent_id") == agent_id
        ]  # fmt: skip
