"""A local stand-in for the model behind Amazon Bedrock, speaking the wire format MiniStack 1.5.33 forwards
Converse to when MINISTACK_BEDROCK_PROXY_URL is set: OpenAI's POST /v1/chat/completions, whose `tool_calls` the
emulator turns into Converse `toolUse` blocks. So on the local stack the knowledge-base processor's Bedrock path
runs whole (its request, the emulator's Converse, the tool call, the validation), not only its fallback.

It is deterministic, not a language model: asked to call a function (tool_choice naming it, as the processor
forces), it reads the pages of the user's message (the "--- page N ---" markers) with the project's local rules
and answers with one call of that function, its arguments the knowledge base without document ids, as a model
following the tool's schema would. A request it cannot answer so (no tools, no forced function, no pages) is
refused with OpenAI's 400 error shape."""

from __future__ import annotations

import json
import re
import sys
import threading
import uuid
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tools import template

DEFAULT_PORT = 8802
MODEL_ID = "colmena.local-knowledge-model"
PAGE = re.compile(r"^--- page (\d+) ---$", re.MULTILINE)


class LocalModel:
    """`start()` serves on `base_url` (port 0 picks a free one); `stop()` ends the server. `requests` keeps every
    request body it answered, for tests to read."""

    def __init__(self, *, port: int = DEFAULT_PORT, host: str = "127.0.0.1") -> None:
        self.requests: list[dict[str, Any]] = []
        self._server = ThreadingHTTPServer((host, port), _Handler)
        self._server.daemon_threads = True
        self._server.model = self  # type: ignore[attr-defined]
        self.host = host
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(target=self._server.serve_forever, name="local-model", daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> LocalModel:
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join()
        self._server.server_close()

    def __enter__(self) -> LocalModel:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()


def completion(request: dict[str, Any]) -> dict[str, Any]:
    """The chat completion for one request; ValueError says why a request cannot be answered."""
    function = _forced_function(request)
    text = "\n".join(
        message["content"] for message in request.get("messages", [])
        if message.get("role") == "user" and isinstance(message.get("content"), str)
    )  # fmt: skip
    arguments = json.dumps(_knowledge_base(text), ensure_ascii=False)
    call = {"id": f"call_{uuid.uuid4().hex[:24]}", "type": "function",
            "function": {"name": function, "arguments": arguments}}  # fmt: skip
    message = {"role": "assistant", "content": None, "tool_calls": [call]}
    prompt, answer = len(text) // 4, len(arguments) // 4
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex}",
        "object": "chat.completion",
        "model": request.get("model", MODEL_ID),
        "choices": [{"index": 0, "finish_reason": "tool_calls", "message": message}],
        "usage": {"prompt_tokens": prompt, "completion_tokens": answer, "total_tokens": prompt + answer},
    }


def _forced_function(request: dict[str, Any]) -> str:
    tools = {tool["function"]["name"]: tool["function"] for tool in request.get("tools", []) if "function" in tool}
    choice = request.get("tool_choice")
    if not isinstance(choice, dict) or choice.get("type") != "function":
        raise ValueError("this model only answers a request whose tool_choice forces one function")
    name = str(choice.get("function", {}).get("name", ""))
    if name not in tools:
        raise ValueError(f"tool_choice names {name!r}, which is not among the request's tools")
    if tools[name].get("parameters", {}).get("type") != "object":
        raise ValueError(f"the parameters of {name} are not a JSON schema of an object")
    return name


def _knowledge_base(text: str) -> dict[str, Any]:
    for folder in (template.ROOT / "layers" / "shared", template.ROOT / "functions" / "agents"):
        if str(folder) not in sys.path:
            sys.path.append(str(folder))
    from agents.knowledge.detect import DocumentKind
    from agents.knowledge.extract import Extraction, Page
    from agents.knowledge.rules import structure

    parts = PAGE.split(text)
    if len(parts) < 3:
        raise ValueError("the user's message has no '--- page N ---' markers")
    pages = tuple(Page(int(number), body.strip()) for number, body in zip(parts[1::2], parts[2::2], strict=True))
    dumped = structure(Extraction(DocumentKind.TEXT, pages), "-").model_dump(mode="json")
    for items in dumped.values():
        for item in items:
            del item["document_id"]  # the model is never told the document's id
    return dumped


class _Handler(BaseHTTPRequestHandler):
    server_version = "ColmenaLocalModel/1.0"

    def do_POST(self) -> None:
        if self.path.rstrip("/") != "/v1/chat/completions":
            self._answer(HTTPStatus.NOT_FOUND, {"error": {"message": f"no route {self.path}", "type": "not_found"}})
            return
        try:
            request = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
            self.server.model.requests.append(request)  # type: ignore[attr-defined]
            answer = completion(request)
        except (ValueError, KeyError, TypeError) as error:
            self._answer(HTTPStatus.BAD_REQUEST, {"error": {"message": str(error), "type": "invalid_request_error"}})
            return
        self._answer(HTTPStatus.OK, answer)

    def _answer(self, status: HTTPStatus, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass
