"""The policy as code (tools/cfn_rules, run by cfn-lint through .cfnlintrc): template.yaml keeps every rule,
and each rule fails a template that breaks it. The broken templates start from one small template that keeps
them all and change one thing."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
import yaml
from cfnlint.api import lint

from tools import template
from tools.cfn_rules import functions, platform

RULES_DIR = str(template.ROOT / "tools" / "cfn_rules")
OWN_RULES = {
    str(getattr(rule, "id", ""))
    for module in (functions, platform)
    for rule in vars(module).values()
    if isinstance(rule, type) and str(getattr(rule, "id", "")).startswith("E91")
}


def alarm(namespace: str, metric: str, dimension: str, value: Any) -> dict[str, Any]:
    return {
        "Type": "AWS::CloudWatch::Alarm",
        "Properties": {
            "Namespace": namespace,
            "MetricName": metric,
            "Dimensions": [{"Name": dimension, "Value": value}],
            "Statistic": "Sum",
            "Period": 60,
            "EvaluationPeriods": 1,
            "Threshold": 1,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
        },
    }


def compliant() -> dict[str, Any]:
    """A scheduled function, its queue, a table and a workflow, with everything the rules ask for."""
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Transform": "AWS::Serverless-2016-10-31",
        "Parameters": {"Stage": {"Type": "String", "Default": "dev"}},
        "Conditions": {"IsProd": {"Fn::Equals": [{"Ref": "Stage"}, "prod"]}},
        "Globals": {
            "Function": {
                "Runtime": "python3.13",
                "Tracing": "Active",
                "AutoPublishAlias": "live",
                "DeploymentPreference": {"Type": "Canary10Percent5Minutes"},
            }
        },
        "Resources": {
            "Table": {
                "Type": "AWS::DynamoDB::Table",
                "Properties": {
                    "BillingMode": "PAY_PER_REQUEST",
                    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                    "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
                    "DeletionProtectionEnabled": {"Fn::If": ["IsProd", True, False]},
                },
            },
            "JobDeadLetterQueue": {"Type": "AWS::SQS::Queue"},
            "JobDeadLetterQueueDepthAlarm": alarm(
                "AWS/SQS",
                "ApproximateNumberOfMessagesVisible",
                "QueueName",
                {"Fn::GetAtt": ["JobDeadLetterQueue", "QueueName"]},
            ),
            "JobFunction": {
                "Type": "AWS::Serverless::Function",
                "Properties": {
                    "CodeUri": "functions/job/",
                    "Handler": "job.handler",
                    "AutoPublishAliasAllProperties": True,
                    "DeploymentPreference": {"Alarms": [{"Ref": "JobFunctionErrorsAlarm"}]},
                    "Policies": [
                        {
                            "Statement": [
                                {
                                    "Effect": "Allow",
                                    "Action": "dynamodb:GetItem",
                                    "Resource": {"Fn::GetAtt": ["Table", "Arn"]},
                                }
                            ]
                        }
                    ],
                    "EventInvokeConfig": {
                        "DestinationConfig": {
                            "OnFailure": {"Type": "SQS", "Destination": {"Fn::GetAtt": ["JobDeadLetterQueue", "Arn"]}}
                        }
                    },
                    "Events": {"Hourly": {"Type": "Schedule", "Properties": {"Schedule": "rate(1 hour)"}}},
                },
            },
            "JobFunctionLogGroup": {
                "Type": "AWS::Logs::LogGroup",
                "Properties": {"LogGroupName": {"Fn::Sub": "/aws/lambda/${JobFunction}"}, "RetentionInDays": 30},
            },
            "JobFunctionErrorsAlarm": alarm("AWS/Lambda", "Errors", "FunctionName", {"Ref": "JobFunction"}),
            "JobFunctionThrottlesAlarm": alarm("AWS/Lambda", "Throttles", "FunctionName", {"Ref": "JobFunction"}),
            "Workflow": {
                "Type": "AWS::StepFunctions::StateMachine",
                "Properties": {"RoleArn": "arn:aws:iam::123456789012:role/workflow", "DefinitionString": "{}"},
            },
            "WorkflowFailedAlarm": alarm("AWS/States", "ExecutionsFailed", "StateMachineArn", {"Ref": "Workflow"}),
            "WorkflowTimedOutAlarm": alarm("AWS/States", "ExecutionsTimedOut", "StateMachineArn", {"Ref": "Workflow"}),
        },
    }


def own_rules_broken(body: dict[str, Any]) -> set[str]:
    matches = lint(yaml.safe_dump(body), config={"append_rules": [RULES_DIR], "regions": ["us-east-1"]})
    return {match.rule.id for match in matches} & OWN_RULES


def resource(body: dict[str, Any], name: str) -> dict[str, Any]:
    properties: dict[str, Any] = body["Resources"][name]["Properties"]
    return properties


BREAKS: dict[str, Callable[[dict[str, Any]], None]] = {
    "E9101": lambda body: resource(body, "JobFunctionLogGroup").pop("RetentionInDays"),
    "E9102": lambda body: body["Globals"]["Function"].pop("Tracing"),
    "E9103": lambda body: body["Resources"].pop("JobFunctionThrottlesAlarm"),
    "E9104": lambda body: resource(body, "JobFunction").pop("EventInvokeConfig"),
    "E9105": lambda body: resource(body, "JobFunction")["Policies"][0]["Statement"][0].update(Action="dynamodb:*"),
    "E9106": lambda body: resource(body, "Table").pop("DeletionProtectionEnabled"),
    "E9107": lambda body: resource(body, "JobFunction").update(
        Environment={"Variables": {"STRIPE_KEY": "sk_" + "live_51HxYzAbCdEfGhIjKlMnOpQr"}}
    ),
    "E9108": lambda body: body["Resources"].pop("JobDeadLetterQueueDepthAlarm"),
    "E9109": lambda body: body["Resources"].pop("WorkflowTimedOutAlarm"),
    "E9110": lambda body: body["Resources"].update(
        Api={"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "api"}}
    ),
    "E9111": lambda body: resource(body, "JobFunction").pop("DeploymentPreference"),
}


def roll_back_on_another_functions_errors(body: dict[str, Any]) -> None:
    body["Resources"]["OtherErrorsAlarm"] = alarm("AWS/Lambda", "Errors", "FunctionName", "other-function")
    resource(body, "JobFunction")["DeploymentPreference"]["Alarms"] = [{"Ref": "OtherErrorsAlarm"}]


# Each other way of not deploying gradually on the function's own errors, which E9111 alone must refuse.
NOT_GRADUAL: dict[str, Callable[[dict[str, Any]], None]] = {
    "no alias": lambda body: body["Globals"]["Function"].pop("AutoPublishAlias"),
    "a version on code changes only": lambda body: resource(body, "JobFunction").pop("AutoPublishAliasAllProperties"),
    "no deployment type": lambda body: body["Globals"]["Function"].pop("DeploymentPreference"),
    "rolled back by its throttles": lambda body: resource(body, "JobFunction")["DeploymentPreference"].update(
        Alarms=[{"Ref": "JobFunctionThrottlesAlarm"}]
    ),
    "rolled back by another function's errors": roll_back_on_another_functions_errors,
}


def test_every_rule_has_a_template_that_breaks_it() -> None:
    assert set(BREAKS) == OWN_RULES


def test_template_yaml_keeps_every_rule() -> None:
    assert own_rules_broken(template.template()) == set()


def test_the_small_template_keeps_every_rule() -> None:
    assert own_rules_broken(compliant()) == set()


@pytest.mark.parametrize("rule_id", sorted(BREAKS))
def test_a_template_that_breaks_a_rule_fails_it(rule_id: str) -> None:
    body = copy.deepcopy(compliant())
    BREAKS[rule_id](body)

    assert own_rules_broken(body) == {rule_id}


@pytest.mark.parametrize("how", sorted(NOT_GRADUAL))
def test_a_function_that_does_not_deploy_gradually_on_its_own_errors_alarm_fails_e9111(how: str) -> None:
    body = copy.deepcopy(compliant())
    NOT_GRADUAL[how](body)

    assert own_rules_broken(body) == {"E9111"}
