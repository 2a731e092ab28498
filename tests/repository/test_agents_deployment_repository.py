"""The deployment's items on moto, built from template.yaml: the attempt claimed once however many requests
race for it, the live deployment written with the onboarding and the number's owner in one transaction, and
every task's write guarded by its attempt. The route's start is driven here too, on a fake workflow."""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from typing import Any

import pytest

from agents.deployment import starter
from agents.deployment.repository import DeploymentRepository, DeploymentSuperseded, Live
from agents.logic import StepOutOfOrder, state_of
from agents.models import (
    Business,
    DeploymentStatus,
    KnowledgeBaseStatus,
    Onboarding,
    OnboardingRecord,
    Step,
    StepState,
)
from agents.repository import OnboardingRepository
from colmena.repository import from_attributes, to_attributes

NOW = "2026-11-26T09:00:00.000+00:00"
LATER = "2026-11-26T09:05:00.000+00:00"
LIVE = Live(agent_id="agent_1", phone_number="+34910000001", phone_number_sid="PN1", elevenlabs_phone_number_id="ph_1")
BASE_URL = "https://abc123defg.execute-api.us-east-1.amazonaws.com/dev"
MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:colmena-dev-agent-deployment"


class FakeWorkflow:
    """Step Functions as the route sees it: one execution per name, started once."""

    def __init__(self) -> None:
        self.executions: dict[str, str] = {}  # arn -> status
        self.inputs: dict[str, str] = {}
        self.starts = 0
        self._lock = threading.Lock()

    def execution_arn(self, name: str) -> str:
        return MACHINE.replace(":stateMachine:", ":execution:") + ":" + name

    def start(self, name: str, payload: str) -> None:
        with self._lock:
            self.starts += 1
            self.executions.setdefault(self.execution_arn(name), "RUNNING")
            self.inputs.setdefault(name, payload)

    def status(self, execution_arn: str) -> str | None:
        return self.executions.get(execution_arn)


@pytest.fixture
def records(dynamodb: Any) -> OnboardingRepository:
    return OnboardingRepository(dynamodb, "AgentsTable")


@pytest.fixture
def repository(dynamodb: Any) -> DeploymentRepository:
    return DeploymentRepository(dynamodb, "AgentsTable")


@pytest.fixture
def workflow() -> FakeWorkflow:
    return FakeWorkflow()


@pytest.fixture
def ready(records: OnboardingRepository, dynamodb: Any) -> OnboardingRecord:
    """An onboarding with its business confirmed, a voice and a ready knowledge base."""
    business = Business(name="La Espiga")
    records.create(Onboarding("o-1", "owner", "ES", None, business, business, NOW, NOW))
    dynamodb.update_item(
        TableName="AgentsTable",
        Key=to_attributes({"pk": "ONBOARDING#o-1", "sk": "ONBOARDING"}),
        UpdateExpression="SET voice_id = :voice",
        ExpressionAttributeValues=to_attributes({":voice": "v-1"}),
    )
    dynamodb.put_item(
        TableName="AgentsTable",
        Item=to_attributes(
            {"pk": "ONBOARDING#o-1", "sk": "KNOWLEDGE_BASE", "status": str(KnowledgeBaseStatus.READY),
             "knowledge_base": {"services": []}, "structurer": "local", "document_ids": [], "updated_at": NOW}
        ),
    )  # fmt: skip
    record = records.record("o-1")
    assert record is not None
    return record


def item(dynamodb: Any, pk: str, sk: str) -> dict[str, Any] | None:
    found = dynamodb.get_item(TableName="AgentsTable", Key=to_attributes({"pk": pk, "sk": sk})).get("Item")
    return from_attributes(found) if found else None


def deploy(records: OnboardingRepository, repository: DeploymentRepository, workflow: FakeWorkflow) -> starter.Started:
    record = records.record("o-1")
    assert record is not None
    return starter.deploy(record, repository, workflow, "corr-1", NOW, BASE_URL)


