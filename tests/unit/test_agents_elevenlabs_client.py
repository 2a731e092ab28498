"""The project's ElevenLabs client against a scripted server speaking ElevenLabs' wire format: what each
call sends, what it makes of the answer, and the typed error each failure becomes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from agents.providers.elevenlabs import TTS_MODEL_ID, Agent, ElevenLabsClient, ImportedNumber, Voice
from agents.providers.errors import (
    ProviderNotFound,
    ProviderRateLimited,
    ProviderRejected,
    ProviderUnavailable,
)
from tests.provider_double import Scripted, allow_loopback_only, closed_port, scripted_provider

KEY = "xi-test-key"


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    allow_loopback_only(monkeypatch)


@pytest.fixture
def elevenlabs() -> Iterator[Scripted]:
    with scripted_provider() as scripted:
        yield scripted


def client(scripted: Scripted, **options: object) -> ElevenLabsClient:
    return ElevenLabsClient(scripted.url, KEY, **options)  # type: ignore[arg-type]


def voice(voice_id: str, name: str, **extra: object) -> dict[str, object]:
    return {"voice_id": voice_id, "name": name, "category": "premade", "preview_url": None, **extra}


def test_the_voices_are_every_page_of_v2_voices_read_with_the_key(elevenlabs: Scripted) -> None:
    elevenlabs.answer(200, {"voices": [voice("v1", "Lucía", verified_languages=[{"language": "es"}],
                                             preview_url="https://example.com/v1.mp3")],
                            "has_more": True, "total_count": 2, "next_page_token": "page-2"})  # fmt: skip
    elevenlabs.answer(200, {"voices": [voice("v2", "Roger", labels={"language": "en"})], "has_more": False,
                            "total_count": 2, "next_page_token": None})  # fmt: skip

    voices = client(elevenlabs).list_voices()

    assert voices == [
        Voice("v1", "Lucía", "premade", "es", "https://example.com/v1.mp3"),
        Voice("v2", "Roger", "premade", "en", None),
    ]
    first, second = elevenlabs.seen
    assert (first.method, first.path, first.headers["xi-api-key"]) == ("GET", "/v2/voices", KEY)
    assert "next_page_token" not in first.query
    assert second.query["next_page_token"] == ["page-2"]


def test_an_agent_is_created_with_its_prompt_first_message_language_and_voice(elevenlabs: Scripted) -> None:
    elevenlabs.answer(200, {"agent_id": "agent_123"})

    agent_id = client(elevenlabs).create_agent(
        name="colmena-o1", system_prompt="You answer for Peluquería Sol.", first_message="¡Hola!",
        voice_id="v1", language="es",
    )  # fmt: skip

    assert agent_id == "agent_123"
    sent = elevenlabs.seen[0]
    assert (sent.method, sent.path, sent.headers["content-type"]) == (
        "POST", "/v1/convai/agents/create", "application/json",
    )  # fmt: skip
    assert sent.json() == {
        "name": "colmena-o1",
        "conversation_config": {
            "agent": {
                "first_message": "¡Hola!",
                "language": "es",
                "prompt": {"prompt": "You answer for Peluquería Sol."},
            },
            "tts": {"voice_id": "v1", "model_id": TTS_MODEL_ID},
        },
    }


def test_the_correlation_id_goes_with_every_call_when_there_is_one(elevenlabs: Scripted) -> None:
    elevenlabs.answer(200, {"agent_id": "a"}).answer(200, {"agent_id": "b"})
    ids = iter(["corr-1", None])
    calls = client(elevenlabs, correlation_id=lambda: next(ids))

    calls.create_agent(name="n", system_prompt="p", first_message="f", voice_id="v", language="en")
    calls.create_agent(name="n", system_prompt="p", first_message="f", voice_id="v", language="en")

    assert elevenlabs.seen[0].headers["x-correlation-id"] == "corr-1"
    assert "x-correlation-id" not in elevenlabs.seen[1].headers


def test_an_agent_is_found_by_its_exact_name_across_pages(elevenlabs: Scripted) -> None:
    elevenlabs.answer(200, {"agents": [{"agent_id": "a1", "name": "colmena-o1-old"}], "has_more": True,
                            "next_cursor": "c2"})  # fmt: skip
    elevenlabs.answer(200, {"agents": [{"agent_id": "a2", "name": "colmena-o1"}], "has_more": False,
                            "next_cursor": None})  # fmt: skip

    found = client(elevenlabs).find_agent("colmena-o1")

    assert found == Agent("a2", "colmena-o1")
    assert [seen.query.get("cursor") for seen in elevenlabs.seen] == [None, ["c2"]]
    assert elevenlabs.seen[0].query["search"] == ["colmena-o1"]


def test_a_search_matching_only_similar_names_finds_no_agent(elevenlabs: Scripted) -> None:
    elevenlabs.answer(200, {"agents": [{"agent_id": "a1", "name": "colmena-o10"}], "has_more": False})

    assert client(elevenlabs).find_agent("colmena-o1") is None


def test_deleting_an_agent_already_gone_counts_as_done(elevenlabs: Scripted) -> None:
    elevenlabs.answer(404, {"detail": {"status": "agent_not_found", "message": "Agent not found"}})

    client(elevenlabs).delete_agent("agent_gone")

    assert (elevenlabs.seen[0].method, elevenlabs.seen[0].path) == ("DELETE", "/v1/convai/agents/agent_gone")


def test_a_twilio_number_is_imported_with_its_label_and_credentials(elevenlabs: Scripted) -> None:
    elevenlabs.answer(200, {"phone_number_id": "phnum_1"})

    imported = client(elevenlabs).import_twilio_number(
        phone_number="+34910000001", label="colmena-o1", sid="AC1", token="secret"
    )

    assert imported == "phnum_1"
    assert elevenlabs.seen[0].path == "/v1/convai/phone-numbers"
    assert elevenlabs.seen[0].json() == {
        "provider": "twilio", "phone_number": "+34910000001", "label": "colmena-o1", "sid": "AC1", "token": "secret",
    }  # fmt: skip


def test_an_imported_number_is_found_with_the_agent_it_answers_for(elevenlabs: Scripted) -> None:
    elevenlabs.answer(200, [
        {"phone_number": "+34910000002", "label": "other", "phone_number_id": "phnum_2", "provider": "twilio"},
        {"phone_number": "+34910000001", "label": "colmena-o1", "phone_number_id": "phnum_1", "provider": "twilio",
         "assigned_agent": {"agent_id": "agent_1", "agent_name": "colmena-o1"}},
    ])  # fmt: skip

    found = client(elevenlabs).find_number("+34910000001")

    assert found == ImportedNumber("phnum_1", "+34910000001", "colmena-o1", "agent_1")


def test_a_number_not_imported_is_not_found(elevenlabs: Scripted) -> None:
    elevenlabs.answer(200, [])

    assert client(elevenlabs).find_number("+34910000001") is None


def test_assigning_an_agent_patches_the_number(elevenlabs: Scripted) -> None:
    elevenlabs.answer(200, {"phone_number_id": "phnum_1"})

    client(elevenlabs).assign_agent("phnum_1", "agent_1")

    sent = elevenlabs.seen[0]
    assert (sent.method, sent.path, sent.json()) == (
        "PATCH",
        "/v1/convai/phone-numbers/phnum_1",
        {"agent_id": "agent_1"},
    )


def test_deleting_a_number_already_gone_counts_as_done(elevenlabs: Scripted) -> None:
    elevenlabs.answer(404, {"detail": "Phone number not found"})

    client(elevenlabs).delete_number("phnum_gone")

    assert elevenlabs.seen[0].method == "DELETE"


def test_a_validation_error_is_a_rejection_naming_each_field(elevenlabs: Scripted) -> None:
    elevenlabs.answer(422, {"detail": [
        {"loc": ["body", "conversation_config", "tts", "voice_id"], "msg": "Voice not found", "type": "value_error"},
    ]})  # fmt: skip

    with pytest.raises(ProviderRejected) as refused:
        client(elevenlabs).create_agent(name="n", system_prompt="p", first_message="f", voice_id="nope", language="es")

    assert refused.type is ProviderRejected
    assert refused.value.status == 422 and refused.value.provider == "elevenlabs"
    assert "conversation_config.tts.voice_id: Voice not found" in refused.value.reason


@pytest.mark.parametrize(
    ("status", "error"),
    [(429, ProviderRateLimited), (500, ProviderUnavailable), (503, ProviderUnavailable), (404, ProviderNotFound),
     (401, ProviderRejected)],
)  # fmt: skip
def test_each_error_status_becomes_its_typed_error(elevenlabs: Scripted, status: int, error: type[Exception]) -> None:
    elevenlabs.answer(status, {"detail": {"status": "some_status", "message": "what ElevenLabs said"}})

    with pytest.raises(error) as raised:
        client(elevenlabs).list_voices()

    assert raised.type is error
    assert "what ElevenLabs said" in str(raised.value)


def test_a_provider_that_does_not_answer_in_time_is_unavailable(elevenlabs: Scripted) -> None:
    elevenlabs.answer(200, {"voices": [], "has_more": False}, delay=0.5)

    with pytest.raises(ProviderUnavailable) as raised:
        client(elevenlabs, timeout=0.1).list_voices()

    assert raised.value.status is None and "in time" in raised.value.reason


def test_a_provider_refusing_connections_is_unavailable() -> None:
    nowhere = ElevenLabsClient(f"http://127.0.0.1:{closed_port()}", KEY)

    with pytest.raises(ProviderUnavailable) as raised:
        nowhere.list_voices()

    assert "could not be reached" in raised.value.reason
