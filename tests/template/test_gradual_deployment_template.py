"""Gradual deployment in prod (issue 13): template.yaml as SAM transforms it for each stage. Every stage publishes
a version and the alias `live` that the triggers invoke; only prod shifts the alias through CodeDeploy, 10% for 5
minutes, rolled back by the function's own errors alarm."""

from __future__ import annotations

import copy
import functools
from typing import Any

import boto3
import pytest
from samtranslator.parser.parser import Parser  # type: ignore[import-untyped]
from samtranslator.translator.translator import Translator  # type: ignore[import-untyped]

from tools import template

ALIAS = "live"
# What CloudFormation hands the transform; the managed policies SAM names are looked up by name.
MANAGED_POLICIES = {
    name: f"arn:aws:iam::aws:policy/{path}{name}"
    for path, name in (
        ("service-role/", "AWSLambdaBasicExecutionRole"),
        ("", "AWSXrayWriteOnlyAccess"),
        ("service-role/", "AWSCodeDeployRoleForLambda"),
    )
}


@functools.cache
def transformed(stage: str) -> dict[str, Any]:
    """The resources CloudFormation deploys for `stage`, code locations standing in for `sam package`'s."""
    body = copy.deepcopy(template.template())
    for resource in body["Resources"].values():
        properties = resource.get("Properties", {})
        for uri in ("CodeUri", "ContentUri", "DefinitionUri"):
            if isinstance(properties.get(uri), str):
                properties[uri] = f"s3://artifacts/{properties[uri].strip('/')}"
    parameters = {"Stage": stage, **template.PSEUDO_PARAMETERS}
    translator = Translator({}, Parser(), boto_session=boto3.Session(region_name="us-east-1"))
    output = translator.translate(body, parameters, get_managed_policy_map=lambda: MANAGED_POLICIES)
    resources: dict[str, Any] = output["Resources"]
    return resources


def of_type(resources: dict[str, Any], kind: str) -> dict[str, Any]:
    return {logical_id: resource for logical_id, resource in resources.items() if resource["Type"] == kind}


def function_ids() -> list[str]:
    return sorted(template.resources("AWS::Serverless::Function"))


@pytest.mark.parametrize("stage", ["dev", "staging", "prod"])
def test_every_stage_publishes_each_function_behind_the_alias_live(stage: str) -> None:
    resources = transformed(stage)

    aliases = of_type(resources, "AWS::Lambda::Alias")

    assert {alias["Properties"]["FunctionName"]["Ref"] for alias in aliases.values()} == set(function_ids())
    assert {alias["Properties"]["Name"] for alias in aliases.values()} == {ALIAS}
    # The version a deploy replaces is deleted with the update, not kept forever.
    assert {version["DeletionPolicy"] for version in of_type(resources, "AWS::Lambda::Version").values()} == {"Delete"}


@pytest.mark.parametrize("stage", ["dev", "staging"])
def test_dev_and_staging_move_the_alias_at_once_without_codedeploy(stage: str) -> None:
    resources = transformed(stage)

    assert not [resource for resource in resources.values() if resource["Type"].startswith("AWS::CodeDeploy::")]
    assert all("UpdatePolicy" not in alias for alias in of_type(resources, "AWS::Lambda::Alias").values())


@pytest.mark.parametrize("logical_id", function_ids())
def test_prod_shifts_each_alias_10_percent_for_5_minutes_rolled_back_by_the_functions_errors_alarm(
    logical_id: str,
) -> None:
    resources = transformed("prod")

    alias = resources[f"{logical_id}Alias{ALIAS}"]
    group = resources[alias["UpdatePolicy"]["CodeDeployLambdaAliasUpdate"]["DeploymentGroupName"]["Ref"]]

    assert group["Properties"]["DeploymentConfigName"]["Fn::Sub"][1] == {"ConfigName": "Canary10Percent5Minutes"}
    assert group["Properties"]["AlarmConfiguration"] == {
        "Enabled": True,
        "Alarms": [{"Name": {"Ref": f"{logical_id}ErrorsAlarm"}}],
    }
    assert "DEPLOYMENT_STOP_ON_ALARM" in group["Properties"]["AutoRollbackConfiguration"]["Events"]


def test_prod_gets_codedeploys_service_role_for_lambda() -> None:
    role = transformed("prod")["CodeDeployServiceRole"]["Properties"]

    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": ["codedeploy.amazonaws.com"]}
    assert role["ManagedPolicyArns"] == [MANAGED_POLICIES["AWSCodeDeployRoleForLambda"]]


def test_every_trigger_invokes_the_alias_not_latest() -> None:
    """API routes, rules, schedules, S3 and Cognito (SAM's events) and the WebSocket API (the template's own
    permissions): each is granted its invocation on the function it calls."""
    resources = transformed("prod")
    alias_ids = set(of_type(resources, "AWS::Lambda::Alias"))

    granted = [
        permission["Properties"]["FunctionName"]
        for permission in of_type(resources, "AWS::Lambda::Permission").values()
    ]

    assert len(granted) > len(template.resources("AWS::Lambda::Permission"))
    assert all(function.get("Ref") in alias_ids for function in granted)
