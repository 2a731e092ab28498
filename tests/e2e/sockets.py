"""What the end-to-end tests of Live's WebSocket API share: reading the next frame of a type, and subscribing."""

from __future__ import annotations

import json
import time
from typing import Any

import websocket

WAIT_S = 10  # how long a pushed frame may take on a loaded machine before a test gives up


def next_frame(ws: websocket.WebSocket, frame_type: str, wait_s: float = WAIT_S) -> dict[str, Any]:
    """The next frame of that type, skipping others (a join's presence, a song's queue.changed)."""
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        frame: dict[str, Any] = json.loads(ws.recv())
        if frame["type"] == frame_type:
            return frame
    raise AssertionError(f"no {frame_type} frame within {wait_s} s")


def subscribed(ws: websocket.WebSocket, session_id: str) -> websocket.WebSocket:
    ws.send(json.dumps({"action": "subscribe", "session_id": session_id}))
    assert next_frame(ws, "subscribed") == {"type": "subscribed", "session_id": session_id}
    return ws
