"""The voice routes, driven with their sample events against moto and the seeded onboarding, and ElevenLabs as the
routes meet it (through the catalogue): a list of voices, or a failure."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

from agents.providers.elevenlabs import Voice
from agents.providers.errors import ProviderRateLimited, ProviderUnavailable
from agents.voices.catalogue import VoiceCatalogue
from tests.agents_api import BO, SEEDED, call
from tests.agents_payment import DEPLOYED_AT, item, seed_agents, set_onboarding

RACHEL = Voice("21m00Tcm4TlvDq8ikWAM", "Rachel", "premade", "en", "https://storage.example/rachel.mp3")
LUCIA = Voice("LocalVoiceLucia00001", "Lucía", "professional", "es", None)  # the sample's choice
LIST, SELECT = "agents_voices/get_voices", "agents_voices/select_voice"


class ElevenLabs:
    def __init__(self) -> None:
        self.voices = [RACHEL, LUCIA]
        self.failure: Exception | None = None

    def list_voices(self) -> list[Voice]:
        if self.failure is not None:
            raise self.failure
        return list(self.voices)


@pytest.fixture
def elevenlabs() -> ElevenLabs:
    return ElevenLabs()


@pytest.fixture
def api(
    load_handler: Callable[[str], ModuleType], dynamodb: Any, elevenlabs: ElevenLabs, monkeypatch: pytest.MonkeyPatch
) -> ModuleType:
    seed_agents(dynamodb)
    module = load_handler("AgentsVoicesFunction")
    monkeypatch.setattr(module, "catalogue", VoiceCatalogue(elevenlabs.list_voices))
    return module


def voice_of(dynamodb: Any) -> tuple[Any, Any]:
    onboarding = item(dynamodb, SEEDED, "ONBOARDING")
    assert onboarding is not None
    return onboarding.get("voice_id"), onboarding.get("voice_name")


def test_the_voices_elevenlabs_offers_are_listed(api: ModuleType) -> None:
    status, answer = call(api, LIST)

    assert status == 200
    assert answer["voices"] == [
        {
            "voice_id": "21m00Tcm4TlvDq8ikWAM",
            "name": "Rachel",
            "category": "premade",
            "language": "en",
            "preview_url": "https://storage.example/rachel.mp3",
        },
        {"voice_id": "LocalVoiceLucia00001", "name": "Lucía", "category": "professional", "language": "es",
         "preview_url": None},
    ]  # fmt: skip


def test_a_voice_is_chosen_with_its_name(api: ModuleType, dynamodb: Any) -> None:
    status, answer = call(api, SELECT)

    assert status == 200
    assert answer == {"onboarding_id": SEEDED, "voice_id": LUCIA.voice_id, "voice_name": "Lucía"}
    assert voice_of(dynamodb) == (LUCIA.voice_id, "Lucía")


def test_choosing_again_before_the_deployment_replaces_the_voice(api: ModuleType, dynamodb: Any) -> None:
    call(api, SELECT)

    status, _ = call(api, SELECT, body={"voice_id": RACHEL.voice_id})

    assert status == 200
    assert voice_of(dynamodb) == (RACHEL.voice_id, "Rachel")


def test_the_voice_step_is_done_once_chosen(
    api: ModuleType, load_handler: Callable[[str], ModuleType], dynamodb: Any
) -> None:
    call(api, SELECT)

    _, onboarding = call(load_handler("AgentsOnboardingFunction"), "agents_onboarding/get_onboarding")

    assert onboarding["steps"]["voice"]["state"] == "done"


def test_a_voice_elevenlabs_does_not_offer_is_a_422_naming_voice_id(api: ModuleType, dynamodb: Any) -> None:
    status, answer = call(api, SELECT, body={"voice_id": "no-such-voice"})

    assert status == 422
    assert [field["field"] for field in answer["error"]["fields"]] == ["voice_id"]
    assert voice_of(dynamodb) == (None, None)


def test_after_the_deployment_the_voice_cannot_change(api: ModuleType, dynamodb: Any) -> None:
    set_onboarding(dynamodb, SEEDED, voice_id=RACHEL.voice_id, voice_name="Rachel", deployed_at=DEPLOYED_AT)

    status, answer = call(api, SELECT, body={"voice_id": LUCIA.voice_id})

    assert status == 409 and answer["error"]["code"] == "already_deployed"
    assert voice_of(dynamodb) == (RACHEL.voice_id, "Rachel")


def put_deployment(dynamodb: Any, status: str) -> None:
    dynamodb.put_item(
        TableName="AgentsTable",
        Item={
            "pk": {"S": f"ONBOARDING#{SEEDED}"},
            "sk": {"S": "DEPLOYMENT"},
            "status": {"S": status},
            "attempt": {"N": "1"},
            "execution_arn": {"S": f"arn:aws:states:us-east-1:123456789012:execution:AgentDeployment:{SEEDED}-1"},
            "started_at": {"S": "2026-11-26T06:00:00Z"},
            "updated_at": {"S": "2026-11-26T06:00:05Z"},
        },
    )


def test_while_a_deployment_runs_the_voice_cannot_change(api: ModuleType, dynamodb: Any) -> None:
    set_onboarding(dynamodb, SEEDED, voice_id=RACHEL.voice_id, voice_name="Rachel")
    put_deployment(dynamodb, "running")

    status, answer = call(api, SELECT, body={"voice_id": LUCIA.voice_id})

    assert status == 409 and answer["error"]["code"] == "deployment_in_progress"
    assert voice_of(dynamodb) == (RACHEL.voice_id, "Rachel")


def test_after_a_failed_deployment_another_voice_can_be_chosen(api: ModuleType, dynamodb: Any) -> None:
    set_onboarding(dynamodb, SEEDED, voice_id=RACHEL.voice_id, voice_name="Rachel")
    put_deployment(dynamodb, "failed")

    status, _ = call(api, SELECT, body={"voice_id": LUCIA.voice_id})

    assert status == 200
    assert voice_of(dynamodb) == (LUCIA.voice_id, "Lucía")


def test_someone_elses_onboarding_is_a_404(api: ModuleType, dynamodb: Any) -> None:
    status, answer = call(api, SELECT, user=BO)

    assert status == 404 and answer["error"]["code"] == "not_found"
    assert voice_of(dynamodb) == (None, None)


@pytest.mark.parametrize(
    ("failure", "status", "code"),
    [
        (ProviderUnavailable("elevenlabs", "ElevenLabs failed to answer (500): boom"), 502, "provider_unavailable"),
        (ProviderRateLimited("elevenlabs", "ElevenLabs is limiting our requests"), 503, "provider_rate_limited"),
    ],
)
def test_elevenlabs_failing_with_no_list_yet_is_a_clear_5xx_with_its_reason(
    api: ModuleType, elevenlabs: ElevenLabs, failure: Exception, status: int, code: str
) -> None:
    elevenlabs.failure = failure

    answered, answer = call(api, LIST)

    assert (answered, answer["error"]["code"]) == (status, code)
    assert answer["error"]["message"] == str(failure)
