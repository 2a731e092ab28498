"""Stripe Checkout on the local Stripe: hosted Checkout Sessions (`mode` payment or subscription, line items with
inline `price_data`), their page with a Pay button, and the `checkout.session.completed` and
`checkout.session.expired` events, after Stripe's Checkout Session object.

A session is paid only by a person (its page's Pay button) or a test (the admin route); either completes it
once: a completed or expired session cannot be paid again, as on Stripe. A session past its `expires_at` is
expired when it is next read or paid (Stripe expires it on its own clock; nothing here runs in the
background). The local Stripe keeps no Prices or Products: a line item naming a `price` is refused as one
Stripe does not know."""

from __future__ import annotations

import copy
import html
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tools.local_stripe import objects
from tools.local_stripe.errors import StripeError, invalid_request, missing, no_such
from tools.local_stripe.forms import Params
from tools.local_stripe.store import CURRENCIES, MAXIMUM_AMOUNT, Request, Store

Json = dict[str, Any]

# Stripe's bounds on `expires_at`: from 30 minutes to 24 hours after the session is created (24 h by default).
MIN_LIFETIME_S, MAX_LIFETIME_S = 30 * 60, 24 * 3600
INTERVALS = ("day", "week", "month", "year")
SESSION_PARAMS = {"mode", "line_items", "success_url", "cancel_url", "client_reference_id", "metadata",
                  "customer_email", "expires_at", "subscription_data", "payment_intent_data", "locale",
                  "payment_method_types", "allow_promotion_codes", "billing_address_collection"}  # fmt: skip


@dataclass
class Checkout:
    store: Store
    page_url: Callable[[str], str]  # the hosted page of a session id
    sessions: dict[str, Json] = field(default_factory=dict)

    # --- the API -------------------------------------------------------------------------------------

    def create(self, values: Json) -> Json:
        params = Params(values, SESSION_PARAMS)
        mode = str(params.string("mode", required=True, choices=("payment", "subscription")))
        items = self._line_items(params, mode)
        currencies = {item["currency"] for item in items}
        if len(currencies) > 1:
            raise invalid_request("All line items must share one currency.", param="line_items")
        created_at = objects.now()
        expires_at = params.integer("expires_at")
        if expires_at is None:
            expires_at = created_at + MAX_LIFETIME_S
        elif not MIN_LIFETIME_S <= expires_at - created_at <= MAX_LIFETIME_S:
            raise invalid_request(
                "The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.",
                param="expires_at",
            )
        success_url = str(params.string("success_url", required=True))
        subscription_data = params.hash("subscription_data", {"metadata", "description", "trial_period_days"})
        if subscription_data is not None:
            subscription_data.metadata()  # checked as Stripe checks it; the local Stripe keeps no Subscription
        params.hash("payment_intent_data", {"metadata", "description"})
        total = sum(item["unit_amount"] * item["quantity"] for item in items)
        session_id = objects.new_id("cs_test", 58)
        session = objects.checkout_session(
            session_id,
            mode=mode,
            url=self.page_url(session_id),
            amount_total=total,
            currency=currencies.pop(),
            success_url=success_url,
            cancel_url=params.string("cancel_url"),
            client_reference_id=params.string("client_reference_id"),
            customer_email=params.string("customer_email"),
            metadata=params.metadata(),
            created=created_at,
            expires_at=expires_at,
        )
        with self.store._lock:
            self.sessions[session_id] = {**session, "_line_items": items}
        return session

    def get(self, session_id: str) -> Json:
        with self.store._lock:
            self._expire_if_due(self._session(session_id))
            answer = self._public(self.sessions[session_id])
        self.store._flush()
        return answer

    def expire(self, session_id: str, request: Request) -> Json:
        """`POST /v1/checkout/sessions/{id}/expire`: an open session can no longer be paid."""
        with self.store._lock:
            session = self._session(session_id)
            self._expire_if_due(session)
            if session["status"] != "open":
                raise invalid_request(
                    f'Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a '
                    f'status of "{session["status"]}".'
                )
            self._expire(session, request)
            answer = self._public(session)
        self.store._flush()
        return answer

    def complete(self, session_id: str) -> Json:
        """Pays an open session as its Pay button does (the admin route's way): the session complete and paid,
        a customer, and for a subscription its Subscription's id; then `checkout.session.completed`."""
        with self.store._lock:
            session = self._session(session_id)
            self._expire_if_due(session)
            if session["status"] != "open":
                raise invalid_request(
                    f"This Checkout Session is {session['status']}: it cannot be paid.",
                    code="checkout_session_not_open",
                )
            session.update(
                status="complete",
                payment_status="paid",
                customer=objects.new_id("cus", 14),
                customer_details={"address": None, "email": session["customer_email"], "name": None, "phone": None,
                                  "tax_exempt": "none", "tax_ids": []},
                subscription=objects.new_id("sub") if session["mode"] == "subscription" else None,
                payment_intent=objects.new_id("pi") if session["mode"] == "payment" else None,
                invoice=objects.new_id("in") if session["mode"] == "subscription" else None,
            )  # fmt: skip
            answer = self._public(session)
            self.store._event("checkout.session.completed", answer, Request())
        self.store._flush()
        return answer

    # --- the hosted page -----------------------------------------------------------------------------

    def page(self, session_id: str) -> tuple[int, str, str]:
        """The session's page: (status, title, content); the Pay button POSTs back to the same address."""
        session = self._read_for_page(session_id)
        if session is None:
            return 404, "No such Checkout Session", "<p>This Checkout Session does not exist.</p>"
        if session["status"] != "open":
            return 410, "Checkout Session " + session["status"], _closed(session)
        items = "".join(
            f"<li>{html.escape(item['name'])}: {_money(item['unit_amount'], item['currency'])}"
            + (f" every {html.escape(item['interval'])}" if item["interval"] else "")
            + "</li>"
            for item in session["_line_items"]
        )
        content = (
            f"<ul>{items}</ul><p>Total: {_money(session['amount_total'], session['currency'])}</p>"
            f'<form method="post"><button type="submit">Pay</button></form>'
            + (f'<p><a href="{html.escape(session["cancel_url"])}">Cancel</a></p>' if session["cancel_url"] else "")
        )
        return 200, "Pay with the local Stripe", content

    def pay(self, session_id: str) -> str | None:
        """The Pay button: completes the session and answers where the browser goes next (the success URL with
        `{CHECKOUT_SESSION_ID}` filled in, as Stripe does), or None when it cannot be paid."""
        try:
            completed = self.complete(session_id)
        except StripeError:  # unknown, paid or expired: the page says which
            return None
        return str(completed["success_url"]).replace("{CHECKOUT_SESSION_ID}", session_id)

    # --- inside --------------------------------------------------------------------------------------

    def _read_for_page(self, session_id: str) -> Json | None:
        with self.store._lock:
            session = self.sessions.get(session_id)
            if session is not None:
                self._expire_if_due(session)
                session = copy.deepcopy(session)
        self.store._flush()
        return session

    def _session(self, session_id: str) -> Json:
        session = self.sessions.get(session_id)
        if session is None:
            raise no_such("checkout.session", session_id)
        return session

    def _expire_if_due(self, session: Json) -> None:
        if session["status"] == "open" and session["expires_at"] <= objects.now():
            self._expire(session, Request())

    def _expire(self, session: Json, request: Request) -> None:
        session.update(status="expired", url=None)
        self.store._event("checkout.session.expired", self._public(session), request)

    @staticmethod
    def _public(session: Json) -> Json:
        return copy.deepcopy({key: value for key, value in session.items() if not key.startswith("_")})

    @staticmethod
    def _line_items(params: Params, mode: str) -> list[Json]:
        given = params.values.get("line_items")
        if not given:
            raise missing("line_items")
        if not isinstance(given, list):
            raise invalid_request("Invalid array: line_items", param="line_items")
        items = [_line_item(f"line_items[{index}]", value, mode) for index, value in enumerate(given)]
        if mode == "subscription" and not any(item["interval"] for item in items):
            raise invalid_request(
                "You must specify at least one recurring price in `subscription` mode.", param="line_items"
            )
        return items


