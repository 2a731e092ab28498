"""The local Stripe's state and rules: Connect accounts and their onboarding, PaymentIntents with destination
charges confirmed with Stripe's test payment methods, refunds, and the events each change creates.

Every change happens under one lock; the events it creates are handed to `publish` after the lock is
released, in the order they were created (their delivery order is another matter: see webhooks.py)."""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tools.local_stripe import objects
from tools.local_stripe.errors import StripeError, invalid_request, missing, no_such
from tools.local_stripe.forms import Params

Json = dict[str, Any]

# Stripe's minimum charge is 50 units of the currency's smallest unit for the currencies Colmena meets
# (50 cents, 50 yen), its maximum 99999999.
MINIMUM_AMOUNT, MAXIMUM_AMOUNT = 50, 99_999_999
CURRENCIES = frozenset("usd eur gbp cad aud nzd chf sek nok dkk pln czk huf ron bgn jpy sgd hkd mxn brl inr".split())
CONFIRMABLE = ("requires_payment_method", "requires_confirmation", "requires_action")

DECLINES = {
    "generic_decline": {"code": "card_declined", "decline_code": "generic_decline",
                        "message": "Your card was declined."},
    "insufficient_funds": {"code": "card_declined", "decline_code": "insufficient_funds",
                           "message": "Your card has insufficient funds."},
    "expired_card": {"code": "expired_card", "decline_code": "expired_card", "message": "Your card has expired."},
}  # fmt: skip


def _card(brand: str, last4: str) -> Json:
    return {
        "brand": brand,
        "country": "US",
        "display_brand": brand,
        "exp_month": 12,
        "exp_year": datetime.now(UTC).year + 3,
        "fingerprint": objects.token(16),
        "funding": "credit",
        "last4": last4,
        "networks": {"available": [brand], "preferred": None},
        "wallet": None,
    }


# Stripe's test PaymentMethods (docs.stripe.com/testing): the card each stands for and its decline, if any.
TEST_PAYMENT_METHODS: dict[str, tuple[tuple[str, str], str | None]] = {
    "pm_card_visa": (("visa", "4242"), None),
    "pm_card_mastercard": (("mastercard", "4444"), None),
    "pm_card_amex": (("amex", "8431"), None),
    "pm_card_chargeDeclined": (("visa", "0002"), "generic_decline"),
    "pm_card_visa_chargeDeclined": (("visa", "0002"), "generic_decline"),
    "pm_card_chargeDeclinedInsufficientFunds": (("visa", "9995"), "insufficient_funds"),
    "pm_card_visa_chargeDeclinedInsufficientFunds": (("visa", "9995"), "insufficient_funds"),
    "pm_card_chargeDeclinedExpiredCard": (("visa", "0069"), "expired_card"),
    "pm_card_visa_chargeDeclinedExpiredCard": (("visa", "0069"), "expired_card"),
}
SUCCEEDING, DECLINED = "pm_card_visa", "pm_card_chargeDeclined"  # what the admin routes pay with


@dataclass(frozen=True)
class Request:
    """The API request behind an event (`event.request`); both None for what no API request caused (an
    onboarding completed in the browser, an admin route)."""

    id: str | None = None
    idempotency_key: str | None = None

    def as_json(self) -> dict[str, str | None]:
        return {"id": self.id, "idempotency_key": self.idempotency_key}


@dataclass
class Link:
    account: str
    refresh_url: str
    return_url: str
    expires_at: int
    used: bool = False


