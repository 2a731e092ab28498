"""A scripted HTTP server on a loopback port for the provider clients' tests: it answers each request with
the next answer the test queued (status, JSON body, optional delay) and keeps what each request carried, so
a test can say both what the client sent and what it made of the answer. `allow_loopback_only` lets a fast
test reach it, and nothing else."""

from __future__ import annotations

import contextlib
import ipaddress
import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def form(self) -> dict[str, list[str]]:
        return parse_qs(self.body.decode(), keep_blank_values=True)


@dataclass
class Scripted:
    answers: list[tuple[int, Any, float]] = field(default_factory=list)
    seen: list[Seen] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def answer(self, status: int, body: Any = None, *, delay: float = 0.0) -> Scripted:
        self.answers.append((status, body, delay))
        return self


def serve(scripted: Scripted) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            split = urlsplit(self.path)
            scripted.seen.append(
                Seen(
                    self.command,
                    split.path,
                    parse_qs(split.query),
                    {name.lower(): value for name, value in self.headers.items()},
                    self.rfile.read(length) if length else b"",
                )
            )
            status, body, delay = scripted.answers.pop(0) if scripted.answers else (500, {"detail": "unscripted"}, 0)
            time.sleep(delay)
            content = b"" if body is None else json.dumps(body).encode()
            with contextlib.suppress(ConnectionError):  # the client gave up waiting (a timeout test)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

        do_GET = do_POST = do_PATCH = do_DELETE = _serve  # noqa: N815

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server


def allow_loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lets a fast test reach this machine's loopback addresses, and nothing else: a test module calls it from
    its own autouse `_no_network` fixture, which takes the place of the suite's (that refuses every
    connection)."""
    connect = socket.socket.connect

    def only_loopback(self: socket.socket, address: Any) -> None:
        if not (isinstance(address, tuple) and ipaddress.ip_address(address[0]).is_loopback):
            raise RuntimeError("these tests may only reach loopback addresses")
        connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", only_loopback)


@contextmanager
def scripted_provider() -> Iterator[Scripted]:
    scripted = Scripted()
    scripted.server = serve(scripted)
    try:
        yield scripted
    finally:
        scripted.server.shutdown()
        scripted.server.server_close()


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
