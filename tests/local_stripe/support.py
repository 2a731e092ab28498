"""What the local Stripe's tests share beside their fixtures: a webhook receiver, polling, the admin routes."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import stripe

from tools.local_stripe import Endpoint, LocalStripe, Retry

API_KEY = "sk_test_local"
OTHER_API_KEY = "sk_test_other"
WEBHOOK_SECRET = "whsec_local"
CONNECT_SECRET = "whsec_local_connect"
FAST_RETRY = Retry(first_delay=0.05, factor=2.0, attempts=4, timeout=2.0)


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes

    @property
    def event(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.body)
        return parsed


@dataclass
class Receiver:
    """A webhook endpoint: records every POST and answers the statuses it is told, then 200."""

    statuses: list[int] = field(default_factory=list)
    delay: float = 0.0
    received: list[Received] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/webhooks/stripe"

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                time.sleep(receiver.delay)
                with receiver._lock:
                    receiver.received.append(Received(dict(self.headers.items()), body))
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def events(self, event_type: str | None = None) -> list[Received]:
        with self._lock:
            return [item for item in self.received if event_type in (None, item.event["type"])]


def eventually[T](probe: Callable[[], T], timeout: float = 5.0) -> T:
    """The first truthy result of `probe`, polled: deliveries run in the background."""
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if result or time.monotonic() > deadline:
            assert result, f"nothing came within {timeout} s"
            return result
        time.sleep(0.02)


def start_local_stripe(endpoint: Endpoint | None, retry: Retry = FAST_RETRY) -> LocalStripe:
    return LocalStripe(port=0, api_keys=(API_KEY, OTHER_API_KEY), endpoint=endpoint, retry=retry).start()


def onboarded_account(client: stripe.StripeClient, local_stripe: LocalStripe) -> stripe.Account:
    """An Express account that completed its onboarding (through the admin route)."""
    account = client.v1.accounts.create(params={"type": "express", "capabilities": {"transfers": {"requested": True}}})
    admin(local_stripe, f"/_local/accounts/{account.id}/onboard")
    return account


def admin(local_stripe: LocalStripe, path: str, method: str = "POST") -> tuple[int, Any]:
    """An admin route's status and JSON answer."""
    body = b"" if method == "POST" else None
    request = urllib.request.Request(local_stripe.base_url + path, method=method, data=body)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310 (the fake on loopback)
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read())
