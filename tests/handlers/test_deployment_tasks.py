"""The deployment's task functions driven with their sample events: moto for the table, the bus and the
secrets, in-memory providers for ElevenLabs and Twilio (tests/agents_providers.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
from types import ModuleType
from typing import Any

import boto3
import pytest

from agents.deployment.prompt import NotReadyToDeploy
from colmena.repository import from_attributes, to_attributes
from tests.agents_api import ANA, SEEDED
from tests.agents_providers import FakeElevenLabs, FakeTwilio
from tools import template
from tools.handlers import LambdaContext, sample_event
from tools.local_stack.stack import SEED
from tools.template import ROOT

CORRELATION_ID = "3c0a6f2e-9d1b-4e7a-8c5f-1b2d3e4f5a6b"  # the sample events' request
TWILIO = {"account_sid": "AC00000000000000000000000000000000", "auth_token": "test-twilio-token"}


@pytest.fixture
def table(dynamodb: Any) -> Any:
    for item in json.loads(SEED.read_text())["AgentsTable"]:
        dynamodb.put_item(TableName="AgentsTable", Item=to_attributes(item))
    dynamodb.update_item(
        TableName="AgentsTable",
        Key=to_attributes({"pk": f"ONBOARDING#{SEEDED}", "sk": "ONBOARDING"}),
        UpdateExpression="SET voice_id = :voice",
        ExpressionAttributeValues=to_attributes({":voice": "21m00Tcm4TlvDq8ikWAM"}),
    )
    return dynamodb


@pytest.fixture
def secrets(aws: None) -> None:
    client = boto3.client("secretsmanager")
    client.create_secret(Name=template.resolve({"Ref": "TwilioSecretName"}), SecretString=json.dumps(TWILIO))
    client.create_secret(Name=template.resolve({"Ref": "ElevenLabsSecretName"}), SecretString='{"api_key": "k"}')


@pytest.fixture
def elevenlabs() -> FakeElevenLabs:
    return FakeElevenLabs()


@pytest.fixture
def twilio() -> FakeTwilio:
    return FakeTwilio()


@pytest.fixture
def load_task(
    load_handler: Callable[[str], ModuleType],
    table: Any,
    secrets: None,
    elevenlabs: FakeElevenLabs,
    twilio: FakeTwilio,
    monkeypatch: pytest.MonkeyPatch,
) -> Callable[[str], ModuleType]:
    def load(logical_id: str) -> ModuleType:
        handler = load_handler(logical_id)
        monkeypatch.setattr(type(handler.task), "elevenlabs", lambda _: elevenlabs)
        monkeypatch.setattr(type(handler.task), "twilio", lambda _: twilio)
        return handler

    return load


def run(handler: ModuleType, sample: str, **changes: Any) -> dict[str, Any]:
    event = {**sample_event(ROOT / "events" / f"{sample}.json"), **changes}
    answer: dict[str, Any] = handler.lambda_handler(event, LambdaContext())
    return answer


def deployment(dynamodb: Any) -> dict[str, Any]:
    key = to_attributes({"pk": f"ONBOARDING#{SEEDED}", "sk": "DEPLOYMENT"})
    return from_attributes(dynamodb.get_item(TableName="AgentsTable", Key=key)["Item"])


def running(dynamodb: Any) -> None:
    dynamodb.put_item(
        TableName="AgentsTable",
        Item=to_attributes(
            {"pk": f"ONBOARDING#{SEEDED}", "sk": "DEPLOYMENT", "status": "running", "attempt": 1,
             "execution_arn": "arn:aws:states:us-east-1:123456789012:execution:m:x", "started_at": "t",
             "updated_at": "t", "correlation_id": CORRELATION_ID}
        ),
    )  # fmt: skip


def test_the_prompt_is_built_from_the_seeded_business_and_knowledge_base(
    load_task: Callable[[str], ModuleType],
) -> None:
    handler = load_task("DeploymentBuildPromptFunction")

    prompt = run(handler, "deployment_build_prompt/execution_started")

    assert (prompt["language"], prompt["country"], prompt["voice_id"]) == ("es", "ES", "21m00Tcm4TlvDq8ikWAM")
    assert "Panadería La Espiga" in prompt["system_prompt"] and "Pan de centeno" in prompt["system_prompt"]
    assert handler.task.function.logger.get_correlation_id() == CORRELATION_ID


def test_an_onboarding_that_does_not_exist_cannot_be_deployed(load_task: Callable[[str], ModuleType]) -> None:
    handler = load_task("DeploymentBuildPromptFunction")

    with pytest.raises(NotReadyToDeploy, match="does not exist"):
        run(handler, "deployment_build_prompt/execution_started", onboarding_id="0b0a7d10-0000-4000-8000-00000000ffff")


def test_the_agent_is_created_once_with_the_prompt(
    load_task: Callable[[str], ModuleType], elevenlabs: FakeElevenLabs
) -> None:
    handler = load_task("DeploymentCreateAgentFunction")

    first = run(handler, "deployment_create_agent/prompt_built")
    again = run(handler, "deployment_create_agent/prompt_built")

    assert first == again and list(elevenlabs.agents) == [first["agent_id"]]
    assert elevenlabs.agents[first["agent_id"]].name == f"colmena-{SEEDED}"


def test_the_number_is_bought_in_the_country_and_calls_back_the_apis_webhook(
    load_task: Callable[[str], ModuleType], twilio: FakeTwilio
) -> None:
    handler = load_task("DeploymentBuyNumberFunction")

    bought = run(handler, "deployment_buy_number/agent_created")

    assert twilio.countries[bought["sid"]] == "ES"
    assert twilio.callbacks[bought["sid"]] == (
        "https://abc123defg.execute-api.us-east-1.amazonaws.com/dev/webhooks/twilio/call-status"
    )


def test_the_number_is_imported_with_the_twilio_accounts_credentials_and_assigned(
    load_task: Callable[[str], ModuleType], elevenlabs: FakeElevenLabs
) -> None:
    handler = load_task("DeploymentImportNumberFunction")

    imported = run(handler, "deployment_import_number/number_bought")

    number = elevenlabs.numbers[imported["phone_number_id"]]
    assert (number.phone_number, number.agent_id) == ("+34910000001", "agent_0b0a7d10")
    assert elevenlabs.credentials[imported["phone_number_id"]] == (TWILIO["account_sid"], TWILIO["auth_token"])


def test_marking_deployed_stores_the_agent_and_number_and_publishes_with_the_correlation_id(
    load_task: Callable[[str], ModuleType], table: Any, published: Callable[[], list[dict[str, Any]]]
) -> None:
    running(table)
    handler = load_task("DeploymentMarkDeployedFunction")

    run(handler, "deployment_mark_deployed/number_imported")

    stored = deployment(table)
    assert (stored["status"], stored["agent_id"], stored["phone_number"]) == (
        "deployed",
        "agent_0b0a7d10",
        "+34910000001",
    )
    [event] = published()
    assert (event["source"], event["detail-type"]) == ("colmena.agents", "agent.deployed")
    assert event["detail"]["data"] == {
        "onboarding_id": SEEDED,
        "owner_id": ANA,
        "agent_id": "agent_0b0a7d10",
        "phone_number": "+34910000001",
    }
    assert event["detail"]["metadata"]["correlation_id"] == CORRELATION_ID


def test_compensation_removes_what_the_deployment_created_and_the_numbers_owner_item(
    load_task: Callable[[str], ModuleType], table: Any, elevenlabs: FakeElevenLabs, twilio: FakeTwilio
) -> None:
    name = f"colmena-{SEEDED}"
    agent_id = elevenlabs.create_agent(name=name, system_prompt="p", first_message="m", voice_id="v", language="es")
    number = twilio.buy_local_number(country="ES", friendly_name=name, status_callback_url="https://x")
    elevenlabs.import_twilio_number(phone_number=number.phone_number, label=name, sid="AC", token="t")
    table.put_item(
        TableName="AgentsTable",
        Item=to_attributes(
            {"pk": f"PHONE_NUMBER#{number.phone_number}", "sk": "PHONE_NUMBER", "onboarding_id": SEEDED}
        ),
    )
    handler = load_task("DeploymentCompensateFunction")

    removed = run(handler, "deployment_compensate/number_refused", agent={"agent_id": agent_id})

    assert (elevenlabs.agents, elevenlabs.numbers, twilio.purchased) == ({}, {}, {})
    assert removed["agents"] == [agent_id] and removed["twilio_numbers"] == [number.sid]
    key = to_attributes({"pk": f"PHONE_NUMBER#{number.phone_number}", "sk": "PHONE_NUMBER"})
    assert "Item" not in table.get_item(TableName="AgentsTable", Key=key)


def test_a_live_deployment_is_never_compensated(
    load_task: Callable[[str], ModuleType], table: Any, elevenlabs: FakeElevenLabs
) -> None:
    running(table)
    agent_id = elevenlabs.create_agent(
        name=f"colmena-{SEEDED}", system_prompt="p", first_message="m", voice_id="v", language="es"
    )
    table.update_item(
        TableName="AgentsTable",
        Key=to_attributes({"pk": f"ONBOARDING#{SEEDED}", "sk": "DEPLOYMENT"}),
        UpdateExpression="SET #status = :deployed",
        ExpressionAttributeNames={"#status": "status"},
        ExpressionAttributeValues=to_attributes({":deployed": "deployed"}),
    )
    handler = load_task("DeploymentCompensateFunction")

    run(handler, "deployment_compensate/number_refused")

    assert list(elevenlabs.agents) == [agent_id]


def test_marking_failed_stores_the_providers_refusal_and_publishes_it(
    load_task: Callable[[str], ModuleType], table: Any, published: Callable[[], list[dict[str, Any]]]
) -> None:
    running(table)
    handler = load_task("DeploymentMarkFailedFunction")

    answer = run(handler, "deployment_mark_failed/compensated")
    run(handler, "deployment_mark_failed/compensated")  # a retried task: the same event again, nothing else

    assert answer == {"reason": "Twilio has no local number available in ES right now"}
    stored = deployment(table)
    assert (stored["status"], stored["reason"]) == ("failed", answer["reason"])
    events = published()
    assert {e["detail"]["metadata"]["event_id"] for e in events} == {events[0]["detail"]["metadata"]["event_id"]}
    assert events[0]["detail-type"] == "agent.deployment_failed"
    assert events[0]["detail"]["data"] == {"onboarding_id": SEEDED, "owner_id": ANA, "reason": answer["reason"]}
