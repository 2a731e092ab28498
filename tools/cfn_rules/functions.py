"""Every function is observable and loses nothing: a log group with retention, active tracing, error and
throttle alarms, a place for what fails when it is invoked asynchronously, and a gradual deployment that its
own errors alarm rolls back."""

from __future__ import annotations

from typing import Any, ClassVar

from cfnlint.rules import CloudFormationLintRule, RuleMatch

FUNCTION_TYPES = ["AWS::Serverless::Function", "AWS::Lambda::Function"]
# SAM event sources that invoke a function asynchronously: a failed event is retried and then lost unless the
# function has an on-failure destination or a dead-letter queue. (API, Cognito and WebSocket calls are
# synchronous; SQS, Kinesis and DynamoDB streams are polled and keep failures in their source.)
ASYNC_EVENT_TYPES = frozenset({"Schedule", "ScheduleV2", "EventBridgeRule", "CloudWatchEvent", "S3", "SNS"})
# The same, for a function a hand-written AWS::Lambda::Permission opens to a service.
ASYNC_PRINCIPALS = frozenset(
    {"events.amazonaws.com", "s3.amazonaws.com", "sns.amazonaws.com", "scheduler.amazonaws.com"}
)


def _functions(cfn: Any) -> dict[str, Any]:
    return dict(cfn.get_resources(FUNCTION_TYPES))


def refers_to(value: Any, logical_id: str) -> bool:
    """Whether a CloudFormation value names the resource: Ref, GetAtt, or ${Id} in a Sub."""
    if isinstance(value, dict):
        if value.get("Ref") == logical_id:
            return True
        if "Fn::GetAtt" in value:
            target = value["Fn::GetAtt"]
            return (target[0] if isinstance(target, list) else str(target).split(".")[0]) == logical_id
        if "Fn::Sub" in value:
            text = value["Fn::Sub"][0] if isinstance(value["Fn::Sub"], list) else value["Fn::Sub"]
            return f"${{{logical_id}}}" in str(text)
    return False


class FunctionLogGroup(CloudFormationLintRule):  # type: ignore[misc]
    id = "E9101"
    shortdesc = "Every function has a log group with a retention"
    description = (
        "An AWS::Logs::LogGroup named /aws/lambda/<function> with RetentionInDays, so logs do not pile up forever."
    )
    tags: ClassVar[list[str]] = ["colmena", "functions", "logs"]

    def match(self, cfn: Any) -> list[RuleMatch]:
        groups = [r.get("Properties", {}) for r in cfn.get_resources(["AWS::Logs::LogGroup"]).values()]
        matches = []
        for logical_id in _functions(cfn):
            named = [g for g in groups if refers_to(g.get("LogGroupName"), logical_id)]
            if not named:
                matches.append(
                    RuleMatch(["Resources", logical_id], f"{logical_id} has no log group /aws/lambda/${{{logical_id}}}")
                )
            elif not all(g.get("RetentionInDays") for g in named):
                matches.append(
                    RuleMatch(
                        ["Resources", logical_id], f"{logical_id}'s log group keeps logs forever: set RetentionInDays"
                    )
                )
        return matches


class FunctionTracing(CloudFormationLintRule):  # type: ignore[misc]
    id = "E9102"
    shortdesc = "Every function is traced"
    description = "TracingConfig Mode Active (Globals: Function: Tracing: Active), so a request is followed end to end."
    tags: ClassVar[list[str]] = ["colmena", "functions", "tracing"]

    def match(self, cfn: Any) -> list[RuleMatch]:
        return [
            RuleMatch(["Resources", logical_id, "Properties"], f"{logical_id} is not traced: Tracing: Active")
            for logical_id, resource in _functions(cfn).items()
            if not _traced(resource.get("Properties", {}))
        ]


def _traced(properties: dict[str, Any]) -> bool:
    return properties.get("Tracing") == "Active" or properties.get("TracingConfig", {}).get("Mode") == "Active"


def _has_alarm(alarms: list[dict[str, Any]], namespace: str, metric: str, dimension: str, logical_id: str) -> bool:
    return any(
        alarm.get("Namespace") == namespace
        and alarm.get("MetricName") == metric
        and any(
            d.get("Name") == dimension and refers_to(d.get("Value"), logical_id) for d in alarm.get("Dimensions", [])
        )
        for alarm in alarms
    )


def alarm_properties(cfn: Any) -> list[dict[str, Any]]:
    return [r.get("Properties", {}) for r in cfn.get_resources(["AWS::CloudWatch::Alarm"]).values()]


class FunctionAlarms(CloudFormationLintRule):  # type: ignore[misc]
    id = "E9103"
    shortdesc = "Every function has an errors alarm and a throttles alarm"
    description = "AWS/Lambda Errors and Throttles alarms with the function's FunctionName dimension."
    tags: ClassVar[list[str]] = ["colmena", "functions", "alarms"]

    def match(self, cfn: Any) -> list[RuleMatch]:
        alarms, matches = alarm_properties(cfn), []
        for logical_id in _functions(cfn):
            for metric in ("Errors", "Throttles"):
                if not _has_alarm(alarms, "AWS/Lambda", metric, "FunctionName", logical_id):
                    matches.append(RuleMatch(["Resources", logical_id], f"{logical_id} has no {metric} alarm"))
        return matches


