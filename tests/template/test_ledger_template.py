"""The Ledger context's wiring in template.yaml: its table, the rule on the bus, the dead letters, least
privilege."""

from __future__ import annotations

import json
from typing import Any

from tools import template

LEDGER_FUNCTIONS = {
    function.logical_id: function for function in template.functions() if function.code_dir.name == "ledger"
}
TABLE = template.resources("AWS::DynamoDB::Table")["LedgerTable"]["Properties"]
RECORD = LEDGER_FUNCTIONS["LedgerRecordFunction"]
API = LEDGER_FUNCTIONS["LedgerApiFunction"]


def grants(function: template.Function) -> set[tuple[str, str]]:
    return {
        (action, json.dumps(statement["Resource"]))
        for statement in function.policy_statements
        for action in (statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]])
    }


def arn(value: Any) -> str:
    return json.dumps(template.evaluate(value))


def test_the_ledger_is_two_functions_on_the_contexts_one_code_folder() -> None:
    assert sorted(LEDGER_FUNCTIONS) == ["LedgerApiFunction", "LedgerRecordFunction"]


def test_the_table_bills_per_request_and_keeps_its_point_in_time_recovery() -> None:
    assert TABLE["BillingMode"] == "PAY_PER_REQUEST"
    assert TABLE["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert template.template()["Resources"]["LedgerTable"]["DeletionPolicy"] == "Retain"


def test_a_users_entries_are_ordered_by_a_local_index_on_their_own_partition() -> None:
    [index] = TABLE["LocalSecondaryIndexes"]

    assert index["IndexName"] == "ByTime"
    assert [key["AttributeName"] for key in index["KeySchema"]] == ["pk", "lsi1sk"]
    assert "GlobalSecondaryIndexes" not in TABLE


def test_the_record_function_hears_lives_tip_events_only() -> None:
    [event] = RECORD.properties["Events"].values()

    assert event["Type"] == "EventBridgeRule"
    assert event["Properties"]["EventBusName"] == {"Ref": "EventBus"}
    assert event["Properties"]["Pattern"] == {
        "source": ["colmena.live"],
        "detail-type": ["tip.completed", "tip.refunded"],
    }


def test_an_event_the_ledger_cannot_record_ends_in_its_dead_letter_queue() -> None:
    [event] = RECORD.properties["Events"].values()
    queue = {"Fn::GetAtt": ["LedgerEventsDeadLetterQueue", "Arn"]}

    assert event["Properties"]["DeadLetterConfig"]["Arn"] == queue
    assert RECORD.properties["EventInvokeConfig"]["DestinationConfig"]["OnFailure"]["Destination"] == queue
    [statement] = template.resources("AWS::SQS::QueuePolicy")["LedgerEventsDeadLetterQueuePolicy"]["Properties"][
        "PolicyDocument"
    ]["Statement"]
    assert statement["Principal"] == {"Service": "events.amazonaws.com"}
    assert "rule/${EventBus}/*" in statement["Condition"]["ArnLike"]["aws:SourceArn"]["Fn::Sub"]


def test_the_record_function_may_read_and_put_items_of_its_table_only() -> None:
    table = arn({"Fn::GetAtt": ["LedgerTable", "Arn"]})

    assert grants(RECORD) == {("dynamodb:GetItem", table), ("dynamodb:PutItem", table)}


def test_the_api_may_only_query_the_time_index() -> None:
    index = arn({"Fn::Sub": "${LedgerTable.Arn}/index/ByTime"})

    assert grants(API) == {("dynamodb:Query", index)}


def test_the_listing_is_behind_the_cognito_authorizer() -> None:
    [event] = API.properties["Events"].values()

    assert (event["Properties"]["Path"], event["Properties"]["Method"]) == ("/me/transactions", "get")
    assert "Auth" not in event["Properties"]
