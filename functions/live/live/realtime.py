"""Live's realtime half: what the WebSocket API sends to its clients, and how it reaches them.

A change travels route → EventBridge (Live's domain event) → the push function → `post_to_connection` on
every connection subscribed to the session (docs/decisions.md says why). Frames are JSON:

    pushed:   {"type": "<detail-type>", "session_id": "...", "data": {...the event's data}}
    answers:  {"type": "subscribed" | "unsubscribed", "session_id": "..."}
              {"type": "error", "status": 400 | 403 | 404 | 409, "message": "..."}
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.exceptions import ClientError

from live.tips import events as tip_events

# The detail-types of colmena.live the push function forwards (the template's rule lists the same); a
# tip.completed reaches the sockets as a tip.received frame (live/tips/events.py).
PUSHED_TYPES = (
    "session.started",
    "session.ended",
    "chat.message",
    "vote.changed",
    "queue.changed",
    "presence",
    "tip.completed",
)
# Posts in flight at once: a full session (1000 connections) takes ~16 rounds of one local round trip each.
FANOUT_THREADS = 64


def pushed_frame(detail_type: str, detail: Mapping[str, Any]) -> dict[str, Any]:
    """What a session's listeners receive for one of Live's events (its `detail` as published)."""
    if detail_type == tip_events.COMPLETED:
        return tip_events.tip_received_frame(detail["data"])
    data = dict(detail["data"])
    return {"type": detail_type, "session_id": data["session_id"], "data": data}


def answer_frame(kind: str, session_id: str) -> dict[str, Any]:
    return {"type": kind, "session_id": session_id}


def error_frame(status: int, message: str) -> dict[str, Any]:
    return {"type": "error", "status": status, "message": message}


def encoded(frame: Mapping[str, Any]) -> bytes:
    return json.dumps(frame, separators=(",", ":")).encode()


def management_endpoint(api_id: str, stage: str, region: str, endpoint_url: str | None) -> str:
    """The @connections endpoint of the WebSocket API's stage. On AWS, the API's own domain; where
    AWS_ENDPOINT_URL is set (the local stack), the emulator's path form, since its events' domain name
    carries no port."""
    if endpoint_url:
        return f"{endpoint_url.rstrip('/')}/_aws/execute-api/{api_id}/{stage}"
    return f"https://{api_id}.execute-api.{region}.amazonaws.com/{stage}"


def region() -> str:
    """The function's region, as boto3 reads it (Lambda sets AWS_REGION and AWS_DEFAULT_REGION)."""
    return boto3.session.Session().region_name or ""


def is_gone(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code") == "GoneException"


@dataclass(frozen=True)
class Delivery:
    delivered: int
    gone: list[str]
    failures: list[ClientError]


class Pusher:
    """Posts frames with one apigatewaymanagementapi client (boto3 clients are thread-safe), from a pool of
    threads kept for the container's life, so a fan-out to a thousand connections is a few rounds of
    concurrent posts rather than a thousand in a row."""

    def __init__(self, client: Any, threads: int = FANOUT_THREADS) -> None:
        self._client = client
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="push")

    def post(self, connection_id: str, frame: Mapping[str, Any]) -> bool:
        """True when posted; False when the connection is gone (410). Any other failure raises."""
        outcome = self._post_data(connection_id, encoded(frame))
        if isinstance(outcome, ClientError):
            raise outcome
        return outcome

    def fan_out(self, connection_ids: Iterable[str], frame: Mapping[str, Any]) -> Delivery:
        """Posts to every connection at once. The gone ones are returned for removal; a connection that fails
        otherwise does not stop the others, and its error is returned with the rest."""
        ids = list(connection_ids)
        data = encoded(frame)
        outcomes = list(self._pool.map(lambda connection_id: self._post_data(connection_id, data), ids))
        return Delivery(
            delivered=sum(1 for outcome in outcomes if outcome is True),
            gone=[connection_id for connection_id, outcome in zip(ids, outcomes, strict=True) if outcome is False],
            failures=[outcome for outcome in outcomes if isinstance(outcome, ClientError)],
        )

    def _post_data(self, connection_id: str, data: bytes) -> bool | ClientError:
        try:
            self._client.post_to_connection(ConnectionId=connection_id, Data=data)
        except ClientError as error:
            return False if is_gone(error) else error
        return True
