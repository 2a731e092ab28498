"""tools/template.py evaluates the intrinsic functions a template uses in environments and policies, as
the tests and the local stack deploy it: resources by logical id, parameters by default or given value."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tools import template
from tools.template import Resolver

TEMPLATE = """
Parameters:
  Stage:
    Type: String
    Default: dev
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
  IsNotProd: !Not [!Condition IsProd]
Resources:
  Table:
    Type: AWS::DynamoDB::Table
  Bus:
    Type: AWS::Events::EventBus
  Queue:
    Type: AWS::SQS::Queue
  Role:
    Type: AWS::IAM::Role
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Environment:
        Variables:
          TABLE: !Ref Table
          TABLE_ARN: !GetAtt Table.Arn
          RULES: !Sub arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/${Bus}/*
          SITE: !Sub https://${Stage}.example.${AWS::URLSuffix}
          QUEUE_ARN: !Sub ${Queue.Arn}
          NAMED: !Sub ["${Prefix}-${Stage}", {Prefix: !Ref Bus}]
          LITERAL: !Sub "${!Stage}"
          LOG_LEVEL: !If [IsProd, WARNING, DEBUG]
          VERBOSE: !If [IsNotProd, "yes", "no"]
      Policies:
        - Statement:
            - Effect: Allow
              Action: dynamodb:GetItem
              Resource: [!GetAtt Table.Arn, !Sub "${Table.Arn}/index/*"]
            - Effect: Allow
              Action: iam:PassRole
              Resource: !GetAtt Role.Arn
"""


@pytest.fixture
def body(tmp_path: Path) -> dict[str, Any]:
    path = tmp_path / "template.yaml"
    path.write_text(TEMPLATE)
    return template.load(path)


def variable(body: dict[str, Any], name: str, **parameters: str) -> Any:
    value = body["Resources"]["Worker"]["Properties"]["Environment"]["Variables"][name]
    return Resolver.of(parameters, body).value(value)


def test_a_ref_to_a_resource_is_its_logical_id(body: dict[str, Any]) -> None:
    assert variable(body, "TABLE") == "Table"


def test_get_att_arn_is_an_arn_of_the_resources_type_named_by_its_logical_id(body: dict[str, Any]) -> None:
    assert variable(body, "TABLE_ARN") == "arn:aws:dynamodb:us-east-1:123456789012:table/Table"


def test_sub_fills_pseudo_parameters_and_resources(body: dict[str, Any]) -> None:
    assert variable(body, "RULES") == "arn:aws:events:us-east-1:123456789012:rule/Bus/*"


def test_sub_fills_parameters_with_their_default_or_the_given_value(body: dict[str, Any]) -> None:
    assert variable(body, "SITE") == "https://dev.example.amazonaws.com"
    assert variable(body, "SITE", Stage="prod") == "https://prod.example.amazonaws.com"


def test_sub_fills_an_attribute_of_a_resource(body: dict[str, Any]) -> None:
    assert variable(body, "QUEUE_ARN") == "arn:aws:sqs:us-east-1:123456789012:Queue"


def test_sub_with_a_variable_map_uses_the_maps_values(body: dict[str, Any]) -> None:
    assert variable(body, "NAMED") == "Bus-dev"


def test_sub_keeps_an_escaped_placeholder_literal(body: dict[str, Any]) -> None:
    assert variable(body, "LITERAL") == "${Stage}"


@pytest.mark.parametrize(("stage", "expected"), [("dev", "DEBUG"), ("prod", "WARNING")])
def test_if_chooses_by_the_condition_evaluated_with_the_parameters(
    body: dict[str, Any], stage: str, expected: str
) -> None:
    assert variable(body, "LOG_LEVEL", Stage=stage) == expected


def test_a_condition_can_refer_to_another_condition(body: dict[str, Any]) -> None:
    assert variable(body, "VERBOSE") == "yes"
    assert variable(body, "VERBOSE", Stage="prod") == "no"


def test_policy_statements_resolve_every_resource(body: dict[str, Any]) -> None:
    statements = Resolver.of({}, body).value(body["Resources"]["Worker"]["Properties"]["Policies"][0]["Statement"])

    assert statements[0]["Resource"] == [
        "arn:aws:dynamodb:us-east-1:123456789012:table/Table",
        "arn:aws:dynamodb:us-east-1:123456789012:table/Table/index/*",
    ]
    assert statements[1]["Resource"] == "arn:aws:iam::123456789012:role/Role"  # IAM names no region


def test_a_ref_to_nothing_the_template_declares_is_an_error_naming_it(body: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="!Ref Missing"):
        Resolver.of({}, body).value({"Ref": "Missing"})


def test_parameters_the_template_does_not_declare_are_ignored(body: dict[str, Any]) -> None:
    assert template.parameter_values({"Stage": "prod", "StripeApiBaseUrl": "x"}, body) == {"Stage": "prod"}


def test_the_projects_functions_read_every_environment_value_and_policy_resource() -> None:
    for function in template.functions():
        assert all(isinstance(value, str) for value in function.environment.values())
        resources = [statement["Resource"] for statement in function.policy_statements]
        assert all(str(resource).startswith("arn:aws:") for resource in resources), function.logical_id
