"""Live's scheduled cleanup on the local stack: a session made idle (its last activity written back in the
table, as an operator's clock would move) is ended once by two runs invoked at once, with its system message
and one `session.ended` on the bus; the sample event ends the seeded idle session and cancels the overdue
one; the schedule itself is on the stack's bus."""

from __future__ import annotations

import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from tests.live_seed import IDLE, OVERDUE
from tools.local_stack.process import StackProcess, sign_in, sign_up_and_confirm
from tools.template import ROOT

pytestmark = pytest.mark.e2e

SAMPLE = ROOT / "events" / "live_cleanup" / "scheduled.json"
IDLE_TEXT = "The session has ended after 4 hours without activity"


def stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds")


@pytest.fixture(scope="module")
def dj(local_stack: StackProcess) -> dict[str, str]:
    cognito = local_stack.client("cognito-idp")
    client_id = str(local_stack.state["outputs"]["UserPoolClientId"])
    email = f"dj-{uuid.uuid4().hex[:8]}@example.com"
    sign_up_and_confirm(cognito, client_id, email)
    return {"Authorization": sign_in(cognito, client_id, email)}


@pytest.fixture(scope="module")
def ended_events(local_stack: StackProcess) -> Any:
    """A queue behind a rule on the project's bus that catches every `session.ended`; calling the fixture
    returns the session ids of the events received so far (each message deleted once read)."""
    events, sqs = local_stack.client("events"), local_stack.client("sqs")
    bus = str(local_stack.state["outputs"]["EventBusName"])
    queue_url = sqs.create_queue(QueueName=f"ended-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    rule = f"ended-{uuid.uuid4().hex[:8]}"
    pattern = {"source": ["colmena.live"], "detail-type": ["session.ended"]}
    events.put_rule(Name=rule, EventBusName=bus, EventPattern=json.dumps(pattern))
    events.put_targets(Rule=rule, EventBusName=bus, Targets=[{"Id": "queue", "Arn": queue_arn}])

    def received(wait_s: float) -> list[str]:
        ids: list[str] = []
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            for message in sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", []):
                ids.append(json.loads(message["Body"])["detail"]["data"]["session_id"])
                sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
            time.sleep(0.2)
        return ids

    return received


def run_cleanup(local_stack: StackProcess, event: dict[str, Any]) -> dict[str, Any]:
    answer = local_stack.client("lambda").invoke(
        FunctionName=local_stack.state["functions"]["LiveCleanupFunction"], Payload=json.dumps(event).encode()
    )
    result: dict[str, Any] = json.loads(answer["Payload"].read())
    assert answer.get("FunctionError") is None, result
    return result


def scheduled_event_now() -> dict[str, Any]:
    event: dict[str, Any] = json.loads(SAMPLE.read_text())
    return {**event, "id": str(uuid.uuid4()), "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}


def idle_session(local_stack: StackProcess, dj: dict[str, str], title: str) -> str:
    """A session created and started through the API, then made idle: as if the clock had moved five hours
    on since it went live, its start (and so its place in the status index) and its last activity are both
    written back five hours."""
    api = local_stack.api
    session_id: str = requests.post(f"{api}/sessions", json={"title": title}, headers=dj, timeout=30).json()[
        "session_id"
    ]
    assert requests.post(f"{api}/sessions/{session_id}/start", headers=dj, timeout=30).status_code == 200
    then = stamp(datetime.now(UTC) - timedelta(hours=5))
    local_stack.client("dynamodb").update_item(
        TableName=str(local_stack.state["outputs"]["LiveTableName"]),
        Key={"pk": {"S": f"SESSION#{session_id}"}, "sk": {"S": "SESSION"}},
        UpdateExpression="SET started_at = :then, last_activity_at = :then, gsi1sk = :sort",
        ExpressionAttributeValues={":then": {"S": then}, ":sort": {"S": f"{then}#{session_id}"}},
    )
    return session_id


def status_of(local_stack: StackProcess, session_id: str) -> str:
    status: str = requests.get(f"{local_stack.api}/sessions/{session_id}", timeout=30).json()["status"]
    return status


def test_two_runs_at_once_end_an_idle_session_once_with_its_message_and_one_event(
    local_stack: StackProcess, dj: dict[str, str], ended_events: Any
) -> None:
    api = local_stack.api
    session_id = idle_session(local_stack, dj, "Forgotten set")

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda _: run_cleanup(local_stack, scheduled_event_now()), range(2)))

    assert [session_id in result["ended_sessions"] for result in results].count(True) == 1
    assert all(result["ended"] == len(result["ended_sessions"]) for result in results)
    session = requests.get(f"{api}/sessions/{session_id}", timeout=30).json()
    assert (session["status"], session["end_reason"]) == ("ended", "idle")
    chat = requests.get(f"{api}/sessions/{session_id}/messages", headers=dj, timeout=30).json()
    assert [m["text"] for m in chat["messages"] if m["type"] == "system"] == [IDLE_TEXT, "The session is live"]
    assert ended_events(5.0).count(session_id) == 1


