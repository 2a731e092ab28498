"""6. The API on its own port with the template's paths, served by the emulator's own API Gateway: the front
only prefixes the path with the emulator's execute-api route. It also serves Swagger UI for the whole API's
description at `/docs` (docs/openapi.json, read at each request so `make openapi` shows at once), with the
description's server set to the address the browser used, so "Try it out" calls this port. API Gateway has
no such page; `/docs` is reserved for it here (a test keeps the template's routes off it)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Scope = MutableMapping[str, Any]
Asgi = Callable[[Scope, Callable[..., Awaitable[Any]], Callable[..., Awaitable[Any]]], Awaitable[None]]


@dataclass
class ApiFront:
    """Where the template's paths on `port` go: the deployed REST API's id and stage, once known."""

    port: int
    api_id: str | None = None
    stage: str | None = None
    description: Path | None = None
    """The whole API's OpenAPI description that `/docs` shows; None serves no `/docs`."""


DOCS = "/docs"
SWAGGER_ASSETS = {
    f"{DOCS}/swagger-ui.js": ("swagger-ui-bundle.min.js", b"text/javascript"),
    f"{DOCS}/swagger-ui.css": ("swagger-ui.min.css", b"text/css"),
}


# --- 6. the front ---------------------------------------------------------------------------------


def _front_dispatch(emulator_app: Asgi, front: ApiFront) -> Asgi:
    async def dispatch(scope: Scope, receive: Any, send: Any) -> None:
        server = scope.get("server") or (None, None)
        if scope["type"] != "http" or server[1] != front.port:
            await emulator_app(scope, receive, send)
            return
        if front.description is not None and (scope["path"] == DOCS or scope["path"] in SWAGGER_ASSETS):
            await _docs(scope, send, front.description)
            return
        if front.api_id is None:
            await _answer(send, 503, b'{"message": "the local stack is still deploying"}')
            return
        prefix = f"/_aws/execute-api/{front.api_id}/{front.stage}"
        raw_path = scope.get("raw_path") or scope["path"].encode()
        routed = {**scope, "path": prefix + scope["path"], "raw_path": prefix.encode() + raw_path}
        await emulator_app(routed, receive, send)

    return dispatch


async def _answer(send: Any, status: int, body: bytes, content_type: bytes = b"application/json") -> None:
    await send({"type": "http.response.start", "status": status, "headers": [(b"content-type", content_type)]})
    await send({"type": "http.response.body", "body": body})


async def _docs(scope: Scope, send: Any, description: Path) -> None:
    """Swagger UI's page (the description inlined, as Powertools' own `enable_swagger` does), the description
    alone for `?format=json`, or one of the Swagger UI files Powertools ships."""
    from aws_lambda_powertools.event_handler.openapi import swagger_ui

    if scope["path"] in SWAGGER_ASSETS:
        file_name, content_type = SWAGGER_ASSETS[scope["path"]]
        await _answer(send, 200, (Path(swagger_ui.__file__).parent / file_name).read_bytes(), content_type)
        return
    try:
        document = json.loads(description.read_text())
    except (OSError, json.JSONDecodeError) as error:
        await _answer(send, 503, json.dumps({"message": f"no API description to show: {error}"}).encode())
        return
    host = dict(scope.get("headers") or []).get(b"host", b"127.0.0.1").decode("latin-1")
    document["servers"] = [{"url": f"http://{host}", "description": "this local stack"}]
    spec = json.dumps(document)
    if b"format=json" in scope.get("query_string", b""):
        await _answer(send, 200, spec.encode())
        return
    from aws_lambda_powertools.event_handler.openapi.swagger_ui.html import generate_swagger_html

    page = generate_swagger_html(
        spec, f"{DOCS}/swagger-ui.js", f"{DOCS}/swagger-ui.css", DOCS, oauth2_config=None, persist_authorization=True
    )
    await _answer(send, 200, page.encode(), b"text/html; charset=utf-8")
