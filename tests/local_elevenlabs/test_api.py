"""The local ElevenLabs through the project's client: its voice library paged as /v2/voices pages, the agents
created, found and deleted, the Twilio numbers imported, assigned and deleted, its validation and its key,
and its state under /_local/state."""

from __future__ import annotations

import pytest

from agents.providers.elevenlabs import ElevenLabsClient, ImportedNumber
from agents.providers.errors import ProviderNotFound, ProviderRejected
from tests.local_elevenlabs.conftest import OWNED, TWILIO_SID, TWILIO_TOKEN
from tests.local_elevenlabs.support import call, state
from tools.local_elevenlabs import LocalElevenLabs

SPANISH = "LocalVoiceLucia00001"


def agent(client: ElevenLabsClient, name: str = "colmena-o1", **overrides: str) -> str:
    arguments = {
        "name": name,
        "system_prompt": "Atiendes las llamadas de Peluquería Sol.",
        "first_message": "Peluquería Sol, ¿dígame?",
        "voice_id": SPANISH,
        "language": "es",
        **overrides,
    }
    return client.create_agent(**arguments)


def test_the_voices_are_paged_and_the_client_reads_every_page(local_elevenlabs: LocalElevenLabs,
                                                              client: ElevenLabsClient) -> None:  # fmt: skip
    _, first = call(local_elevenlabs, "GET", "/v2/voices?page_size=4")
    _, second = call(local_elevenlabs, "GET", f"/v2/voices?page_size=4&next_page_token={first['next_page_token']}")

    voices = client.list_voices()

    assert (first["has_more"], len(first["voices"]), second["has_more"], len(second["voices"])) == (True, 4, False, 2)
    assert [voice.voice_id for voice in voices] == [v["voice_id"] for v in first["voices"] + second["voices"]]
    assert {voice.language for voice in voices} == {"es", "en", "fr"}


def test_a_voice_preview_plays(local_elevenlabs: LocalElevenLabs, client: ElevenLabsClient) -> None:
    preview = client.list_voices()[0].preview_url
    assert preview is not None

    status, content = call(local_elevenlabs, "GET", preview.removeprefix(local_elevenlabs.base_url))

    assert status == 200 and content[:4] == b"RIFF"


def test_an_agent_created_is_found_by_its_exact_name_and_kept_with_its_configuration(
    local_elevenlabs: LocalElevenLabs, client: ElevenLabsClient
) -> None:
    agent_id = agent(client)
    agent(client, name="colmena-o10")

    found = client.find_agent("colmena-o1")

    assert found is not None and found.agent_id == agent_id
    stored = next(item for item in state(local_elevenlabs)["agents"] if item["agent_id"] == agent_id)
    assert stored["conversation_config"]["agent"]["prompt"]["prompt"] == "Atiendes las llamadas de Peluquería Sol."
    assert stored["conversation_config"]["tts"]["voice_id"] == SPANISH
    assert client.find_agent("colmena-o2") is None


def test_the_agents_search_pages_with_a_cursor(local_elevenlabs: LocalElevenLabs, client: ElevenLabsClient) -> None:
    created = [agent(client, name=f"colmena-o{n}") for n in range(3)]

    _, first = call(local_elevenlabs, "GET", "/v1/convai/agents?search=colmena&page_size=2")
    _, second = call(
        local_elevenlabs, "GET", f"/v1/convai/agents?search=colmena&page_size=2&cursor={first['next_cursor']}"
    )

    assert first["has_more"] and not second["has_more"]
    assert [item["agent_id"] for item in first["agents"] + second["agents"]] == created[::-1]


def test_an_unknown_voice_is_a_validation_error_naming_the_field(client: ElevenLabsClient) -> None:
    with pytest.raises(ProviderRejected) as refused:
        agent(client, voice_id="no-such-voice")

    assert refused.value.status == 422
    assert (
        "conversation_config.tts.voice_id: A voice with the voice_id no-such-voice was not found."
        in refused.value.reason
    )


