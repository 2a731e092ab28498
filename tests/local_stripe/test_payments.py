"""PaymentIntents with a destination charge to a connected account: created, confirmed with Stripe's test
payment methods (or settled through the admin routes), declined, and refunded; each change sends Stripe's
events for it."""

from __future__ import annotations

import re
from typing import Any

import pytest
import stripe

from tests.local_stripe.support import WEBHOOK_SECRET, Receiver, admin, eventually, onboarded_account
from tools.local_stripe import LocalStripe


@pytest.fixture
def destination(client: stripe.StripeClient, local_stripe: LocalStripe) -> str:
    return onboarded_account(client, local_stripe).id


def tip(client: stripe.StripeClient, destination: str, **overrides: Any) -> stripe.PaymentIntent:
    params: dict[str, Any] = {
        "amount": 500,
        "currency": "usd",
        "transfer_data": {"destination": destination},
        "application_fee_amount": 50,
        "metadata": {"tip_id": "tip-1", "session_id": "session-1"},
        "automatic_payment_methods": {"enabled": True},
        **overrides,
    }
    # The typed params refuse a None or an unknown key: the tests that send them mean to.
    return client.v1.payment_intents.create(params=params)  # type: ignore[arg-type]


def delivered(receiver: Receiver, event_type: str) -> stripe.Event:
    """The one event of that type the endpoint received, verified as the webhook handler verifies it."""
    received = eventually(lambda: receiver.events(event_type))
    assert len(received) == 1, [item.event["type"] for item in receiver.events()]
    event: stripe.Event = stripe.Webhook.construct_event(
        received[0].body, received[0].headers["Stripe-Signature"], WEBHOOK_SECRET
    )
    return event


def test_a_payment_intent_to_a_connected_account_waits_for_a_payment_method(
    client: stripe.StripeClient, destination: str
) -> None:
    intent = tip(client, destination).to_dict()

    assert intent["id"].startswith("pi_") and intent["object"] == "payment_intent"
    assert re.fullmatch(rf"{intent['id']}_secret_\w+", intent["client_secret"])
    assert (intent["amount"], intent["currency"], intent["application_fee_amount"]) == (500, "usd", 50)
    assert intent["transfer_data"] == {"destination": destination}
    assert intent["metadata"] == {"tip_id": "tip-1", "session_id": "session-1"}
    assert (intent["status"], intent["livemode"], intent["latest_charge"]) == ("requires_payment_method", False, None)
    assert intent["automatic_payment_methods"] == {"allow_redirects": "always", "enabled": True}


@pytest.mark.parametrize("listed", ["payment_method_types", "allowed_payment_method_types"])
def test_listing_payment_method_types_turns_automatic_payment_methods_off(
    client: stripe.StripeClient, destination: str, listed: str
) -> None:
    intent = tip(client, destination, automatic_payment_methods=None, **{listed: ["card"]})

    assert (intent.payment_method_types, intent.automatic_payment_methods) == (["card"], None)


@pytest.mark.parametrize(
    ("overrides", "param", "code"),
    [
        ({"amount": None}, "amount", "parameter_missing"),
        ({"amount": 10}, "amount", "amount_too_small"),
        ({"currency": "xyz"}, "currency", None),
        ({"transfer_data": {"destination": "acct_missing"}}, "transfer_data[destination]", "resource_missing"),
        ({"transfer_data": None}, "application_fee_amount", None),
        ({"application_fee_amount": 501}, "application_fee_amount", None),
        ({"payment_method_types": ["card"]}, "automatic_payment_methods", None),
        ({"tip_amount": 5}, "tip_amount", None),
        ({"confirm": True}, "payment_method", "parameter_missing"),
        ({"on_behalf_of": "acct_missing"}, "on_behalf_of", "resource_missing"),
    ],
    ids=["no amount", "too small", "unknown currency", "no such destination", "fee without destination",
         "fee above the amount", "both payment method settings", "unknown parameter",
         "confirm without a payment method", "on behalf of no account"],
)  # fmt: skip
def test_a_payment_intent_with_a_missing_or_invalid_param_is_a_400_naming_it(
    client: stripe.StripeClient, destination: str, overrides: dict[str, Any], param: str, code: str | None
) -> None:
    with pytest.raises(stripe.InvalidRequestError) as refused:
        tip(client, destination, **overrides)

    assert (refused.value.http_status, refused.value.param, refused.value.code) == (400, param, code)


