"""Webhook deliveries as Stripe makes them: each event POSTed as JSON to the endpoint with a
`Stripe-Signature: t=<unix time>,v1=<HMAC-SHA256 of "{t}.{raw body}" with the endpoint's secret>` header,
signed afresh at each attempt; a Connect event (one naming an `account`) signed with the Connect endpoint's
secret when there is one. Deliveries run in the background, several at once, so their order is not their
events' order (Stripe does not promise one either). An answer other than 2xx, a redirect, a timeout or a
refused connection is retried with exponential backoff, shortened for local use (0.5 s doubling, 6 attempts
by default, where Stripe takes three days)."""

from __future__ import annotations

import hashlib
import heapq
import hmac
import itertools
import json
import queue
import threading
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from typing import Any

Json = dict[str, Any]


def signature_header(payload: bytes, secret: str, timestamp: int) -> str:
    signed = f"{timestamp}.".encode() + payload
    return f"t={timestamp},v1={hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()}"


@dataclass(frozen=True)
class Endpoint:
    """Where events go. Stripe has one endpoint for the platform's own events and one for its connected
    accounts' (Connect) events, each with its secret; locally both share the URL."""

    url: str
    secret: str
    connect_secret: str | None = None

    def signing(self, event: Json) -> tuple[str, str]:
        """The secret that signs `event`, and its name in the Stripe secret."""
        if "account" in event and self.connect_secret:
            return "connect_webhook_secret", self.connect_secret
        return "webhook_secret", self.secret


@dataclass(frozen=True)
class Retry:
    first_delay: float = 0.5
    factor: float = 2.0
    attempts: int = 6
    timeout: float = 10.0  # per attempt, as Stripe gives up on an endpoint that does not answer

    def delay(self, attempt: int) -> float:
        """The wait after the `attempt`-th failed attempt."""
        return self.first_delay * self.factor ** (attempt - 1)


@dataclass
class Attempt:
    number: int
    at: float
    status: int | None  # None: no HTTP answer (refused, timed out)
    error: str | None
    duration_ms: float
    answer: str  # the start of the endpoint's answer, to debug a handler that refuses


@dataclass
class Delivery:
    event: Json
    body: bytes
    url: str
    signed_with: str
    attempts: list[Attempt] = field(default_factory=list)
    state: str = "pending"  # pending | succeeded | failed

    def as_json(self) -> Json:
        return {
            "event": self.event["id"],
            "type": self.event["type"],
            "account": self.event.get("account"),
            "url": self.url,
            "signed_with": self.signed_with,
            "state": self.state,
            "attempts": [asdict(attempt) for attempt in self.attempts],
        }


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_: Any) -> None:
        return None  # a redirect is a failed delivery, as Stripe counts it


class Deliveries:
    """The delivery queue: a scheduler thread hands each due attempt to a few worker threads."""

    def __init__(self, endpoint: Endpoint | None, retry: Retry | None = None, workers: int = 4) -> None:
        self.endpoint = endpoint
        self.retry = retry or Retry()
        self._deliveries: list[Delivery] = []
        self._due: list[tuple[float, int, Delivery]] = []
        self._order = itertools.count()
        self._changed = threading.Condition()
        self._ready: queue.Queue[Delivery | None] = queue.Queue()
        self._stopping = False
        self._threads = [threading.Thread(target=self._schedule, name="local-stripe-scheduler", daemon=True)] + [
            threading.Thread(target=self._work, name=f"local-stripe-webhook-{n}", daemon=True) for n in range(workers)
        ]
        self._opener = urllib.request.build_opener(_NoRedirects())

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def stop(self, timeout: float = 1.0) -> None:
        """Stops scheduling and lets the attempts under way end (each within the retry's timeout; a stop
        waits `timeout` seconds at most for them)."""
        with self._changed:
            self._stopping = True
            self._changed.notify_all()
        for _ in self._threads[1:]:
            self._ready.put(None)
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            if thread.is_alive():
                thread.join(max(0.0, deadline - time.monotonic()))

    def publish(self, event: Json) -> None:
        if self.endpoint is None:
            return
        event["pending_webhooks"] = 1
        signed_with, _ = self.endpoint.signing(event)
        # Stripe sends its events pretty-printed: a receiver must verify the raw body, never a re-encoding.
        delivery = Delivery(event, json.dumps(event, indent=2).encode(), self.endpoint.url, signed_with)
        with self._changed:
            self._deliveries.append(delivery)
        self._schedule_at(time.monotonic(), delivery)

    def as_json(self) -> list[Json]:
        with self._changed:
            return [delivery.as_json() for delivery in self._deliveries]

    def _schedule_at(self, due: float, delivery: Delivery) -> None:
        with self._changed:
            heapq.heappush(self._due, (due, next(self._order), delivery))
            self._changed.notify_all()

    def _schedule(self) -> None:
        with self._changed:
            while not self._stopping:
                if self._due and self._due[0][0] <= time.monotonic():
                    self._ready.put(heapq.heappop(self._due)[2])
                    continue
                self._changed.wait(self._due[0][0] - time.monotonic() if self._due else None)

    def _work(self) -> None:
        while (delivery := self._ready.get()) is not None:
            self._attempt(delivery)

    def _attempt(self, delivery: Delivery) -> None:
        assert self.endpoint is not None
        _, secret = self.endpoint.signing(delivery.event)
        started, at = time.monotonic(), time.time()
        request = urllib.request.Request(  # noqa: S310 (the configured local endpoint)
            delivery.url,
            data=delivery.body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
                "Stripe-Signature": signature_header(delivery.body, secret, int(at)),
            },
        )
        status, error, answer = None, None, ""
        try:
            with self._opener.open(request, timeout=self.retry.timeout) as response:
                status, answer = response.status, response.read(500).decode(errors="replace")
        except urllib.error.HTTPError as refused:
            status, error, answer = refused.code, f"HTTP {refused.code}", refused.read(500).decode(errors="replace")
        except (OSError, ValueError) as failed:  # refused, reset, timed out, a malformed URL
            error = repr(failed)
        number = len(delivery.attempts) + 1
        duration = round((time.monotonic() - started) * 1000, 1)
        with self._changed:
            delivery.attempts.append(Attempt(number, at, status, error, duration, answer))
            if status is not None and 200 <= status < 300:
                delivery.state = "succeeded"
                delivery.event["pending_webhooks"] = 0
            elif number >= self.retry.attempts:
                delivery.state = "failed"
        if delivery.state == "pending":
            self._schedule_at(time.monotonic() + self.retry.delay(number), delivery)
