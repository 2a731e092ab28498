"""`make smoke`: the checks the pipeline runs after each deployment pass against the same template on the
local stack, and name every check an API that answers wrongly fails."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tools import smoke
from tools.local_stack.process import StackProcess

pytestmark = pytest.mark.e2e


def test_the_smoke_checks_pass_against_the_local_stack(local_stack: StackProcess) -> None:
    assert smoke.run(local_stack.api) == []


class AnswersOkToEverything(BaseHTTPRequestHandler):
    def _ok(self) -> None:
        body = b"{}"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _ok  # noqa: N815 (http.server's naming)

    def log_message(self, *_: object) -> None:
        pass


@pytest.fixture
def careless_api() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), AnswersOkToEverything)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/dev"
    server.shutdown()
    server.server_close()


def test_an_api_that_answers_200_to_everything_fails_every_check(careless_api: str) -> None:
    assert smoke.run(careless_api) == [
        'the public session list: GET /sessions answered 200 without a "sessions" list',
        "GET /me without a token is refused: GET /me answered 200, not 401",
        "an unsigned Stripe delivery is refused: POST /webhooks/stripe answered 200, not 400",
    ]


def test_an_api_that_cannot_be_reached_fails_every_check_with_the_reason() -> None:
    failures = smoke.run("http://127.0.0.1:9/dev")

    assert len(failures) == len(smoke.CHECKS)
    assert all("ConnectionError" in failure for failure in failures)
