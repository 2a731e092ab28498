"""The domain errors. Logic raises these; `colmena.http` is the one place that maps them to HTTP answers,
and trigger handlers let them propagate so the caller (Cognito, EventBridge) sees a clear message."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


class ColmenaError(Exception):
    """Base of every error the project raises on purpose. `code` is stable and machine-readable."""

    code = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(ColmenaError):
    """Input a client sent that breaks a rule the schema cannot express."""

    code = "invalid_input"

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class MalformedInput(InvalidInput):
    """Input that cannot be read at all, such as a paging cursor this API did not give out: 400, where input
    that breaks a rule is 422."""

    code = "malformed_input"


class InvalidEvent(ColmenaError):
    """An event that is not the one a function expects (wrong trigger, missing attribute)."""

    code = "invalid_event"


class Unauthorized(ColmenaError):
    code = "unauthorized"


class Forbidden(ColmenaError):
    code = "forbidden"


class NotFound(ColmenaError):
    code = "not_found"


class Conflict(ColmenaError):
    code = "conflict"


class Busy(ColmenaError):
    """Others changed the same thing at the same moment, more often than a request waits for: the same request
    again shortly will most likely succeed."""

    code = "busy"


class InvalidSignature(ColmenaError):
    """A provider's webhook whose signature is missing, malformed, forged or stale: nothing in it is trusted."""

    code = "invalid_signature"


class InvalidPayload(ColmenaError):
    """A webhook whose signature holds but whose body is not what the provider sends (an event with no id or
    type): the provider is told, and nothing is changed."""

    code = "invalid_payload"


class ProviderError(ColmenaError):
    """An outside provider (Stripe, Twilio) refused or failed a call. `code` is the provider's own error code
    when it gave one, so a client sees, for instance, Stripe's `card_declined`."""

    code = "provider_error"

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        if code:
            self.code = code


class PaymentRequired(ProviderError):
    """The payment provider declined the payment itself (a card error): another payment method may pass."""

    code = "payment_declined"


class ProviderConflict(ProviderError):
    """The provider refused the request as it stands (an idempotency key reused with other parameters, an
    account that cannot receive the payment): sending it again unchanged will not help."""

    code = "provider_conflict"


class ProviderUnavailable(ProviderError):
    """The provider could not be reached, or failed, or refused Colmena's own credentials: not the client's
    doing; the same request later may pass."""

    code = "provider_unavailable"


class SignInRefused(ColmenaError):
    """Raised by the PreAuthentication trigger; Cognito shows the message to the client."""

    code = "sign_in_refused"


class PublishFailed(ColmenaError):
    """EventBridge refused a domain event. The state change it reports is already stored; a redelivery of
    the triggering event publishes it again (see docs/decisions.md on at-least-once publishing)."""

    code = "publish_failed"


@contextmanager
def incomplete_event_is_invalid(what: str) -> Iterator[None]:
    """Reading an event through Powertools' typed classes raises KeyError (or TypeError) for a missing part:
    inside this block, that becomes an InvalidEvent that says which part `what` lacks."""
    try:
        yield
    except (KeyError, TypeError) as missing:
        raise InvalidEvent(f"{what} lacks {missing}") from missing
