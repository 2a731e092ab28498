"""Call usage on AgentsTable (moto, built from template.yaml): the stored call and usage items, each call
counted once however often or however concurrently its callback arrives, and a month's usage read back."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import pytest

from agents.usage import CallCallback, CallStatus
from agents.usage_repository import Recorded, Usage, UsageRepository
from colmena.repository import from_attributes, to_attributes

NOW = "2026-11-26T09:30:01.000+00:00"
AT = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
ONBOARDING = "0b0a7d10-0000-4000-8000-000000000001"
NUMBER = "+34910000001"


@pytest.fixture
def repository(dynamodb: Any) -> UsageRepository:
    return UsageRepository(dynamodb, "AgentsTable")


def call(sid: int = 1, status: CallStatus = CallStatus.COMPLETED, seconds: int | None = 125) -> CallCallback:
    return CallCallback(f"CA{sid:032x}", NUMBER, status, seconds if status is CallStatus.COMPLETED else None, AT)


def item(dynamodb: Any, pk: str, sk: str) -> dict[str, Any] | None:
    found = dynamodb.get_item(TableName="AgentsTable", Key=to_attributes({"pk": pk, "sk": sk}))
    return from_attributes(found["Item"]) if "Item" in found else None


def test_a_number_is_found_by_its_phone_number_item(repository: UsageRepository, dynamodb: Any) -> None:
    dynamodb.put_item(
        TableName="AgentsTable",
        Item=to_attributes(
            {"pk": f"PHONE_NUMBER#{NUMBER}", "sk": "PHONE_NUMBER", "onboarding_id": ONBOARDING, "agent_id": "a-1"}
        ),
    )

    assert repository.onboarding_of_number(NUMBER) == ONBOARDING
    assert repository.onboarding_of_number("+34910000002") is None


def test_a_completed_call_is_stored_once_with_its_months_usage(repository: UsageRepository, dynamodb: Any) -> None:
    outcome = repository.record_call(ONBOARDING, call(), NOW)

    assert outcome is Recorded.COUNTED
    assert item(dynamodb, f"CALL#{call().call_sid}", "CALL") == {
        "pk": f"CALL#{call().call_sid}",
        "sk": "CALL",
        "call_sid": call().call_sid,
        "onboarding_id": ONBOARDING,
        "to": NUMBER,
        "status": "completed",
        "duration_s": 125,
        "minutes": 3,
        "month": "2026-11",
        "final_at": NOW,
        "updated_at": NOW,
    }
    assert item(dynamodb, f"ONBOARDING#{ONBOARDING}", "USAGE#2026-11") == {
        "pk": f"ONBOARDING#{ONBOARDING}",
        "sk": "USAGE#2026-11",
        "onboarding_id": ONBOARDING,
        "month": "2026-11",
        "minutes": 3,
        "calls": 1,
        "updated_at": NOW,
    }


def test_the_months_usage_adds_up_its_completed_calls(repository: UsageRepository) -> None:
    repository.record_call(ONBOARDING, call(1, seconds=125), NOW)
    repository.record_call(ONBOARDING, call(2, seconds=30), NOW)

    assert repository.usage(ONBOARDING, "2026-11") == Usage(ONBOARDING, "2026-11", minutes=4, calls=2)


def test_a_month_without_calls_has_no_usage(repository: UsageRepository) -> None:
    assert repository.usage(ONBOARDING, "2026-10") == Usage(ONBOARDING, "2026-10", minutes=0, calls=0)


def test_a_replayed_completed_callback_changes_nothing(repository: UsageRepository, dynamodb: Any) -> None:
    repository.record_call(ONBOARDING, call(), NOW)

    outcome = repository.record_call(ONBOARDING, call(), "2026-11-26T09:31:00.000+00:00")

    assert outcome is Recorded.ALREADY
    assert repository.usage(ONBOARDING, "2026-11") == Usage(ONBOARDING, "2026-11", minutes=3, calls=1)
    stored = item(dynamodb, f"CALL#{call().call_sid}", "CALL")
    assert stored is not None and stored["updated_at"] == NOW


def test_progress_callbacks_note_the_call_without_counting_it(repository: UsageRepository, dynamodb: Any) -> None:
    first = repository.record_call(ONBOARDING, call(status=CallStatus.RINGING), NOW)
    second = repository.record_call(ONBOARDING, call(status=CallStatus.IN_PROGRESS), NOW)

    assert (first, second) == (Recorded.RECORDED, Recorded.ALREADY)
    assert repository.usage(ONBOARDING, "2026-11").calls == 0
    stored = item(dynamodb, f"CALL#{call().call_sid}", "CALL")
    assert stored is not None and stored["status"] == "ringing" and "final_at" not in stored


def test_the_completed_callback_after_progress_ones_counts_the_call(repository: UsageRepository) -> None:
    repository.record_call(ONBOARDING, call(status=CallStatus.RINGING), NOW)

    outcome = repository.record_call(ONBOARDING, call(), NOW)

    assert outcome is Recorded.COUNTED
    assert repository.usage(ONBOARDING, "2026-11") == Usage(ONBOARDING, "2026-11", minutes=3, calls=1)


def test_a_late_progress_callback_does_not_undo_the_final_status(repository: UsageRepository, dynamodb: Any) -> None:
    repository.record_call(ONBOARDING, call(), NOW)

    outcome = repository.record_call(ONBOARDING, call(status=CallStatus.RINGING), NOW)

    assert outcome is Recorded.ALREADY
    stored = item(dynamodb, f"CALL#{call().call_sid}", "CALL")
    assert stored is not None and stored["status"] == "completed"


def test_an_unanswered_call_is_recorded_as_final_and_counts_nothing(repository: UsageRepository) -> None:
    outcome = repository.record_call(ONBOARDING, call(status=CallStatus.NO_ANSWER), NOW)

    assert outcome is Recorded.RECORDED
    assert repository.usage(ONBOARDING, "2026-11").calls == 0


@pytest.mark.usefixtures("atomic_calls")
def test_the_same_call_delivered_many_times_at_once_counts_once(repository: UsageRepository) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(lambda _: repository.record_call(ONBOARDING, call(), NOW), range(8)))

    assert sorted(outcomes) == sorted([Recorded.COUNTED] + [Recorded.ALREADY] * 7)
    assert repository.usage(ONBOARDING, "2026-11") == Usage(ONBOARDING, "2026-11", minutes=3, calls=1)


@pytest.mark.usefixtures("atomic_calls")
def test_different_calls_completing_at_once_all_count(repository: UsageRepository) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(lambda sid: repository.record_call(ONBOARDING, call(sid, seconds=60), NOW), range(8)))

    assert outcomes == [Recorded.COUNTED] * 8
    assert repository.usage(ONBOARDING, "2026-11") == Usage(ONBOARDING, "2026-11", minutes=8, calls=8)


def test_the_owner_is_read_from_the_onboarding_item(repository: UsageRepository, dynamodb: Any) -> None:
    dynamodb.put_item(
        TableName="AgentsTable",
        Item=to_attributes({"pk": f"ONBOARDING#{ONBOARDING}", "sk": "ONBOARDING", "owner_id": "ana"}),
    )

    assert repository.owner_of(ONBOARDING) == "ana"
    assert repository.owner_of("someone-elses") is None
