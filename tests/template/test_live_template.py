"""The Live context's wiring in template.yaml: public routes, least privilege, the status index."""

from __future__ import annotations

import json
from typing import Any

from tools import template

LIVE_FUNCTIONS = [function for function in template.functions() if function.code_dir.name == "live"]
# The REST half; the realtime functions (WebSocket routes, push) are checked in test_live_realtime_template.py.
REST_FUNCTIONS = [
    function
    for function in LIVE_FUNCTIONS
    if any(event["Type"] == "Api" for event in function.properties.get("Events", {}).values())
]
# Stripe's webhook carries no token: its signature is the authentication (test_live_tips_template.py).
PUBLIC_ROUTES = {("get", "/sessions"), ("get", "/sessions/{session_id}"), ("post", "/webhooks/stripe")}


def live_routes() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (event["Properties"]["Method"].lower(), event["Properties"]["Path"], event["Properties"])
        for function in REST_FUNCTIONS
        for event in function.properties.get("Events", {}).values()
        if event["Type"] == "Api"
    ]


def test_lives_rest_routes_are_five_functions_on_the_contexts_one_code_folder() -> None:
    assert sorted(function.logical_id for function in REST_FUNCTIONS) == [
        "LiveChatFunction",
        "LiveQueueFunction",
        "LiveSessionsFunction",
        "LiveStripeWebhookFunction",
        "LiveTipsFunction",
    ]
    assert {function.code_dir.name for function in REST_FUNCTIONS} == {"live"}


def test_only_listing_and_reading_sessions_skip_the_authorizer() -> None:
    public = {
        (method, path)
        for method, path, properties in live_routes()
        if properties.get("Auth", {}).get("Authorizer") == "NONE"
    }

    assert public == PUBLIC_ROUTES


def test_the_published_description_marks_exactly_the_public_routes_as_needing_no_token() -> None:
    description = json.loads((template.ROOT / "functions" / "live" / "openapi.json").read_text())

    anonymous = {
        (method, path)
        for path, operations in description["paths"].items()
        for method, operation in operations.items()
        if operation.get("security") == [{}]
    }

    assert anonymous == PUBLIC_ROUTES


def test_live_functions_publish_as_colmena_live_only() -> None:
    for function in (f for f in REST_FUNCTIONS if f.logical_id != "LiveTipsFunction"):  # it publishes nothing
        puts = [s for s in function.policy_statements if "events:PutEvents" in str(s["Action"])]
        assert puts, function.logical_id
        assert all(s["Condition"] == {"StringEquals": {"events:source": "colmena.live"}} for s in puts)


def test_no_live_function_may_scan_or_reach_another_table() -> None:
    for function in LIVE_FUNCTIONS:
        for statement in function.policy_statements:
            if "dynamodb" not in str(statement["Action"]):
                continue
            assert "dynamodb:Scan" not in str(statement["Action"]), function.logical_id
            # The webhook's Powertools idempotency records are the one other table a Live function reaches.
            tables = (
                ("LiveTable", "IdempotencyTable")
                if function.logical_id == "LiveStripeWebhookFunction"
                else ("LiveTable",)
            )
            assert any(table in json.dumps(statement["Resource"]) for table in tables), function.logical_id


def test_only_the_sessions_function_and_the_cleanup_read_the_status_index() -> None:
    readers = {
        function.logical_id
        for function in LIVE_FUNCTIONS
        for statement in function.policy_statements
        if "/index/" in json.dumps(statement["Resource"])
    }

    assert readers == {"LiveSessionsFunction", "LiveCleanupFunction"}


def test_sessions_are_listed_from_an_index_keyed_by_status_and_time() -> None:
    table = template.resources("AWS::DynamoDB::Table")["LiveTable"]["Properties"]
    [index] = table["GlobalSecondaryIndexes"]

    assert index["IndexName"] == "ByStatus"
    assert [key["AttributeName"] for key in index["KeySchema"]] == ["gsi1pk", "gsi1sk"]


CLEANUP = next(function for function in LIVE_FUNCTIONS if function.logical_id == "LiveCleanupFunction")


def test_the_cleanup_runs_on_an_eventbridge_schedule_every_15_minutes() -> None:
    [event] = CLEANUP.properties["Events"].values()

    assert event["Type"] == "Schedule"
    assert event["Properties"]["Schedule"] == "rate(15 minutes)"


def test_the_cleanup_thresholds_are_four_hours_idle_and_a_day_past_the_time() -> None:
    assert CLEANUP.environment["LIVE_IDLE_AFTER_MINUTES"] == "240"
    assert CLEANUP.environment["LIVE_CANCEL_AFTER_MINUTES"] == "1440"


def test_the_cleanup_may_query_the_status_index_update_sessions_and_post_messages_only() -> None:
    grants = {
        (action, json.dumps(statement["Resource"]))
        for statement in CLEANUP.policy_statements
        if "dynamodb" in str(statement["Action"])
        for action in (statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]])
    }
    table = json.dumps(template.evaluate({"Fn::GetAtt": ["LiveTable", "Arn"]}))
    index = json.dumps(template.evaluate({"Fn::Sub": "${LiveTable.Arn}/index/ByStatus"}))

    assert grants == {("dynamodb:Query", index), ("dynamodb:UpdateItem", table), ("dynamodb:PutItem", table)}


def test_the_queue_function_may_check_the_session_in_a_votes_transaction_on_the_table_only() -> None:
    [queue] = [function for function in REST_FUNCTIONS if function.logical_id == "LiveQueueFunction"]
    table = template.evaluate({"Fn::GetAtt": ["LiveTable", "Arn"]})

    [statement] = [s for s in queue.policy_statements if "dynamodb:ConditionCheckItem" in str(s["Action"])]

    assert template.evaluate(statement["Resource"]) == table
