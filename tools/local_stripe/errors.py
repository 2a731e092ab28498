"""Stripe's error envelope, `{"error": {"type", "code", "message", "param", ...}}`, with the status code Stripe
answers it with; the `stripe` library turns the pair into its exception classes (400/404
InvalidRequestError, 401 AuthenticationError, 402 CardError, 400 with type idempotency_error
IdempotencyError)."""

from __future__ import annotations

from typing import Any

DOCS = "https://stripe.com/docs/error-codes/"


class StripeError(Exception):
    """An answer that is an error. `saved` says whether Stripe keeps it for the request's idempotency key:
    only once the endpoint started executing (a declined card is; a refused parameter is not)."""

    def __init__(
        self,
        status: int,
        type_: str,
        message: str,
        *,
        code: str | None = None,
        param: str | None = None,
        saved: bool = False,
        **extra: Any,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.saved = saved
        self.body: dict[str, Any] = {"type": type_, "message": message}
        if code is not None:
            self.body["code"] = code
            self.body["doc_url"] = DOCS + code
        if param is not None:
            self.body["param"] = param
        self.body.update(extra)

    def envelope(self) -> dict[str, Any]:
        return {"error": self.body}


def invalid_request(message: str, *, param: str | None = None, code: str | None = None) -> StripeError:
    return StripeError(400, "invalid_request_error", message, code=code, param=param)


def missing(param: str) -> StripeError:
    return invalid_request(f"Missing required param: {param}.", param=param, code="parameter_missing")


def no_such(kind: str, object_id: str, *, param: str = "id", status: int = 404) -> StripeError:
    return StripeError(
        status, "invalid_request_error", f"No such {kind}: '{object_id}'", code="resource_missing", param=param
    )


def unauthenticated(message: str) -> StripeError:
    # Stripe answers 401 with the type invalid_request_error and no code; the status makes it an
    # AuthenticationError in the library.
    return StripeError(401, "invalid_request_error", message)


def idempotency_error(message: str, status: int = 400) -> StripeError:
    return StripeError(status, "idempotency_error", message)
