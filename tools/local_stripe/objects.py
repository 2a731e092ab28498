"""The JSON shapes of the objects the local Stripe serves, after Stripe's published objects (the Account,
Account Link, PaymentIntent, Charge, Refund and Event objects of the API reference), with the fields a
Connect platform reads. Ids carry Stripe's prefixes; times are unix seconds; nothing is live."""

from __future__ import annotations

import secrets
import string
import time
from typing import Any

# The API version events and answers are rendered in: the one the pinned `stripe` library speaks
# (tests/unit/test_local_stripe.py checks they agree).
API_VERSION = "2026-10-28.endive"

_ALPHABET = string.ascii_letters + string.digits


def token(length: int) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def new_id(prefix: str, length: int = 24) -> str:
    return f"{prefix}_{token(length)}"


def now() -> int:
    return int(time.time())


# --- Connect accounts -------------------------------------------------------------------------------

# What an Express account owes before its onboarding, as Stripe lists it for an individual in the US.
ONBOARDING_REQUIREMENTS = [
    "business_profile.mcc",
    "business_profile.url",
    "business_type",
    "external_account",
    "individual.dob.day",
    "individual.email",
    "individual.first_name",
    "individual.last_name",
    "tos_acceptance.date",
    "tos_acceptance.ip",
]


def requirements(due: list[str]) -> dict[str, Any]:
    return {
        "alternatives": [],
        "current_deadline": None,
        "currently_due": list(due),
        "disabled_reason": "requirements.past_due" if due else None,
        "errors": [],
        "eventually_due": list(due),
        "past_due": list(due),
        "pending_verification": [],
    }


def account(
    account_type: str, email: str | None, country: str, metadata: dict[str, str], capabilities: list[str]
) -> dict[str, Any]:
    account_id = new_id("acct", 16)
    return {
        "id": account_id,
        "object": "account",
        "business_profile": {"mcc": None, "name": None, "product_description": None, "support_email": None,
                             "url": None},
        "business_type": None,
        "capabilities": dict.fromkeys(capabilities, "inactive"),
        "charges_enabled": False,
        "controller": {
            "fees": {"payer": "application_express" if account_type == "express" else "account"},
            "is_controller": True,
            "losses": {"payments": "application"},
            "requirement_collection": "stripe",
            "stripe_dashboard": {"type": account_type if account_type != "custom" else "none"},
            "type": "application",
        },
        "country": country,
        "created": now(),
        "default_currency": "usd" if country == "US" else "eur",
        "details_submitted": False,
        "email": email,
        "external_accounts": {"object": "list", "data": [], "has_more": False, "total_count": 0,
                              "url": f"/v1/accounts/{account_id}/external_accounts"},
        "future_requirements": requirements([]),
        "metadata": metadata,
        "payouts_enabled": False,
        "requirements": requirements(ONBOARDING_REQUIREMENTS),
        "settings": {"payouts": {"debit_negative_balances": True, "schedule": {"delay_days": 2, "interval": "daily"},
                                 "statement_descriptor": None}},
        "tos_acceptance": {"date": None},
        "type": account_type,
    }  # fmt: skip


def account_link(url: str, lifetime: int = 300) -> dict[str, Any]:
    created = now()
    return {"object": "account_link", "created": created, "expires_at": created + lifetime, "url": url}


# --- payments -------------------------------------------------------------------------------------


def payment_intent(
    amount: int,
    currency: str,
    metadata: dict[str, str],
    payment_method_types: list[str],
    automatic: bool,
    extra: dict[str, Any],
) -> dict[str, Any]:
    intent_id = new_id("pi")
    return {
        "id": intent_id,
        "object": "payment_intent",
        "allowed_payment_method_types": None,
        "amount": amount,
        "amount_capturable": 0,
        "amount_details": {"tip": {}},
        "amount_received": 0,
        "application": None,
        "application_fee_amount": None,
        "automatic_payment_methods": {"allow_redirects": "always", "enabled": True} if automatic else None,
        "canceled_at": None,
        "cancellation_reason": None,
        "capture_method": "automatic",
        "client_secret": f"{intent_id}_secret_{token(25)}",
        "confirmation_method": "automatic",
        "created": now(),
        "currency": currency,
        "customer": None,
        "customer_account": None,
        "description": None,
        "excluded_payment_method_types": None,
        "last_payment_error": None,
        "latest_charge": None,
        "livemode": False,
        "metadata": metadata,
        "next_action": None,
        "on_behalf_of": None,
        "payment_method": None,
        "payment_method_configuration_details": None,
        "payment_method_options": {"card": {"installments": None, "mandate_options": None, "network": None,
                                            "request_three_d_secure": "automatic"}},
        "payment_method_types": payment_method_types,
        "processing": None,
        "receipt_email": None,
        "review": None,
        "setup_future_usage": None,
        "shipping": None,
        "source": None,
        "statement_descriptor": None,
        "statement_descriptor_suffix": None,
        "status": "requires_payment_method",
        "transfer_data": None,
        "transfer_group": None,
        **extra,
    }  # fmt: skip


def payment_method(card: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": new_id("pm"),
        "object": "payment_method",
        "billing_details": {"address": None, "email": None, "name": None, "phone": None},
        "card": card,
        "created": now(),
        "customer": None,
        "livemode": False,
        "metadata": {},
        "type": "card",
    }