def test_a_destination_that_has_not_onboarded_cannot_receive_transfers(client: stripe.StripeClient) -> None:
    pending = client.v1.accounts.create(params={"type": "express", "capabilities": {"transfers": {"requested": True}}})

    with pytest.raises(stripe.InvalidRequestError) as refused:
        tip(client, pending.id)

    assert refused.value.code == "insufficient_capabilities_for_transfer"


def test_confirming_with_pm_card_visa_succeeds_with_a_destination_charge(
    client: stripe.StripeClient, destination: str
) -> None:
    intent = tip(client, destination)

    confirmed = client.v1.payment_intents.confirm(intent.id, params={"payment_method": "pm_card_visa"})

    assert (confirmed.status, confirmed.amount_received) == ("succeeded", 500)
    assert confirmed.payment_method is not None and confirmed.latest_charge is not None
    charge = client.v1.charges.retrieve(str(confirmed.latest_charge)).to_dict()
    assert charge["id"].startswith("ch_") and charge["payment_intent"] == intent.id
    assert (charge["status"], charge["paid"], charge["amount_captured"]) == ("succeeded", True, 500)
    assert charge["transfer_data"] == {"amount": None, "destination": destination}
    assert charge["application_fee_amount"] == 50
    assert charge["payment_method_details"]["card"]["last4"] == "4242"


def test_a_successful_payment_sends_payment_intent_succeeded_and_charge_succeeded(
    client: stripe.StripeClient, destination: str, receiver: Receiver
) -> None:
    intent = tip(client, destination)

    client.v1.payment_intents.confirm(intent.id, params={"payment_method": "pm_card_visa"})

    succeeded = delivered(receiver, "payment_intent.succeeded")
    assert (succeeded.data.object.id, succeeded.data.object.status) == (intent.id, "succeeded")
    assert succeeded.data.object.metadata.to_dict() == {"tip_id": "tip-1", "session_id": "session-1"}
    assert "account" not in succeeded  # a destination charge is the platform's own payment
    assert delivered(receiver, "charge.succeeded").data.object.payment_intent == intent.id


@pytest.mark.parametrize("payment_method", ["pm_card_chargeDeclined", "pm_card_visa_chargeDeclined"])
def test_a_declined_card_is_a_402_card_error_and_the_intent_waits_for_another_method(
    client: stripe.StripeClient, destination: str, payment_method: str
) -> None:
    intent = tip(client, destination)

    with pytest.raises(stripe.CardError) as declined:
        client.v1.payment_intents.confirm(intent.id, params={"payment_method": payment_method})

    assert (declined.value.http_status, declined.value.code) == (402, "card_declined")
    assert declined.value.error is not None and declined.value.error.decline_code == "generic_decline"
    after = client.v1.payment_intents.retrieve(intent.id).to_dict()
    assert (after["status"], after["payment_method"]) == ("requires_payment_method", None)
    assert after["last_payment_error"]["code"] == "card_declined"
    assert after["last_payment_error"]["type"] == "card_error"


def test_a_declined_payment_sends_payment_intent_payment_failed(
    client: stripe.StripeClient, destination: str, receiver: Receiver
) -> None:
    intent = tip(client, destination)

    with pytest.raises(stripe.CardError):
        client.v1.payment_intents.confirm(intent.id, params={"payment_method": "pm_card_chargeDeclined"})

    failed = delivered(receiver, "payment_intent.payment_failed")
    assert failed.data.object.id == intent.id
    assert failed.data.object.last_payment_error.message == "Your card was declined."
    assert delivered(receiver, "charge.failed").data.object.failure_code == "card_declined"


def test_a_declined_intent_can_be_paid_with_another_card(client: stripe.StripeClient, destination: str) -> None:
    intent = tip(client, destination)
    with pytest.raises(stripe.CardError):
        client.v1.payment_intents.confirm(intent.id, params={"payment_method": "pm_card_chargeDeclined"})

    confirmed = client.v1.payment_intents.confirm(intent.id, params={"payment_method": "pm_card_visa"})

    assert confirmed.status == "succeeded"


def test_a_succeeded_intent_cannot_be_confirmed_again(client: stripe.StripeClient, destination: str) -> None:
    intent = tip(client, destination)
    client.v1.payment_intents.confirm(intent.id, params={"payment_method": "pm_card_visa"})

    with pytest.raises(stripe.InvalidRequestError) as refused:
        client.v1.payment_intents.confirm(intent.id, params={"payment_method": "pm_card_visa"})

    assert (refused.value.http_status, refused.value.code) == (400, "payment_intent_unexpected_state")


