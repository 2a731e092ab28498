"""The voices' and the subscription payment's wiring in template.yaml: their routes, what each function may do, and
the path of a completed checkout from Live's webhook over the bus to the Agents function that marks it paid."""

from __future__ import annotations

import json
import re

from tools import template

ROUTES = {
    ("get", "/voices"): "AgentsVoicesFunction",
    ("post", "/onboarding/{onboarding_id}/select-voice"): "AgentsVoicesFunction",
    ("post", "/onboarding/{onboarding_id}/complete-payment"): "AgentsPaymentFunction",
}
TABLE = json.dumps(template.evaluate({"Fn::GetAtt": ["AgentsTable", "Arn"]}))


def grants(logical_id: str) -> set[tuple[str, str]]:
    return {
        (action, json.dumps(template.evaluate(statement["Resource"])))
        for statement in template.function(logical_id).policy_statements
        for action in (statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]])
    }


def secret(parameter: str) -> str:
    arn = f"arn:${{AWS::Partition}}:secretsmanager:${{AWS::Region}}:${{AWS::AccountId}}:secret:${{{parameter}}}-??????"
    return json.dumps(template.evaluate({"Fn::Sub": arn}))


def test_the_voice_and_payment_routes_are_served_behind_the_cognito_authorizer() -> None:
    served = {
        (event["Properties"]["Method"], event["Properties"]["Path"]): (function.logical_id, event["Properties"])
        for function in template.functions()
        for event in function.properties.get("Events", {}).values()
        if event["Type"] == "Api" and function.logical_id in set(ROUTES.values())
    }

    assert {route: logical_id for route, (logical_id, _) in served.items()} == ROUTES
    assert all("Auth" not in properties for _, properties in served.values())


def test_the_voices_function_reads_its_table_sets_the_voice_and_reads_only_the_elevenlabs_secret() -> None:
    assert grants("AgentsVoicesFunction") == {
        ("dynamodb:Query", TABLE),
        ("dynamodb:GetItem", TABLE),
        ("dynamodb:UpdateItem", TABLE),
        ("dynamodb:ConditionCheckItem", TABLE),  # no voice change while a deployment runs
        ("secretsmanager:GetSecretValue", secret("ElevenLabsSecretName")),
    }


def test_the_payment_function_puts_its_payment_and_reads_only_the_stripe_secret() -> None:
    assert grants("AgentsPaymentFunction") == {
        ("dynamodb:Query", TABLE),
        ("dynamodb:GetItem", TABLE),
        ("dynamodb:PutItem", TABLE),
        ("secretsmanager:GetSecretValue", secret("StripeSecretName")),
    }


def test_the_payment_function_calls_stripe_where_the_template_says() -> None:
    environment = template.function("AgentsPaymentFunction").environment

    assert environment["STRIPE_API_BASE_URL"] == template.resolve({"Ref": "StripeApiBaseUrl"})
    assert "{CHECKOUT_SESSION_ID}" in environment["STRIPE_CHECKOUT_SUCCESS_URL"]


def test_a_completed_agents_checkout_reaches_the_payment_events_function_from_live_only() -> None:
    [rule] = [
        event["Properties"]
        for event in template.function("AgentsPaymentEventsFunction").properties["Events"].values()
        if event["Type"] == "EventBridgeRule"
    ]

    assert rule["Pattern"] == {"source": ["colmena.live"], "detail-type": ["subscription.checkout_completed"]}
    assert rule["DeadLetterConfig"]["Arn"] == {"Fn::GetAtt": ["AgentsPaymentEventsDeadLetterQueue", "Arn"]}


def test_a_payment_event_that_keeps_failing_is_kept_in_its_queue() -> None:
    config = template.function("AgentsPaymentEventsFunction").properties["EventInvokeConfig"]

    assert config["DestinationConfig"]["OnFailure"]["Destination"] == {
        "Fn::GetAtt": ["AgentsPaymentEventsDeadLetterQueue", "Arn"]
    }


def test_the_payment_events_function_publishes_only_as_agents_and_writes_only_its_table() -> None:
    statements = template.function("AgentsPaymentEventsFunction").policy_statements
    [publish] = [statement for statement in statements if statement["Action"] == "events:PutEvents"]

    assert publish["Condition"] == {"StringEquals": {"events:source": "colmena.agents"}}
    assert {action for action, resource in grants("AgentsPaymentEventsFunction") if resource == TABLE} == {
        "dynamodb:GetItem",
        "dynamodb:UpdateItem",
    }


def test_no_agents_module_imports_stripe_and_the_kernel_only_inside_functions() -> None:
    package = template.ROOT / "functions" / "agents" / "agents"
    importers = [
        path for path in package.rglob("*.py") if re.search(r"^\s*(import stripe|from stripe)", path.read_text(), re.M)
    ]
    kernel = (template.ROOT / "layers" / "shared" / "colmena" / "stripe_api.py").read_text()

    assert importers == []
    assert re.findall(r"^( *)import stripe$", kernel, re.M) and all(re.findall(r"^( *)import stripe$", kernel, re.M))
