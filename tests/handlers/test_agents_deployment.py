"""POST /onboarding/{onboarding_id}/deploy-agent driven with its sample event against moto (its DynamoDB and
its Step Functions, which records executions without running them), and the deployment as GET
/onboarding/{onboarding_id} shows it."""

from __future__ import annotations

import json
from collections.abc import Callable
from types import ModuleType
from typing import Any

import boto3
import pytest

from agents.deployment.workflow import StepFunctionsWorkflow
from colmena.repository import to_attributes
from tests.agents_api import BO, SEEDED, call
from tools.local_stack.stack import SEED

MOTO_ROLE = "arn:aws:iam::123456789012:role/agent-deployment"


@pytest.fixture
def stepfunctions(aws: None) -> Any:
    return boto3.client("stepfunctions")


@pytest.fixture
def machine_arn(stepfunctions: Any) -> str:
    definition = {"StartAt": "Wait", "States": {"Wait": {"Type": "Pass", "End": True}}}
    created = stepfunctions.create_state_machine(
        name="colmena-dev-agent-deployment", definition=json.dumps(definition), roleArn=MOTO_ROLE
    )
    return str(created["stateMachineArn"])


@pytest.fixture
def seeded(dynamodb: Any) -> Any:
    for item in json.loads(SEED.read_text())["AgentsTable"]:
        dynamodb.put_item(TableName="AgentsTable", Item=to_attributes(item))
    return dynamodb


def choose_voice(dynamodb: Any) -> None:
    """The checkout helper's select-voice route writes this; here the test writes it."""
    dynamodb.update_item(
        TableName="AgentsTable",
        Key=to_attributes({"pk": f"ONBOARDING#{SEEDED}", "sk": "ONBOARDING"}),
        UpdateExpression="SET voice_id = :voice",
        ExpressionAttributeValues=to_attributes({":voice": "21m00Tcm4TlvDq8ikWAM"}),
    )


@pytest.fixture
def api(
    load_handler: Callable[[str], ModuleType],
    seeded: Any,
    stepfunctions: Any,
    machine_arn: str,
    monkeypatch: pytest.MonkeyPatch,
) -> ModuleType:
    handler = load_handler("AgentsDeploymentFunction")
    monkeypatch.setattr(handler, "workflow", StepFunctionsWorkflow(stepfunctions, machine_arn))
    return handler


def deploy(api: ModuleType, **kwargs: Any) -> tuple[int, dict[str, Any]]:
    return call(api, "agents_deployment/deploy_agent", **kwargs)


def test_deploying_a_ready_onboarding_starts_its_first_execution_with_the_requests_correlation_id(
    api: ModuleType, seeded: Any, stepfunctions: Any, machine_arn: str
) -> None:
    choose_voice(seeded)

    status, answer = deploy(api)

    assert status == 202
    assert answer["execution"] == {"name": f"{SEEDED}-1", "status": "RUNNING"}
    assert answer["deployment"]["status"] == "running" and answer["deployment"]["attempt"] == 1
    [execution] = stepfunctions.list_executions(stateMachineArn=machine_arn)["executions"]
    started = json.loads(stepfunctions.describe_execution(executionArn=execution["executionArn"])["input"])
    assert started == {
        "onboarding_id": SEEDED,
        "owner_id": "6f9a3c2e-5b1d-4e8a-9c7f-2d4b6a8e0c13",
        "attempt": 1,
        "public_api_base_url": "https://abc123defg.execute-api.us-east-1.amazonaws.com/dev",  # the sample's API
        "correlation_id": "3c0a6f2e-9d1b-4e7a-8c5f-1b2d3e4f5a6b",  # the sample request's id
    }


def test_a_second_deploy_answers_the_running_execution_and_starts_none(
    api: ModuleType, seeded: Any, stepfunctions: Any, machine_arn: str
) -> None:
    choose_voice(seeded)
    deploy(api)

    status, answer = deploy(api)

    assert status == 202
    assert answer["execution"]["name"] == f"{SEEDED}-1"
    assert len(stepfunctions.list_executions(stateMachineArn=machine_arn)["executions"]) == 1


def test_deploying_before_a_voice_is_chosen_is_a_409_naming_the_voice(api: ModuleType) -> None:
    status, answer = deploy(api)

    assert status == 409
    assert answer["error"]["code"] == "step_out_of_order"
    assert answer["error"]["fields"] == [{"field": "voice", "reason": "not done yet"}]


def test_nobody_but_the_owner_can_deploy(api: ModuleType, seeded: Any) -> None:
    choose_voice(seeded)

    status, _ = deploy(api, user=BO)

    assert status == 404


def test_the_onboarding_shows_the_running_deployment(
    api: ModuleType, seeded: Any, load_handler: Callable[[str], ModuleType]
) -> None:
    choose_voice(seeded)
    deploy(api)

    _, onboarding = call(load_handler("AgentsOnboardingFunction"), "agents_onboarding/get_onboarding")

    assert onboarding["steps"]["deployment"] == {"state": "in_progress", "missing": []}
    assert onboarding["deployment"]["status"] == "running"
    assert (onboarding["deployment"]["agent_id"], onboarding["deployment"]["phone_number"]) == (None, None)
