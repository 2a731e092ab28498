"""The local Twilio's phone numbers, through the official `twilio` library and the project's gateway: what is
on offer per country, buying with a status callback, finding by FriendlyName, releasing, its authentication,
and its state under /_local/state."""

from __future__ import annotations

import pytest
from twilio.base.exceptions import TwilioRestException  # type: ignore[import-untyped]

from agents.providers.errors import NoNumberAvailable
from agents.providers.twilio import TwilioNumbers
from tests.local_twilio.conftest import ACCOUNT_SID, AUTH_TOKEN
from tests.local_twilio.support import admin, official_client
from tools.local_twilio import LocalTwilio

CALLBACK = "http://127.0.0.1:3000/webhooks/twilio/call-status"


@pytest.mark.parametrize(("country", "prefix"), [("ES", "+34"), ("US", "+1"), ("GB", "+44"), ("MX", "+52")])
def test_local_numbers_are_on_offer_in_each_country(local_twilio: LocalTwilio, country: str, prefix: str) -> None:
    offered = official_client(local_twilio).available_phone_numbers(country).local.list(limit=3)

    assert len(offered) == 3
    assert all(number.phone_number.startswith(prefix) and number.iso_country == country for number in offered)


def test_a_number_bought_is_listed_by_its_friendly_name_and_no_longer_on_offer(local_twilio: LocalTwilio) -> None:
    account = official_client(local_twilio)
    wanted = account.available_phone_numbers("ES").local.list(limit=1)[0].phone_number

    bought = account.incoming_phone_numbers.create(phone_number=wanted, friendly_name="colmena-o1",
                                                   status_callback=CALLBACK, status_callback_method="POST")  # fmt: skip

    assert bought.sid.startswith("PN") and bought.status_callback == CALLBACK
    assert [number.sid for number in account.incoming_phone_numbers.list(friendly_name="colmena-o1")] == [bought.sid]
    assert account.incoming_phone_numbers.list(friendly_name="colmena-o2") == []
    assert wanted not in [number.phone_number for number in account.available_phone_numbers("ES").local.list()]


def test_the_gateway_buys_finds_and_releases_a_number_the_state_shows(local_twilio: LocalTwilio) -> None:
    numbers = TwilioNumbers(local_twilio.base_url, ACCOUNT_SID, AUTH_TOKEN)

    bought = numbers.buy_local_number(country="MX", friendly_name="colmena-o1", status_callback_url=CALLBACK)
    found = numbers.find_purchased("colmena-o1")
    numbers.release(bought.sid)
    numbers.release(bought.sid)

    assert found == bought
    _, state = admin(local_twilio, "GET", "/state")
    assert state["numbers"] == []
    assert [(number["sid"], number["friendly_name"]) for number in state["released"]] == [(bought.sid, "colmena-o1")]
    assert [entry["status"] for entry in state["requests"] if entry["operation"] == "release_number"] == [204, 404]


def test_a_country_with_nothing_on_offer_or_unknown_to_twilio_has_no_number_available(
    local_twilio: LocalTwilio,
) -> None:
    numbers = TwilioNumbers(local_twilio.base_url, ACCOUNT_SID, AUTH_TOKEN)

    for country in ("FR", "ZZ"):
        with pytest.raises(NoNumberAvailable):
            numbers.buy_local_number(country=country, friendly_name="colmena-o1", status_callback_url=CALLBACK)

    _, state = admin(local_twilio, "GET", "/state")
    assert state["numbers"] == []
    assert [entry["status"] for entry in state["requests"]] == [200, 404]


def test_a_number_not_on_offer_cannot_be_bought(local_twilio: LocalTwilio) -> None:
    with pytest.raises(TwilioRestException) as refused:
        official_client(local_twilio).incoming_phone_numbers.create(phone_number="+34999999999")

    assert (refused.value.status, refused.value.code) == (400, 21422)


def test_a_wrong_auth_token_is_refused_as_twilio_refuses_it(local_twilio: LocalTwilio) -> None:
    with pytest.raises(TwilioRestException) as refused:
        official_client(local_twilio, auth_token="not-the-token").incoming_phone_numbers("PN" + "0" * 32).fetch()

    assert (refused.value.status, refused.value.code) == (401, 20003)
    assert refused.value.msg.endswith("Authenticate")


def test_reset_forgets_every_number_and_request(local_twilio: LocalTwilio) -> None:
    TwilioNumbers(local_twilio.base_url, ACCOUNT_SID, AUTH_TOKEN).buy_local_number(
        country="US", friendly_name="colmena-o1", status_callback_url=CALLBACK
    )

    admin(local_twilio, "POST", "/reset")

    _, state = admin(local_twilio, "GET", "/state")
    assert (state["numbers"], state["released"], state["requests"]) == ([], [], [])


def test_the_official_client_follows_the_pages_of_the_numbers_bought(local_twilio: LocalTwilio) -> None:
    account = official_client(local_twilio)
    for offered in account.available_phone_numbers("GB").local.list(limit=3):
        account.incoming_phone_numbers.create(phone_number=offered.phone_number, friendly_name="colmena-many")

    listed = account.incoming_phone_numbers.list(friendly_name="colmena-many", page_size=2)

    assert len(listed) == 3
    assert len(admin(local_twilio, "GET", "/state")[1]["requests"]) == 1 + 3 + 2  # the search, 3 purchases, 2 pages
