"""Live's tip events as the Ledger's parser model reads them off the bus."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from colmena.errors import InvalidEvent
from colmena.inbound import parsed
from ledger.inbound import TipChanged
from ledger.models import PaymentChange, PaymentFact, TransactionType
from tools.handlers import sample_event
from tools.template import ROOT

EVENTS = ROOT / "events" / "ledger_record"
COMPLETED = sample_event(EVENTS / "tip_completed.json")
REFUNDED = sample_event(EVENTS / "tip_refunded.json")


def with_changes(event: dict[str, Any], **paths: Any) -> dict[str, Any]:
    """The event with the values at the given paths (parts joined by `__`) replaced; None removes the key."""
    changed = copy.deepcopy(event)
    for path, value in paths.items():
        *parents, leaf = path.split("__")
        target = changed
        for part in parents:
            target = target[part]
        if value is None:
            target.pop(leaf, None)
        else:
            target[leaf] = value
    return changed


def test_a_completed_tip_is_a_payment_from_the_tipper_to_the_dj() -> None:
    fact = parsed(COMPLETED, TipChanged).fact()

    assert fact == PaymentFact(
        change=PaymentChange.COMPLETED,
        type=TransactionType.TIP,
        payment_intent_id="pi_3QsampleColmena0001",
        payer_id="b0b0b0b0-0000-4000-8000-000000000000",
        payee_id="6f9a3c2e-5b1d-4e8a-9c7f-2d4b6a8e0c13",
        amount=500,
        currency="eur",
        at="2026-11-25T10:20:00.000+00:00",
        reference="5e551011-0000-4000-8000-000000000001",
        source_id="71900000-0000-4000-8000-000000000001",
        event_id=COMPLETED["detail"]["metadata"]["event_id"],
    )


def test_a_refunded_tip_is_dated_by_its_refund_in_the_stored_format() -> None:
    event = with_changes(REFUNDED, detail__data__refunded_at="2026-11-25T11:00:00Z")

    fact = parsed(event, TipChanged).fact()

    assert (fact.change, fact.at) == (PaymentChange.REFUNDED, "2026-11-25T11:00:00.000+00:00")


@pytest.mark.parametrize(
    ("event", "changes", "reason"),
    [
        (COMPLETED, {"detail-type": "tip.created"}, "detail-type"),
        (COMPLETED, {"detail__data__completed_at": None}, "completed_at"),
        (REFUNDED, {"detail__data__refunded_at": None}, "refunded_at"),
        (COMPLETED, {"detail__data__amount": "500"}, "detail.data.amount"),
        (COMPLETED, {"detail__data__amount": 5.5}, "detail.data.amount"),
        (COMPLETED, {"detail__data__amount": 0}, "detail.data.amount"),
        (COMPLETED, {"detail__data__currency": "EUR"}, "detail.data.currency"),
        (COMPLETED, {"detail__data__currency": "xxx"}, "not the code of a currency"),
        (COMPLETED, {"detail__data__payment_intent_id": "ch_123"}, "detail.data.payment_intent_id"),
        (COMPLETED, {"detail__data__dj_id": None}, "detail.data.dj_id"),
        (COMPLETED, {"detail__data__completed_at": "2026-11-25T10:20:00"}, "time zone"),
        (COMPLETED, {"detail__metadata__event_id": None}, "detail.metadata.event_id"),
    ],
)
def test_a_malformed_tip_event_is_refused_naming_the_field_and_the_reason(
    event: dict[str, Any], changes: dict[str, Any], reason: str
) -> None:
    with pytest.raises(InvalidEvent, match=reason):
        parsed(with_changes(event, **changes), TipChanged)
