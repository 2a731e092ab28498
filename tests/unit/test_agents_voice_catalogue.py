"""The voices as the voice routes read them: listed at ElevenLabs at most hourly, again for an unknown id at most
once a minute, and the last list served while ElevenLabs fails."""

from __future__ import annotations

import pytest

from agents.providers.elevenlabs import Voice
from agents.providers.errors import ProviderRateLimited, ProviderUnavailable
from agents.voices.catalogue import VoiceCatalogue

RACHEL = Voice("21m00Tcm4TlvDq8ikWAM", "Rachel", "premade", "en", None)
LUCIA = Voice("lucia0000000000000001", "Lucía", "premade", "es", None)


class ElevenLabs:
    def __init__(self, *voices: Voice) -> None:
        self.voices = list(voices)
        self.listings = 0
        self.failure: Exception | None = None

    def list_voices(self) -> list[Voice]:
        self.listings += 1
        if self.failure is not None:
            raise self.failure
        return list(self.voices)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_the_voices_are_listed_once_within_the_hour(clock: Clock) -> None:
    elevenlabs = ElevenLabs(RACHEL)
    catalogue = VoiceCatalogue(elevenlabs.list_voices, clock=clock)
    catalogue.voices()

    clock.now += 3599
    voices = catalogue.voices()

    assert voices == [RACHEL] and elevenlabs.listings == 1


def test_after_an_hour_the_voices_are_listed_again(clock: Clock) -> None:
    elevenlabs = ElevenLabs(RACHEL)
    catalogue = VoiceCatalogue(elevenlabs.list_voices, clock=clock)
    catalogue.voices()
    elevenlabs.voices.append(LUCIA)

    clock.now += 3600
    voices = catalogue.voices()

    assert voices == [RACHEL, LUCIA] and elevenlabs.listings == 2


def test_an_unknown_voice_lists_again_once_a_minute_has_passed(clock: Clock) -> None:
    elevenlabs = ElevenLabs(RACHEL)
    catalogue = VoiceCatalogue(elevenlabs.list_voices, clock=clock)
    catalogue.voices()
    elevenlabs.voices.append(LUCIA)
    clock.now += 60

    found = catalogue.find(LUCIA.voice_id)

    assert found == LUCIA and elevenlabs.listings == 2


def test_made_up_voice_ids_do_not_list_more_than_once_a_minute(clock: Clock) -> None:
    elevenlabs = ElevenLabs(RACHEL)
    catalogue = VoiceCatalogue(elevenlabs.list_voices, clock=clock)

    found = [catalogue.find(f"made-up-{n}") for n in range(20)]

    assert found == [None] * 20 and elevenlabs.listings == 1


@pytest.mark.parametrize(
    "failure", [ProviderUnavailable("elevenlabs", "down"), ProviderRateLimited("elevenlabs", "429")]
)
def test_while_elevenlabs_fails_the_last_list_is_served(clock: Clock, failure: Exception) -> None:
    elevenlabs = ElevenLabs(RACHEL)
    catalogue = VoiceCatalogue(elevenlabs.list_voices, clock=clock)
    catalogue.voices()
    elevenlabs.failure = failure

    clock.now += 3600
    voices = catalogue.voices()

    assert voices == [RACHEL] and elevenlabs.listings == 2


def test_with_no_list_yet_elevenlabs_failing_is_the_callers_error(clock: Clock) -> None:
    elevenlabs = ElevenLabs(RACHEL)
    elevenlabs.failure = ProviderUnavailable("elevenlabs", "ElevenLabs could not be reached")
    catalogue = VoiceCatalogue(elevenlabs.list_voices, clock=clock)

    with pytest.raises(ProviderUnavailable):
        catalogue.voices()
