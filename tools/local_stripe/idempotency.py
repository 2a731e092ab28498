"""Stripe's idempotent requests (v1): the first answer to a POST with an `Idempotency-Key` is kept and given
again, byte for byte, to a retry with the same key and the same parameters (with `Idempotent-Replayed:
true`); the same key with other parameters or on another endpoint is an idempotency_error; a retry while
the first is still running is a 409. Keys are scoped per API key. An answer is kept only once the endpoint
started executing: a refused parameter is not, so the corrected request can reuse the key. Locally keys
live as long as the process (Stripe keeps them 24 hours)."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import Any

from tools.local_stripe.errors import StripeError, idempotency_error


@dataclass
class Saved:
    endpoint: str  # "POST /v1/payment_intents"
    fingerprint: str  # the parameters, in a canonical form (their order on the wire does not matter)
    request_id: str | None  # the first request's, which a replay names in `Original-Request`
    status: int | None = None  # None while the first request runs
    body: bytes = b""


def fingerprint(params: dict[str, Any]) -> str:
    return json.dumps(params, sort_keys=True, separators=(",", ":"))


class IdempotencyKeys:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._saved: dict[tuple[str, str], Saved] = {}

    def begin(
        self, api_key: str, key: str, endpoint: str, params: dict[str, Any], request_id: str | None
    ) -> Saved | None:
        """None when the request must run (it is now in progress under its key), or the answer to replay."""
        printed = fingerprint(params)
        with self._lock:
            saved = self._saved.get((api_key, key))
            if saved is None:
                self._saved[(api_key, key)] = Saved(endpoint, printed, request_id)
                return None
        if saved.endpoint != endpoint:
            raise idempotency_error(
                "Keys for idempotent requests can only be used for the same endpoint they were first used for "
                f"('{saved.endpoint}' vs '{endpoint}'). Try using a key other than '{key}' if you meant to "
                "execute a different request."
            )
        if saved.fingerprint != printed:
            raise idempotency_error(
                "Keys for idempotent requests can only be used with the same parameters they were first used "
                f"with. Try using a key other than '{key}' if you meant to execute a different request."
            )
        if saved.status is None:
            raise StripeError(
                409,
                "invalid_request_error",
                "There is currently another in-progress request using this Idempotent Key (that probably means "
                f"you submitted twice, and the other request is still going through): {key}. Please try again "
                "later.",
                code="idempotency_key_in_use",
            )
        return saved

    def finish(self, api_key: str, key: str, status: int, body: bytes) -> None:
        with self._lock:
            saved = self._saved[(api_key, key)]
            saved.status, saved.body = status, body

    def forget(self, api_key: str, key: str) -> None:
        """The request did not start executing: its key is free for the corrected request."""
        with self._lock:
            self._saved.pop((api_key, key), None)
