"""The tips' and payouts' items in LiveTable on moto (the table built from template.yaml): each write is
conditional on what was read, and the stored items keep the shape docs/live-table.md gives them."""

from __future__ import annotations

from typing import Any

import pytest

from colmena.repository import ConditionFailed, from_attributes
from live.tips.repository import TipRepository
from live.tips.rules import Payout, Tip, TipStatus

NOW = "2026-11-25T22:00:00.000+00:00"
LATER = "2026-11-25T22:05:00.000+00:00"


@pytest.fixture
def tips(dynamodb: Any) -> TipRepository:
    return TipRepository(dynamodb, "LiveTable")


def stored(dynamodb: Any, pk: str, sk: str) -> dict[str, Any]:
    return from_attributes(dynamodb.get_item(TableName="LiveTable", Key={"pk": {"S": pk}, "sk": {"S": sk}})["Item"])


def new_tip(tip_id: str = "t1") -> Tip:
    return Tip(
        tip_id=tip_id,
        session_id="s1",
        tipper_id="bo",
        dj_id="ana",
        destination="acct_ana",
        amount=500,
        currency="eur",
        application_fee_amount=50,
        idempotency_key="k1",
        status=TipStatus.PENDING,
        created_at=NOW,
        updated_at=NOW,
    )


def test_a_payout_is_claimed_once(tips: TipRepository) -> None:
    tips.claim_payout(Payout(user_id="ana", email="ana@example.com", created_at=NOW))

    with pytest.raises(ConditionFailed):
        tips.claim_payout(Payout(user_id="ana", email="other@example.com", created_at=LATER))
    payout = tips.get_payout("ana")
    assert payout is not None and payout.email == "ana@example.com"


def test_a_claimed_payout_takes_its_account_once_and_the_account_names_its_owner(
    tips: TipRepository, dynamodb: Any
) -> None:
    tips.claim_payout(Payout(user_id="ana", email=None, created_at=NOW))

    tips.set_account("ana", "acct_1", NOW)
    tips.set_account("ana", "acct_1", LATER)  # the same account again: a retry

    with pytest.raises(ConditionFailed):
        tips.set_account("ana", "acct_2", LATER)
    assert stored(dynamodb, "ACCOUNT#acct_1", "ACCOUNT") == {
        "pk": "ACCOUNT#acct_1",
        "sk": "ACCOUNT",
        "account_id": "acct_1",
        "user_id": "ana",
    }
    assert tips.payout_of_account("acct_1") == tips.get_payout("ana")
    assert tips.payout_of_account("acct_2") is None


def test_an_account_update_applies_only_when_it_is_newer_and_a_tie_favours_payable(tips: TipRepository) -> None:
    tips.claim_payout(Payout(user_id="ana", email=None, created_at=NOW))
    payout = tips.set_account("ana", "acct_1", NOW)

    tips.apply_account_update(payout, True, "ES", 200, NOW)
    with pytest.raises(ConditionFailed):
        tips.apply_account_update(payout, False, "FR", 199, NOW)
    with pytest.raises(ConditionFailed):
        tips.apply_account_update(payout, False, "FR", 200, NOW)
    tips.apply_account_update(payout, True, "ES", 200, NOW)

    after = tips.get_payout("ana")
    assert after is not None and (after.payable, after.country, after.account_updated_at) == (True, "ES", 200)


def test_a_tip_is_stored_once_pending_with_the_item_shape_the_docs_give(tips: TipRepository, dynamodb: Any) -> None:
    tips.create_tip(new_tip())

    with pytest.raises(ConditionFailed):
        tips.create_tip(new_tip())
    assert stored(dynamodb, "TIP#t1", "TIP") == {
        "pk": "TIP#t1",
        "sk": "TIP",
        "tip_id": "t1",
        "session_id": "s1",
        "tipper_id": "bo",
        "dj_id": "ana",
        "destination": "acct_ana",
        "amount": 500,
        "currency": "eur",
        "application_fee_amount": 50,
        "idempotency_key": "k1",
        "status": "pending",
        "created_at": NOW,
        "updated_at": NOW,
        "completion_announced": False,
        "refund_announced": False,
    }


def test_a_payment_intent_is_attached_once_with_its_pointer_and_clears_a_failure(tips: TipRepository) -> None:
    tips.create_tip(new_tip())
    failed = tips.fail_before_payment_intent(new_tip(), "api_connection_error: unreachable", NOW)

    attached = tips.attach_payment_intent(failed, "pi_1", "pi_1_secret", LATER)

    with pytest.raises(ConditionFailed):
        tips.attach_payment_intent(attached, "pi_2", "pi_2_secret", LATER)
    assert (attached.status, attached.payment_intent_id, attached.failure_reason) == (TipStatus.PENDING, "pi_1", None)
    assert tips.tip_of_payment_intent("pi_1") == attached
    assert tips.tip_of_payment_intent("pi_2") is None


def test_a_tip_with_its_payment_intent_can_no_longer_be_failed_as_if_stripe_never_made_it(
    tips: TipRepository,
) -> None:
    tips.create_tip(new_tip())
    tips.attach_payment_intent(new_tip(), "pi_1", "pi_1_secret", NOW)

    with pytest.raises(ConditionFailed):
        tips.fail_before_payment_intent(new_tip(), "late", LATER)


def test_a_tip_moves_only_from_the_status_it_was_read_in(tips: TipRepository) -> None:
    tips.create_tip(new_tip())
    pending = tips.attach_payment_intent(new_tip(), "pi_1", "pi_1_secret", NOW)

    completed = tips.move_tip(pending, TipStatus.COMPLETED, LATER, LATER)

    with pytest.raises(ConditionFailed):
        tips.move_tip(pending, TipStatus.FAILED, LATER, LATER, "card_declined")
    assert (completed.status, completed.completed_at) == (TipStatus.COMPLETED, LATER)
    refunded = tips.move_tip(completed, TipStatus.REFUNDED, LATER, LATER)
    assert (refunded.status, refunded.refunded_at) == (TipStatus.REFUNDED, LATER)


def test_a_tip_without_its_payment_intent_is_never_moved_by_stripes_events(tips: TipRepository) -> None:
    tips.create_tip(new_tip())

    with pytest.raises(ConditionFailed):
        tips.move_tip(new_tip(), TipStatus.COMPLETED, LATER, LATER)
