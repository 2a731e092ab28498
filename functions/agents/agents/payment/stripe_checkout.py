"""The Agents context's one call to Stripe: a Checkout Session for the monthly subscription, with the official
`stripe` library through the kernel's StripeAccess (the secret, the client, Stripe's errors as domain errors).
Nothing here imports `stripe` until a session is asked for."""

from __future__ import annotations

from agents.payment.rules import AGENTS_SUBSCRIPTION, ONBOARDING_KEY, PURPOSE_KEY, CheckoutSession, idempotency_key
from agents.payment.settings import CheckoutSettings
from colmena.stripe_api import StripeAccess, stripe_errors


class StripeCheckout:
    def __init__(self, settings: CheckoutSettings) -> None:
        self._settings = settings
        self._stripe = StripeAccess(settings.secret_name, settings.api_base_url)

    def create_session(self, onboarding_id: str, attempt: int) -> CheckoutSession:
        """The onboarding's `attempt`-th session. Everything sent comes from the onboarding's id and the
        settings, so every call of one attempt sends the same parameters under the same key, and Stripe answers
        them all with the first one's session."""
        settings = self._settings
        metadata = {ONBOARDING_KEY: onboarding_id, PURPOSE_KEY: AGENTS_SUBSCRIPTION}
        with stripe_errors():
            session = self._stripe.client().v1.checkout.sessions.create(
                params={
                    "mode": "subscription",
                    "line_items": [
                        {
                            "price_data": {
                                "currency": settings.currency,
                                "unit_amount": settings.monthly_amount,
                                "recurring": {"interval": "month"},
                                "product_data": {"name": settings.product_name},
                            },
                            "quantity": 1,
                        }
                    ],
                    "client_reference_id": onboarding_id,
                    "metadata": metadata,
                    "subscription_data": {"metadata": metadata},
                    "success_url": settings.success_url,
                    "cancel_url": settings.cancel_url,
                },
                options={"idempotency_key": idempotency_key(onboarding_id, attempt)},
            )
        return CheckoutSession(
            session_id=str(session.id),
            url=str(session.url) if session.url else None,
            expires_at=int(session.expires_at) if session.expires_at else None,
        )
