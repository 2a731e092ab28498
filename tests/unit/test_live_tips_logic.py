"""The tip rules as plain functions: a tip only moves forward, whatever order Stripe's events arrive in; the
bounds, the fee, the currency and who may tip."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from colmena.errors import Conflict, Forbidden, InvalidInput
from live.models import Session, SessionStatus
from live.tips.rules import (
    RANK,
    Payout,
    TipRules,
    TipStatus,
    application_fee,
    currency_code,
    fee_percent,
    final_status,
    require_amount,
    require_payable,
    require_tippable,
    steps,
    tip_id_for,
    tip_text,
)
from live.tips.settings import tip_rules_from_env

# What Stripe's events say a tip has reached: a success, a failed attempt, a refund.
REACHABLE = [TipStatus.COMPLETED, TipStatus.FAILED, TipStatus.REFUNDED]
RULES = TipRules(minimum=100, maximum=50_000, fee_percent=Decimal(10))


@given(st.lists(st.sampled_from(REACHABLE), min_size=1))
def test_any_order_of_events_ends_in_the_state_of_the_newest(events: list[TipStatus]) -> None:
    newest = max(events, key=RANK.__getitem__)

    assert final_status(events) is newest


@given(st.lists(st.sampled_from(REACHABLE), min_size=1), st.randoms())
def test_the_same_events_in_another_order_or_repeated_end_the_same(events: list[TipStatus], random: object) -> None:
    shuffled = list(events) * 2
    random.shuffle(shuffled)  # type: ignore[attr-defined]

    assert final_status(shuffled) is final_status(events)


@given(st.sampled_from(list(TipStatus)), st.sampled_from(REACHABLE))
def test_a_step_never_moves_a_tip_back(current: TipStatus, reached: TipStatus) -> None:
    passed = [current, *steps(current, reached)]

    assert [RANK[status] for status in passed] == sorted({RANK[status] for status in passed})


def test_a_refund_of_a_pending_tip_passes_through_completed_so_its_completion_is_announced() -> None:
    assert steps(TipStatus.PENDING, TipStatus.REFUNDED) == [TipStatus.COMPLETED, TipStatus.REFUNDED]


def test_a_failure_after_a_success_changes_nothing_and_a_success_after_a_failure_completes() -> None:
    assert steps(TipStatus.COMPLETED, TipStatus.FAILED) == []
    assert steps(TipStatus.FAILED, TipStatus.COMPLETED) == [TipStatus.COMPLETED]


@pytest.mark.parametrize(("amount", "fee"), [(500, 50), (105, 11), (104, 10), (100, 10)])
def test_the_fee_is_the_configured_percentage_rounded_half_up(amount: int, fee: int) -> None:
    assert application_fee(amount, Decimal(10)) == fee


@given(st.integers(min_value=1, max_value=10**9), st.decimals(min_value=0, max_value=Decimal("99.99"), places=2))
def test_the_fee_is_never_the_whole_tip_nor_negative(amount: int, percent: Decimal) -> None:
    assert 0 <= application_fee(amount, percent) < amount


@pytest.mark.parametrize("amount", [99, 50_001])
def test_an_amount_outside_the_bounds_is_refused_naming_the_field(amount: int) -> None:
    with pytest.raises(InvalidInput) as refused:
        require_amount(amount, RULES)

    assert refused.value.field == "amount"


@pytest.mark.parametrize(("text", "code"), [("EUR", "eur"), ("usd", "usd"), (" Jpy ", "jpy")])
def test_a_currency_is_kept_lowercase_as_stripe_writes_it(text: str, code: str) -> None:
    assert currency_code(text) == code


@pytest.mark.parametrize("text", ["XTS", "XAU", "ABC", "BGN"])
def test_a_testing_metal_unknown_or_retired_currency_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="ISO 4217"):
        currency_code(text)


@pytest.mark.parametrize(
    ("amount", "currency", "text"),
    [(500, "eur", "Tipped 5.00 EUR"), (500, "jpy", "Tipped 500 JPY"), (1500, "kwd", "Tipped 1.500 KWD")],
)
def test_the_chat_message_shows_the_amount_in_the_currencys_own_unit(amount: int, currency: str, text: str) -> None:
    assert tip_text(amount, currency) == text


def session(**changes: object) -> Session:
    fields: dict[str, object] = {
        "session_id": "s",
        "dj_id": "dj",
        "title": "t",
        "status": SessionStatus.LIVE,
        "created_at": "2026-11-25T10:00:00.000+00:00",
        "tips_enabled": True,
    }
    return Session(**{**fields, **changes})  # type: ignore[arg-type]


def test_the_dj_cannot_tip_their_own_session() -> None:
    with pytest.raises(Forbidden):
        require_tippable(session(), "dj")


@pytest.mark.parametrize(
    "changes", [{"tips_enabled": False}, {"status": SessionStatus.SCHEDULED}, {"status": SessionStatus.ENDED}]
)
def test_a_session_with_tips_off_or_not_live_takes_no_tip(changes: dict[str, object]) -> None:
    with pytest.raises(Conflict):
        require_tippable(session(**changes), "listener")


@pytest.mark.parametrize(
    "payout",
    [
        None,
        Payout(user_id="dj", email=None, created_at="t"),
        Payout(user_id="dj", email=None, created_at="t", account_id="acct_1", payable=False),
    ],
)
def test_a_dj_without_an_account_that_may_take_charges_is_not_payable(payout: Payout | None) -> None:
    with pytest.raises(Conflict):
        require_payable(payout)


def test_one_tippers_key_is_one_tip_and_two_tippers_never_share_one() -> None:
    assert tip_id_for("bo", "k") == tip_id_for("bo", "k") != tip_id_for("cy", "k")


@pytest.mark.parametrize("text", ["100", "-1", "x", "NaN", "Infinity"])
def test_a_fee_percentage_of_100_or_more_or_not_a_number_fails_at_start_up(text: str) -> None:
    with pytest.raises(ValueError, match="APPLICATION_FEE_PERCENT"):
        fee_percent(text)


def test_bounds_that_cross_fail_at_start_up_naming_them() -> None:
    environ = {"TIP_MINIMUM_CENTS": "500", "TIP_MAXIMUM_CENTS": "100", "APPLICATION_FEE_PERCENT": "10"}

    with pytest.raises(ValueError, match="TIP_MINIMUM_CENTS"):
        tip_rules_from_env(environ)