def test_the_first_deploy_claims_attempt_one_and_starts_its_execution_with_the_requests_correlation_id(
    ready: OnboardingRecord,
    records: OnboardingRepository,
    repository: DeploymentRepository,
    workflow: FakeWorkflow,
    dynamodb: Any,
) -> None:
    started = deploy(records, repository, workflow)

    assert (started.execution_name, started.execution_status) == ("o-1-1", "RUNNING")
    assert item(dynamodb, "ONBOARDING#o-1", "DEPLOYMENT") == {
        "pk": "ONBOARDING#o-1",
        "sk": "DEPLOYMENT",
        "status": "running",
        "attempt": 1,
        "execution_arn": workflow.execution_arn("o-1-1"),
        "started_at": NOW,
        "updated_at": NOW,
        "correlation_id": "corr-1",
    }
    assert json.loads(workflow.inputs["o-1-1"]) == {
        "onboarding_id": "o-1",
        "owner_id": "owner",
        "attempt": 1,
        "public_api_base_url": BASE_URL,
        "correlation_id": "corr-1",
    }


def test_a_second_deploy_while_running_answers_the_same_execution_and_starts_nothing(
    ready: OnboardingRecord, records: OnboardingRepository, repository: DeploymentRepository, workflow: FakeWorkflow
) -> None:
    first = deploy(records, repository, workflow)

    second = deploy(records, repository, workflow)

    assert second.execution_name == first.execution_name
    assert workflow.starts == 1