@dataclass
class Store:
    publish: Callable[[Json], None]
    link_url: Callable[[str], str]  # the onboarding page of a link's token
    accounts: dict[str, Json] = field(default_factory=dict)
    links: dict[str, Link] = field(default_factory=dict)
    intents: dict[str, Json] = field(default_factory=dict)
    charges: dict[str, Json] = field(default_factory=dict)
    refunds: dict[str, Json] = field(default_factory=dict)
    events: dict[str, Json] = field(default_factory=dict)
    _lock: threading.RLock = field(default_factory=threading.RLock)
    _pending: list[Json] = field(default_factory=list)

    # --- reading -----------------------------------------------------------------------------------

    def get(self, kind: str, object_id: str) -> Json:
        collection = {"account": self.accounts, "payment_intent": self.intents, "charge": self.charges,
                      "refund": self.refunds, "event": self.events}[kind]  # fmt: skip
        with self._lock:
            if object_id not in collection:
                raise no_such(kind, object_id)
            return copy.deepcopy(collection[object_id])

    def find(self, object_id: str) -> Json | None:
        """Any object by its id, for `expand`."""
        with self._lock:
            for collection in (self.accounts, self.intents, self.charges, self.refunds, self.events):
                if object_id in collection:
                    return copy.deepcopy(collection[object_id])
        return None

    # --- events ------------------------------------------------------------------------------------

    def _event(self, event_type: str, about: Json, request: Request, **details: Any) -> None:
        created = objects.event(event_type, copy.deepcopy(about), request.as_json(), **details)
        self.events[created["id"]] = created
        self._pending.append(created)

    def _flush(self) -> None:
        with self._lock:
            created, self._pending = self._pending, []
        for event in created:
            self.publish(event)

    # --- Connect -----------------------------------------------------------------------------------

    def create_account(self, values: Json) -> Json:
        params = Params(values, {"type", "email", "country", "metadata", "capabilities", "business_type",
                                 "business_profile", "default_currency"})  # fmt: skip
        account_type = params.string("type", required=True, choices=("express", "standard", "custom"))
        email = params.string("email")
        if email is not None and "@" not in email:
            raise invalid_request(f"Invalid email address: {email}", param="email", code="email_invalid")
        country = params.string("country") or "US"
        if len(country) != 2 or not country.isalpha():
            raise invalid_request(f"Country '{country}' is unknown.", param="country")
        created = objects.account(
            str(account_type), email, country.upper(), params.metadata(), self._requested_capabilities(params)
        )
        business_types = ("individual", "company", "non_profit", "government_entity")
        created["business_type"] = params.string("business_type", choices=business_types)
        profile = params.hash("business_profile", set(created["business_profile"]))
        if profile is not None:
            created["business_profile"].update({name: profile.string(name) for name in profile.values})
        default_currency = params.string("default_currency")
        if default_currency is not None:
            created["default_currency"] = self._currency(params, "default_currency")
        with self._lock:
            self.accounts[created["id"]] = created
            return copy.deepcopy(created)

    @staticmethod
    def _requested_capabilities(params: Params) -> list[str]:
        """`capabilities[transfers][requested]=true`: the capabilities the account asks for."""
        given = params.values.get("capabilities")
        capabilities = params.hash("capabilities", set(given) if isinstance(given, dict) else set())
        if capabilities is None:
            return []
        requested = []
        for name in capabilities.values:
            asked = capabilities.hash(name, {"requested"})
            if asked is not None and asked.boolean("requested"):
                requested.append(name)
        return requested

    def create_account_link(self, values: Json) -> Json:
        params = Params(values, {"account", "refresh_url", "return_url", "type", "collect", "collection_options"})
        account_id = str(params.string("account", required=True))
        refresh_url = str(params.string("refresh_url", required=True))
        return_url = str(params.string("return_url", required=True))
        params.string("type", required=True, choices=("account_onboarding", "account_update"))
        with self._lock:
            if account_id not in self.accounts:
                raise no_such("account", account_id, param="account", status=400)
            link_token = objects.token(32)
            created = objects.account_link(self.link_url(link_token))
            self.links[link_token] = Link(account_id, refresh_url, return_url, created["expires_at"])
            return created

    def follow_link(self, link_token: str) -> tuple[Link | None, bool]:
        """The link and whether following it now completed the onboarding (a link works once, before it
        expires, as Stripe's do)."""
        with self._lock:
            link = self.links.get(link_token)
            if link is None or link.used or link.expires_at < objects.now():
                return link, False
            link.used = True
            self._onboard(link.account, Request())
        self._flush()
        return link, True

    def onboard(self, account_id: str) -> Json:
        """The admin route's onboarding: what following a link does, without the link."""
        with self._lock:
            if account_id not in self.accounts:
                raise no_such("account", account_id)
            self._onboard(account_id, Request())
            answer = copy.deepcopy(self.accounts[account_id])
        self._flush()
        return answer

    def _onboard(self, account_id: str, request: Request) -> None:
        account = self.accounts[account_id]
        changed = ("capabilities", "charges_enabled", "details_submitted", "payouts_enabled", "requirements",
                   "tos_acceptance")  # fmt: skip
        previous = {name: copy.deepcopy(account[name]) for name in changed}
        account["capabilities"] = dict.fromkeys(account["capabilities"], "active")
        account["charges_enabled"] = account["payouts_enabled"] = account["details_submitted"] = True
        account["requirements"] = objects.requirements([])
        account["tos_acceptance"] = {"date": objects.now()}
        account["business_type"] = account["business_type"] or "individual"
        previous = {name: value for name, value in previous.items() if account[name] != value}
        if previous:
            self._event("account.updated", account, request, account_id=account_id, previous_attributes=previous)

    # --- PaymentIntents ------------------------------------------------------------------------------

    def create_payment_intent(self, values: Json, request: Request) -> Json:
        params = Params(values, {"amount", "currency", "transfer_data", "application_fee_amount", "metadata",
                                 "automatic_payment_methods", "payment_method_types", "allowed_payment_method_types",
                                 "payment_method", "confirm",
                                 "description", "receipt_email", "statement_descriptor_suffix", "transfer_group",
                                 "return_url", "capture_method", "on_behalf_of"})  # fmt: skip
        amount = self._amount(params)
        currency = self._currency(params, "currency")
        automatic, types = self._payment_method_types(params)
        params.string("capture_method", choices=("automatic", "automatic_async"))
        metadata, method, confirm = params.metadata(), params.string("payment_method"), params.boolean("confirm")
        if method is not None:
            self._test_method(method)
        elif confirm:
            raise missing("payment_method")
        extra: Json = {name: params.string(name) for name in ("description", "receipt_email", "transfer_group",
                                                               "statement_descriptor_suffix")}  # fmt: skip
        if params.has("allowed_payment_method_types"):
            extra["allowed_payment_method_types"] = types
        with self._lock:
            extra["on_behalf_of"] = on_behalf_of = params.string("on_behalf_of")
            if on_behalf_of is not None and on_behalf_of not in self.accounts:
                raise no_such("account", on_behalf_of, param="on_behalf_of", status=400)
            extra["transfer_data"] = self._transfer_data(params, amount)
            extra["application_fee_amount"] = fee = params.integer("application_fee_amount")
            if fee is not None and (extra["transfer_data"] is None or not 0 <= fee <= amount):
                raise invalid_request(
                    "application_fee_amount must be between 0 and the amount, and needs a destination payment "
                    "(transfer_data[destination])",
                    param="application_fee_amount",
                )
            intent = objects.payment_intent(amount, currency, metadata, types or ["card"], automatic, extra)
            if method is not None:
                intent["payment_method"], intent["status"] = method, "requires_confirmation"
            self.intents[intent["id"]] = intent
            self._event("payment_intent.created", intent, request)
        self._flush()
        if confirm:
            return self.confirm(intent["id"], {}, request)
        return self.get("payment_intent", intent["id"])

    @staticmethod
    def _currency(params: Params, name: str) -> str:
        currency = str(params.string(name, required=True)).lower()
        if currency not in CURRENCIES:
            raise invalid_request(f"Invalid currency: {currency}.", param=name)
        return currency

    @staticmethod
    def _amount(params: Params) -> int:
        amount = params.integer("amount", required=True)
        assert amount is not None
        if amount < MINIMUM_AMOUNT:
            raise invalid_request(
                f"Amount must be at least {MINIMUM_AMOUNT} in the currency's smallest unit",
                param="amount",
                code="amount_too_small",
            )
        if amount > MAXIMUM_AMOUNT:
            raise invalid_request(
                f"Amount must be no more than {MAXIMUM_AMOUNT}", param="amount", code="amount_too_large"
            )
        return amount

    @staticmethod
    def _payment_method_types(params: Params) -> tuple[bool, list[str] | None]:
        """Whether automatic payment methods are on, and the types the caller allows: `payment_method_types`
        until API version 2026-10-28, `allowed_payment_method_types` in the pinned library's version."""
        automatic = params.hash("automatic_payment_methods", {"enabled", "allow_redirects"})
        listed = [name for name in ("payment_method_types", "allowed_payment_method_types") if params.has(name)]
        if len(listed) + (automatic is not None) > 1:
            raise invalid_request(
                f"You may only specify one of these parameters: automatic_payment_methods, {', '.join(listed)}.",
                param="automatic_payment_methods" if automatic is not None else listed[-1],
            )
        types = params.strings(listed[0]) if listed else None
        for kind in types or []:
            if kind != "card":
                raise invalid_request(
                    f"The payment method type {kind!r} is not available on the local Stripe (only card).",
                    param=listed[0],
                )
        # Since API version 2023-08-16 automatic payment methods are on unless the caller lists types.
        enabled = types is None and (automatic is None or automatic.boolean("enabled") is not False)
        return enabled, types

    def _transfer_data(self, params: Params, amount: int) -> Json | None:
        transfer = params.hash("transfer_data", {"destination", "amount"})
        if transfer is None:
            return None
        destination = str(transfer.string("destination", required=True))
        if destination not in self.accounts:
            raise no_such("destination", destination, param="transfer_data[destination]", status=400)
        if self.accounts[destination]["capabilities"].get("transfers") != "active":
            raise invalid_request(
                "Your destination account needs to have at least one of the following capabilities enabled: "
                "transfers, crypto_transfers, legacy_payments",
                param="transfer_data[destination]",
                code="insufficient_capabilities_for_transfer",
            )
        data: Json = {"destination": destination}
        transferred = transfer.integer("amount")
        if transferred is not None:
            if not 0 <= transferred <= amount:
                raise invalid_request("transfer_data[amount] must be at most the amount", param="transfer_data[amount]")
            data["amount"] = transferred
        return data

    @staticmethod
    def _test_method(name: str) -> tuple[tuple[str, str], str | None]:
        if name not in TEST_PAYMENT_METHODS:
            raise no_such("PaymentMethod", name, param="payment_method", status=400)
        return TEST_PAYMENT_METHODS[name]

    def confirm(self, intent_id: str, values: Json, request: Request) -> Json:
        """Stripe's confirmation with a test PaymentMethod: a declined card is a 402 card_error whose body
        carries the PaymentIntent, as Stripe's does."""
        params = Params(values, {"payment_method", "return_url", "receipt_email", "off_session"})
        intent, decline = self.settle(intent_id, params.string("payment_method"), request)
        if decline is not None:
            error = intent["last_payment_error"]
            raise StripeError(
                402,
                "card_error",
                error["message"],
                code=error["code"],
                saved=True,
                decline_code=error["decline_code"],
                charge=error["charge"],
                payment_intent=intent,
                payment_method=error["payment_method"],
            )
        return intent

    def settle(self, intent_id: str, method_name: str | None, request: Request) -> tuple[Json, str | None]:
        """Pays `intent_id` with a test PaymentMethod (its own when `method_name` is None): the PaymentIntent
        afterwards and the decline, if any."""
        with self._lock:
            intent = self.intents.get(intent_id)
            if intent is None:
                raise no_such("payment_intent", intent_id)
            if intent["status"] not in CONFIRMABLE:
                raise invalid_request(
                    f"You cannot confirm this PaymentIntent because it has a status of {intent['status']}. Only a "
                    f"PaymentIntent with one of the following statuses may be confirmed: {', '.join(CONFIRMABLE)}.",
                    code="payment_intent_unexpected_state",
                )
            method_name = method_name or intent["payment_method"]
            if method_name is None:
                raise missing("payment_method")
            (brand, last4), decline = self._test_method(method_name)
            method = objects.payment_method(_card(brand, last4))
            made = objects.charge(intent, method, DECLINES[decline] if decline else None)
            self.charges[made["id"]] = made
            intent["latest_charge"] = made["id"]
            if decline is None:
                intent.update(status="succeeded", amount_received=intent["amount"], payment_method=method["id"],
                              last_payment_error=None)  # fmt: skip
                self._event("charge.succeeded", made, request)
                self._event("payment_intent.succeeded", intent, request)
            else:
                intent.update(status="requires_payment_method", payment_method=None,
                              last_payment_error={**DECLINES[decline], "type": "card_error", "charge": made["id"],
                                                  "doc_url": f"https://stripe.com/docs/error-codes/{DECLINES[decline]['code']}",
                                                  "payment_method": method})  # fmt: skip
                self._event("charge.failed", made, request)
                self._event("payment_intent.payment_failed", intent, request)
            answer = copy.deepcopy(intent)
        self._flush()
        return answer, decline

    # --- refunds -------------------------------------------------------------------------------------

    def create_refund(self, values: Json, request: Request) -> Json:
        params = Params(values, {"payment_intent", "charge", "amount", "reason", "metadata", "refund_application_fee",
                                 "reverse_transfer", "instructions_email"})  # fmt: skip
        reason = params.string("reason", choices=("duplicate", "fraudulent", "requested_by_customer"))
        reverse_transfer = bool(params.boolean("reverse_transfer"))
        params.boolean("refund_application_fee")
        with self._lock:
            charge = self._refunded_charge(params)
            remaining = charge["amount_captured"] - charge["amount_refunded"]
            amount = params.integer("amount")
            amount = remaining if amount is None else amount
            if remaining == 0:
                raise invalid_request(f"Charge {charge['id']} has already been refunded.",
                                      code="charge_already_refunded")  # fmt: skip
            if not 0 < amount <= remaining:
                raise invalid_request(
                    f"Refund amount ({amount}) is greater than unrefunded amount on charge ({remaining})",
                    param="amount",
                    code="amount_too_large",
                )
            made = objects.refund(charge, amount, reason, params.metadata(), reverse_transfer)
            self.refunds[made["id"]] = made
            previous = {"amount_refunded": charge["amount_refunded"], "refunded": charge["refunded"]}
            charge["amount_refunded"] += amount
            charge["refunded"] = charge["amount_refunded"] == charge["amount_captured"]
            self._event("refund.created", made, request)
            self._event("charge.refunded", charge, request, previous_attributes=previous)
            answer = copy.deepcopy(made)
        self._flush()
        return answer

    def _refunded_charge(self, params: Params) -> Json:
        intent_id, charge_id = params.string("payment_intent"), params.string("charge")
        if intent_id is None and charge_id is None:
            raise invalid_request("One of the following params should be provided for this request: payment_intent "
                                  "or charge.", param="payment_intent")  # fmt: skip
        if intent_id is not None:
            intent = self.intents.get(intent_id)
            if intent is None:
                raise no_such("payment_intent", intent_id, param="payment_intent", status=400)
            if intent["status"] != "succeeded":
                raise invalid_request(f"This PaymentIntent ({intent_id}) does not have a successful charge to "
                                      "refund.", param="payment_intent", code="charge_not_refundable")  # fmt: skip
            if charge_id is not None and charge_id != intent["latest_charge"]:
                raise invalid_request("The charge is not the PaymentIntent's.", param="charge")
            charge_id = intent["latest_charge"]
        assert charge_id is not None
        charge = self.charges.get(charge_id)
        if charge is None:
            raise no_such("charge", charge_id, param="charge", status=400)
        if charge["status"] != "succeeded":
            raise invalid_request(f"Charge {charge_id} has not succeeded and cannot be refunded.", param="charge",
                                  code="charge_not_refundable")  # fmt: skip
        return charge
