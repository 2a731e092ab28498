"""Failure injection on the local ElevenLabs: the next calls of one operation answer ElevenLabs' error for a
status, or never answer (before or after doing the operation), and the client sees each as its typed error;
every request, and its correlation id, is in the state's log."""

from __future__ import annotations

import pytest

from agents.providers.elevenlabs import ElevenLabsClient
from agents.providers.errors import ProviderRateLimited, ProviderUnavailable
from tests.local_elevenlabs.conftest import API_KEY
from tests.local_elevenlabs.support import call, state
from tools.local_elevenlabs import LocalElevenLabs


def create(client: ElevenLabsClient) -> str:
    return client.create_agent(
        name="colmena-o1", system_prompt="p", first_message="Hola", voice_id="LocalVoiceLucia00001", language="es"
    )


def test_a_429_injected_twice_fails_two_creations_then_one_passes(local_elevenlabs: LocalElevenLabs) -> None:
    client = ElevenLabsClient(local_elevenlabs.base_url, API_KEY, correlation_id=lambda: "corr-42")
    call(local_elevenlabs, "POST", "/_local/failures", {"operation": "create_agent", "status": 429, "times": 2})

    for _ in range(2):
        with pytest.raises(ProviderRateLimited):
            create(client)
    agent_id = create(client)

    held = state(local_elevenlabs)
    assert [item["agent_id"] for item in held["agents"]] == [agent_id]
    assert [(entry["operation"], entry["status"], entry["correlation_id"]) for entry in held["requests"]] == [
        ("create_agent", 429, "corr-42"), ("create_agent", 429, "corr-42"), ("create_agent", 200, "corr-42"),
    ]  # fmt: skip


def test_a_503_on_import_is_unavailable_and_imports_nothing(local_elevenlabs: LocalElevenLabs,
                                                            client: ElevenLabsClient) -> None:  # fmt: skip
    call(local_elevenlabs, "POST", "/_local/failures", {"operation": "import_number", "status": 503})

    with pytest.raises(ProviderUnavailable):
        client.import_twilio_number(phone_number="+34910000001", label="l", sid="AC1", token="t")

    assert state(local_elevenlabs)["phone_numbers"] == []


@pytest.mark.parametrize(("after", "agents"), [(False, 0), (True, 1)])
def test_a_timeout_is_unavailable_and_after_the_operation_leaves_what_it_made(
    local_elevenlabs: LocalElevenLabs, after: bool, agents: int
) -> None:
    client = ElevenLabsClient(local_elevenlabs.base_url, API_KEY, timeout=0.3)
    call(local_elevenlabs, "POST", "/_local/failures",
         {"operation": "create_agent", "status": "timeout", "after": after, "seconds": 1})  # fmt: skip

    with pytest.raises(ProviderUnavailable):
        create(client)

    assert len(state(local_elevenlabs)["agents"]) == agents
    assert (client.find_agent("colmena-o1") is not None) is after


def test_a_failure_of_an_operation_the_fake_does_not_have_is_refused(local_elevenlabs: LocalElevenLabs) -> None:
    status, answer = call(local_elevenlabs, "POST", "/_local/failures", {"operation": "clone_voice", "status": 500})

    assert status == 400 and "create_agent" in answer["error"]