def test_a_spanish_agent_on_an_english_only_model_is_refused(local_elevenlabs: LocalElevenLabs) -> None:
    config = {
        "agent": {"language": "es", "prompt": {"prompt": "p"}},
        "tts": {"voice_id": SPANISH, "model_id": "eleven_turbo_v2"},
    }
    body = {"name": "x", "conversation_config": config}

    status, answer = call(local_elevenlabs, "POST", "/v1/convai/agents/create", body)

    assert status == 422 and answer["detail"][0]["msg"] == "Non-english Agents must use turbo or flash v2_5."


def test_a_number_imported_and_assigned_is_found_with_its_agent(local_elevenlabs: LocalElevenLabs,
                                                                client: ElevenLabsClient) -> None:  # fmt: skip
    agent_id = agent(client)

    phone_number_id = client.import_twilio_number(phone_number=OWNED, label="colmena-o1", sid=TWILIO_SID,
                                                  token=TWILIO_TOKEN)  # fmt: skip
    client.assign_agent(phone_number_id, agent_id)

    assert client.find_number(OWNED) == ImportedNumber(phone_number_id, OWNED, "colmena-o1", agent_id)
    _, fetched = call(local_elevenlabs, "GET", f"/v1/convai/agents/{agent_id}")
    assert [number["phone_number_id"] for number in fetched["phone_numbers"]] == [phone_number_id]


def test_a_number_the_twilio_account_does_not_own_is_not_imported(local_elevenlabs: LocalElevenLabs,
                                                                  client: ElevenLabsClient) -> None:  # fmt: skip
    with pytest.raises(ProviderRejected) as refused:
        client.import_twilio_number(phone_number=OWNED, label="colmena-o1", sid=TWILIO_SID, token="wrong")

    assert refused.value.status == 400 and state(local_elevenlabs)["phone_numbers"] == []


def test_a_number_is_imported_once(client: ElevenLabsClient) -> None:
    client.import_twilio_number(phone_number=OWNED, label="colmena-o1", sid=TWILIO_SID, token=TWILIO_TOKEN)

    with pytest.raises(ProviderRejected, match="already imported"):
        client.import_twilio_number(phone_number=OWNED, label="colmena-o1", sid=TWILIO_SID, token=TWILIO_TOKEN)


def test_deleting_the_agent_leaves_its_number_unassigned_and_both_deletions_show(
    local_elevenlabs: LocalElevenLabs, client: ElevenLabsClient
) -> None:
    agent_id = agent(client)
    phone_number_id = client.import_twilio_number(phone_number=OWNED, label="colmena-o1", sid=TWILIO_SID,
                                                  token=TWILIO_TOKEN)  # fmt: skip
    client.assign_agent(phone_number_id, agent_id)

    client.delete_agent(agent_id)
    assert client.find_number(OWNED) == ImportedNumber(phone_number_id, OWNED, "colmena-o1", None)
    client.delete_number(phone_number_id)
    client.delete_number(phone_number_id)
    client.delete_agent(agent_id)

    held = state(local_elevenlabs)
    assert (held["agents"], held["phone_numbers"], held["deleted_agents"]) == ([], [], [agent_id])
    assert [number["phone_number_id"] for number in held["deleted_phone_numbers"]] == [phone_number_id]


def test_assigning_an_agent_that_does_not_exist_is_not_found(client: ElevenLabsClient) -> None:
    phone_number_id = client.import_twilio_number(phone_number=OWNED, label="colmena-o1", sid=TWILIO_SID,
                                                  token=TWILIO_TOKEN)  # fmt: skip

    with pytest.raises(ProviderNotFound):
        client.assign_agent(phone_number_id, "agent_missing")


@pytest.mark.parametrize("api_key", [None, "not-the-key"])
def test_a_missing_or_wrong_key_is_refused(local_elevenlabs: LocalElevenLabs, api_key: str | None) -> None:
    status, answer = call(local_elevenlabs, "GET", "/v2/voices", api_key=api_key)

    assert status == 401 and answer["detail"]["status"] in ("needs_authorization", "invalid_api_key")


def test_reset_forgets_every_agent_number_and_request(local_elevenlabs: LocalElevenLabs,
                                                      client: ElevenLabsClient) -> None:  # fmt: skip
    agent(client)

    call(local_elevenlabs, "POST", "/_local/reset")

    held = state(local_elevenlabs)
    assert (held["agents"], held["phone_numbers"], held["requests"]) == ([], [], [])
