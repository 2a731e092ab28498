"""Live's one way to Stripe: the Connect account and its onboarding link, a tip's PaymentIntent, and the
verification of Stripe's signed webhook events, with the official `stripe` library.

Only the tip and webhook functions create a gateway, and nothing here touches the network or imports
`stripe` until a method needs it, so a container pays for it on its first call to Stripe, and no other Live
function ever does. The secret (JSON: api_key, webhook_secret, optionally connect_webhook_secret), the client
and the mapping of Stripe's errors to domain errors are the kernel's (colmena.stripe_api), shared with the
Agents context's checkout."""

from __future__ import annotations

import json
from typing import Any

from colmena.errors import InvalidPayload, InvalidSignature
from colmena.stripe_api import StripeAccess, stripe_errors
from live.tips.rules import Tip, connect_idempotency_key, stripe_idempotency_key
from live.tips.settings import StripeSettings

# Stripe's own recommendation, and the issue's: a signature older than five minutes is refused.
SIGNATURE_TOLERANCE_S = 300

__all__ = ["SIGNATURE_TOLERANCE_S", "StripeGateway", "stripe_errors"]


class StripeGateway:
    def __init__(self, settings: StripeSettings) -> None:
        self._stripe = StripeAccess(settings.secret_name, settings.api_base_url, ("api_key", "webhook_secret"))

    # ---------------------------------------------------------------- Connect
    def create_express_account(self, user_id: str, email: str | None) -> str:
        """The id of the caller's Express account. The idempotency key is the user's, so a retry or a
        concurrent call with the same parameters answers the account the first one created."""
        params: dict[str, Any] = {
            "type": "express",
            "metadata": {"user_id": user_id},
            "capabilities": {"card_payments": {"requested": True}, "transfers": {"requested": True}},
        }
        if email:
            params["email"] = email
        with stripe_errors():
            account = self.client().v1.accounts.create(
                params=params, options={"idempotency_key": connect_idempotency_key(user_id)}
            )
        return str(account.id)

    def onboarding_link(self, account_id: str, return_url: str, refresh_url: str) -> str:
        """A fresh onboarding link (Stripe's links are single-use and expire within minutes)."""
        with stripe_errors():
            link = self.client().v1.account_links.create(
                params={
                    "account": account_id,
                    "type": "account_onboarding",
                    "return_url": return_url,
                    "refresh_url": refresh_url,
                }
            )
        return str(link.url)

    # ---------------------------------------------------------------- tips
    def create_payment_intent(self, tip: Tip) -> tuple[str, str]:
        """The tip's PaymentIntent (id, client_secret), to the DJ's account with the platform's fee. Everything
        sent comes from the stored tip, so a retry sends the same parameters under the same key."""
        with stripe_errors():
            intent = self.client().v1.payment_intents.create(
                params={
                    "amount": tip.amount,
                    "currency": tip.currency,
                    "application_fee_amount": tip.application_fee_amount,
                    "transfer_data": {"destination": tip.destination},
                    "metadata": {
                        "tip_id": tip.tip_id,
                        "session_id": tip.session_id,
                        "tipper_id": tip.tipper_id,
                        "dj_id": tip.dj_id,
                    },
                },
                options={"idempotency_key": stripe_idempotency_key(tip.tip_id)},
            )
        return str(intent.id), str(intent.client_secret)

    # ---------------------------------------------------------------- webhook
    def verified_event(self, payload: str, signature: str | None) -> dict[str, Any]:
        """The event in a webhook's raw body, once its Stripe-Signature verifies with the webhook secret or the
        Connect webhook secret within SIGNATURE_TOLERANCE_S: InvalidSignature otherwise (missing, malformed,
        forged, stale), InvalidPayload for a signed body that is not an event."""
        import stripe

        secret = self._secret()
        secrets = [secret["webhook_secret"], *filter(None, [secret.get("connect_webhook_secret")])]
        if not any(_verifies(stripe, payload, signature, key) for key in secrets):
            raise InvalidSignature(
                "the Stripe-Signature header is missing, malformed, not made with this endpoint's secret, or older "
                f"than {SIGNATURE_TOLERANCE_S} s"
            )
        try:
            event = json.loads(payload)
        except ValueError as error:
            raise InvalidPayload("the signed body is not JSON") from error
        if not isinstance(event, dict) or not _text(event.get("id")) or not _text(event.get("type")):
            raise InvalidPayload("the signed body is not a Stripe event: it has no id or no type")
        return event

    # ---------------------------------------------------------------- the client
    def client(self) -> Any:
        return self._stripe.client()

    def _secret(self) -> dict[str, str]:
        return self._stripe.secret()


def _verifies(stripe: Any, payload: str, signature: str | None, secret: str) -> bool:
    try:
        stripe.WebhookSignature.verify_header(payload, signature, secret, SIGNATURE_TOLERANCE_S)
    except stripe.SignatureVerificationError:
        return False
    return True


def _text(value: object) -> bool:
    return isinstance(value, str) and bool(value)