def charge(intent: dict[str, Any], method: dict[str, Any], decline: dict[str, str] | None) -> dict[str, Any]:
    """The charge one confirmation of `intent` made with `method`: succeeded, or failed with `decline`."""
    paid = decline is None
    transfer_data = intent["transfer_data"]
    card = method["card"]
    return {
        "id": new_id("ch"),
        "object": "charge",
        "amount": intent["amount"],
        "amount_captured": intent["amount"] if paid else 0,
        "amount_refunded": 0,
        "application": None,
        "application_fee": new_id("fee") if paid and intent["application_fee_amount"] else None,
        "application_fee_amount": intent["application_fee_amount"],
        "balance_transaction": new_id("txn") if paid else None,
        "billing_details": method["billing_details"],
        "captured": paid,
        "created": now(),
        "currency": intent["currency"],
        "customer": None,
        "description": intent["description"],
        "disputed": False,
        "failure_balance_transaction": None,
        "failure_code": decline["code"] if decline else None,
        "failure_message": decline["message"] if decline else None,
        "livemode": False,
        "metadata": dict(intent["metadata"]),
        "on_behalf_of": None,
        "outcome": _outcome(decline),
        "paid": paid,
        "payment_intent": intent["id"],
        "payment_method": method["id"],
        "payment_method_details": {"card": {**card, "checks": {"cvc_check": "pass"}}, "type": "card"},
        "receipt_email": None,
        "refunded": False,
        "review": None,
        "source_transfer": None,
        "statement_descriptor": None,
        "status": "succeeded" if paid else "failed",
        "transfer": new_id("tr") if paid and transfer_data else None,
        "transfer_data": {"amount": transfer_data.get("amount"), "destination": transfer_data["destination"]}
        if transfer_data
        else None,
        "transfer_group": f"group_{intent['id']}" if paid and transfer_data else None,
    }


def _outcome(decline: dict[str, str] | None) -> dict[str, Any]:
    if decline is None:
        return {
            "network_status": "approved_by_network",
            "reason": None,
            "risk_level": "normal",
            "risk_score": 32,
            "seller_message": "Payment complete.",
            "type": "authorized",
        }
    return {"network_status": "declined_by_network", "reason": decline["decline_code"], "risk_level": "normal",
            "risk_score": 32, "seller_message": "The bank did not return any further details with this decline.",
            "type": "issuer_declined"}  # fmt: skip


def refund(
    charge_: dict[str, Any], amount: int, reason: str | None, metadata: dict[str, str], reverse_transfer: bool
) -> dict[str, Any]:
    return {
        "id": new_id("re"),
        "object": "refund",
        "amount": amount,
        "balance_transaction": new_id("txn"),
        "charge": charge_["id"],
        "created": now(),
        "currency": charge_["currency"],
        "customer": None,
        "description": None,
        "destination_details": {"card": {"reference_status": "pending", "reference_type": "acquirer_reference_number",
                                         "type": "refund"}, "type": "card"},
        "metadata": metadata,
        "payment_intent": charge_["payment_intent"],
        "payment_method": charge_["payment_method"],
        "reason": reason,
        "receipt_number": None,
        "source_transfer_reversal": None,
        "status": "succeeded",
        "transfer_reversal": new_id("trr") if reverse_transfer else None,
    }  # fmt: skip


def event(
    event_type: str,
    data_object: dict[str, Any],
    request: dict[str, str | None],
    *,
    account_id: str | None = None,
    previous_attributes: dict[str, Any] | None = None,
    pending_webhooks: int = 0,
) -> dict[str, Any]:
    """A snapshot event: `data.object` is the object as it is now (the caller passes a copy). A Connect
    event, about a connected account, names it in `account`."""
    data: dict[str, Any] = {"object": data_object}
    if previous_attributes is not None:
        data["previous_attributes"] = previous_attributes
    created = {
        "id": new_id("evt"),
        "object": "event",
        "api_version": API_VERSION,
        "created": now(),
        "data": data,
        "livemode": False,
        "pending_webhooks": pending_webhooks,
        "request": request,
        "type": event_type,
    }
    if account_id is not None:
        created["account"] = account_id
    return created


# --- Checkout -------------------------------------------------------------------------------------


def checkout_session(
    session_id: str,
    *,
    mode: str,
    url: str,
    amount_total: int,
    currency: str,
    success_url: str,
    cancel_url: str | None,
    client_reference_id: str | None,
    customer_email: str | None,
    metadata: dict[str, str],
    created: int,
    expires_at: int,
) -> dict[str, Any]:
    """An open, hosted Checkout Session, unpaid (`url` is its page)."""
    return {
        "id": session_id,
        "object": "checkout.session",
        "after_expiration": None,
        "allow_promotion_codes": None,
        "amount_subtotal": amount_total,
        "amount_total": amount_total,
        "automatic_tax": {"enabled": False, "liability": None, "status": None},
        "billing_address_collection": None,
        "cancel_url": cancel_url,
        "client_reference_id": client_reference_id,
        "client_secret": None,
        "created": created,
        "currency": currency,
        "custom_fields": [],
        "customer": None,
        "customer_creation": "always" if mode == "payment" else None,
        "customer_details": None,
        "customer_email": customer_email,
        "expires_at": expires_at,
        "invoice": None,
        "livemode": False,
        "locale": None,
        "metadata": metadata,
        "mode": mode,
        "payment_intent": None,
        "payment_link": None,
        "payment_method_collection": "always",
        "payment_method_types": ["card"],
        "payment_status": "unpaid",
        "phone_number_collection": {"enabled": False},
        "recovered_from": None,
        "setup_intent": None,
        "shipping_address_collection": None,
        "shipping_cost": None,
        "status": "open",
        "submit_type": None,
        "subscription": None,
        "success_url": success_url,
        "total_details": {"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0},
        "ui_mode": "hosted",
        "url": url,
    }
