"""The local Stripe's HTTP side: Stripe's v1 routes for the resources Colmena uses, its authentication
(`Authorization: Bearer sk_...`, or the key as Basic auth's user name, as curl's `-u sk_test_local:`), its
idempotency keys, `expand`, and the admin routes under /_local/ that tests and developers use in place of a
dashboard. A plain ThreadingHTTPServer: one thread per connection, stopped with every connection it holds."""

from __future__ import annotations

import base64
import html
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import urlsplit

from tools.local_http import ClosingServer
from tools.local_stripe import objects
from tools.local_stripe.checkout import Checkout
from tools.local_stripe.errors import StripeError, invalid_request, unauthenticated
from tools.local_stripe.forms import Params, decode
from tools.local_stripe.idempotency import IdempotencyKeys
from tools.local_stripe.store import DECLINED, SUCCEEDING, Request, Store
from tools.local_stripe.webhooks import Deliveries, Endpoint, Retry

Json = dict[str, Any]
DEFAULT_PORT = 12111  # stripe-mock's port, which the local values' StripeApiBaseUrl names
ADMIN = "/_local"
CHECKOUT_PAGE = "/c/pay"  # a Checkout Session's hosted page, as checkout.stripe.com/c/pay/<id>


@dataclass
class Answer:
    status: int
    body: bytes
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


def _json(value: Any, status: int = 200) -> Answer:
    return Answer(status, json.dumps(value, indent=2).encode())


def _error(error: StripeError) -> Answer:
    return _json(error.envelope(), error.status)


@dataclass(frozen=True)
class Call:
    """One request, as the routes see it."""

    method: str
    path: str
    params: Json
    request: Request


Handler = Callable[..., Json]


