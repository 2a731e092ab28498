"""The frames moto's WebSocket management API received for a connection, as a client would read them."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from moto.backends import get_backend

ACCOUNT, REGION = "123456789012", "us-east-1"


def frames_to(connection_id: str) -> list[dict[str, Any]]:
    """Every frame posted to the connection so far (moto keeps their bytes end to end)."""
    backend = get_backend("apigatewaymanagementapi")[ACCOUNT][REGION]
    # moto keys a connection by its id as it appears in the request path, percent-encoded.
    data = backend.connections[quote(connection_id, safe="")].data.decode()
    decoder, frames, at = json.JSONDecoder(), [], 0
    while at < len(data):
        frame, at = decoder.raw_decode(data, at)
        frames.append(frame)
    return frames
