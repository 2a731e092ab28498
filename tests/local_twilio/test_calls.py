"""Fake calls on the local Twilio: a call to a number bought here POSTs its status callbacks (ringing,
in-progress, completed) to the number's StatusCallback, signed as Twilio signs them, which the official
`RequestValidator` accepts with the account's auth token and no other."""

from __future__ import annotations

from urllib.parse import parse_qsl

from twilio.request_validator import RequestValidator  # type: ignore[import-untyped]

from agents.providers.twilio import TwilioNumbers
from tests.local_twilio.conftest import ACCOUNT_SID, AUTH_TOKEN
from tests.local_twilio.support import admin
from tests.provider_double import Scripted
from tools.local_twilio import LocalTwilio, signature


def bought(local_twilio: LocalTwilio, callback: str) -> str:
    numbers = TwilioNumbers(local_twilio.base_url, ACCOUNT_SID, AUTH_TOKEN)
    return numbers.buy_local_number(country="ES", friendly_name="colmena-o1", status_callback_url=callback).phone_number


def test_a_call_posts_each_status_to_the_numbers_callback(local_twilio: LocalTwilio, api: Scripted) -> None:
    callback = f"{api.url}/webhooks/twilio/call-status"
    number = bought(local_twilio, callback)
    api.answer(204).answer(204).answer(204)

    status, placed = admin(local_twilio, "POST", "/calls", {"to": number, "from": "+34600111222", "duration": 61})

    assert status == 201 and placed["call_sid"].startswith("CA")
    received = [dict(parse_qsl(seen.body.decode(), keep_blank_values=True)) for seen in api.seen]
    assert [params["CallStatus"] for params in received] == ["ringing", "in-progress", "completed"]
    assert {(params["CallSid"], params["To"], params["From"], params["AccountSid"]) for params in received} == {
        (placed["call_sid"], number, "+34600111222", ACCOUNT_SID)
    }
    assert received[-1]["CallDuration"] == "61" and "CallDuration" not in received[0]
    assert [delivery["status"] for delivery in placed["deliveries"]] == [204, 204, 204]
    assert all(seen.path == "/webhooks/twilio/call-status" and seen.method == "POST" for seen in api.seen)


def test_each_callback_is_signed_as_the_official_validator_checks_it(local_twilio: LocalTwilio, api: Scripted) -> None:
    callback = f"{api.url}/webhooks/twilio/call-status"
    number = bought(local_twilio, callback)

    admin(local_twilio, "POST", "/calls", {"to": number, "duration": 5})

    for seen in api.seen:
        params = dict(parse_qsl(seen.body.decode(), keep_blank_values=True))
        assert "CalledCity" in params and params["CalledCity"] == ""  # the empty ones are signed too
        assert RequestValidator(AUTH_TOKEN).validate(callback, params, seen.headers["x-twilio-signature"])
        assert not RequestValidator("another-token").validate(callback, params, seen.headers["x-twilio-signature"])


def test_the_signature_is_the_one_the_official_library_computes() -> None:
    url = "https://example.com/webhooks/twilio/call-status?stage=dev"
    params = {"CallSid": "CA1", "CallStatus": "completed", "CallDuration": "61", "CalledCity": "", "To": "+34910000001"}

    assert signature("12345", url, params) == RequestValidator("12345").compute_signature(url, params)


def test_a_call_to_a_number_not_bought_here_is_refused(local_twilio: LocalTwilio) -> None:
    status, answer = admin(local_twilio, "POST", "/calls", {"to": "+34910000005"})

    assert status == 404 and "+34910000005" in answer["error"]


def test_the_calls_placed_are_in_the_state(local_twilio: LocalTwilio, api: Scripted) -> None:
    number = bought(local_twilio, f"{api.url}/webhooks/twilio/call-status")

    _, placed = admin(local_twilio, "POST", "/calls", {"to": number, "duration": 30})

    assert [call["call_sid"] for call in admin(local_twilio, "GET", "/state")[1]["calls"]] == [placed["call_sid"]]
