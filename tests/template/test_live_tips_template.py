"""The tips' wiring in template.yaml: who reads the Stripe secret and where Stripe is, the public webhook, the
idempotency table, and the `stripe` package that only the tip and webhook functions import."""

from __future__ import annotations

import json
import re

from tools import template

TIP_FUNCTIONS = {"LiveTipsFunction", "LiveStripeWebhookFunction"}
# The Agents context's subscription checkout calls Stripe too (tests/template/test_agents_payment_template.py).
OTHER_STRIPE_CALLERS = {"AgentsPaymentFunction"}


def test_only_the_tip_and_webhook_functions_read_the_stripe_secret_and_no_other_live_function_reads_any() -> None:
    # Secrets Manager ends every secret's ARN with six random characters.
    arn = "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:${StripeSecretName}-??????"
    secret = template.evaluate({"Fn::Sub": arn})
    readers = [
        (function, statement["Resource"])
        for function in template.functions()
        for statement in function.policy_statements
        if "secretsmanager" in str(statement["Action"])
    ]

    readers_of_stripe = TIP_FUNCTIONS | OTHER_STRIPE_CALLERS
    assert {f.logical_id: r for f, r in readers if r == secret} == dict.fromkeys(readers_of_stripe, secret)
    assert {f.logical_id: r for f, r in readers if f.code_dir.name == "live"} == dict.fromkeys(TIP_FUNCTIONS, secret)
    assert {f.logical_id for f in template.functions() if "STRIPE_SECRET_NAME" in f.environment} == readers_of_stripe


def test_only_the_tip_function_calls_stripe_at_the_templates_address() -> None:
    callers = {f.logical_id for f in template.functions() if "STRIPE_API_BASE_URL" in f.environment}

    assert callers == {"LiveTipsFunction", *OTHER_STRIPE_CALLERS}
    assert template.function("LiveTipsFunction").environment["STRIPE_API_BASE_URL"] == "https://api.stripe.com"


def test_the_webhook_is_the_one_tip_route_without_the_authorizer() -> None:
    routes = {
        (event["Properties"]["Path"], event["Properties"].get("Auth", {}).get("Authorizer"))
        for logical_id in TIP_FUNCTIONS
        for event in template.function(logical_id).properties["Events"].values()
    }

    assert routes == {("/webhooks/stripe", "NONE"), ("/me/stripe/connect", None), ("/sessions/{session_id}/tips", None)}


def test_the_idempotency_table_is_keyed_by_powertools_id_and_forgets_by_its_expiration() -> None:
    table = template.resources("AWS::DynamoDB::Table")["IdempotencyTable"]["Properties"]

    assert table["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expiration", "Enabled": True}


def test_of_live_only_the_webhook_keeps_idempotency_records() -> None:
    holders = {
        function.logical_id
        for function in template.functions()
        for statement in function.policy_statements
        if function.code_dir.name == "live" and "IdempotencyTable" in json.dumps(statement["Resource"])
    }

    assert holders == {"LiveStripeWebhookFunction"}


def test_no_live_module_but_the_gateway_imports_stripe_and_it_only_inside_functions() -> None:
    package = template.ROOT / "functions" / "live" / "live"
    importers = {
        path.relative_to(package).as_posix(): re.findall(r"^( *)import stripe$", path.read_text(), re.MULTILINE)
        for path in package.rglob("*.py")
        if re.search(r"^\s*(import stripe|from stripe)", path.read_text(), re.MULTILINE)
    }

    assert list(importers) == ["tips/stripe_gateway.py"]
    assert all(indent for indent in importers["tips/stripe_gateway.py"])  # never at module level
