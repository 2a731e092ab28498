"""Express accounts, their onboarding links, and the signed Connect `account.updated` that completing the
onboarding sends, all through the unmodified `stripe` library."""

from __future__ import annotations

import time
import urllib.error
import urllib.request

import pytest
import stripe

from tests.local_stripe.support import CONNECT_SECRET, WEBHOOK_SECRET, Receiver, eventually
from tools.local_stripe import LocalStripe


def express_account(client: stripe.StripeClient) -> stripe.Account:
    return client.v1.accounts.create(
        params={
            "type": "express",
            "email": "dj@example.com",
            "metadata": {"user_id": "user-1"},
            "capabilities": {"card_payments": {"requested": True}, "transfers": {"requested": True}},
        }
    )


def onboarding_link(client: stripe.StripeClient, account_id: str) -> stripe.AccountLink:
    return client.v1.account_links.create(
        params={
            "account": account_id,
            "refresh_url": "https://colmena.example/stripe/refresh",
            "return_url": "https://colmena.example/stripe/return",
            "type": "account_onboarding",
        }
    )


def visit(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as page:  # noqa: S310 (the fake on loopback)
            return page.status, page.read().decode()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read().decode()


def test_a_new_express_account_cannot_take_payments_before_its_onboarding(client: stripe.StripeClient) -> None:
    account = express_account(client).to_dict()

    assert account["id"].startswith("acct_")
    assert (account["object"], account["type"], account["email"]) == ("account", "express", "dj@example.com")
    assert account["metadata"] == {"user_id": "user-1"}
    assert (account["charges_enabled"], account["payouts_enabled"], account["details_submitted"]) == (
        False,
        False,
        False,
    )
    assert account["capabilities"] == {"card_payments": "inactive", "transfers": "inactive"}
    assert "external_account" in account["requirements"]["currently_due"]
    assert abs(account["created"] - time.time()) < 5


def test_an_accounts_business_profile_is_kept(client: stripe.StripeClient) -> None:
    account = client.v1.accounts.create(
        params={"type": "express", "business_profile": {"name": "DJ Ana", "product_description": "Live sets"}}
    ).to_dict()

    assert (account["business_profile"]["name"], account["business_profile"]["product_description"]) == (
        "DJ Ana",
        "Live sets",
    )


def test_an_account_is_retrieved_as_it_was_created(client: stripe.StripeClient) -> None:
    created = express_account(client)

    retrieved = client.v1.accounts.retrieve(created.id)

    assert retrieved.to_dict() == created.to_dict()


def test_an_unknown_account_is_a_404_resource_missing(client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as refused:
        client.v1.accounts.retrieve("acct_missing")

    assert refused.value.http_status == 404
    assert refused.value.code == "resource_missing"
    assert refused.value.user_message == "No such account: 'acct_missing'"


def test_an_account_without_a_type_is_refused_naming_the_param(client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as refused:
        client.v1.accounts.create(params={"email": "dj@example.com"})

    assert (refused.value.http_status, refused.value.param, refused.value.code) == (400, "type", "parameter_missing")


def test_an_onboarding_link_is_an_account_link_served_by_the_fake_that_expires(
    client: stripe.StripeClient, local_stripe: LocalStripe
) -> None:
    account = express_account(client)

    link = onboarding_link(client, account.id)

    assert link.object == "account_link"
    assert link.url.startswith(f"{local_stripe.base_url}/_local/onboarding/")
    assert link.expires_at - link.created == 300


def test_a_link_for_an_unknown_account_is_refused(client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as refused:
        onboarding_link(client, "acct_missing")

    assert (refused.value.http_status, refused.value.param) == (400, "account")


def test_visiting_the_link_completes_the_onboarding(client: stripe.StripeClient) -> None:
    account = express_account(client)
    link = onboarding_link(client, account.id)

    status, page = visit(link.url)

    assert status == 200
    assert "https://colmena.example/stripe/return" in page
    onboarded = client.v1.accounts.retrieve(account.id).to_dict()
    assert (onboarded["charges_enabled"], onboarded["payouts_enabled"], onboarded["details_submitted"]) == (
        True,
        True,
        True,
    )
    assert onboarded["capabilities"] == {"card_payments": "active", "transfers": "active"}
    assert onboarded["requirements"]["currently_due"] == []


def test_a_link_works_once_then_points_to_the_refresh_url(client: stripe.StripeClient) -> None:
    link = onboarding_link(client, express_account(client).id)
    visit(link.url)

    status, page = visit(link.url)

    assert status == 410
    assert "https://colmena.example/stripe/refresh" in page


def test_completing_the_onboarding_sends_a_connect_account_updated_signed_with_the_connect_secret(
    client: stripe.StripeClient, receiver: Receiver
) -> None:
    account = express_account(client)

    visit(onboarding_link(client, account.id).url)

    delivered = eventually(lambda: receiver.events("account.updated"))[0]
    event = stripe.Webhook.construct_event(delivered.body, delivered.headers["Stripe-Signature"], CONNECT_SECRET)
    assert (event.type, event.account) == ("account.updated", account.id)
    assert event.data.object.id == account.id
    assert event.data.object.charges_enabled is True
    assert event.data.previous_attributes.charges_enabled is False
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(delivered.body, delivered.headers["Stripe-Signature"], WEBHOOK_SECRET)