def test_a_session_with_recent_activity_is_left_live(local_stack: StackProcess, dj: dict[str, str]) -> None:
    api = local_stack.api
    session_id = requests.post(f"{api}/sessions", json={"title": "Busy set"}, headers=dj, timeout=30).json()[
        "session_id"
    ]
    requests.post(f"{api}/sessions/{session_id}/start", headers=dj, timeout=30)

    result = run_cleanup(local_stack, scheduled_event_now())

    assert session_id not in result["ended_sessions"]
    assert requests.get(f"{api}/sessions/{session_id}", timeout=30).json()["status"] == "live"


def test_the_sample_event_ends_the_seeded_idle_session_and_cancels_the_overdue_one(
    local_stack: StackProcess,
) -> None:
    run_cleanup(local_stack, json.loads(SAMPLE.read_text()))

    # Whichever run got to them first (this one, or another test's), they are ended for the right reason.
    for session_id, reason in ((IDLE, "idle"), (OVERDUE, "not_started")):
        session = requests.get(f"{local_stack.api}/sessions/{session_id}", timeout=30).json()
        assert (session["status"], session["end_reason"]) == ("ended", reason)


def test_the_schedule_is_a_rule_every_15_minutes_targeting_the_cleanup(local_stack: StackProcess) -> None:
    events = local_stack.client("events")
    function = local_stack.state["functions"]["LiveCleanupFunction"]
    rules = [rule for rule in events.list_rules()["Rules"] if rule.get("ScheduleExpression")]

    targeted = [
        rule
        for rule in rules
        if any(function in target["Arn"] for target in events.list_targets_by_rule(Rule=rule["Name"])["Targets"])
    ]

    assert [(rule["ScheduleExpression"], rule["State"]) for rule in targeted] == [("rate(15 minutes)", "ENABLED")]


def test_a_schedule_rule_fires_the_cleanup_on_its_rate_on_the_local_stack(
    local_stack: StackProcess, dj: dict[str, str]
) -> None:
    """MiniStack runs `rate()` rules itself (a sweep every 10 s); a one-minute rule stands in for the
    template's 15 minutes, which is the same rule with a longer wait."""
    events = local_stack.client("events")
    function = local_stack.state["functions"]["LiveCleanupFunction"]
    arn = local_stack.client("lambda").get_function(FunctionName=function)["Configuration"]["FunctionArn"]
    rule = f"cleanup-every-minute-{uuid.uuid4().hex[:8]}"
    session_id = idle_session(local_stack, dj, "Left running")
    events.put_rule(Name=rule, ScheduleExpression="rate(1 minute)", State="ENABLED")
    events.put_targets(Rule=rule, Targets=[{"Id": "cleanup", "Arn": arn}])
    try:
        deadline = time.monotonic() + 100
        while status_of(local_stack, session_id) == "live" and time.monotonic() < deadline:
            time.sleep(2)
    finally:
        events.remove_targets(Rule=rule, Ids=["cleanup"])
        events.delete_rule(Name=rule)

    assert status_of(local_stack, session_id) == "ended"