def test_an_unknown_payment_method_is_refused(client: stripe.StripeClient, destination: str) -> None:
    intent = tip(client, destination)

    with pytest.raises(stripe.InvalidRequestError) as refused:
        client.v1.payment_intents.confirm(intent.id, params={"payment_method": "pm_card_unknown"})

    assert (refused.value.param, refused.value.code) == ("payment_method", "resource_missing")


def test_creating_with_confirm_and_a_payment_method_pays_at_once(client: stripe.StripeClient, destination: str) -> None:
    intent = tip(client, destination, payment_method="pm_card_visa", confirm=True)

    assert intent.status == "succeeded"


def test_the_admin_routes_complete_or_fail_a_payment_without_a_confirmation(
    client: stripe.StripeClient, local_stripe: LocalStripe, destination: str, receiver: Receiver
) -> None:
    paid, refused = tip(client, destination), tip(client, destination)

    completed = admin(local_stripe, f"/_local/payment_intents/{paid.id}/succeed")
    failed = admin(local_stripe, f"/_local/payment_intents/{refused.id}/fail")

    assert (completed[0], completed[1]["status"]) == (200, "succeeded")
    assert (failed[0], failed[1]["status"]) == (200, "requires_payment_method")
    assert delivered(receiver, "payment_intent.succeeded").data.object.id == paid.id
    failure = delivered(receiver, "payment_intent.payment_failed")
    assert failure.data.object.id == refused.id
    assert failure.to_dict()["request"] == {"id": None, "idempotency_key": None}  # no API request caused it


def test_the_admin_route_answers_404_for_an_unknown_intent(local_stripe: LocalStripe) -> None:
    status, answer = admin(local_stripe, "/_local/payment_intents/pi_missing/succeed")

    assert (status, answer["error"]["code"]) == (404, "resource_missing")


@pytest.fixture
def paid(client: stripe.StripeClient, destination: str) -> stripe.PaymentIntent:
    return tip(client, destination, payment_method="pm_card_visa", confirm=True)


def test_a_partial_refund_leaves_the_charge_not_refunded(
    client: stripe.StripeClient, paid: stripe.PaymentIntent, receiver: Receiver
) -> None:
    refund = client.v1.refunds.create(params={"payment_intent": paid.id, "amount": 200})

    assert refund.id.startswith("re_")
    assert (refund.object, refund.status, refund.amount, refund.charge) == (
        "refund",
        "succeeded",
        200,
        paid.latest_charge,
    )
    refunded = delivered(receiver, "charge.refunded")
    assert (refunded.data.object.amount_refunded, refunded.data.object.refunded) == (200, False)
    assert refunded.to_dict()["data"]["previous_attributes"] == {"amount_refunded": 0, "refunded": False}


def test_refunding_the_rest_marks_the_charge_refunded(
    client: stripe.StripeClient, paid: stripe.PaymentIntent, receiver: Receiver
) -> None:
    client.v1.refunds.create(params={"payment_intent": paid.id, "amount": 200})

    client.v1.refunds.create(params={"charge": str(paid.latest_charge)})

    charge = client.v1.charges.retrieve(str(paid.latest_charge))
    assert (charge.amount_refunded, charge.refunded) == (500, True)
    last = eventually(
        lambda: [item for item in receiver.events("charge.refunded") if item.event["data"]["object"]["refunded"]]
    )
    assert last[0].event["data"]["object"]["amount_refunded"] == 500


def test_a_refund_above_what_is_left_is_refused(client: stripe.StripeClient, paid: stripe.PaymentIntent) -> None:
    with pytest.raises(stripe.InvalidRequestError) as refused:
        client.v1.refunds.create(params={"payment_intent": paid.id, "amount": 501})

    assert (refused.value.http_status, refused.value.param) == (400, "amount")


def test_an_intent_that_was_not_paid_has_nothing_to_refund(client: stripe.StripeClient, destination: str) -> None:
    intent = tip(client, destination)

    with pytest.raises(stripe.InvalidRequestError) as refused:
        client.v1.refunds.create(params={"payment_intent": intent.id})

    assert refused.value.code == "charge_not_refundable"


def test_expand_replaces_an_id_with_its_object(client: stripe.StripeClient, paid: stripe.PaymentIntent) -> None:
    expanded = client.v1.payment_intents.retrieve(paid.id, params={"expand": ["latest_charge"]}).to_dict()

    assert expanded["latest_charge"]["object"] == "charge"
    assert expanded["latest_charge"]["id"] == paid.latest_charge
