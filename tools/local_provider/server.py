"""The HTTP side both provider fakes share. A fake declares its routes, each with an operation name
(`create_agent`, `buy_number`), its authentication and its error body; this serves them on a
ThreadingHTTPServer (one thread per connection, stopped with every connection it holds) with the admin routes
a test or a developer uses in place of a dashboard:

- `GET /_local/state`: what the fake holds now (its `state()`), and the log of the API requests it answered;
- `POST /_local/failures` `{"operation", "status": 429 | 500 | 503 | "timeout", "times": 1, "after": false,
  "seconds": 6}`: the next `times` requests of that operation fail so. A status answers the provider's own
  error body for it and does nothing; "timeout" holds the request `seconds` then hangs up without an answer,
  and with `"after": true` it does the operation first, so the caller never learns it succeeded (the case a
  retried task must find what it created); `GET` lists the failures still pending, `DELETE` drops them;
- `POST /_local/reset`: back to a fresh fake (its `reset()`), no failure pending, an empty log."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

from tools.local_http import ClosingServer

Json = dict[str, Any]
ADMIN = "/_local"
FAILURE_STATUSES = (429, 500, 502, 503, 504)
TIMEOUT = "timeout"
DEFAULT_TIMEOUT_S = 6.0  # longer than the project's clients wait (5 s)


@dataclass
class Answer:
    status: int
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, value: Any, status: int = 200) -> Answer:
        return cls(status, json.dumps(value, indent=2).encode())


@dataclass(frozen=True)
class Hang:
    """No answer: the connection is held `seconds`, then closed."""

    seconds: float


class Refused(Exception):
    """An answer that is the provider's error: `body` is already in its format."""

    def __init__(self, status: int, body: Any) -> None:
        super().__init__(f"{status}: {body}")
        self.status = status
        self.body = body