def _line_item(name: str, value: Any, mode: str) -> Json:
    item = Params(value if isinstance(value, dict) else {}, {"price", "price_data", "quantity"}, name)
    price = item.string("price")
    if price is not None:
        raise no_such("price", price, param=f"{name}[price]", status=400)
    data = item.hash("price_data", {"currency", "unit_amount", "recurring", "product_data", "product"})
    if data is None:
        raise missing(f"{name}[price_data]")
    currency, unit_amount = _price(name, data)
    product_id = data.string("product")
    if product_id is not None:
        raise no_such("product", product_id, param=f"{name}[price_data][product]", status=400)
    product = data.hash("product_data", {"name", "description", "metadata"})
    if product is None:
        raise missing(f"{name}[price_data][product_data]")
    recurring = data.hash("recurring", {"interval", "interval_count"})
    interval = recurring.string("interval", required=True, choices=INTERVALS) if recurring else None
    if mode == "payment" and interval is not None:
        raise invalid_request(
            "You must use `subscription` mode for recurring prices.", param=f"{name}[price_data][recurring]"
        )
    quantity = item.integer("quantity", required=True)
    if quantity is None or quantity < 1:
        raise invalid_request("Quantity must be at least 1.", param=f"{name}[quantity]")
    return {"name": str(product.string("name", required=True)), "currency": currency, "unit_amount": unit_amount,
            "interval": interval, "quantity": quantity}  # fmt: skip


def _price(name: str, data: Params) -> tuple[str, int]:
    currency = str(data.string("currency", required=True)).lower()
    if currency not in CURRENCIES:
        raise invalid_request(f"Invalid currency: {currency}.", param=f"{name}[price_data][currency]")
    unit_amount = data.integer("unit_amount", required=True)
    if unit_amount is None or not 0 <= unit_amount <= MAXIMUM_AMOUNT:
        raise invalid_request("Invalid unit_amount", param=f"{name}[price_data][unit_amount]")
    return currency, unit_amount


def _closed(session: Json) -> str:
    if session["status"] == "complete":
        return "<p>This Checkout Session is already paid.</p>"
    return "<p>This Checkout Session has expired: ask the platform for a new one.</p>"


def _money(amount: int, currency: str) -> str:
    return f"{amount / 100:.2f} {currency.upper()}"
