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
