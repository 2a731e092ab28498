"""The payment function's settings, read once from the environment at cold start (see colmena.settings): where
Stripe is and which secret holds its key, the subscription's price, and the pages Checkout returns to."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from colmena.currencies import CIRCULATING_CURRENCIES
from colmena.settings import require


@dataclass(frozen=True)
class CheckoutSettings:
    secret_name: str
    api_base_url: str
    # The monthly price, in the currency's smallest unit, sent inline as Checkout's price_data (docs/decisions.md).
    monthly_amount: int
    currency: str
    product_name: str
    # Stripe fills {CHECKOUT_SESSION_ID} in the success URL; the cancel URL is where "back" goes.
    success_url: str
    cancel_url: str

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> CheckoutSettings:
        amount = require("SUBSCRIPTION_MONTHLY_AMOUNT", environ)
        if not amount.isdigit() or int(amount) == 0:
            raise ValueError(f"SUBSCRIPTION_MONTHLY_AMOUNT must be a whole number above 0, not {amount!r}")
        currency = require("SUBSCRIPTION_CURRENCY", environ).lower()
        if currency.upper() not in CIRCULATING_CURRENCIES:
            raise ValueError(f"SUBSCRIPTION_CURRENCY must be an ISO 4217 code, not {currency!r}")
        return cls(
            secret_name=require("STRIPE_SECRET_NAME", environ),
            api_base_url=require("STRIPE_API_BASE_URL", environ).rstrip("/"),
            monthly_amount=int(amount),
            currency=currency,
            product_name=require("SUBSCRIPTION_PRODUCT_NAME", environ),
            success_url=require("STRIPE_CHECKOUT_SUCCESS_URL", environ),
            cancel_url=require("STRIPE_CHECKOUT_CANCEL_URL", environ),
        )
