"""The voices ElevenLabs offers, as the voice routes read them: listed at ElevenLabs at most once an hour per
container, and served from memory in between.

The cache is a plain object in the handler module, so it lives as long as the container (Lambda keeps a warm
container's module state between invocations) and each container lists the voices on its first request and
then hourly; a voice ElevenLabs adds or removes reaches the route within the hour. Not Powertools parameters:
the voices are not a parameter of any store it reads. The ElevenLabs key is: every listing makes its client
through `agents.providers.settings.elevenlabs_client`, whose Powertools `get_secret` keeps the secret 5 minutes,
so an hourly listing reads Secrets Manager again and a rotated key is used at the next listing.

Two refinements keep the hour honest: a voice id not in the list triggers one fresh listing (at most once a
minute, so made-up ids cannot make every request a call to ElevenLabs), and when ElevenLabs fails or limits us
the last list is served rather than an error, as long as there is one."""

from __future__ import annotations

import time
from collections.abc import Callable

from agents.providers.elevenlabs import Voice
from agents.providers.errors import ProviderRateLimited, ProviderUnavailable

MAX_AGE_S = 3600.0
REFRESH_ON_MISS_S = 60.0


class VoiceCatalogue:
    def __init__(
        self,
        list_voices: Callable[[], list[Voice]],
        *,
        clock: Callable[[], float] = time.monotonic,
        max_age: float = MAX_AGE_S,
        refresh_on_miss: float = REFRESH_ON_MISS_S,
    ) -> None:
        self._list_voices = list_voices
        self._clock = clock
        self._max_age = max_age
        self._refresh_on_miss = refresh_on_miss
        self._voices: list[Voice] | None = None
        self._listed_at = 0.0

    def voices(self) -> list[Voice]:
        if self._voices is None or self._age() >= self._max_age:
            return self._refresh()
        return self._voices

    def find(self, voice_id: str) -> Voice | None:
        """The voice with this id, or None when ElevenLabs does not offer it (as freshly as a minute ago)."""
        voice = _by_id(self.voices(), voice_id)
        if voice is None and self._age() >= self._refresh_on_miss:
            voice = _by_id(self._refresh(), voice_id)
        return voice

    def _age(self) -> float:
        return self._clock() - self._listed_at

    def _refresh(self) -> list[Voice]:
        try:
            voices = self._list_voices()
        except (ProviderRateLimited, ProviderUnavailable):
            if self._voices is None:
                raise
            return self._voices  # the last list, until ElevenLabs answers again
        self._voices, self._listed_at = voices, self._clock()
        return voices


def _by_id(voices: list[Voice], voice_id: str) -> Voice | None:
    return next((voice for voice in voices if voice.voice_id == voice_id), None)