class LocalStripe:
    """The fake: `start()` serves it on `base_url` (port 0 picks a free one), `stop()` ends it with its
    deliveries. The `stripe` library talks to it with `base_addresses={"api": local.base_url}`."""

    def __init__(
        self,
        *,
        port: int = DEFAULT_PORT,
        host: str = "127.0.0.1",
        api_keys: tuple[str, ...] = ("sk_test_local",),
        endpoint: Endpoint | None = None,
        retry: Retry | None = None,
    ) -> None:
        self.api_keys = api_keys
        self.host = host
        self.deliveries = Deliveries(endpoint, retry)
        self.store = Store(publish=self.deliveries.publish, link_url=self._link_url)
        self.checkout = Checkout(self.store, page_url=self._checkout_url)
        self.idempotency = IdempotencyKeys()
        self._server = _Server((host, port), _RequestHandler)
        self._server.local_stripe = self
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="local-stripe", daemon=True)  # fmt: skip
        self.routes: list[tuple[str, re.Pattern[str], Handler, bool]] = []
        self._route_all()

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def _link_url(self, link_token: str) -> str:
        return f"{self.base_url}{ADMIN}/onboarding/{link_token}"

    def _checkout_url(self, session_id: str) -> str:
        return f"{self.base_url}{CHECKOUT_PAGE}/{session_id}"

    def start(self) -> LocalStripe:
        self.deliveries.start()
        self._thread.start()
        return self

    def stop(self) -> None:
        """Ends the server, its connections' threads and the deliveries (a fake never started only frees its
        port)."""
        if self._thread.is_alive():
            self._server.shutdown()
            self._server.close_connections()
            self._thread.join()
        self._server.server_close()  # joins the connections' threads
        self.deliveries.stop()

    def __enter__(self) -> LocalStripe:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    # --- routing -------------------------------------------------------------------------------------

    def _route(self, method: str, pattern: str, handler: Handler, *, api: bool = True) -> None:
        regex = re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", pattern) + "$")
        self.routes.append((method, regex, handler, api))

    def _route_all(self) -> None:
        store = self.store
        self._route("POST", "/v1/accounts", lambda call: store.create_account(call.params))
        self._route("GET", "/v1/accounts/{id}", lambda call, id: self._get(call, "account", id))
        self._route("POST", "/v1/account_links", lambda call: store.create_account_link(call.params))
        self._route("POST", "/v1/payment_intents", lambda call: store.create_payment_intent(call.params, call.request))
        self._route("GET", "/v1/payment_intents/{id}",
                    lambda call, id: self._get(call, "payment_intent", id, ("client_secret",)))  # fmt: skip
        self._route("POST", "/v1/payment_intents/{id}/confirm",
                    lambda call, id: store.confirm(id, call.params, call.request))  # fmt: skip
        self._route("GET", "/v1/charges/{id}", lambda call, id: self._get(call, "charge", id))
        self._route("POST", "/v1/refunds", lambda call: store.create_refund(call.params, call.request))
        self._route("GET", "/v1/refunds/{id}", lambda call, id: self._get(call, "refund", id))
        self._route("GET", "/v1/events/{id}", lambda call, id: self._get(call, "event", id))
        self._route("POST", f"{ADMIN}/payment_intents/{{id}}/succeed",
                    lambda _call, id: store.settle(id, SUCCEEDING, Request())[0], api=False)  # fmt: skip
        self._route("POST", f"{ADMIN}/payment_intents/{{id}}/fail",
                    lambda _call, id: store.settle(id, DECLINED, Request())[0], api=False)  # fmt: skip
        self._route("POST", f"{ADMIN}/accounts/{{id}}/onboard", lambda _call, id: store.onboard(id), api=False)
        self._route("GET", f"{ADMIN}/deliveries", self._deliveries, api=False)
        checkout = self.checkout
        self._route("POST", "/v1/checkout/sessions", lambda call: checkout.create(call.params))
        self._route("GET", "/v1/checkout/sessions/{id}", lambda call, id: self._checkout_session(call, id))
        self._route("POST", "/v1/checkout/sessions/{id}/expire", lambda call, id: checkout.expire(id, call.request))
        self._route("POST", f"{ADMIN}/checkout/sessions/{{id}}/complete",
                    lambda _call, id: checkout.complete(id), api=False)  # fmt: skip

    def _get(self, call: Call, kind: str, object_id: str, allowed: tuple[str, ...] = ()) -> Json:
        Params(call.params, set(allowed))  # refuses what the route does not take
        return self.store.get(kind, object_id)

    def _checkout_session(self, call: Call, session_id: str) -> Json:
        Params(call.params, set())
        return self.checkout.get(session_id)

    def _deliveries(self, call: Call) -> Json:
        params = Params(call.params, {"type", "event"})
        kind, event = params.string("type"), params.string("event")
        data = [
            delivery
            for delivery in self.deliveries.as_json()
            if kind in (None, delivery["type"]) and event in (None, delivery["event"])
        ]
        return {"object": "list", "data": data, "has_more": False, "url": f"{ADMIN}/deliveries"}

    # --- answering -----------------------------------------------------------------------------------

    def answer(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Answer:
        split = urlsplit(target)
        onboarding = re.fullmatch(f"{ADMIN}/onboarding/([A-Za-z0-9]+)", split.path)
        if method == "GET" and onboarding:
            return self._onboarding_page(onboarding.group(1))
        checkout = re.fullmatch(f"{CHECKOUT_PAGE}/([A-Za-z0-9_]+)", split.path)
        if checkout and method in ("GET", "POST"):
            return self._checkout_page(method, checkout.group(1))
        request_id = objects.new_id("req", 14)
        try:
            answer = self._dispatch(method, split.path, split.query, headers, body, request_id)
        except StripeError as error:
            answer = _error(error)
        except Exception as error:  # a fault of the fake itself: Stripe's 500 envelope, with the reason
            answer = _json({"error": {"type": "api_error", "message": f"The local Stripe failed: {error!r}"}}, 500)
        answer.headers.setdefault("Request-Id", request_id)
        answer.headers["Stripe-Version"] = headers.get("stripe-version", objects.API_VERSION)
        return answer

    def _dispatch(
        self, method: str, path: str, query: str, headers: dict[str, str], body: bytes, request_id: str
    ) -> Answer:
        for route_method, regex, handler, api in self.routes:
            match = regex.match(path)
            if match is None or route_method != method:
                continue
            api_key = self._authenticate(headers) if api else ""
            params = decode(body.decode() if method == "POST" else query)
            key = headers.get("idempotency-key") if method == "POST" else None
            call = Call(method, path, params, Request(request_id if api else None, key if api else None))
            if key is None:
                return self._run(handler, call, match.groupdict())
            return self._idempotent(api_key, key, handler, call, match.groupdict())
        raise StripeError(
            404,
            "invalid_request_error",
            f"Unrecognized request URL ({method}: {path}). Please see https://stripe.com/docs or we can help at "
            "https://support.stripe.com/.",
        )

    def _authenticate(self, headers: dict[str, str]) -> str:
        given = headers.get("authorization", "")
        scheme, _, credential = given.partition(" ")
        if scheme.lower() == "basic":
            try:
                credential = base64.b64decode(credential).decode().partition(":")[0]
            except ValueError:
                credential = ""
        elif scheme.lower() != "bearer":
            credential = ""
        if not credential:
            raise unauthenticated(
                "You did not provide an API key. You need to provide your API key in the Authorization header, "
                "using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See "
                "https://stripe.com/docs/api#authentication for details, or we can help at "
                "https://support.stripe.com/."
            )
        if credential not in self.api_keys:
            shown = credential[:8] + "*" * max(0, len(credential) - 12) + credential[-4:]
            raise unauthenticated(f"Invalid API Key provided: {shown}")
        return credential

    def _run(self, handler: Handler, call: Call, arguments: dict[str, str]) -> Answer:
        answer = handler(call, **arguments)
        return _json(self._expanded(answer, call.params.get("expand")))

    def _idempotent(self, api_key: str, key: str, handler: Handler, call: Call, arguments: dict[str, str]) -> Answer:
        saved = self.idempotency.begin(api_key, key, f"{call.method} {call.path}", call.params, call.request.id)
        if saved is not None:
            headers = {
                "Idempotency-Key": key,
                "Idempotent-Replayed": "true",
                "Original-Request": saved.request_id or "",
            }
            return Answer(saved.status or 200, saved.body, headers=headers)
        try:
            answer = self._run(handler, call, arguments)
        except StripeError as error:
            if not error.saved:
                self.idempotency.forget(api_key, key)
                raise
            answer = _error(error)
        except BaseException:
            self.idempotency.forget(api_key, key)
            raise
        self.idempotency.finish(api_key, key, answer.status, answer.body)
        answer.headers["Idempotency-Key"] = key
        return answer

    def _expanded(self, answer: Json, expand: Any) -> Json:
        """`expand[]=latest_charge`: the ids named replaced by their objects (one level, as most callers use)."""
        if expand is None:
            return answer
        paths = expand if isinstance(expand, list) else [expand]
        for path in paths:
            name = str(path).split(".", 1)[0]
            value = answer.get(name, ...)
            if value is ... or (value is not None and not isinstance(value, str | dict)):
                raise invalid_request(f"This property cannot be expanded ({name}).", param="expand")
            if isinstance(value, str):
                answer[name] = self.store.find(value) or value
        return answer

    def _onboarding_page(self, link_token: str) -> Answer:
        link, completed = self.store.follow_link(link_token)
        if link is None:
            return _page(404, "No such account link", "<p>This onboarding link does not exist.</p>")
        if not completed:
            return _page(
                410,
                "Link expired",
                f"<p>This onboarding link has expired or was already used.</p>"
                f'<p><a href="{html.escape(link.refresh_url)}">Ask for a new one</a></p>',
            )
        return _page(
            200,
            "Onboarding complete",
            f"<p>The connected account {html.escape(link.account)} can now take payments "
            "(charges and payouts enabled, details submitted).</p>"
            f'<p><a href="{html.escape(link.return_url)}">Return to the platform</a></p>',
        )

    def _checkout_page(self, method: str, session_id: str) -> Answer:
        """A person's way to pay: GET shows the session with a Pay button; its POST pays and goes on to the
        success URL (303), or shows why the session cannot be paid."""
        if method == "POST":
            success = self.checkout.pay(session_id)
            if success is not None:
                return Answer(303, b"", content_type="text/plain", headers={"Location": success})
        return _page(*self.checkout.page(session_id))


def _page(status: int, title: str, content: str) -> Answer:
    text = f"<!doctype html><title>{title} · local Stripe</title><h1>{title}</h1>{content}"
    return Answer(status, text.encode(), content_type="text/html; charset=utf-8")


class _Server(ClosingServer):
    local_stripe: LocalStripe


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the stripe library's session expects
    disable_nagle_algorithm = True  # the headers and the body go in two writes: no 40 ms wait between them
    server: _Server

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {name.lower(): value for name, value in self.headers.items()}
        answer = self.server.local_stripe.answer(self.command, self.path, headers, body)
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(answer.body)))
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(answer.body)

    do_GET = do_POST = do_DELETE = _serve  # noqa: N815 (the names http.server dispatches to)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the stack's output stays for the stack; the admin routes show what happened
