"""The agent-deployment workflow's wiring in template.yaml and its definition: every task substituted, the
providers' rate limits and outages retried with jitter, everything else caught into compensation, and each
function allowed exactly what it does."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tools import template

RESOURCES = template.template()["Resources"]
MACHINE = RESOURCES["AgentDeploymentStateMachine"]["Properties"]
DEFINITION = json.loads((template.ROOT / MACHINE["DefinitionUri"]).read_text())
STATES: dict[str, Any] = DEFINITION["States"]
PROVIDER_TASKS = ("CreateAgent", "BuyNumber", "ImportNumber")
TASK_FUNCTIONS = {
    "DeploymentBuildPromptFunction",
    "DeploymentCreateAgentFunction",
    "DeploymentBuyNumberFunction",
    "DeploymentImportNumberFunction",
    "DeploymentMarkDeployedFunction",
    "DeploymentCompensateFunction",
    "DeploymentMarkFailedFunction",
}
SECRETS = {"TwilioSecretName", "ElevenLabsSecretName"}


def statements(logical_id: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for policy in RESOURCES[logical_id]["Properties"]["Policies"]:
        if "Statement" in policy:
            found.extend(template.evaluate(policy["Statement"]))
    return found


def secrets_read(logical_id: str) -> set[str]:
    resources = [s["Resource"] for s in statements(logical_id) if s["Action"] == "secretsmanager:GetSecretValue"]
    return {name for name in SECRETS for resource in resources if template.resolve({"Ref": name}) in resource}


def test_every_substitution_in_the_definition_names_a_task_function_the_template_gives() -> None:
    placeholders = set(re.findall(r"\$\{(\w+)\}", json.dumps(DEFINITION)))
    substitutions = MACHINE["DefinitionSubstitutions"]

    assert placeholders == set(substitutions)
    assert {value["Fn::GetAtt"][0] for value in substitutions.values()} == TASK_FUNCTIONS


def test_the_machine_may_invoke_its_task_functions_and_nothing_else() -> None:
    invoked = {p["LambdaInvokePolicy"]["FunctionName"]["Ref"] for p in MACHINE["Policies"] if "LambdaInvokePolicy" in p}

    assert invoked == TASK_FUNCTIONS


@pytest.mark.parametrize("state", PROVIDER_TASKS)
def test_a_providers_rate_limit_or_outage_is_retried_with_backoff_and_full_jitter(state: str) -> None:
    [provider] = [r for r in STATES[state]["Retry"] if "ProviderRateLimited" in r["ErrorEquals"]]

    assert set(provider["ErrorEquals"]) == {"ProviderRateLimited", "ProviderUnavailable"}
    assert provider["JitterStrategy"] == "FULL" and provider["BackoffRate"] > 1
    assert STATES[state]["Catch"] == [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Compensate"}]


def test_a_failure_is_compensated_then_marked_failed_and_the_execution_fails() -> None:
    assert STATES["Compensate"]["Next"] == "MarkFailed"
    assert STATES["Compensate"]["Catch"][0]["Next"] == "MarkFailed"
    assert STATES["MarkFailed"]["Next"] == "DeploymentFailed"
    assert STATES["DeploymentFailed"]["Type"] == "Fail"


def test_a_prompt_that_cannot_be_built_is_marked_failed_at_once_with_nothing_to_compensate() -> None:
    assert STATES["BuildPrompt"]["Catch"][0]["Next"] == "MarkFailed"
    assert not any("Provider" in name for r in STATES["BuildPrompt"]["Retry"] for name in r["ErrorEquals"])


@pytest.mark.parametrize(
    ("function", "secrets"),
    [
        ("DeploymentBuildPromptFunction", set()),
        ("DeploymentCreateAgentFunction", {"ElevenLabsSecretName"}),
        ("DeploymentBuyNumberFunction", {"TwilioSecretName"}),
        ("DeploymentImportNumberFunction", SECRETS),
        ("DeploymentMarkDeployedFunction", set()),
        ("DeploymentCompensateFunction", SECRETS),
        ("DeploymentMarkFailedFunction", set()),
        ("AgentsDeploymentFunction", set()),
    ],
)
def test_each_function_reads_only_the_secrets_of_the_providers_it_calls(function: str, secrets: set[str]) -> None:
    assert secrets_read(function) == secrets


def test_the_route_is_told_the_configured_public_url_and_no_task_names_the_api() -> None:
    # The API depends on the route's function, which depends on the state machine and so on every task.
    route = RESOURCES["AgentsDeploymentFunction"]["Properties"]["Environment"]["Variables"]

    assert route["PUBLIC_API_BASE_URL"] == {"Ref": "PublicApiBaseUrl"}
    for function in TASK_FUNCTIONS:
        assert "${Api}" not in json.dumps(RESOURCES[function]) and '"Api"' not in json.dumps(RESOURCES[function])


def test_the_route_starts_and_describes_only_this_machines_executions() -> None:
    by_action = {
        s["Action"]: s["Resource"]
        for s in statements("AgentsDeploymentFunction")
        if str(s["Action"]).startswith("states:")
    }

    assert by_action["states:StartExecution"] == template.resolve(
        {"Fn::GetAtt": ["AgentDeploymentStateMachine", "Arn"]}
    )
    assert ":execution:" in by_action["states:DescribeExecution"]
