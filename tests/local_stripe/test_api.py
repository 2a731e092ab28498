"""The wire format as the `stripe` library meets it: authentication, Stripe's error envelope and status
codes, idempotent requests, and the form encoding of nested parameters."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from typing import Any

import pytest
import stripe

from tests.local_stripe.support import API_KEY, OTHER_API_KEY, Receiver, eventually
from tools.local_stripe import LocalStripe
from tools.local_stripe.errors import StripeError
from tools.local_stripe.forms import decode
from tools.local_stripe.idempotency import IdempotencyKeys


def client_with(local_stripe: LocalStripe, api_key: str) -> stripe.StripeClient:
    return stripe.StripeClient(api_key, base_addresses={"api": local_stripe.base_url}, max_network_retries=0)


def raw(local_stripe: LocalStripe, path: str, body: str | None = None, **headers: str) -> tuple[int, Any]:
    """A request without the library, for what the library never sends."""
    request = urllib.request.Request(  # noqa: S310 (the fake on loopback)
        local_stripe.base_url + path, data=None if body is None else body.encode(), headers=headers
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read())


# --- authentication -------------------------------------------------------------------------------


def test_a_wrong_secret_key_is_a_401_authentication_error(local_stripe: LocalStripe) -> None:
    with pytest.raises(stripe.AuthenticationError) as refused:
        client_with(local_stripe, "sk_test_wrong_key_1234").v1.accounts.create(params={"type": "express"})

    assert refused.value.http_status == 401
    assert refused.value.user_message == "Invalid API Key provided: sk_test_**********1234"


def test_a_request_without_a_key_is_a_401_in_stripes_envelope(local_stripe: LocalStripe) -> None:
    status, answer = raw(local_stripe, "/v1/accounts", "type=express")

    assert status == 401
    assert answer["error"]["type"] == "invalid_request_error"
    assert answer["error"]["message"].startswith("You did not provide an API key.")


def test_the_key_as_basic_auths_user_name_is_accepted_as_curl_u_sends_it(local_stripe: LocalStripe) -> None:
    basic = base64.b64encode(f"{API_KEY}:".encode()).decode()

    status, account = raw(local_stripe, "/v1/accounts", "type=express", Authorization=f"Basic {basic}")

    assert (status, account["object"]) == (200, "account")


# --- errors ---------------------------------------------------------------------------------------


def test_an_unknown_route_is_a_404_in_stripes_envelope(local_stripe: LocalStripe) -> None:
    status, answer = raw(local_stripe, "/v1/subscriptions", Authorization=f"Bearer {API_KEY}")

    assert status == 404
    assert answer["error"]["message"].startswith("Unrecognized request URL (GET: /v1/subscriptions).")


def test_an_invalid_integer_is_a_400_naming_its_param(client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as refused:
        client.v1.payment_intents.create(params={"amount": "five", "currency": "usd"})  # type: ignore[typeddict-item]

    assert (refused.value.http_status, refused.value.param) == (400, "amount")
    assert refused.value.user_message == "Invalid integer: five"


def test_an_error_carries_its_code_doc_url_and_the_request_id(client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as refused:
        client.v1.payment_intents.create(params={"currency": "usd"})  # type: ignore[typeddict-item]

    error = refused.value.json_body["error"]  # type: ignore[index]
    assert error == {
        "type": "invalid_request_error",
        "message": "Missing required param: amount.",
        "code": "parameter_missing",
        "doc_url": "https://stripe.com/docs/error-codes/parameter_missing",
        "param": "amount",
    }
    assert refused.value.request_id is not None and refused.value.request_id.startswith("req_")


# --- idempotency ----------------------------------------------------------------------------------


def create_account(client: stripe.StripeClient, key: str, email: str = "dj@example.com") -> stripe.Account:
    return client.v1.accounts.create(params={"type": "express", "email": email}, options={"idempotency_key": key})


def test_the_same_key_and_parameters_answer_the_first_object_again_marked_replayed(
    client: stripe.StripeClient,
) -> None:
    first = create_account(client, "connect-user-1")

    again = create_account(client, "connect-user-1")

    assert again.id == first.id
    assert again.last_response is not None and again.last_response.headers["Idempotent-Replayed"] == "true"
    assert first.last_response is not None and "Idempotent-Replayed" not in first.last_response.headers


def test_the_same_key_with_other_parameters_is_a_400_idempotency_error(client: stripe.StripeClient) -> None:
    create_account(client, "connect-user-2")

    with pytest.raises(stripe.IdempotencyError) as refused:
        create_account(client, "connect-user-2", email="other@example.com")

    assert refused.value.http_status == 400
    assert refused.value.json_body["error"]["type"] == "idempotency_error"  # type: ignore[index]


def test_the_same_key_on_another_endpoint_is_an_idempotency_error(client: stripe.StripeClient) -> None:
    create_account(client, "shared-key")

    with pytest.raises(stripe.IdempotencyError):
        client.v1.payment_intents.create(
            params={"amount": 500, "currency": "usd"}, options={"idempotency_key": "shared-key"}
        )


def test_keys_are_scoped_per_api_key(client: stripe.StripeClient, local_stripe: LocalStripe) -> None:
    mine = create_account(client, "connect-user-3")

    theirs = create_account(client_with(local_stripe, OTHER_API_KEY), "connect-user-3", email="other@example.com")

    assert theirs.id != mine.id


def test_a_refused_parameter_does_not_use_up_the_key(client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.accounts.create(params={"email": "dj@example.com"}, options={"idempotency_key": "fixed-later"})

    account = create_account(client, "fixed-later")

    assert account.object == "account"


def test_a_declined_confirmation_is_replayed_without_a_second_charge(
    client: stripe.StripeClient, local_stripe: LocalStripe
) -> None:
    intent = client.v1.payment_intents.create(params={"amount": 500, "currency": "usd"})
    confirm: stripe.params.PaymentIntentConfirmParams = {"payment_method": "pm_card_chargeDeclined"}
    with pytest.raises(stripe.CardError) as first:
        client.v1.payment_intents.confirm(intent.id, params=confirm, options={"idempotency_key": "confirm-1"})

    with pytest.raises(stripe.CardError) as again:
        client.v1.payment_intents.confirm(intent.id, params=confirm, options={"idempotency_key": "confirm-1"})

    assert again.value.http_body == first.value.http_body
    assert again.value.headers is not None and again.value.headers["Idempotent-Replayed"] == "true"
    assert len(local_stripe.store.charges) == 1


def test_an_api_request_names_itself_and_its_key_in_the_events_it_causes(
    client: stripe.StripeClient, receiver: Receiver
) -> None:
    intent = client.v1.payment_intents.create(
        params={"amount": 500, "currency": "usd"}, options={"idempotency_key": "tip-42"}
    )

    created = eventually(lambda: receiver.events("payment_intent.created"))[0].event

    assert intent.last_response is not None
    assert created["request"] == {"id": intent.last_response.request_id, "idempotency_key": "tip-42"}


def test_a_retry_while_the_first_request_runs_is_a_409_idempotency_key_in_use() -> None:
    keys = IdempotencyKeys()
    keys.begin(API_KEY, "k1", "POST /v1/payment_intents", {"amount": "500"}, "req_1")

    with pytest.raises(StripeError) as refused:
        keys.begin(API_KEY, "k1", "POST /v1/payment_intents", {"amount": "500"}, "req_2")

    assert (refused.value.status, refused.value.body["code"]) == (409, "idempotency_key_in_use")


# --- the form encoding ----------------------------------------------------------------------------


def test_bracketed_keys_decode_to_nested_hashes_and_indexed_ones_to_lists() -> None:
    decoded = decode(
        "amount=500&transfer_data%5Bdestination%5D=acct_1&metadata%5Btip_id%5D=t1&metadata%5Bsession_id%5D=s1"
        "&payment_method_types%5B0%5D=card&payment_method_types%5B1%5D=link&expand%5B%5D=latest_charge"
        "&capabilities%5Btransfers%5D%5Brequested%5D=true"
    )

    assert decoded == {
        "amount": "500",
        "transfer_data": {"destination": "acct_1"},
        "metadata": {"tip_id": "t1", "session_id": "s1"},
        "payment_method_types": ["card", "link"],
        "expand": ["latest_charge"],
        "capabilities": {"transfers": {"requested": "true"}},
    }


def test_a_key_both_plain_and_nested_is_refused() -> None:
    with pytest.raises(StripeError) as refused:
        decode("metadata=x&metadata%5Bk%5D=v")

    assert (refused.value.status, refused.value.body["param"]) == (400, "metadata[k]")


def test_what_the_library_encodes_arrives_as_it_was_given(
    client: stripe.StripeClient, local_stripe: LocalStripe
) -> None:
    destination = client.v1.accounts.create(
        params={"type": "express", "capabilities": {"transfers": {"requested": True}}}
    )
    local_stripe.store.onboard(destination.id)

    intent = client.v1.payment_intents.create(
        params={
            "amount": 1250,
            "currency": "eur",
            "transfer_data": {"destination": destination.id},
            "metadata": {"tip_id": "tip-7", "note": "a & b = c [d]"},
            "allowed_payment_method_types": ["card"],
        }
    ).to_dict()

    assert intent["transfer_data"] == {"destination": destination.id}
    assert intent["metadata"] == {"tip_id": "tip-7", "note": "a & b = c [d]"}
    assert intent["allowed_payment_method_types"] == intent["payment_method_types"] == ["card"]
