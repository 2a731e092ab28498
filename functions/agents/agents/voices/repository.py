"""The owner's voice on the onboarding item: `voice_id` and `voice_name`, replaced by a later choice until the
agent is deployed, and never after (the deployed agent speaks with the voice it was created with)."""

from __future__ import annotations

from agents.keys import ONBOARDING, onboarding_pk
from agents.providers.elevenlabs import Voice
from colmena.errors import Conflict, NotFound
from colmena.repository import ConditionFailed, DynamoRepository


class AlreadyDeployed(Conflict):
    code = "already_deployed"


class VoiceRepository(DynamoRepository):
    def select_voice(self, onboarding_id: str, owner_id: str, voice: Voice, now: str) -> None:
        try:
            self._set_fields(
                onboarding_pk(onboarding_id),
                ONBOARDING,
                {"voice_id": voice.voice_id, "voice_name": voice.name, "updated_at": now},
                condition="attribute_exists(pk) AND #owner_id = :owner AND attribute_not_exists(#deployed_at)",
                allowed=frozenset({"voice_id", "voice_name", "updated_at"}),
                owner=owner_id,
            )
        except ConditionFailed as error:
            current = self._get(onboarding_pk(onboarding_id), ONBOARDING)
            if current is None or current["owner_id"] != owner_id:
                raise NotFound(f"no onboarding {onboarding_id}") from error
            raise AlreadyDeployed("the agent is deployed with its voice; the voice can no longer be changed") from error
