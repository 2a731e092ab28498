"""The social ledger on the local stack: Live's tip events put on the bus as Live puts them (source
colmena.live, the kernel's envelope) reach the ledger through its rule, and both users read the transaction
through the API with their own ID tokens. The worst race (every delivery reading before any writes) is forced
in tests/repository; here the deliveries race as the emulator happens to schedule them."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests

from colmena.events import DomainEvent, deterministic_event_id
from tools.local_stack.process import StackProcess
from tools.template import ROOT

pytestmark = pytest.mark.e2e

Listing = Callable[[str], list[dict[str, Any]]]
SEEDED = "pi_3QsampleColmena0001"  # the PaymentIntent of the seeded transaction (events/seed.json)


@pytest.fixture(scope="module")
def users(local_stack: StackProcess) -> dict[str, tuple[str, str]]:
    return {name: local_stack.new_user(name) for name in ("tipper", "dj")}


@pytest.fixture(scope="module")
def transactions_of(local_stack: StackProcess, users: dict[str, tuple[str, str]]) -> Listing:
    def listing(name: str) -> list[dict[str, Any]]:
        answer = requests.get(
            f"{local_stack.api}/me/transactions", headers={"Authorization": users[name][1]}, timeout=30
        )
        assert answer.status_code == 200, answer.text
        found: list[dict[str, Any]] = answer.json()["transactions"]
        return found

    return listing


class Tip:
    """One tip from the tipper to the DJ, and its events as Live's webhook publishes them."""

    def __init__(self, local_stack: StackProcess, users: dict[str, tuple[str, str]]) -> None:
        self.local_stack = local_stack
        self.tip_id = str(uuid.uuid4())
        self.payment_intent_id = f"pi_{uuid.uuid4().hex[:24]}"
        self.data = {
            "tip_id": self.tip_id,
            "session_id": str(uuid.uuid4()),
            "payment_intent_id": self.payment_intent_id,
            "tipper_id": users["tipper"][0],
            "dj_id": users["dj"][0],
            "amount": 750,
            "currency": "eur",
        }

    def entry(self, kind: str, at: str) -> dict[str, Any]:
        field = "completed_at" if kind == "tip.completed" else "refunded_at"
        detail = DomainEvent(kind, deterministic_event_id(kind, self.tip_id), at, {**self.data, field: at}).detail()
        return {
            "EventBusName": self.local_stack.state["physical_ids"]["EventBus"],
            "Source": "colmena.live",
            "DetailType": kind,
            "Detail": json.dumps(detail),
        }

    def publish(self, *entries: dict[str, Any]) -> None:
        answer = self.local_stack.client("events").put_events(Entries=list(entries))
        assert answer["FailedEntryCount"] == 0, answer

    def completed(self) -> dict[str, Any]:
        return self.entry("tip.completed", "2026-11-25T10:20:00.000+00:00")

    def refunded(self) -> dict[str, Any]:
        return self.entry("tip.refunded", "2026-11-25T11:00:00.000+00:00")

    def seen_by(self, transactions_of: Listing, name: str) -> list[dict[str, Any]]:
        return [entry for entry in transactions_of(name) if entry["payment_intent_id"] == self.payment_intent_id]


@pytest.fixture
def tip(local_stack: StackProcess, users: dict[str, tuple[str, str]]) -> Tip:
    return Tip(local_stack, users)


