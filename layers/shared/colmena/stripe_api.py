"""What every Colmena function that calls Stripe shares (Live's tips, Agents' subscription checkout): the Stripe
secret read through Powertools parameters, the official library's client made from it, and Stripe's errors as
domain errors.

The layer does not carry `stripe` (~13 MB): a context whose functions call Stripe pins it in its own
requirements, and nothing here imports it (~240 ms: it brings `requests` and `asyncio`) until a call needs it.
The secret (JSON: api_key, webhook_secret, ...) is read with caching, never at import and never logged; the
client is made once per container, again only when the key rotates."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from colmena.errors import PaymentRequired, ProviderConflict, ProviderUnavailable

# Powertools caches the secret this long in the container; a rotated key reaches it within that time.
SECRET_MAX_AGE_S = 300
# Inside a function's timeout: one attempt of at most 5 s to answer, and one retry (the library retries only
# what is safe to retry: every call Colmena makes carries an idempotency key or creates nothing).
TIMEOUT_S = 5
NETWORK_RETRIES = 1


class StripeAccess:
    """The Stripe secret named `secret_name` and, for a function that calls Stripe, the client for the API at
    `api_base_url` (the local Stripe on the local stack). `required` are the secret's keys the function needs."""

    def __init__(self, secret_name: str, api_base_url: str | None, required: tuple[str, ...] = ("api_key",)) -> None:
        self.secret_name = secret_name
        self.api_base_url = api_base_url
        self.required = required
        self._client: Any = None
        self._api_key: str | None = None

    def secret(self) -> dict[str, str]:
        from aws_lambda_powertools.utilities import parameters

        secret = parameters.get_secret(self.secret_name, transform="json", max_age=SECRET_MAX_AGE_S)
        missing = [key for key in self.required if not isinstance(secret, dict) or not secret.get(key)]
        if missing:
            # The secret's name and the missing keys only: never a value.
            raise RuntimeError(f"the secret {self.secret_name} lacks {', '.join(missing)}")
        assert isinstance(secret, dict)
        return {str(key): str(value) for key, value in secret.items()}

    def client(self) -> Any:
        import stripe

        if self.api_base_url is None:
            raise RuntimeError("this function has no STRIPE_API_BASE_URL: it does not call Stripe")
        api_key = self.secret()["api_key"]
        if self._client is None or api_key != self._api_key:
            self._client = stripe.StripeClient(
                api_key,
                base_addresses={"api": self.api_base_url},
                http_client=stripe.RequestsClient(timeout=TIMEOUT_S),
                max_network_retries=NETWORK_RETRIES,
            )
            self._api_key = api_key
        return self._client


@contextmanager
def stripe_errors() -> Iterator[None]:
    """Stripe's errors as domain errors, with Stripe's message and code: a card declined 402, a request Stripe
    refuses as it stands 409, anything else (unreachable, failing, our own key refused) 502."""
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
