"""What each route of the Live WebSocket API does, as plain functions of the repositories and a `reply`
that posts one frame back to the caller's connection. No route returns a body: the local emulator sends
any returned body to the client, AWS only with a route response, so every answer goes through `reply`."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from http import HTTPStatus
from typing import Any

from colmena.errors import ColmenaError, Conflict, Forbidden, NotFound
from colmena.repository import ConditionFailed
from live.connections import ConnectionRepository
from live.logic import found, require_member, require_not_ended
from live.realtime import answer_frame, error_frame
from live.repository import LiveRepository

Reply = Callable[[Mapping[str, Any]], object]
ACTIONS = ("subscribe", "unsubscribe")
MAX_ID_CHARS = 64
# As the REST routes accept a session id in their path.
SESSION_ID = re.compile(r"[A-Za-z0-9-]{1,64}")

STATUS_OF: dict[type[ColmenaError], HTTPStatus] = {
    Forbidden: HTTPStatus.FORBIDDEN,
    NotFound: HTTPStatus.NOT_FOUND,
    Conflict: HTTPStatus.CONFLICT,
}


def frame_session_id(body: str | None) -> tuple[str | None, str | None]:
    """The `session_id` of a subscribe or unsubscribe frame, or why the frame is unusable."""
    try:
        frame = json.loads(body or "")
    except ValueError:
        return None, "a frame is a JSON object"
    session_id = frame.get("session_id") if isinstance(frame, dict) else None
    if not isinstance(session_id, str) or not SESSION_ID.fullmatch(session_id):
        return None, "session_id must be a session's id (letters, digits and dashes, at most 64)"
    return session_id, None


def unknown_frame(body: str | None) -> str:
    """Why the $default route got this frame: not JSON, or an action no route serves."""
    try:
        frame = json.loads(body or "")
    except ValueError:
        return "a frame is a JSON object with an action: " + ", ".join(ACTIONS)
    action = frame.get("action") if isinstance(frame, dict) else None
    if action is None:
        return "a frame names its action: " + ", ".join(ACTIONS)
    return f"unknown action {str(action)[:MAX_ID_CHARS]!r}; the actions are " + ", ".join(ACTIONS)


def subscribe(
    live: LiveRepository, connections: ConnectionRepository, connection_id: str, body: str | None, reply: Reply
) -> None:
    """Joins the session's channel: the DJ and the session's participants only, and not once it has ended."""
    session_id, problem = frame_session_id(body)
    if session_id is None:
        reply(error_frame(HTTPStatus.BAD_REQUEST, problem or ""))
        return
    connection = connections.get(connection_id)
    if connection is None:  # disconnected meanwhile: nobody left to answer
        return
    try:
        session = found(live.get_session(session_id), "the session")
        require_not_ended(session, "subscribe")
        require_member(session, connection.user_id, live.is_participant(session_id, connection.user_id), "subscribe")
        connections.subscribe(connection, session_id)
    except ColmenaError as refused:
        reply(error_frame(STATUS_OF.get(type(refused), HTTPStatus.BAD_REQUEST), refused.message))
        return
    except ConditionFailed:
        return
    reply(answer_frame("subscribed", session_id))


def unsubscribe(connections: ConnectionRepository, connection_id: str, body: str | None, reply: Reply) -> None:
    session_id, problem = frame_session_id(body)
    if session_id is None:
        reply(error_frame(HTTPStatus.BAD_REQUEST, problem or ""))
        return
    connections.unsubscribe(connection_id, session_id)
    reply(answer_frame("unsubscribed", session_id))
