"""How Stripe's own errors reach a client: the gateway turns each into the kernel's provider error, and the
kernel's resolver answers it with its status and Stripe's message and code, never a 500."""

from __future__ import annotations

import json
from typing import Any

import pytest
import stripe

from colmena import errors
from colmena.http import RestApi
from live.tips.stripe_gateway import stripe_errors
from tools.handlers import LambdaContext

app = RestApi("Test API", "A route that calls a Stripe that refuses.")
FAILURE: list[Exception] = []
# The library's error classes, whose constructors it leaves untyped.
Stripe: Any = stripe


@app.get("/pay")
def pay() -> dict[str, str]:
    with stripe_errors():
        raise FAILURE[0]


def answer(failure: Exception) -> tuple[int, dict[str, Any]]:
    FAILURE[:] = [failure]
    event = {"httpMethod": "GET", "path": "/pay", "resource": "/pay", "headers": {}, "requestContext": {}}
    response = app.resolve(event, LambdaContext())  # type: ignore[arg-type]
    return response["statusCode"], json.loads(response["body"])["error"]


def stripe_body(kind: str, code: str | None, message: str) -> dict[str, Any]:
    return {"error": {"type": kind, "code": code, "message": message}}


@pytest.mark.parametrize(
    ("failure", "status", "code"),
    [
        (
            Stripe.CardError("Your card was declined.", None, "card_declined",
                             json_body=stripe_body("card_error", "card_declined", "Your card was declined.")),
            402,
            "card_declined",
        ),
        (
            Stripe.IdempotencyError("Keys for idempotent requests can only be used with the same parameters",
                                    json_body=stripe_body("idempotency_error", None, "Keys ...")),
            409,
            "idempotency_error",
        ),
        (
            Stripe.InvalidRequestError("No such destination: 'acct_x'", "transfer_data[destination]",
                                       code="resource_missing"),
            409,
            "resource_missing",
        ),
        (Stripe.APIConnectionError("Connection refused"), 502, "api_connection_error"),
        (Stripe.APIError("Something went wrong", json_body=stripe_body("api_error", None, "...")), 502, "api_error"),
        (Stripe.AuthenticationError("Invalid API Key provided"), 502, "stripe_error"),
    ],
)  # fmt: skip
def test_a_stripe_error_is_answered_with_its_status_and_stripes_code_and_message(
    failure: Exception, status: int, code: str
) -> None:
    answered, error = answer(failure)

    assert (answered, error["code"]) == (status, code)
    assert str(failure.user_message) in error["message"]  # type: ignore[attr-defined]


def test_the_provider_errors_are_domain_errors_the_kernel_maps() -> None:
    assert issubclass(errors.PaymentRequired, errors.ColmenaError)
    assert errors.ProviderUnavailable("down", "api_error").code == "api_error"
    assert errors.ProviderUnavailable("down").code == "provider_unavailable"
