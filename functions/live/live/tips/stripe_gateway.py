"""Live's one way to Stripe: the Connect account and its onboarding link, a tip's PaymentIntent, and the
verification of Stripe's signed webhook events, with the official `stripe` library.

Only the tip and webhook functions create a gateway, and nothing here touches the network or imports
`stripe` (~240 ms: it brings `requests` and `asyncio`) until a method needs it, so a container pays for it on
its first call to Stripe, and no other Live function ever does. The secret (JSON: api_key, webhook_secret,
optionally connect_webhook_secret) is read through Powertools parameters, cached for SECRET_MAX_AGE_S, never
at import and never logged; the client is made once per container (again only if the key rotates).

Every Stripe error becomes a domain error carrying Stripe's own message and code: a card declined 402, a
request Stripe refuses as it stands 409, anything else (unreachable, failing, our own key refused) 502."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from colmena.errors import InvalidPayload, InvalidSignature, PaymentRequired, ProviderConflict, ProviderUnavailable
from live.tips.rules import Tip, connect_idempotency_key, stripe_idempotency_key
from live.tips.settings import SECRET_MAX_AGE_S, StripeSettings

# Stripe's own recommendation, and the issue's: a signature older than five minutes is refused.
SIGNATURE_TOLERANCE_S = 300
# Inside the tip function's timeout: one attempt of at most 5 s to answer, and one retry (Stripe's library
# retries only what is safe to retry: every call here carries an idempotency key or creates nothing).
TIMEOUT_S = 5
NETWORK_RETRIES = 1


class StripeGateway:
    def __init__(self, settings: StripeSettings) -> None:
        self._settings = settings
        self._client: Any = None
        self._api_key: str | None = None

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
        import stripe

        if self._settings.api_base_url is None:
            raise RuntimeError("this function has no STRIPE_API_BASE_URL: it does not call Stripe")
        api_key = self._secret()["api_key"]
        if self._client is None or api_key != self._api_key:
            self._client = stripe.StripeClient(
                api_key,
                base_addresses={"api": self._settings.api_base_url},
                http_client=stripe.RequestsClient(timeout=TIMEOUT_S),
                max_network_retries=NETWORK_RETRIES,
            )
            self._api_key = api_key
        return self._client

    def _secret(self) -> dict[str, str]:
        from aws_lambda_powertools.utilities import parameters

        secret = parameters.get_secret(self._settings.secret_name, transform="json", max_age=SECRET_MAX_AGE_S)
        missing = [key for key in ("api_key", "webhook_secret") if not isinstance(secret, dict) or not secret.get(key)]
        if missing:
            # The secret's name and the missing keys only: never a value.
            raise RuntimeError(f"the secret {self._settings.secret_name} lacks {', '.join(missing)}")
        assert isinstance(secret, dict)
        return {str(key): str(value) for key, value in secret.items()}


def _verifies(stripe: Any, payload: str, signature: str | None, secret: str) -> bool:
    try:
        stripe.WebhookSignature.verify_header(payload, signature, secret, SIGNATURE_TOLERANCE_S)
    except stripe.SignatureVerificationError:
        return False
    return True


def _text(value: object) -> bool:
    return isinstance(value, str) and bool(value)


@contextmanager
def stripe_errors() -> Iterator[None]:
    """Stripe's errors as domain errors, with Stripe's message and code."""
    import stripe

    try:
        yield
    except stripe.CardError as error:
        raise PaymentRequired(_message(error), error.code or _kind(error)) from error
    except (stripe.IdempotencyError, stripe.InvalidRequestError) as error:
        raise ProviderConflict(_message(error), error.code or _kind(error)) from error
    except stripe.APIConnectionError as error:
        raise ProviderUnavailable(f"Stripe could not be reached: {_message(error)}", "api_connection_error") from error
    except stripe.StripeError as error:
        raise ProviderUnavailable(f"Stripe: {_message(error)}", error.code or _kind(error)) from error


def _message(error: Any) -> str:
    return str(error.user_message or "Stripe gave no message")


def _kind(error: Any) -> str:
    """Stripe's error type as its error body names it (`idempotency_error`, `api_error`)."""
    body = getattr(error, "error", None)
    return str(getattr(body, "type", None) or "stripe_error")
