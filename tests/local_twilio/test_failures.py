"""Failure injection on the local Twilio: the next calls of one operation answer Twilio's error for a status,
or never answer (before or after doing the operation), and the gateway sees each as its typed error."""

from __future__ import annotations

import pytest

from agents.providers.errors import ProviderRateLimited, ProviderUnavailable
from agents.providers.twilio import TwilioNumbers
from tests.local_twilio.conftest import ACCOUNT_SID, AUTH_TOKEN
from tests.local_twilio.support import admin
from tools.local_twilio import LocalTwilio

CALLBACK = "http://127.0.0.1:3000/webhooks/twilio/call-status"


def buy(numbers: TwilioNumbers) -> str:
    return numbers.buy_local_number(country="ES", friendly_name="colmena-o1", status_callback_url=CALLBACK).sid


def test_a_429_injected_once_fails_one_purchase_and_the_next_one_passes(local_twilio: LocalTwilio) -> None:
    numbers = TwilioNumbers(local_twilio.base_url, ACCOUNT_SID, AUTH_TOKEN)
    status, _ = admin(local_twilio, "POST", "/failures", {"operation": "buy_number", "status": 429, "times": 1})

    with pytest.raises(ProviderRateLimited):
        buy(numbers)
    bought = buy(numbers)

    assert status == 201
    _, state = admin(local_twilio, "GET", "/state")
    assert [number["sid"] for number in state["numbers"]] == [bought]
    assert [entry["status"] for entry in state["requests"] if entry["operation"] == "buy_number"] == [429, 201]


@pytest.mark.parametrize("status", [500, 503])
def test_a_server_error_injected_is_unavailable_and_buys_nothing(local_twilio: LocalTwilio, status: int) -> None:
    admin(local_twilio, "POST", "/failures", {"operation": "buy_number", "status": status})

    with pytest.raises(ProviderUnavailable):
        buy(TwilioNumbers(local_twilio.base_url, ACCOUNT_SID, AUTH_TOKEN))

    assert admin(local_twilio, "GET", "/state")[1]["numbers"] == []


def test_a_timeout_after_the_purchase_leaves_a_number_the_retry_finds_by_its_name(local_twilio: LocalTwilio) -> None:
    numbers = TwilioNumbers(local_twilio.base_url, ACCOUNT_SID, AUTH_TOKEN, timeout=0.3)
    admin(
        local_twilio, "POST", "/failures", {"operation": "buy_number", "status": "timeout", "after": True, "seconds": 1}
    )

    with pytest.raises(ProviderUnavailable) as raised:
        buy(numbers)

    assert "in time" in raised.value.reason
    found = numbers.find_purchased("colmena-o1")
    assert found is not None
    assert [number["sid"] for number in admin(local_twilio, "GET", "/state")[1]["numbers"]] == [found.sid]


def test_the_pending_failures_are_listed_and_can_be_dropped(local_twilio: LocalTwilio) -> None:
    admin(local_twilio, "POST", "/failures", {"operation": "release_number", "status": 503, "times": 2})

    _, pending = admin(local_twilio, "GET", "/failures")
    status, _ = admin(local_twilio, "DELETE", "/failures")

    assert [(failure["operation"], failure["times"]) for failure in pending["failures"]] == [("release_number", 2)]
    assert status == 204 and admin(local_twilio, "GET", "/failures")[1] == {"failures": []}


@pytest.mark.parametrize(
    "failure",
    [{"operation": "sell_number", "status": 429}, {"operation": "buy_number", "status": 418},
     {"operation": "buy_number"}, {"operation": "buy_number", "status": 500, "times": 0}],
)  # fmt: skip
def test_a_failure_that_cannot_be_injected_is_refused(local_twilio: LocalTwilio, failure: dict[str, object]) -> None:
    status, answer = admin(local_twilio, "POST", "/failures", failure)

    assert status == 400 and answer["error"]
    assert admin(local_twilio, "GET", "/failures")[1] == {"failures": []}
