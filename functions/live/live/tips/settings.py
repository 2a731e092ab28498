"""The tip and webhook functions' settings, read once from the environment at cold start (see
colmena.settings): where Stripe is and which secret holds its keys, the bounds of a tip, the platform's fee."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from colmena.settings import require
from live.tips.rules import TipRules, fee_percent


@dataclass(frozen=True)
class StripeSettings:
    """The secret's name (never its value), and Stripe's base address (the local Stripe on the local stack) for
    a function that calls Stripe; the webhook only verifies signatures and has none."""

    secret_name: str
    api_base_url: str | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, *, calls_stripe: bool = True) -> StripeSettings:
        return cls(
            secret_name=require("STRIPE_SECRET_NAME", environ),
            api_base_url=require("STRIPE_API_BASE_URL", environ).rstrip("/") if calls_stripe else None,
        )


@dataclass(frozen=True)
class ConnectSettings:
    """Where Stripe's onboarding sends the DJ back: when it is done, and when its link has expired."""

    return_url: str
    refresh_url: str

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ConnectSettings:
        return cls(
            return_url=require("STRIPE_CONNECT_RETURN_URL", environ),
            refresh_url=require("STRIPE_CONNECT_REFRESH_URL", environ),
        )


def tip_rules_from_env(environ: Mapping[str, str] | None = None) -> TipRules:
    minimum = _cents("TIP_MINIMUM_CENTS", environ)
    maximum = _cents("TIP_MAXIMUM_CENTS", environ)
    if minimum > maximum:
        raise ValueError(f"TIP_MINIMUM_CENTS ({minimum}) is above TIP_MAXIMUM_CENTS ({maximum})")
    fee = fee_percent(require("APPLICATION_FEE_PERCENT", environ))
    return TipRules(minimum=minimum, maximum=maximum, fee_percent=fee)


def _cents(name: str, environ: Mapping[str, str] | None) -> int:
    text = require(name, environ)
    if not text.isdigit() or int(text) == 0:
        raise ValueError(f"environment variable {name} must be a whole number of cents above 0, not {text!r}")
    return int(text)
