"""Checkout Sessions on the local Stripe, through the unmodified `stripe` library: created (with idempotency keys
honoured), read, paid once by a person on its page or by a test through the admin route, expired; completing one
sends a signed `checkout.session.completed` in Stripe's event shape."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from typing import Any

import pytest
import stripe

from tests.local_stripe.support import WEBHOOK_SECRET, Receiver, admin, eventually
from tools.local_stripe import LocalStripe


def subscription(**overrides: Any) -> dict[str, Any]:
    return {
        "mode": "subscription",
        "line_items": [
            {
                "price_data": {
                    "currency": "eur",
                    "unit_amount": 4900,
                    "recurring": {"interval": "month"},
                    "product_data": {"name": "Colmena AI receptionist"},
                },
                "quantity": 1,
            }
        ],
        "client_reference_id": "onboarding-1",
        "metadata": {"onboarding_id": "onboarding-1", "colmena_purpose": "agents_subscription"},
        "success_url": "https://app.example/paid?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": "https://app.example/cancelled",
        **overrides,
    }


def create(client: stripe.StripeClient, key: str | None = None, **overrides: Any) -> dict[str, Any]:
    options: dict[str, Any] = {"idempotency_key": key} if key else {}
    session = client.v1.checkout.sessions.create(params=subscription(**overrides), options=options)  # type: ignore[arg-type]
    return dict(session.to_dict())


def open_page(url: str, method: str = "GET") -> tuple[int, str, str | None]:
    """The page's status, text and, for a redirect, where it sends the browser (not followed)."""

    class NoRedirects(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *_: Any) -> None:
            return None

    request = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)  # noqa: S310
    try:
        with urllib.request.build_opener(NoRedirects()).open(request, timeout=5) as answer:
            return answer.status, answer.read().decode(), None
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read().decode(), refused.headers.get("Location")


def test_a_subscription_session_is_open_unpaid_and_has_a_page_on_the_local_stripe(
    client: stripe.StripeClient, local_stripe: LocalStripe
) -> None:
    session = create(client)

    assert session["id"].startswith("cs_test_") and session["object"] == "checkout.session"
    assert (session["mode"], session["status"], session["payment_status"]) == ("subscription", "open", "unpaid")
    assert (session["amount_total"], session["currency"]) == (4900, "eur")
    assert session["client_reference_id"] == "onboarding-1"
    assert session["metadata"] == {"onboarding_id": "onboarding-1", "colmena_purpose": "agents_subscription"}
    assert session["url"] == f"{local_stripe.base_url}/c/pay/{session['id']}"
    assert 24 * 3600 - 5 <= session["expires_at"] - session["created"] <= 24 * 3600


def test_the_same_idempotency_key_answers_the_same_session(client: stripe.StripeClient) -> None:
    first = create(client, key="agents-checkout-onboarding-1-1")

    again = create(client, key="agents-checkout-onboarding-1-1")

    assert again["id"] == first["id"]


def test_a_session_is_read_back_by_its_id(client: stripe.StripeClient) -> None:
    created = create(client)

    read = client.v1.checkout.sessions.retrieve(created["id"]).to_dict()

    assert read == created


@pytest.mark.parametrize(
    ("overrides", "param"),
    [
        ({"line_items": [{"price": "price_123", "quantity": 1}]}, "line_items[0][price]"),
        ({"mode": "payment"}, "line_items[0][price_data][recurring]"),
        ({"success_url": None}, "success_url"),
        ({"expires_at": int(time.time()) + 60}, "expires_at"),
    ],
)
def test_a_session_stripe_would_refuse_is_refused_naming_the_parameter(
    client: stripe.StripeClient, overrides: dict[str, Any], param: str
) -> None:
    params = {key: value for key, value in subscription(**overrides).items() if value is not None}

    with pytest.raises(stripe.InvalidRequestError) as refused:
        client.v1.checkout.sessions.create(params=params)  # type: ignore[arg-type]

    assert refused.value.param == param


def test_completing_a_session_sends_one_signed_checkout_session_completed(
    client: stripe.StripeClient, local_stripe: LocalStripe, receiver: Receiver
) -> None:
    session = create(client)

    status, completed = admin(local_stripe, f"/_local/checkout/sessions/{session['id']}/complete")

    assert status == 200
    assert (completed["status"], completed["payment_status"]) == ("complete", "paid")
    assert completed["subscription"].startswith("sub_") and completed["customer"].startswith("cus_")
    [received] = eventually(lambda: receiver.events("checkout.session.completed"))
    event = stripe.Webhook.construct_event(received.body, received.headers["Stripe-Signature"], WEBHOOK_SECRET)
    assert event.data.object.id == session["id"]
    assert event.data.object.metadata.to_dict() == session["metadata"]
    assert event.data.object.payment_status == "paid"


def test_a_completed_session_cannot_be_paid_again(client: stripe.StripeClient, local_stripe: LocalStripe) -> None:
    session = create(client)
    admin(local_stripe, f"/_local/checkout/sessions/{session['id']}/complete")

    status, answer = admin(local_stripe, f"/_local/checkout/sessions/{session['id']}/complete")

    assert status == 400
    assert answer["error"]["code"] == "checkout_session_not_open"


def test_a_person_pays_on_the_page_and_is_sent_to_the_success_url_with_the_session_id(
    client: stripe.StripeClient, receiver: Receiver
) -> None:
    session = create(client)
    status, page, _ = open_page(session["url"])
    assert status == 200 and "<button" in page and "49.00 EUR" in page

    status, _, location = open_page(session["url"], "POST")

    assert status == 303
    assert location == f"https://app.example/paid?session_id={session['id']}"
    assert client.v1.checkout.sessions.retrieve(session["id"]).status == "complete"
    assert len(eventually(lambda: receiver.events("checkout.session.completed"))) == 1


def test_an_expired_session_has_no_page_and_cannot_be_paid(
    client: stripe.StripeClient, local_stripe: LocalStripe, receiver: Receiver
) -> None:
    session = create(client)

    expired = client.v1.checkout.sessions.expire(session["id"]).to_dict()

    assert (expired["status"], expired["url"]) == ("expired", None)
    assert open_page(session["url"])[0] == 410
    assert admin(local_stripe, f"/_local/checkout/sessions/{session['id']}/complete")[0] == 400
    assert len(eventually(lambda: receiver.events("checkout.session.expired"))) == 1
    assert receiver.events("checkout.session.completed") == []
