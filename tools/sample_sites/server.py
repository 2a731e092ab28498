"""Three small Spanish business websites, as a business's own home page would be: a bakery marked up with
schema.org JSON-LD, a hair salon with Open Graph tags only, a garage with nothing but its text. Each is one
HTML file under sites/, served at /<name>/; /redirect-to-metadata/ redirects to the cloud metadata address,
to show the fetch refusing it. A plain ThreadingHTTPServer, started and stopped like the local Stripe."""

from __future__ import annotations

import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

DEFAULT_PORT = 8801
SITES_DIR = Path(__file__).with_name("sites")
SITES = tuple(sorted(path.stem for path in SITES_DIR.glob("*.html")))
REDIRECT_TO_METADATA = "/redirect-to-metadata/"


class SampleSites:
    """`start()` serves the sites on `base_url` (port 0 picks a free one); `stop()` ends the server."""

    def __init__(self, *, port: int = DEFAULT_PORT, host: str = "127.0.0.1") -> None:
        self._server = ThreadingHTTPServer((host, port), _Handler)
        self._server.daemon_threads = True
        self.host = host
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(target=self._server.serve_forever, name="sample-sites", daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, site: str) -> str:
        return f"{self.base_url}/{site}/"

    def start(self) -> SampleSites:
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join()
        self._server.server_close()

    def __enter__(self) -> SampleSites:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()


class _Handler(BaseHTTPRequestHandler):
    server_version = "ColmenaSampleSites/1.0"

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path == REDIRECT_TO_METADATA:
            self._answer(HTTPStatus.FOUND, b"", {"Location": "http://169.254.169.254/latest/meta-data/"})
            return
        site = path.strip("/")
        if site not in SITES:
            self._answer(HTTPStatus.NOT_FOUND, b"no such site", {"Content-Type": "text/plain; charset=utf-8"})
            return
        if path != f"/{site}/":
            self._answer(HTTPStatus.MOVED_PERMANENTLY, b"", {"Location": f"/{site}/"})
            return
        body = (SITES_DIR / f"{site}.html").read_bytes()
        self._answer(HTTPStatus.OK, body, {"Content-Type": "text/html; charset=utf-8"})

    def _answer(self, status: HTTPStatus, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # `make run`'s output is for the stack; a page served is not news