def eventually(check: Callable[[], bool], seconds: float = 20) -> bool:
    """The rule delivers asynchronously, as on AWS."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def test_a_completed_tip_on_the_bus_is_in_both_users_ledgers_and_its_refund_marks_it_refunded(
    tip: Tip, transactions_of: Listing, users: dict[str, tuple[str, str]]
) -> None:
    tip.publish(tip.completed())

    assert eventually(lambda: bool(tip.seen_by(transactions_of, "dj"))), "the tip never reached the DJ's ledger"
    [received] = tip.seen_by(transactions_of, "dj")
    [sent] = tip.seen_by(transactions_of, "tipper")
    assert (received["direction"], received["counterpart_id"]) == ("received", users["tipper"][0])
    assert (sent["direction"], sent["counterpart_id"]) == ("sent", users["dj"][0])
    assert received["transaction_id"] == sent["transaction_id"]
    assert (sent["amount"], sent["currency"], sent["status"]) == (750, "eur", "completed")

    tip.publish(tip.refunded())

    def refunded_for_both() -> bool:
        return all(entry["status"] == "refunded" for name in users for entry in tip.seen_by(transactions_of, name))

    assert eventually(refunded_for_both), "the refund never reached both ledgers"


def test_ten_deliveries_each_of_a_completion_and_its_refund_at_once_apply_each_once(
    local_stack: StackProcess, tip: Tip, transactions_of: Listing, users: dict[str, tuple[str, str]]
) -> None:
    mixed = [tip.completed(), tip.refunded()] * 5  # PutEvents takes ten entries a call

    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda entries: tip.publish(*entries), [mixed, mixed[::-1]]))

    def settled() -> bool:
        seen = [entry for name in users for entry in tip.seen_by(transactions_of, name)]
        return len(seen) == 2 and all(entry["status"] == "refunded" and entry["completed_at"] for entry in seen)

    assert eventually(settled), "the completion and the refund did not both reach both ledgers"
    time.sleep(2)  # let the last deliveries land
    stored = local_stack.client("dynamodb").get_item(
        TableName=local_stack.state["physical_ids"]["LedgerTable"],
        Key={"pk": {"S": f"TXN#{tip.payment_intent_id}"}, "sk": {"S": "TXN"}},
        ConsistentRead=True,
    )["Item"]
    # Every change raises the version: exactly two changes, the completion and the refund, among twenty.
    assert (stored["status"], stored["version"]) == ({"S": "refunded"}, {"N": "2"})
    assert len(tip.seen_by(transactions_of, "tipper")) == len(tip.seen_by(transactions_of, "dj")) == 1


def test_a_refund_delivered_before_its_completion_stays_refunded(tip: Tip, transactions_of: Listing) -> None:
    tip.publish(tip.refunded())
    assert eventually(lambda: bool(tip.seen_by(transactions_of, "dj")))

    tip.publish(tip.completed())

    assert eventually(lambda: tip.seen_by(transactions_of, "dj")[0]["completed_at"] is not None)
    [entry] = tip.seen_by(transactions_of, "dj")
    assert entry["status"] == "refunded"


def test_an_event_that_contradicts_the_recorded_transaction_is_retried_then_kept_in_the_dead_letter_queue(
    local_stack: StackProcess, tip: Tip, transactions_of: Listing
) -> None:
    tip.publish(tip.completed())
    assert eventually(lambda: bool(tip.seen_by(transactions_of, "dj")))
    contradiction = tip.completed()
    detail = json.loads(contradiction["Detail"])
    detail["data"]["amount"] = 7500
    contradiction["Detail"] = json.dumps(detail)

    tip.publish(contradiction)

    queue_url = str(local_stack.state["outputs"]["LedgerEventsDeadLetterQueueUrl"])
    kept = kept_in(local_stack.client("sqs"), queue_url, tip.payment_intent_id, seconds=30)
    assert kept is not None, "the refused event never reached the dead-letter queue"
    # Lambda's record of an asynchronous invocation that ran out of retries: the event and the refusal.
    assert kept["requestContext"]["condition"] == "RetriesExhausted"
    assert kept["requestPayload"]["detail"]["data"]["amount"] == 7500
    assert kept["responsePayload"]["errorType"] == "InvalidEvent"
    [entry] = tip.seen_by(transactions_of, "dj")
    assert entry["amount"] == 750


def kept_in(sqs: Any, queue_url: str, payment_intent_id: str, seconds: float) -> dict[str, Any] | None:
    """The dead-letter record of the event about `payment_intent_id`, waiting for it up to `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for message in sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get(
            "Messages", []
        ):
            record: dict[str, Any] = json.loads(message["Body"])
            if record["requestPayload"]["detail"]["data"]["payment_intent_id"] == payment_intent_id:
                return record
    return None


def test_the_ledger_sample_events_succeed_on_the_seeded_stack(local_stack: StackProcess) -> None:
    lambda_ = local_stack.client("lambda")

    def invoke(function: str, sample: Path) -> Any:
        answer = lambda_.invoke(FunctionName=local_stack.state["functions"][function], Payload=sample.read_bytes())
        response = json.loads(answer["Payload"].read())
        assert answer.get("FunctionError") is None, response
        return response

    listing = invoke("LedgerApiFunction", ROOT / "events" / "ledger_api" / "get_transactions.json")
    recorded = invoke("LedgerRecordFunction", ROOT / "events" / "ledger_record" / "tip_completed.json")

    assert listing["statusCode"] == 200
    # The seeded transaction, as Ana (the sample's caller) sees it; other tests on this stack may add more.
    seeded = [entry for entry in json.loads(listing["body"])["transactions"] if entry["payment_intent_id"] == SEEDED]
    assert [entry["direction"] for entry in seeded] == ["received"]
    assert recorded["payment_intent_id"] == SEEDED
