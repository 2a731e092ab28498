"""The agent-deployment workflow executed for real on the local stack, as an owner meets it: a business with
a confirmed business, a voice and a ready knowledge base (uploaded through the presigned POST and processed,
as the knowledge base's own tests do) asks for its agent, and the emulator's Step Functions runs the project's
task functions against the local ElevenLabs and Twilio. The fakes' `/_local/` state says what exists, and
their failure injection shows the retries, the compensation and the idempotent tasks.

Each test uses its own country, because the local Twilio offers five numbers in each (and none in FR)."""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests

from tests.e2e.test_knowledge_base import Owner, send, settled, uploaded
from tools.local_stack.process import StackProcess

pytestmark = pytest.mark.e2e

VOICE = "LocalVoiceLucia00001"  # one of the local ElevenLabs' voices
WAIT_S = 120
PRICE_LIST = b"Peluqueria Ana\nCorte de pelo 25,00 EUR\nTinte 40,00 EUR\n\nP: Hace falta cita?\nR: Si, por telefono.\n"


def ready_onboarding(stack: StackProcess, owner: Owner, country: str) -> str:
    """An onboarding its deployment can start from: the business confirmed, a voice, a ready knowledge base."""
    started = send(stack, owner, "POST", "/onboarding/business-info", {"country": country})
    assert started.status_code == 201, started.text
    onboarding_id = str(started.json()["onboarding_id"])
    confirmed = send(stack, owner, "POST", f"/onboarding/{onboarding_id}/confirm-business", {"name": "Peluquería Ana"})
    assert confirmed.status_code == 200, confirmed.text
    document_id = uploaded(stack, owner, onboarding_id, "precios.txt", PRICE_LIST, "text/plain")
    listing = settled(stack, owner, onboarding_id, document_id)
    assert listing["state"] == "done", listing
    chosen = send(stack, owner, "POST", f"/onboarding/{onboarding_id}/select-voice", {"voice_id": VOICE})
    assert chosen.status_code == 200, chosen.text
    return onboarding_id


def deploy(stack: StackProcess, owner: Owner, onboarding_id: str) -> requests.Response:
    return send(stack, owner, "POST", f"/onboarding/{onboarding_id}/deploy-agent")


def finished(stack: StackProcess, owner: Owner, onboarding_id: str) -> dict[str, Any]:
    """The onboarding once its deployment is no longer running."""
    deadline = time.monotonic() + WAIT_S
    while True:
        onboarding: dict[str, Any] = send(stack, owner, "GET", f"/onboarding/{onboarding_id}").json()
        if (onboarding.get("deployment") or {}).get("status") != "running" or time.monotonic() > deadline:
            return onboarding
        time.sleep(0.5)


