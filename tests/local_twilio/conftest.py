"""The local Twilio's tests: each drives a fake started on a free loopback port through the unmodified
`twilio` library (or the project's gateway over it), with a scripted server standing for the API that
receives the call-status callbacks. The network beyond this machine stays blocked, as in every fast suite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.provider_double import Scripted, allow_loopback_only, scripted_provider
from tools.local_twilio import LocalTwilio

ACCOUNT_SID = "AC" + "0" * 31 + "7"
AUTH_TOKEN = "local-test-auth-token"


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    allow_loopback_only(monkeypatch)


@pytest.fixture
def local_twilio() -> Iterator[LocalTwilio]:
    with LocalTwilio(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN, port=0) as started:
        yield started


@pytest.fixture
def api() -> Iterator[Scripted]:
    """Where the numbers' status callbacks go."""
    with scripted_provider() as scripted:
        yield scripted
