"""Feature flags on the local stack: the template's AppConfig resources deploy, and the flags a function reads
through them (colmena.flags, Powertools' feature flags) are the template's."""

from __future__ import annotations

import pytest

from colmena.flags import Flags, FlagSettings
from tools.local_stack.process import StackProcess
from tools.local_stack.stack import STACK_NAME

pytestmark = pytest.mark.e2e


@pytest.fixture
def flags(local_stack: StackProcess) -> Flags:
    cloudformation = local_stack.client("cloudformation")

    def physical_id(logical_id: str) -> str:
        resource = cloudformation.describe_stack_resource(StackName=STACK_NAME, LogicalResourceId=logical_id)
        return str(resource["StackResourceDetail"]["PhysicalResourceId"])

    settings = FlagSettings(
        application=physical_id("FeatureFlagsApplication"),
        environment=physical_id("FeatureFlagsEnvironment"),
        profile=physical_id("FeatureFlagsProfile"),
    )
    return Flags(settings, client=local_stack.client("appconfigdata"))


def test_the_local_appconfig_serves_the_template_s_tips_flag(flags: Flags) -> None:
    assert [flags.enabled("tips", {"country": country}) for country in ("ES", "US", "AR")] == [True, True, False]


def test_the_tips_function_is_told_where_the_flags_are(local_stack: StackProcess) -> None:
    lambda_client = local_stack.client("lambda")
    cloudformation = local_stack.client("cloudformation")
    name = cloudformation.describe_stack_resource(StackName=STACK_NAME, LogicalResourceId="LiveTipsFunction")[
        "StackResourceDetail"
    ]["PhysicalResourceId"]
    environment = lambda_client.get_function_configuration(FunctionName=name)["Environment"]["Variables"]
    profile = cloudformation.describe_stack_resource(StackName=STACK_NAME, LogicalResourceId="FeatureFlagsProfile")

    assert environment["FEATURE_FLAGS_PROFILE"] == profile["StackResourceDetail"]["PhysicalResourceId"]
