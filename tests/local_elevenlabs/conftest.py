"""The local ElevenLabs' tests: each drives a fake started on a free loopback port through the project's
ElevenLabs client (or plain HTTP where the client has no call for it). The network beyond this machine stays
blocked, as in every fast suite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from agents.providers.elevenlabs import ElevenLabsClient
from tests.provider_double import allow_loopback_only
from tools.local_elevenlabs import LocalElevenLabs

API_KEY = "local-test-xi-key"
TWILIO_SID, TWILIO_TOKEN = "AC" + "0" * 31 + "9", "twilio-token"
OWNED = "+34910000001"  # the one number the Twilio account above owns, for the fake's import check


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    allow_loopback_only(monkeypatch)


def twilio_owns(sid: str, token: str, phone_number: str) -> bool:
    return (sid, token, phone_number) == (TWILIO_SID, TWILIO_TOKEN, OWNED)


@pytest.fixture
def local_elevenlabs() -> Iterator[LocalElevenLabs]:
    with LocalElevenLabs(api_key=API_KEY, port=0, twilio_owns=twilio_owns) as started:
        yield started


@pytest.fixture
def client(local_elevenlabs: LocalElevenLabs) -> ElevenLabsClient:
    return ElevenLabsClient(local_elevenlabs.base_url, API_KEY)
