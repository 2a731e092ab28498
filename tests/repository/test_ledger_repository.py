"""The Ledger's repository against moto, on a table built from template.yaml (its ByTime index included):
the stored item shapes, one transaction per PaymentIntent under concurrent deliveries, both users' listings."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from colmena.errors import InvalidInput
from colmena.repository import from_attributes
from ledger.logic import transaction_id_of
from ledger.models import Direction, PaymentChange, PaymentFact, TransactionType
from ledger.repository import LedgerRepository, Recorded

NOW = "2026-11-25T12:00:00.000+00:00"
LATER = "2026-11-25T13:00:00.000+00:00"
PAID = "2026-11-25T10:20:00.000+00:00"
GIVEN_BACK = "2026-11-25T11:00:00.000+00:00"
BO, ANA, CY = "bo", "ana", "cy"

COMPLETED = PaymentFact(
    change=PaymentChange.COMPLETED,
    type=TransactionType.TIP,
    payment_intent_id="pi_1",
    payer_id=BO,
    payee_id=ANA,
    amount=500,
    currency="eur",
    at=PAID,
    reference="session-1",
    source_id="tip-1",
)
REFUNDED = replace(COMPLETED, change=PaymentChange.REFUNDED, at=GIVEN_BACK)


@pytest.fixture
def repository(dynamodb: Any) -> LedgerRepository:
    return LedgerRepository(dynamodb, "LedgerTable")


@pytest.fixture
def all_read_first(repository: LedgerRepository, monkeypatch: pytest.MonkeyPatch) -> None:
    """The worst case of ten deliveries at once: every one reads the transaction before any of them writes
    (each thread's first read waits for the other nine's at a barrier)."""
    barrier = threading.Barrier(10, timeout=10)
    waited = threading.local()
    read = repository.get_transaction

    def read_then_wait(payment_intent_id: str) -> Any:
        found = read(payment_intent_id)
        if not getattr(waited, "done", False):
            waited.done = True
            barrier.wait()
        return found

    monkeypatch.setattr(repository, "get_transaction", read_then_wait)


def at_once(deliveries: list[Callable[[], Recorded]]) -> list[Recorded]:
    """Each delivery on a thread of its own, all started together."""
    outcomes: list[Recorded | None] = [None] * len(deliveries)

    def run(n: int) -> None:
        outcomes[n] = deliveries[n]()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(deliveries))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert all(outcome is not None for outcome in outcomes), "a delivery failed"
    return [outcome for outcome in outcomes if outcome is not None]


def stored(dynamodb: Any) -> dict[tuple[str, str], dict[str, Any]]:
    items = (from_attributes(item) for item in dynamodb.scan(TableName="LedgerTable")["Items"])
    return {(item["pk"], item["sk"]): item for item in items}


def test_a_completed_tip_is_stored_as_one_transaction_and_an_entry_for_each_user(
    repository: LedgerRepository, dynamodb: Any
) -> None:
    repository.record(COMPLETED, NOW)

    items = stored(dynamodb)

    shared = {
        "transaction_id": transaction_id_of("pi_1"),
        "payment_intent_id": "pi_1",
        "type": "tip",
        "amount": 500,
        "currency": "eur",
        "status": "completed",
        "occurred_at": PAID,
        "completed_at": PAID,
        "reference": "session-1",
        "source_id": "tip-1",
        "created_at": NOW,
        "updated_at": NOW,
        "version": 1,
    }
    assert items == {
        ("TXN#pi_1", "TXN"): {"pk": "TXN#pi_1", "sk": "TXN", "payer_id": BO, "payee_id": ANA, **shared},
        ("USER#bo", "TXN#pi_1"): {
            "pk": "USER#bo",
            "sk": "TXN#pi_1",
            "lsi1sk": f"{PAID}#pi_1",
            "user_id": BO,
            "direction": "sent",
            "counterpart_id": ANA,
            **shared,
        },
        ("USER#ana", "TXN#pi_1"): {
            "pk": "USER#ana",
            "sk": "TXN#pi_1",
            "lsi1sk": f"{PAID}#pi_1",
            "user_id": ANA,
            "direction": "received",
            "counterpart_id": BO,
            **shared,
        },
    }


def test_a_refund_marks_the_transaction_and_both_entries_refunded(repository: LedgerRepository, dynamodb: Any) -> None:
    repository.record(COMPLETED, NOW)

    recorded = repository.record(REFUNDED, LATER)

    assert recorded.changed
    for item in stored(dynamodb).values():
        assert (item["status"], item["refunded_at"], item["updated_at"], item["version"]) == (
            "refunded",
            GIVEN_BACK,
            LATER,
            2,
        )
        assert item["created_at"] == NOW


def test_a_completion_after_its_refund_moves_the_entries_to_the_payments_time_and_keeps_them_refunded(
    repository: LedgerRepository, dynamodb: Any
) -> None:
    repository.record(REFUNDED, NOW)
    assert stored(dynamodb)[("USER#bo", "TXN#pi_1")]["lsi1sk"] == f"{GIVEN_BACK}#pi_1"

    repository.record(COMPLETED, LATER)

    entry = stored(dynamodb)[("USER#bo", "TXN#pi_1")]
    assert (entry["status"], entry["completed_at"], entry["lsi1sk"]) == ("refunded", PAID, f"{PAID}#pi_1")
    assert len(stored(dynamodb)) == 3


def test_a_duplicate_writes_nothing(repository: LedgerRepository, dynamodb: Any) -> None:
    repository.record(COMPLETED, NOW)
    before = stored(dynamodb)

    recorded = repository.record(COMPLETED, LATER)

    assert not recorded.changed
    assert stored(dynamodb) == before


@pytest.mark.usefixtures("atomic_calls", "all_read_first")
def test_ten_concurrent_deliveries_of_one_event_record_one_transaction(
    repository: LedgerRepository, dynamodb: Any
) -> None:
    outcomes = at_once([lambda: repository.record(COMPLETED, NOW)] * 10)

    assert sum(outcome.changed for outcome in outcomes) == 1
    assert {outcome.transaction.transaction_id for outcome in outcomes} == {transaction_id_of("pi_1")}
    assert len(stored(dynamodb)) == 3
    assert stored(dynamodb)[("TXN#pi_1", "TXN")]["version"] == 1


@pytest.mark.usefixtures("atomic_calls", "all_read_first")
def test_completions_and_refunds_delivered_at_once_end_refunded_with_each_applied_once(
    repository: LedgerRepository, dynamodb: Any
) -> None:
    outcomes = at_once([lambda: repository.record(COMPLETED, NOW), lambda: repository.record(REFUNDED, NOW)] * 5)

    assert sum(outcome.changed for outcome in outcomes) == 2
    transaction = stored(dynamodb)[("TXN#pi_1", "TXN")]
    assert (transaction["status"], transaction["completed_at"], transaction["version"]) == ("refunded", PAID, 2)


def test_both_users_see_the_transaction_each_from_their_side(repository: LedgerRepository) -> None:
    repository.record(COMPLETED, NOW)

    [sent] = repository.entries(BO, 20, None).items
    [received] = repository.entries(ANA, 20, None).items

    assert (sent.direction, sent.counterpart_id) == (Direction.SENT, ANA)
    assert (received.direction, received.counterpart_id) == (Direction.RECEIVED, BO)
    assert sent.transaction == received.transaction == repository.get_transaction("pi_1")
    assert repository.entries(CY, 20, None).items == []


def tip(n: int, payer: str = BO, payee: str = ANA) -> PaymentFact:
    return replace(
        COMPLETED, payment_intent_id=f"pi_{n}", payer_id=payer, payee_id=payee, at=f"2026-11-25T10:{n:02}:00.000+00:00"
    )


def test_a_users_listing_is_newest_first_a_page_at_a_time_and_only_theirs(repository: LedgerRepository) -> None:
    for n in (3, 1, 4, 2, 5):
        repository.record(tip(n), NOW)
    repository.record(tip(6, payer=CY), NOW)

    first = repository.entries(BO, 2, None)
    second = repository.entries(BO, 2, first.next_cursor)
    third = repository.entries(BO, 2, second.next_cursor)

    pages = [first, second, third]
    listed = [entry.transaction.payment_intent_id for page in pages for entry in page.items]
    assert listed == ["pi_5", "pi_4", "pi_3", "pi_2", "pi_1"]
    assert third.next_cursor is None
    anas = [entry.transaction.payment_intent_id for entry in repository.entries(ANA, 10, None).items]
    assert anas == ["pi_6", "pi_5", "pi_4", "pi_3", "pi_2", "pi_1"]


def test_a_cursor_from_another_users_listing_is_refused(repository: LedgerRepository) -> None:
    for n in (1, 2):
        repository.record(tip(n), NOW)
    anas_cursor = repository.entries(ANA, 1, None).next_cursor
    assert anas_cursor is not None

    with pytest.raises(InvalidInput, match="cursor"):
        repository.entries(BO, 1, anas_cursor)


@pytest.mark.parametrize("cursor", ["not base64!", "bm90IGpzb24", "e30", "x" * 2000])
def test_a_cursor_the_listing_did_not_give_out_is_refused(repository: LedgerRepository, cursor: str) -> None:
    with pytest.raises(InvalidInput, match="cursor"):
        repository.entries(BO, 10, cursor)
