"""Call usage's rules: minutes rounded up, the month a callback counts in, the month a client asks for, what a
callback's form says, and the public URL its signature is checked against; with Twilio's own signature vectors
checked through the same RequestValidator and form shape the webhook uses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from twilio.request_validator import RequestValidator  # type: ignore[import-untyped]  # no stubs

from agents.call_status import FormFields, form_fields
from agents.usage import (
    CallStatus,
    billable_minutes,
    callback_of,
    month_of,
    public_url,
    requested_month,
)
from colmena.errors import Forbidden, InvalidInput, InvalidPayload

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
CALL_SID = "CA5a1e0000000000000000000000000001"


def form(**fields: str) -> dict[str, list[str]]:
    return {name: [value] for name, value in fields.items()}


# ---------------------------------------------------------------- minutes and months


@pytest.mark.parametrize(("seconds", "minutes"), [(0, 0), (1, 1), (59, 1), (60, 1), (61, 2), (125, 3), (3600, 60)])
def test_a_calls_seconds_are_billed_in_whole_minutes_rounded_up(seconds: int, minutes: int) -> None:
    assert billable_minutes(seconds) == minutes


@given(st.integers(min_value=1, max_value=24 * 3600))
def test_the_billed_minutes_cover_the_call_and_never_a_whole_minute_more(seconds: int) -> None:
    minutes = billable_minutes(seconds)

    assert minutes * 60 >= seconds > (minutes - 1) * 60


def test_a_negative_duration_is_refused() -> None:
    with pytest.raises(ValueError, match="-1 seconds"):
        billable_minutes(-1)


def test_the_month_is_the_utc_month_even_when_the_time_was_written_in_another_zone() -> None:
    madrid_new_year = datetime(2027, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=1)))

    assert month_of(madrid_new_year) == "2026-12"


def test_without_a_month_asked_for_the_current_utc_month_is_answered() -> None:
    assert requested_month(None, NOW) == "2026-11"


@pytest.mark.parametrize("text", ["2026-13", "2026-1", "26-11", "2026-11-01", "november", ""])
def test_a_malformed_month_is_refused_naming_the_month_field(text: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        requested_month(text, NOW)

    assert refused.value.field == "month"


# ---------------------------------------------------------------- the callback's form


def test_a_completed_callback_says_its_call_number_minutes_and_month() -> None:
    callback = callback_of(
        form(
            CallSid=CALL_SID,
            To="+34910000001",
            CallStatus="completed",
            CallDuration="125",
            Timestamp="Mon, 30 Nov 2026 23:59:30 +0000",
        ),
        NOW,
    )

    assert callback.status is CallStatus.COMPLETED
    assert (callback.call_sid, callback.to, callback.duration_s, callback.minutes) == (CALL_SID, "+34910000001", 125, 3)
    assert callback.month == "2026-11"


def test_a_callback_without_a_timestamp_counts_in_the_month_it_was_received() -> None:
    callback = callback_of(form(CallSid=CALL_SID, To="+34910000001", CallStatus="completed", CallDuration="5"), NOW)

    assert callback.at == NOW


@pytest.mark.parametrize("status", ["ringing", "in-progress", "busy", "no-answer", "failed", "canceled"])
def test_a_call_that_did_not_complete_takes_no_minutes(status: str) -> None:
    callback = callback_of(form(CallSid=CALL_SID, To="+34910000001", CallStatus=status, CallDuration="40"), NOW)

    assert callback.minutes == 0 and not callback.status.counts


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"To": "+34910000001", "CallStatus": "completed", "CallDuration": "5"}, "CallSid"),
        ({"CallSid": "not-a-call", "To": "+34910000001", "CallStatus": "completed", "CallDuration": "5"}, "CallSid"),
        ({"CallSid": CALL_SID, "To": "+34910000001", "CallStatus": "answered-twice"}, "CallStatus"),
        ({"CallSid": CALL_SID, "To": "+34910000001", "CallStatus": "completed"}, "CallDuration"),
        ({"CallSid": CALL_SID, "To": "+34910000001", "CallStatus": "completed", "CallDuration": "-3"}, "CallDuration"),
        (
            {"CallSid": CALL_SID, "To": "+34910000001", "CallStatus": "completed", "CallDuration": "999999"},
            "CallDuration",
        ),
        ({"CallSid": CALL_SID, "CallStatus": "completed", "CallDuration": "5"}, "To"),
        (
            {
                "CallSid": CALL_SID,
                "To": "+34910000001",
                "CallStatus": "completed",
                "CallDuration": "5",
                "Timestamp": "x",
            },
            "Timestamp",
        ),
    ],
)
def test_a_callback_twilio_would_never_send_is_refused_naming_the_field(fields: dict[str, str], named: str) -> None:
    with pytest.raises(InvalidPayload, match=named):
        callback_of(form(**fields), NOW)


def test_a_form_keeps_its_empty_fields_and_repeated_ones() -> None:
    fields = form_fields("CallerName=&ForwardedFrom=&Digits=1&Digits=2")

    assert fields == {"CallerName": [""], "ForwardedFrom": [""], "Digits": ["1", "2"]}


def test_a_body_that_is_not_a_form_cannot_carry_a_valid_signature() -> None:
    with pytest.raises(Forbidden):
        form_fields("just some text")


# ---------------------------------------------------------------- the signed URL


def test_the_configured_public_base_url_and_the_path_are_the_signed_url() -> None:
    url = public_url(
        base_url="http://127.0.0.1:3000/",
        path="/webhooks/twilio/call-status",
        query=None,
        api_id="abc123defg",
        stage="dev",
        region="eu-west-1",
    )

    assert url == "http://127.0.0.1:3000/webhooks/twilio/call-status"


def test_without_a_configured_base_the_apis_own_address_carries_the_stage_once() -> None:
    url = public_url(
        base_url="",
        path="/webhooks/twilio/call-status",
        query=None,
        api_id="abc123defg",
        stage="prod",
        region="eu-west-1",
    )

    assert url == "https://abc123defg.execute-api.eu-west-1.amazonaws.com/prod/webhooks/twilio/call-status"


def test_a_query_string_is_part_of_the_signed_url() -> None:
    url = public_url(
        base_url="https://api.colmena.example",
        path="/webhooks/twilio/call-status",
        query={"attempt": ["2"]},
        api_id="abc123defg",
        stage="prod",
        region="eu-west-1",
    )

    assert url == "https://api.colmena.example/webhooks/twilio/call-status?attempt=2"


# ---------------------------------------------------------------- Twilio's own vectors
# From Twilio's request-validation documentation and twilio-python's tests/unit/test_request_validator.py:
# auth token 12345, this URL and these POST parameters.
TOKEN = "12345"
DOCUMENTED_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
DOCUMENTED = {
    "CallSid": "CA1234567890ABCDE",
    "Caller": "+14158675310",
    "Digits": "1234",
    "From": "+14158675310",
    "To": "+18005551212",
}
LIBRARY = {**DOCUMENTED, "Caller": "+14158675309", "From": "+14158675309"}


@pytest.mark.parametrize(
    ("params", "signature"),
    [(DOCUMENTED, "GvWf1cFY/Q7PnoempGyD5oXAezc="), (LIBRARY, "RSOYDt4T1cUTdK1PDd93/VVr8B8=")],
)
def test_twilios_documented_signatures_hold_for_the_form_as_the_webhook_reads_it(
    params: dict[str, str], signature: str
) -> None:
    fields = FormFields(form(**params))

    assert RequestValidator(TOKEN).validate(DOCUMENTED_URL, fields, signature)


def test_twilios_vector_with_a_repeated_field_holds_for_every_value_of_it() -> None:
    fields = form_fields("Sid=CA123&SidAccount=AC123&Digits=5678&Digits=1234")

    assert RequestValidator(TOKEN).validate(DOCUMENTED_URL, fields, "IK+Dwps556ElfBT0I3Rgjkr1wJU=")


@pytest.mark.parametrize(
    "change",
    [
        {"Digits": "9999"},  # a field changed
        {"ForwardedFrom": ""},  # an empty field added: Twilio signs empty ones too
    ],
)
def test_a_changed_form_does_not_hold_twilios_documented_signature(change: dict[str, str]) -> None:
    fields = FormFields(form(**{**DOCUMENTED, **change}))

    assert not RequestValidator(TOKEN).validate(DOCUMENTED_URL, fields, "GvWf1cFY/Q7PnoempGyD5oXAezc=")


def test_the_documented_signature_does_not_hold_for_another_url() -> None:
    fields = FormFields(form(**DOCUMENTED))

    assert not RequestValidator(TOKEN).validate(
        "https://mycompany.com/dev/myapp.php?foo=1&bar=2", fields, "GvWf1cFY/Q7PnoempGyD5oXAezc="
    )