@dataclass(frozen=True)
class Call:
    """One request, as a route sees it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            return None

    def form(self) -> dict[str, str]:
        """A form body, as Twilio reads it (the last value of a repeated key)."""
        return {key: values[-1] for key, values in parse_qs(self.body.decode(), keep_blank_values=True).items()}

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else None


@dataclass
class Failure:
    operation: str
    status: int | str  # an HTTP status, or "timeout"
    times: int = 1
    after: bool = False
    seconds: float = DEFAULT_TIMEOUT_S


Handler = Callable[..., Answer]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    operation: str
    handler: Handler


class LocalProvider:
    """A fake provider: `start()` serves it on `base_url` (port 0 picks a free one), `stop()` ends it. A
    subclass adds its routes with `route`, and says how it authenticates, how its errors read, what its state
    is and how it resets."""

    name = "provider"

    def __init__(self, *, port: int, host: str = "127.0.0.1") -> None:
        self.host = host
        self.lock = threading.RLock()  # the store's: every route reads and writes under it
        self.routes: list[Route] = []
        self._failures: list[Failure] = []
        self._log: list[Json] = []
        self._stopping = threading.Event()
        self._server = _Server((host, port), _RequestHandler)
        self._server.provider = self
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"local-{self.name}", daemon=True)  # fmt: skip

    # --- what a fake says -------------------------------------------------------------------------------

    def authenticate(self, call: Call) -> None:
        """Raises Refused when the call's credentials are not the fake's."""

    def error(self, status: int, message: str) -> Refused:
        """The provider's own error for `status`."""
        return Refused(status, {"message": message})

    def state(self) -> Json:
        return {}

    def reset(self) -> None:
        pass

    def route(self, method: str, pattern: str, operation: str, handler: Handler) -> None:
        parts = re.split(r"\{(\w+)\}", pattern)  # literal, name, literal, name, ..., literal
        regex = re.compile(
            "^"
            + "".join(re.escape(part) if index % 2 == 0 else f"(?P<{part}>[^/]+?)" for index, part in enumerate(parts))
            + "$"
        )
        self.routes.append(Route(method, regex, operation, handler))

    # --- life -------------------------------------------------------------------------------------------

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes the requests held by a "timeout"
        if self._thread.is_alive():
            self._server.shutdown()
            self._server.close_connections()
            self._thread.join()
        self._server.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    # --- failures ---------------------------------------------------------------------------------------

    def fail(self, failure: Failure) -> None:
        operations = {route.operation for route in self.routes}
        if failure.operation not in operations:
            raise ValueError(f"unknown operation {failure.operation!r}: one of {', '.join(sorted(operations))}")
        if failure.status != TIMEOUT and failure.status not in FAILURE_STATUSES:
            raise ValueError(f"status must be one of {', '.join(map(str, FAILURE_STATUSES))} or {TIMEOUT!r}")
        if failure.times < 1 or failure.seconds <= 0:
            raise ValueError("times must be at least 1 and seconds more than 0")
        with self.lock:
            self._failures.append(failure)

    def _take_failure(self, operation: str) -> Failure | None:
        with self.lock:
            for failure in self._failures:
                if failure.operation == operation:
                    failure.times -= 1
                    if failure.times == 0:
                        self._failures.remove(failure)
                    return failure
        return None

    # --- answering --------------------------------------------------------------------------------------

    def answer(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Answer | Hang:
        split = urlsplit(target)
        call = Call(method, split.path, parse_qs(split.query, keep_blank_values=True), headers, body)
        if split.path.startswith(ADMIN + "/"):
            try:
                return self._admin(call)
            except Refused as refused:
                return Answer.json(refused.body, refused.status)
        for route in self.routes:
            match = route.pattern.match(split.path)
            if match is None or route.method != method:
                continue
            answer = self._operate(route, call, match.groupdict())
            self._record(route.operation, call, answer)
            return answer
        return self._answer_refused(self.error(404, f"The requested resource {split.path} was not found"))

    def _operate(self, route: Route, call: Call, arguments: dict[str, str]) -> Answer | Hang:
        try:
            self.authenticate(call)
            failure = self._take_failure(route.operation)
            if failure is not None and failure.status != TIMEOUT:
                raise self.error(int(failure.status), _FAILURE_MESSAGES[int(failure.status)])
            if failure is not None and not failure.after:
                return Hang(failure.seconds)
            with self.lock:
                answer = route.handler(call, **arguments)
            return Hang(failure.seconds) if failure is not None else answer
        except Refused as refused:
            return self._answer_refused(refused)
        except Exception as error:  # a fault of the fake itself: the provider's 500, with the reason
            return self._answer_refused(self.error(500, f"The local {self.name} failed: {error!r}"))

    def _answer_refused(self, refused: Refused) -> Answer:
        return Answer.json(refused.body, refused.status)

    def _record(self, operation: str, call: Call, answer: Answer | Hang) -> None:
        entry = {
            "operation": operation,
            "method": call.method,
            "path": call.path,
            "status": answer.status if isinstance(answer, Answer) else TIMEOUT,
            "correlation_id": call.headers.get("x-correlation-id"),
        }
        with self.lock:
            self._log.append(entry)

    def _admin(self, call: Call) -> Answer:
        path = call.path[len(ADMIN) :]
        if (call.method, path) == ("GET", "/state"):
            with self.lock:
                return Answer.json({**self.state(), "requests": list(self._log)})
        if (call.method, path) == ("POST", "/reset"):
            with self.lock:
                self.reset()
                self._failures.clear()
                self._log.clear()
            return Answer.json({"reset": True})
        if path == "/failures":
            return self._admin_failures(call)
        return self.admin(call, path)

    def _admin_failures(self, call: Call) -> Answer:
        if call.method == "POST":
            given = call.json()
            if not isinstance(given, dict) or "operation" not in given or "status" not in given:
                return Answer.json({"error": "give operation and status (429, 500, 503 or timeout)"}, 400)
            try:
                failure = Failure(
                    operation=str(given["operation"]),
                    status=given["status"] if given["status"] == TIMEOUT else int(given["status"]),
                    times=int(given.get("times", 1)),
                    after=bool(given.get("after", False)),
                    seconds=float(given.get("seconds", DEFAULT_TIMEOUT_S)),
                )
                self.fail(failure)
            except (TypeError, ValueError) as error:
                return Answer.json({"error": str(error)}, 400)
            return Answer.json(asdict(failure), 201)
        if call.method == "DELETE":
            with self.lock:
                self._failures.clear()
            return Answer(204)
        with self.lock:
            return Answer.json({"failures": [asdict(failure) for failure in self._failures]})

    def admin(self, call: Call, path: str) -> Answer:
        """A fake's own admin routes (under /_local/)."""
        return Answer.json({"error": f"no admin route {call.method} {ADMIN}{path}"}, 404)

    def hold(self, seconds: float) -> None:
        self._stopping.wait(seconds)


_FAILURE_MESSAGES = {
    429: "Too Many Requests (injected by /_local/failures)",
    500: "Internal Server Error (injected by /_local/failures)",
    502: "Bad Gateway (injected by /_local/failures)",
    503: "Service Unavailable (injected by /_local/failures)",
    504: "Gateway Timeout (injected by /_local/failures)",
}


class _Server(ClosingServer):
    provider: LocalProvider


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as requests' sessions expect
    disable_nagle_algorithm = True
    server: _Server

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {name.lower(): value for name, value in self.headers.items()}
        answer = self.server.provider.answer(self.command, self.path, headers, body)
        if isinstance(answer, Hang):
            self.server.provider.hold(answer.seconds)
            self.close_connection = True  # no answer at all: the caller sees its timeout or a closed connection
            return
        self.send_response(answer.status)
        if answer.status != 204:
            self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(answer.body)))
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(answer.body)

    do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = _serve  # noqa: N815 (the names http.server dispatches to)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the stack's output stays for the stack; /_local/state shows what happened