def test_deploys_at_the_same_moment_claim_one_attempt_and_start_one_execution(
    ready: OnboardingRecord,
    records: OnboardingRepository,
    repository: DeploymentRepository,
    workflow: FakeWorkflow,
    atomic_calls: None,
) -> None:
    answers: list[starter.Started] = []
    barrier = threading.Barrier(6)

    def request() -> None:
        barrier.wait()
        answers.append(starter.deploy(ready, repository, workflow, "corr", NOW, BASE_URL))

    threads = [threading.Thread(target=request) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert {answer.execution_name for answer in answers} == {"o-1-1"}
    assert list(workflow.executions) == [workflow.execution_arn("o-1-1")]


def test_after_a_failure_a_deploy_starts_the_next_attempt(
    ready: OnboardingRecord, records: OnboardingRepository, repository: DeploymentRepository, workflow: FakeWorkflow
) -> None:
    deploy(records, repository, workflow)
    assert repository.mark_failed("o-1", 1, "Twilio has no number in ES", LATER)

    again = deploy(records, repository, workflow)

    assert (again.execution_name, again.deployment.attempt, again.deployment.status) == (
        "o-1-2",
        2,
        DeploymentStatus.RUNNING,
    )
    assert again.deployment.reason is None


def test_a_deployment_whose_execution_ended_without_marking_it_may_start_again(
    ready: OnboardingRecord, records: OnboardingRepository, repository: DeploymentRepository, workflow: FakeWorkflow
) -> None:
    first = deploy(records, repository, workflow)
    workflow.executions[first.deployment.execution_arn] = "TIMED_OUT"

    again = deploy(records, repository, workflow)

    assert again.execution_name == "o-1-2"


def test_a_claim_whose_start_never_happened_is_started_by_the_next_request(
    ready: OnboardingRecord, records: OnboardingRepository, repository: DeploymentRepository, workflow: FakeWorkflow
) -> None:
    claim = repository.claim("o-1", None, workflow.execution_arn("o-1-1"), "corr-1", NOW)
    assert claim.won and workflow.starts == 0

    answered = deploy(records, repository, workflow)

    assert (answered.execution_name, answered.execution_status) == ("o-1-1", "RUNNING")
    assert workflow.starts == 1


def test_after_success_a_deploy_answers_the_finished_execution(
    ready: OnboardingRecord, records: OnboardingRepository, repository: DeploymentRepository, workflow: FakeWorkflow
) -> None:
    first = deploy(records, repository, workflow)
    repository.mark_deployed("o-1", 1, LIVE, LATER)
    workflow.executions[first.deployment.execution_arn] = "SUCCEEDED"

    again = deploy(records, repository, workflow)

    assert (again.execution_name, again.execution_status, again.deployment.status) == (
        "o-1-1",
        "SUCCEEDED",
        DeploymentStatus.DEPLOYED,
    )
    assert workflow.starts == 1


def test_a_deploy_before_the_voice_is_chosen_is_out_of_order(
    ready: OnboardingRecord, repository: DeploymentRepository, workflow: FakeWorkflow
) -> None:
    without_voice = replace(ready, onboarding=replace(ready.onboarding, voice_id=None))

    with pytest.raises(StepOutOfOrder) as refused:
        starter.deploy(without_voice, repository, workflow, None, NOW, BASE_URL)

    assert refused.value.missing == (Step.VOICE,)
    assert workflow.starts == 0


def test_marking_deployed_writes_the_onboarding_the_deployment_and_the_numbers_owner_together(
    ready: OnboardingRecord,
    records: OnboardingRepository,
    repository: DeploymentRepository,
    workflow: FakeWorkflow,
    dynamodb: Any,
) -> None:
    deploy(records, repository, workflow)

    assert repository.mark_deployed("o-1", 1, LIVE, LATER)

    record = records.record("o-1")
    assert record is not None and record.onboarding.deployed_at == LATER
    assert state_of(record, Step.DEPLOYMENT) is StepState.DONE
    assert record.deployment is not None
    assert (record.deployment.status, record.deployment.agent_id, record.deployment.phone_number) == (
        DeploymentStatus.DEPLOYED, "agent_1", "+34910000001"
    )  # fmt: skip
    assert (record.deployment.phone_number_sid, record.deployment.elevenlabs_phone_number_id) == ("PN1", "ph_1")
    assert item(dynamodb, "PHONE_NUMBER#+34910000001", "PHONE_NUMBER") == {
        "pk": "PHONE_NUMBER#+34910000001",
        "sk": "PHONE_NUMBER",
        "onboarding_id": "o-1",
        "agent_id": "agent_1",
        "created_at": LATER,
    }


def test_marking_the_same_attempt_deployed_again_changes_nothing(
    ready: OnboardingRecord, records: OnboardingRepository, repository: DeploymentRepository, workflow: FakeWorkflow
) -> None:
    deploy(records, repository, workflow)
    repository.mark_deployed("o-1", 1, LIVE, NOW)

    assert not repository.mark_deployed("o-1", 1, LIVE, LATER)
    record = records.record("o-1")
    assert record is not None and record.onboarding.deployed_at == NOW


def test_an_old_attempt_cannot_mark_the_deployment(
    ready: OnboardingRecord, records: OnboardingRepository, repository: DeploymentRepository, workflow: FakeWorkflow
) -> None:
    deploy(records, repository, workflow)
    repository.mark_failed("o-1", 1, "refused", NOW)
    deploy(records, repository, workflow)

    with pytest.raises(DeploymentSuperseded):
        repository.mark_deployed("o-1", 1, LIVE, LATER)
    assert not repository.mark_failed("o-1", 1, "late", LATER)


def test_while_running_the_step_is_in_progress_and_after_a_failure_failed_with_its_reason(
    ready: OnboardingRecord, records: OnboardingRepository, repository: DeploymentRepository, workflow: FakeWorkflow
) -> None:
    deploy(records, repository, workflow)
    running = records.record("o-1")
    repository.mark_failed("o-1", 1, "Twilio has no number in ES", LATER)
    failed = records.record("o-1")

    assert running is not None and state_of(running, Step.DEPLOYMENT) is StepState.IN_PROGRESS
    assert failed is not None and state_of(failed, Step.DEPLOYMENT) is StepState.FAILED
    assert failed.deployment is not None and failed.deployment.reason == "Twilio has no number in ES"


def test_forgetting_a_number_removes_only_this_onboardings_owner_item(
    repository: DeploymentRepository, dynamodb: Any
) -> None:
    for number, onboarding in (("+34910000001", "o-1"), ("+34910000002", "o-2")):
        dynamodb.put_item(
            TableName="AgentsTable",
            Item=to_attributes({"pk": f"PHONE_NUMBER#{number}", "sk": "PHONE_NUMBER", "onboarding_id": onboarding}),
        )

    repository.forget_number("o-1", "+34910000001")
    repository.forget_number("o-1", "+34910000002")
    repository.forget_number("o-1", "+34910000009")

    assert item(dynamodb, "PHONE_NUMBER#+34910000001", "PHONE_NUMBER") is None
    assert item(dynamodb, "PHONE_NUMBER#+34910000002", "PHONE_NUMBER") is not None
