"""The local Stripe's tests: each drives a fake started on a free loopback port through the unmodified
`stripe` library, with a small HTTP receiver standing for the webhook endpoint. Both are stopped by the
fixture that started them. The network beyond this machine stays blocked, as in every fast suite."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from typing import Any

import pytest
import stripe

from tests.local_stripe.support import (
    API_KEY,
    CONNECT_SECRET,
    WEBHOOK_SECRET,
    Receiver,
    start_local_stripe,
)
from tools.local_stripe import Endpoint, LocalStripe


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loopback only: the fake and the receiver are on this machine, nothing else may be reached."""
    connect = socket.socket.connect

    def loopback_only(self: socket.socket, address: Any) -> None:
        if not (isinstance(address, tuple) and ipaddress.ip_address(address[0]).is_loopback):
            raise RuntimeError("the local Stripe's tests may only reach loopback addresses")
        connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", loopback_only)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    started = Receiver().start()
    yield started
    started.stop()


@pytest.fixture
def local_stripe(receiver: Receiver) -> Iterator[LocalStripe]:
    started = start_local_stripe(Endpoint(receiver.url, WEBHOOK_SECRET, CONNECT_SECRET))
    yield started
    started.stop()


@pytest.fixture
def client(local_stripe: LocalStripe) -> stripe.StripeClient:
    # No retries by the library: each test sees the first answer the fake gives.
    return stripe.StripeClient(API_KEY, base_addresses={"api": local_stripe.base_url}, max_network_retries=0)
