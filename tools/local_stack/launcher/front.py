"""6. The API on its own port with the template's paths, served by the emulator's own API Gateway: the front
only prefixes the path with the emulator's execute-api route."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

Scope = MutableMapping[str, Any]
Asgi = Callable[[Scope, Callable[..., Awaitable[Any]], Callable[..., Awaitable[Any]]], Awaitable[None]]


@dataclass
class ApiFront:
    """Where the template's paths on `port` go: the deployed REST API's id and stage, once known."""

    port: int
    api_id: str | None = None
    stage: str | None = None


# --- 6. the front ---------------------------------------------------------------------------------


def _front_dispatch(emulator_app: Asgi, front: ApiFront) -> Asgi:
    async def dispatch(scope: Scope, receive: Any, send: Any) -> None:
        server = scope.get("server") or (None, None)
        if scope["type"] != "http" or server[1] != front.port:
            await emulator_app(scope, receive, send)
            return
        if front.api_id is None:
            await _answer(send, 503, b'{"message": "the local stack is still deploying"}')
            return
        prefix = f"/_aws/execute-api/{front.api_id}/{front.stage}"
        raw_path = scope.get("raw_path") or scope["path"].encode()
        routed = {**scope, "path": prefix + scope["path"], "raw_path": prefix.encode() + raw_path}
        await emulator_app(routed, receive, send)

    return dispatch


async def _answer(send: Any, status: int, body: bytes) -> None:
    await send({"type": "http.response.start", "status": status, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": body})
