"""The Twilio numbers gateway, through the official `twilio` library, against a scripted server speaking
Twilio's 2010-04-01 wire format: what each call sends, what it makes of the answer, and the typed error each
failure becomes."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest

from agents.providers.errors import (
    NoNumberAvailable,
    ProviderNotFound,
    ProviderRateLimited,
    ProviderRejected,
    ProviderUnavailable,
)
from agents.providers.twilio import PurchasedNumber, TwilioNumbers
from tests.provider_double import Scripted, allow_loopback_only, closed_port, scripted_provider

SID = "AC" + "1" * 32
TOKEN = "auth-token"
ACCOUNT = f"/2010-04-01/Accounts/{SID}"
CALLBACK = "http://127.0.0.1:3000/webhooks/twilio/call-status"


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    allow_loopback_only(monkeypatch)


@pytest.fixture
def twilio() -> Iterator[Scripted]:
    with scripted_provider() as scripted:
        yield scripted


def numbers(scripted: Scripted, **options: Any) -> TwilioNumbers:
    return TwilioNumbers(scripted.url, SID, TOKEN, **options)


def available(*phone_numbers: str, country: str = "ES") -> dict[str, Any]:
    return {
        "available_phone_numbers": [
            {"friendly_name": number, "phone_number": number, "iso_country": country, "locality": None,
             "region": None, "postal_code": None, "lata": None, "rate_center": None, "latitude": None,
             "longitude": None, "address_requirements": "none", "beta": False,
             "capabilities": {"voice": True, "SMS": False, "MMS": False}}
            for number in phone_numbers
        ],
        "uri": f"{ACCOUNT}/AvailablePhoneNumbers/{country}/Local.json",
    }  # fmt: skip


def incoming(sid: str, phone_number: str, friendly_name: str) -> dict[str, Any]:
    return {"sid": sid, "account_sid": SID, "phone_number": phone_number, "friendly_name": friendly_name,
            "status_callback": CALLBACK, "status_callback_method": "POST",
            "uri": f"{ACCOUNT}/IncomingPhoneNumbers/{sid}.json"}  # fmt: skip


def page(*items: dict[str, Any]) -> dict[str, Any]:
    return {"incoming_phone_numbers": list(items), "end": len(items) - 1, "first_page_uri": "", "next_page_uri": None,
            "page": 0, "page_size": 20, "previous_page_uri": None, "start": 0, "uri": ""}  # fmt: skip


def error(status: int, code: int, message: str) -> dict[str, Any]:
    return {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }


def test_a_local_number_is_searched_in_the_country_then_bought_with_its_status_callback(twilio: Scripted) -> None:
    twilio.answer(200, available("+34910000001", "+34910000002"))
    twilio.answer(201, incoming("PN1", "+34910000001", "colmena-o1"))

    bought = numbers(twilio).buy_local_number(country="es", friendly_name="colmena-o1", status_callback_url=CALLBACK)

    assert bought == PurchasedNumber("PN1", "+34910000001", "colmena-o1")
    search, purchase = twilio.seen
    assert (search.method, search.path) == ("GET", f"{ACCOUNT}/AvailablePhoneNumbers/ES/Local.json")
    assert (purchase.method, purchase.path) == ("POST", f"{ACCOUNT}/IncomingPhoneNumbers.json")
    assert purchase.form() == {"PhoneNumber": ["+34910000001"], "FriendlyName": ["colmena-o1"],
                               "StatusCallback": [CALLBACK], "StatusCallbackMethod": ["POST"]}  # fmt: skip
    assert purchase.headers["authorization"] == "Basic " + base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()


def test_no_local_number_in_the_country_is_no_number_available(twilio: Scripted) -> None:
    twilio.answer(200, available(country="AQ"))

    with pytest.raises(NoNumberAvailable) as raised:
        numbers(twilio).buy_local_number(country="AQ", friendly_name="colmena-o1", status_callback_url=CALLBACK)

    assert "AQ" in raised.value.reason
    assert len(twilio.seen) == 1


def test_a_number_taken_meanwhile_is_passed_over_for_the_next_one_found(twilio: Scripted) -> None:
    twilio.answer(200, available("+34910000001", "+34910000002"))
    twilio.answer(400, error(400, 21422, "PhoneNumber requested is not available"))
    twilio.answer(201, incoming("PN2", "+34910000002", "colmena-o1"))

    bought = numbers(twilio).buy_local_number(country="ES", friendly_name="colmena-o1", status_callback_url=CALLBACK)

    assert bought.phone_number == "+34910000002"
    assert [seen.form().get("PhoneNumber") for seen in twilio.seen[1:]] == [["+34910000001"], ["+34910000002"]]


def test_a_purchase_twilio_refuses_is_a_rejection_with_its_message(twilio: Scripted) -> None:
    twilio.answer(200, available("+34910000001"))
    twilio.answer(400, error(400, 21631, "Phone Number Requires an Address"))

    with pytest.raises(ProviderRejected) as raised:
        numbers(twilio).buy_local_number(country="ES", friendly_name="colmena-o1", status_callback_url=CALLBACK)

    assert raised.type is ProviderRejected
    assert raised.value.status == 400 and "Phone Number Requires an Address (error 21631)" in raised.value.reason


def test_the_number_bought_earlier_is_found_by_its_friendly_name(twilio: Scripted) -> None:
    twilio.answer(200, page(incoming("PN1", "+34910000001", "colmena-o1")))

    found = numbers(twilio).find_purchased("colmena-o1")

    assert found == PurchasedNumber("PN1", "+34910000001", "colmena-o1")
    assert twilio.seen[0].path == f"{ACCOUNT}/IncomingPhoneNumbers.json"
    assert twilio.seen[0].query["FriendlyName"] == ["colmena-o1"]


def test_no_number_with_the_friendly_name_is_none(twilio: Scripted) -> None:
    twilio.answer(200, page())

    assert numbers(twilio).find_purchased("colmena-o1") is None


def test_a_number_is_released_and_one_already_released_counts_as_done(twilio: Scripted) -> None:
    gone = f"The requested resource {ACCOUNT}/IncomingPhoneNumbers/PN1.json was not found"
    twilio.answer(204).answer(404, error(404, 20404, gone))
    gateway = numbers(twilio)

    gateway.release("PN1")
    gateway.release("PN1")

    assert [(seen.method, seen.path) for seen in twilio.seen] == [
        ("DELETE", f"{ACCOUNT}/IncomingPhoneNumbers/PN1.json")
    ] * 2


@pytest.mark.parametrize(
    ("status", "expected"),
    [(429, ProviderRateLimited), (500, ProviderUnavailable), (503, ProviderUnavailable), (404, ProviderNotFound),
     (401, ProviderRejected)],
)  # fmt: skip
def test_each_error_status_becomes_its_typed_error(twilio: Scripted, status: int, expected: type[Exception]) -> None:
    twilio.answer(status, error(status, 20000 + status, "what Twilio said"))

    with pytest.raises(expected) as raised:
        numbers(twilio).find_purchased("colmena-o1")

    assert raised.type is expected
    assert "what Twilio said" in str(raised.value)


def test_the_correlation_id_goes_with_the_call(twilio: Scripted) -> None:
    twilio.answer(200, page())

    numbers(twilio, correlation_id=lambda: "corr-7").find_purchased("colmena-o1")

    assert twilio.seen[0].headers["x-correlation-id"] == "corr-7"


def test_twilio_not_answering_in_time_is_unavailable(twilio: Scripted) -> None:
    twilio.answer(200, page(), delay=0.5)

    with pytest.raises(ProviderUnavailable) as raised:
        numbers(twilio, timeout=0.1).find_purchased("colmena-o1")

    assert "in time" in raised.value.reason


def test_twilio_refusing_connections_is_unavailable() -> None:
    nowhere = TwilioNumbers(f"http://127.0.0.1:{closed_port()}", SID, TOKEN)

    with pytest.raises(ProviderUnavailable) as raised:
        nowhere.release("PN1")

    assert "could not be reached" in raised.value.reason
