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
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import boto3
import urllib3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
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
# What the management API answers, by status, when its error type header is missing.
ERROR_CODES: dict[int, str] = {
    HTTPStatus.FORBIDDEN: "ForbiddenException",
    HTTPStatus.GONE: "GoneException",
    HTTPStatus.REQUEST_ENTITY_TOO_LARGE: "PayloadTooLargeException",
    HTTPStatus.TOO_MANY_REQUESTS: "LimitExceededException",
}
# As colmena.aws.CLIENT_CONFIG: 0.5 s to connect, 1.5 s to answer, two attempts. A throttled post or a server
# error is tried once more (after the answer's Retry-After, if it gives one); the last answer is then raised.
POST_TIMEOUT = urllib3.Timeout(connect=0.5, read=1.5)
POST_RETRIES = urllib3.Retry(
    total=1, status_forcelist=(429, 500, 502, 503, 504), allowed_methods=frozenset({"POST"}), raise_on_status=False
)


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


class SignedConnections:
    """PostToConnection as the management API defines it, a POST of the frame to `<endpoint>/@connections/<id>`
    signed with SigV4 by botocore's own signer, over one pool of kept-alive connections; it stands in for the
    apigatewaymanagementapi client on the fan-out. The client's machinery around the same request (its
    parameter validation, the user agent it rebuilds for every call, its event hooks and response parsing)
    cost ~1.5 ms of CPU per post against ~0.7 ms for the signed request alone, and a fan-out is CPU-bound
    (docs/decisions.md). A refusal is raised as the client raises it, a ClientError with the service's error
    code, so Pusher treats both alike."""

    def __init__(self, endpoint: str, region: str, connections: int, pool: Any = None) -> None:
        self._endpoint = endpoint.rstrip("/")
        self._region = region
        credentials = boto3.Session().get_credentials()
        if credentials is None:
            raise RuntimeError("no AWS credentials to sign the posts with")
        self._credentials = credentials
        self._pool = pool or urllib3.PoolManager(maxsize=connections, timeout=POST_TIMEOUT, retries=POST_RETRIES)

    def post_to_connection(self, ConnectionId: str, Data: bytes) -> None:  # noqa: N803 (the client's names)
        url = f"{self._endpoint}/@connections/{quote(ConnectionId, safe='')}"
        request = AWSRequest("POST", url, data=Data)
        SigV4Auth(self._credentials.get_frozen_credentials(), "execute-api", self._region).add_auth(request)
        answer = self._pool.urlopen("POST", url, body=Data, headers=dict(request.headers.items()))
        if answer.status >= HTTPStatus.MULTIPLE_CHOICES:
            raise refusal(answer.status, answer.headers.get("x-amzn-ErrorType"), answer.data)


def refusal(status: int, error_type: str | None, body: bytes) -> ClientError:
    """The management API's error answer as the apigatewaymanagementapi client would raise it."""
    code = (error_type or "").split(":", 1)[0] or ERROR_CODES.get(status, str(status))
    try:
        message = str(json.loads(body or b"{}").get("message", ""))
    except (ValueError, AttributeError):
        message = body.decode(errors="replace")
    error = {"Error": {"Code": code, "Message": message}, "ResponseMetadata": {"HTTPStatusCode": status}}
    return ClientError(error, "PostToConnection")  # type: ignore[arg-type]


@dataclass(frozen=True)
class Delivery:
    delivered: int
    gone: list[str]
    failures: list[ClientError]


class Pusher:
    """Posts frames with one client (an apigatewaymanagementapi client, or SignedConnections; both are
    thread-safe), from a pool of threads kept for the container's life, so a fan-out to a thousand connections
    is a few rounds of concurrent posts rather than a thousand in a row."""

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