def admin(base_url: str, method: str, path: str, body: Any = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{base_url}/_local{path}", data=data, method=method)  # noqa: S310
    with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310
        body = answer.read()
    return json.loads(body) if body else None


def agents_named(stack: StackProcess, name: str) -> list[dict[str, Any]]:
    return [agent for agent in admin(stack.elevenlabs, "GET", "/state")["agents"] if agent["name"] == name]


def numbers_named(stack: StackProcess, name: str) -> list[dict[str, Any]]:
    return [number for number in admin(stack.twilio, "GET", "/state")["numbers"] if number["friendly_name"] == name]


def imported(stack: StackProcess, phone_number: str) -> list[dict[str, Any]]:
    numbers = admin(stack.elevenlabs, "GET", "/state")["phone_numbers"]
    return [number for number in numbers if number["phone_number"] == phone_number]


def calls_of(base_url: str, operation: str, correlation_id: str | None = None) -> list[dict[str, Any]]:
    """The fake's log of that operation's requests (those carrying `correlation_id`, when given)."""
    return [
        entry
        for entry in admin(base_url, "GET", "/state")["requests"]
        if entry["operation"] == operation and correlation_id in (None, entry["correlation_id"])
    ]


def correlation_id_of(stack: StackProcess, onboarding_id: str) -> str:
    """The deploy request's correlation id, as the route stored it with the attempt."""
    stored = stack.client("dynamodb").get_item(
        TableName=stack.state["outputs"]["AgentsTableName"],
        Key={"pk": {"S": f"ONBOARDING#{onboarding_id}"}, "sk": {"S": "DEPLOYMENT"}},
    )["Item"]
    return str(stored["correlation_id"]["S"])


@pytest.fixture(scope="module")
def owner(local_stack: StackProcess) -> Owner:
    return local_stack.new_user("agent-owner")


@pytest.fixture(autouse=True)
def no_failure_left(local_stack: StackProcess) -> Iterator[None]:
    yield
    for fake in (local_stack.twilio, local_stack.elevenlabs):
        admin(fake, "DELETE", "/failures")


def test_a_ready_business_gets_its_agent_answering_a_number_bought_in_its_country(
    local_stack: StackProcess, owner: Owner
) -> None:
    onboarding_id = ready_onboarding(local_stack, owner, "ES")
    name = f"colmena-{onboarding_id}"

    started = deploy(local_stack, owner, onboarding_id)
    onboarding = finished(local_stack, owner, onboarding_id)

    assert started.status_code == 202, started.text
    assert started.json()["execution"] == {"name": f"{onboarding_id}-1", "status": "RUNNING"}
    deployment = onboarding["deployment"]
    assert deployment["status"] == "deployed", deployment
    assert onboarding["steps"]["deployment"] == {"state": "done", "missing": []}
    [agent] = agents_named(local_stack, name)
    [number] = numbers_named(local_stack, name)
    assert (deployment["agent_id"], deployment["phone_number"]) == (agent["agent_id"], number["phone_number"])
    assert number["phone_number"].startswith("+34")
    assert number["status_callback"] == f"{local_stack.api}/webhooks/twilio/call-status"
    [in_elevenlabs] = imported(local_stack, number["phone_number"])
    assert (in_elevenlabs["label"], in_elevenlabs["assigned_agent"]["agent_id"]) == (name, agent["agent_id"])


def test_every_provider_call_carries_the_deploy_requests_correlation_id(
    local_stack: StackProcess, owner: Owner
) -> None:
    onboarding_id = ready_onboarding(local_stack, owner, "ES")

    deploy(local_stack, owner, onboarding_id)
    assert finished(local_stack, owner, onboarding_id)["deployment"]["status"] == "deployed"

    correlation_id = correlation_id_of(local_stack, onboarding_id)
    [created] = calls_of(local_stack.elevenlabs, "create_agent", correlation_id)
    [bought] = calls_of(local_stack.twilio, "buy_number", correlation_id)
    [imported_once] = calls_of(local_stack.elevenlabs, "import_number", correlation_id)
    assert (created["status"], bought["status"], imported_once["status"]) == (200, 201, 200)


def test_a_rate_limit_from_elevenlabs_is_retried_and_the_deployment_goes_live(
    local_stack: StackProcess, owner: Owner
) -> None:
    onboarding_id = ready_onboarding(local_stack, owner, "US")
    admin(local_stack.elevenlabs, "POST", "/failures", {"operation": "create_agent", "status": 429, "times": 1})

    deploy(local_stack, owner, onboarding_id)
    onboarding = finished(local_stack, owner, onboarding_id)

    assert onboarding["deployment"]["status"] == "deployed", onboarding["deployment"]
    assert len(agents_named(local_stack, f"colmena-{onboarding_id}")) == 1
    created = calls_of(local_stack.elevenlabs, "create_agent", correlation_id_of(local_stack, onboarding_id))
    assert [call["status"] for call in created] == [429, 200]


def test_twilio_refusing_after_the_agent_exists_deletes_the_agent_and_fails_with_twilios_reason(
    local_stack: StackProcess, owner: Owner
) -> None:
    onboarding_id = ready_onboarding(local_stack, owner, "FR")  # the local Twilio has no number in FR
    name = f"colmena-{onboarding_id}"

    deploy(local_stack, owner, onboarding_id)
    onboarding = finished(local_stack, owner, onboarding_id)

    deployment = onboarding["deployment"]
    assert deployment["status"] == "failed", deployment
    assert deployment["reason"] == "Twilio has no local phone number available in FR"
    assert onboarding["steps"]["deployment"]["state"] == "failed"
    assert agents_named(local_stack, name) == [] and numbers_named(local_stack, name) == []
    correlation_id = correlation_id_of(local_stack, onboarding_id)
    [created] = calls_of(local_stack.elevenlabs, "create_agent", correlation_id)
    [deleted] = calls_of(local_stack.elevenlabs, "delete_agent", correlation_id)
    assert created["status"] == 200 and deleted["status"] in (200, 204), "the agent was created, then deleted"


def test_the_same_deployment_asked_for_twice_at_once_creates_one_agent_and_buys_one_number(
    local_stack: StackProcess, owner: Owner
) -> None:
    onboarding_id = ready_onboarding(local_stack, owner, "GB")
    name = f"colmena-{onboarding_id}"

    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda _: deploy(local_stack, owner, onboarding_id), range(2)))
    onboarding = finished(local_stack, owner, onboarding_id)

    assert [answer.status_code for answer in answers] == [202, 202]
    assert {answer.json()["execution"]["name"] for answer in answers} == {f"{onboarding_id}-1"}
    assert onboarding["deployment"]["status"] == "deployed"
    assert len(agents_named(local_stack, name)) == 1 and len(numbers_named(local_stack, name)) == 1
    stepfunctions = local_stack.client("stepfunctions")
    [machine] = stepfunctions.list_state_machines()["stateMachines"]
    executions = stepfunctions.list_executions(stateMachineArn=machine["stateMachineArn"])["executions"]
    assert [e["name"] for e in executions if e["name"].startswith(onboarding_id)] == [f"{onboarding_id}-1"]


def test_an_import_retried_after_elevenlabs_did_it_unseen_leaves_one_number(
    local_stack: StackProcess, owner: Owner
) -> None:
    onboarding_id = ready_onboarding(local_stack, owner, "MX")
    # ElevenLabs imports the number, then the answer never comes: the task times out and is retried.
    admin(local_stack.elevenlabs, "POST", "/failures",
          {"operation": "import_number", "status": "timeout", "after": True, "times": 1, "seconds": 6})  # fmt: skip

    deploy(local_stack, owner, onboarding_id)
    onboarding = finished(local_stack, owner, onboarding_id)

    deployment = onboarding["deployment"]
    assert deployment["status"] == "deployed", deployment
    assert len(numbers_named(local_stack, f"colmena-{onboarding_id}")) == 1
    [number] = imported(local_stack, deployment["phone_number"])
    assert number["assigned_agent"]["agent_id"] == deployment["agent_id"]
    imports = calls_of(local_stack.elevenlabs, "import_number", correlation_id_of(local_stack, onboarding_id))
    assert [call["status"] for call in imports] == ["timeout"]  # the retry found it: no second import


def test_a_second_deploy_after_success_answers_the_finished_execution(local_stack: StackProcess, owner: Owner) -> None:
    onboarding_id = ready_onboarding(local_stack, owner, "US")
    deploy(local_stack, owner, onboarding_id)
    assert finished(local_stack, owner, onboarding_id)["deployment"]["status"] == "deployed"

    again = deploy(local_stack, owner, onboarding_id)

    assert again.status_code == 202
    assert again.json()["execution"] == {"name": f"{onboarding_id}-1", "status": "SUCCEEDED"}