class AsyncFailureDestination(CloudFormationLintRule):  # type: ignore[misc]
    id = "E9104"
    shortdesc = "A function invoked asynchronously keeps what fails"
    description = (
        "A function that EventBridge, S3 or SNS invokes has an on-failure destination (EventInvokeConfig) or a "
        "dead-letter queue, so an event that keeps failing is kept for a look, not dropped."
    )
    tags: ClassVar[list[str]] = ["colmena", "functions", "reliability"]

    def match(self, cfn: Any) -> list[RuleMatch]:
        functions = _functions(cfn)
        invoked_async = {
            logical_id
            for logical_id, resource in functions.items()
            if any(
                isinstance(event, dict) and event.get("Type") in ASYNC_EVENT_TYPES
                for event in resource.get("Properties", {}).get("Events", {}).values()
            )
        } | {
            logical_id
            for permission in cfn.get_resources(["AWS::Lambda::Permission"]).values()
            if permission.get("Properties", {}).get("Principal") in ASYNC_PRINCIPALS
            for logical_id in functions
            if refers_to(permission["Properties"].get("FunctionName"), logical_id)
        }
        configured = {
            logical_id
            for logical_id, resource in functions.items()
            if resource.get("Properties", {}).get("EventInvokeConfig", {}).get("DestinationConfig", {}).get("OnFailure")
            or resource.get("Properties", {}).get("DeadLetterQueue")
            or resource.get("Properties", {}).get("DeadLetterConfig", {}).get("TargetArn")
        } | {
            logical_id
            for config in cfn.get_resources(["AWS::Lambda::EventInvokeConfig"]).values()
            if config.get("Properties", {}).get("DestinationConfig", {}).get("OnFailure")
            for logical_id in functions
            if refers_to(config["Properties"].get("FunctionName"), logical_id)
        }
        return [
            RuleMatch(
                ["Resources", logical_id],
                f"{logical_id} is invoked asynchronously and has no on-failure destination or dead-letter queue",
            )
            for logical_id in sorted(invoked_async - configured)
        ]


class GradualDeployment(CloudFormationLintRule):  # type: ignore[misc]
    id = "E9111"
    shortdesc = "Every function deploys gradually, rolled back by its own errors alarm"
    description = (
        "AutoPublishAlias (a version on any change: AutoPublishAliasAllProperties) and a DeploymentPreference "
        "with a Type whose Alarms name the function's own AWS/Lambda Errors alarm, so CodeDeploy (in the stages "
        "that enable it) rolls a bad version back on its errors."
    )
    tags: ClassVar[list[str]] = ["colmena", "functions", "deployment"]

    def match(self, cfn: Any) -> list[RuleMatch]:
        alarms = dict(cfn.get_resources(["AWS::CloudWatch::Alarm"]))
        matches = []
        for logical_id, resource in _functions(cfn).items():
            if resource.get("Type") != "AWS::Serverless::Function":
                continue  # a plain AWS::Lambda::Function has no alias to shift traffic on
            properties = resource.get("Properties", {})
            preference = properties.get("DeploymentPreference") or {}
            if not properties.get("AutoPublishAlias"):
                matches.append(RuleMatch(["Resources", logical_id], f"{logical_id} publishes no alias"))
            elif properties.get("AutoPublishAliasAllProperties") is not True:
                # By default a version is published only when the code, environment or memory change: a new
                # shared layer alone would never reach the alias the triggers invoke.
                matches.append(
                    RuleMatch(
                        ["Resources", logical_id],
                        f"{logical_id} publishes a version only when its code changes: "
                        "AutoPublishAliasAllProperties: true",
                    )
                )
            elif not preference.get("Type"):
                matches.append(
                    RuleMatch(["Resources", logical_id], f"{logical_id} has no DeploymentPreference with a Type")
                )
            elif not any(
                _is_errors_alarm_of(alarms.get(_ref(alarm), {}).get("Properties", {}), logical_id)
                for alarm in preference.get("Alarms") or []
            ):
                matches.append(
                    RuleMatch(
                        ["Resources", logical_id, "Properties", "DeploymentPreference"],
                        f"{logical_id}'s DeploymentPreference is not rolled back by its own Errors alarm: "
                        f"Alarms: [!Ref {logical_id}ErrorsAlarm]",
                    )
                )
        return matches


def _ref(value: Any) -> str:
    return str(value.get("Ref", "")) if isinstance(value, dict) else ""


def _is_errors_alarm_of(alarm: dict[str, Any], logical_id: str) -> bool:
    return _has_alarm([alarm], "AWS/Lambda", "Errors", "FunctionName", logical_id)
