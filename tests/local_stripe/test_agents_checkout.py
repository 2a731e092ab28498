"""The Agents checkout's call to Stripe (agents.payment.stripe_checkout), made by the unmodified `stripe` library
to the local Stripe: the subscription's session as Stripe receives it, one session per attempt however often or
concurrently it is asked for, and a new one for the next attempt."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from agents.payment.rules import CheckoutSession
from agents.payment.settings import CheckoutSettings
from agents.payment.stripe_checkout import StripeCheckout
from colmena.errors import ProviderConflict
from colmena.stripe_api import StripeAccess
from tests.local_stripe.support import API_KEY
from tools.local_stripe import LocalStripe

ONBOARDING = "0b0a7d10-0000-4000-8000-000000000001"


@pytest.fixture
def checkout(local_stripe: LocalStripe, monkeypatch: pytest.MonkeyPatch) -> StripeCheckout:
    # The secret as Secrets Manager would give it (its reading is the kernel's, tested with Live's functions).
    monkeypatch.setattr(StripeAccess, "secret", lambda _self: {"api_key": API_KEY})
    settings = CheckoutSettings.from_env(
        {
            "STRIPE_SECRET_NAME": "colmena/test/stripe",
            "STRIPE_API_BASE_URL": local_stripe.base_url,
            "SUBSCRIPTION_MONTHLY_AMOUNT": "4900",
            "SUBSCRIPTION_CURRENCY": "EUR",
            "SUBSCRIPTION_PRODUCT_NAME": "Colmena AI receptionist",
            "STRIPE_CHECKOUT_SUCCESS_URL": "https://app.example/done?session_id={CHECKOUT_SESSION_ID}",
            "STRIPE_CHECKOUT_CANCEL_URL": "https://app.example/cancelled",
        }
    )
    return StripeCheckout(settings)


def test_the_session_is_a_monthly_subscription_marked_with_its_onboarding(
    checkout: StripeCheckout, local_stripe: LocalStripe
) -> None:
    created = checkout.create_session(ONBOARDING, 1)

    session = local_stripe.checkout.get(created.session_id)
    assert (session["mode"], session["amount_total"], session["currency"]) == ("subscription", 4900, "eur")
    assert session["client_reference_id"] == ONBOARDING
    assert session["metadata"] == {"onboarding_id": ONBOARDING, "colmena_purpose": "agents_subscription"}
    assert session["success_url"] == "https://app.example/done?session_id={CHECKOUT_SESSION_ID}"
    assert (created.url, created.expires_at) == (session["url"], session["expires_at"])


def test_one_attempt_asked_for_at_once_many_times_is_one_session(checkout: StripeCheckout) -> None:
    with ThreadPoolExecutor(6) as pool:
        sessions = list(pool.map(lambda _: _retrying(checkout, 1), range(6)))

    assert len({session.session_id for session in sessions}) == 1


def test_the_next_attempt_is_a_new_session(checkout: StripeCheckout) -> None:
    first = checkout.create_session(ONBOARDING, 1)

    second = checkout.create_session(ONBOARDING, 2)

    assert second.session_id != first.session_id


def _retrying(checkout: StripeCheckout, attempt: int) -> CheckoutSession:
    """A call that met another one still running under its key (Stripe's 409) is made again, as the library's
    own retry does: Stripe then replays the first one's session."""
    for _ in range(50):
        try:
            return checkout.create_session(ONBOARDING, attempt)
        except ProviderConflict as conflict:
            if conflict.code != "idempotency_key_in_use":
                raise
    raise AssertionError("the first call never finished")
