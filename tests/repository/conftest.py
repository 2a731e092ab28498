"""Fixtures the repository suites share."""

from __future__ import annotations

import threading
from typing import Any

import pytest


@pytest.fixture
def atomic_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    """DynamoDB applies each request atomically (a transaction's conditions and writes at once); moto does
    not when threads call it together. One lock around each call restores that, and leaves what the race
    tests are about: the gaps between one request and the next, where other threads get in."""
    from botocore.client import BaseClient

    lock = threading.Lock()
    make_api_call = BaseClient._make_api_call  # type: ignore[attr-defined]

    def atomic(self: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        with lock:
            return make_api_call(self, operation, params)

    monkeypatch.setattr(BaseClient, "_make_api_call", atomic)
