"""The voice routes' bodies (pydantic; only the voices handler imports this)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from agents.providers.elevenlabs import Voice


class VoiceView(BaseModel):
    voice_id: str
    name: str
    category: str | None = Field(description="ElevenLabs' category: premade, cloned, generated, professional")
    language: str | None
    preview_url: str | None = Field(description="A short sample of the voice (audio)")

    @classmethod
    def of(cls, voice: Voice) -> VoiceView:
        return cls(
            voice_id=voice.voice_id,
            name=voice.name,
            category=voice.category,
            language=voice.language,
            preview_url=voice.preview_url,
        )


class Voices(BaseModel):
    voices: list[VoiceView]


class VoiceChoice(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    voice_id: Annotated[
        str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$", examples=["21m00Tcm4TlvDq8ikWAM"])
    ]


class SelectedVoice(BaseModel):
    onboarding_id: str
    voice_id: str
    voice_name: str
