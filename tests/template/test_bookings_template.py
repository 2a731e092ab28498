"""The Bookings organisations and catalogue wiring in template.yaml: the table's key design (a contract with
the appointments' functions), least privilege, and the events Identity hears."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bookings.events import ORGANIZATION_ACTIVATED, ORGANIZATION_DEACTIVATED, SOURCE
from tools import template

TABLE_RESOURCE = template.template()["Resources"]["BookingsTable"]
TABLE = TABLE_RESOURCE["Properties"]
ORGANIZATIONS = template.function("BookingsOrganizationsFunction")
CATALOG = template.function("BookingsCatalogFunction")
MINE = [ORGANIZATIONS, CATALOG]


def actions(function: template.Function) -> list[tuple[str, Any]]:
    return [
        (action, statement["Resource"])
        for statement in function.policy_statements
        for action in (statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]])
    ]


def test_the_table_has_string_keys_and_three_overloaded_indexes_projecting_everything() -> None:
    indexes = {index["IndexName"]: index for index in TABLE["GlobalSecondaryIndexes"]}

    assert [key["AttributeName"] for key in TABLE["KeySchema"]] == ["pk", "sk"]
    assert {d["AttributeName"]: d["AttributeType"] for d in TABLE["AttributeDefinitions"]} == {
        name: "S" for name in ("pk", "sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk", "gsi3pk", "gsi3sk")
    }
    for n in (1, 2, 3):
        index = indexes[f"GSI{n}"]
        assert [key["AttributeName"] for key in index["KeySchema"]] == [f"gsi{n}pk", f"gsi{n}sk"]
        assert index["Projection"] == {"ProjectionType": "ALL"}


def test_the_table_outlives_its_stack_and_keeps_point_in_time_recovery() -> None:
    assert TABLE_RESOURCE["DeletionPolicy"] == TABLE_RESOURCE["UpdateReplacePolicy"] == "Retain"
    assert TABLE["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}


@pytest.mark.parametrize("function", MINE, ids=lambda f: f.logical_id)
def test_each_function_reaches_its_own_table_and_no_index(function: template.Function) -> None:
    table = json.dumps(template.evaluate({"Fn::GetAtt": ["BookingsTable", "Arn"]}))

    dynamodb = [(action, json.dumps(template.evaluate(resource))) for action, resource in actions(function)
                if action.startswith("dynamodb:")]  # fmt: skip
    assert dynamodb and all(resource == table for _, resource in dynamodb)
    assert "dynamodb:Scan" not in {action for action, _ in dynamodb}


def test_only_the_organisations_function_calls_cognito_and_only_on_the_user_pool() -> None:
    cognito = [(action, resource) for action, resource in actions(ORGANIZATIONS) if action.startswith("cognito-idp:")]

    assert {action for action, _ in cognito} == {
        "cognito-idp:AdminCreateUser",
        "cognito-idp:AdminUpdateUserAttributes",
        "cognito-idp:AdminDeleteUserAttributes",
        "cognito-idp:AdminUserGlobalSignOut",
    }
    pool = template.evaluate({"Fn::GetAtt": ["UserPool", "Arn"]})
    assert all(template.evaluate(resource) == pool for _, resource in cognito)
    assert not [action for action, _ in actions(CATALOG) if not action.startswith("dynamodb:")]


def test_the_organisations_function_publishes_as_bookings_only() -> None:
    [statement] = [s for s in ORGANIZATIONS.policy_statements if s["Action"] == "events:PutEvents"]

    assert statement["Condition"] == {"StringEquals": {"events:source": SOURCE}}


def test_identitys_projection_hears_exactly_the_status_events_bookings_publishes() -> None:
    [event] = template.function("OrganizationStatusFunction").properties["Events"].values()

    assert event["Properties"]["Pattern"] == {
        "source": [SOURCE],
        "detail-type": [ORGANIZATION_ACTIVATED, ORGANIZATION_DEACTIVATED],
    }


@pytest.mark.parametrize("function", MINE, ids=lambda f: f.logical_id)
def test_every_route_is_behind_the_cognito_authorizer(function: template.Function) -> None:
    routes = [event["Properties"] for event in function.properties["Events"].values() if event["Type"] == "Api"]

    assert routes
    assert all("Auth" not in route for route in routes)


def test_the_catalogue_needs_no_bus_and_no_user_pool_setting() -> None:
    assert set(CATALOG.environment) - {"STAGE", "POWERTOOLS_METRICS_NAMESPACE", "POWERTOOLS_LOG_LEVEL"} == {
        "POWERTOOLS_SERVICE_NAME",
        "BOOKINGS_TABLE_NAME",
    }
