"""Least privilege, data that survives mistakes, no secret in the template, and an alarm on everything that can
silently pile up or fail: dead-letter queues, workflows and the REST API."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, ClassVar

from cfnlint.rules import CloudFormationLintRule, RuleMatch

# cfn-lint loads this file by path; the scanner lives in the project's tools package.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tools.cfn_rules.functions import alarm_properties, refers_to
from tools.secret_scan import scan_text

# Actions that accept no narrower resource than "*" (IAM's service authorization reference).
RESOURCE_WILDCARD_ONLY = frozenset(
    {
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
        "xray:GetSamplingRules",
        "xray:GetSamplingTargets",
        "cloudwatch:PutMetricData",
        # A state machine's log delivery to CloudWatch Logs (Step Functions' documented policy).
        "logs:CreateLogDelivery",
        "logs:GetLogDelivery",
        "logs:UpdateLogDelivery",
        "logs:DeleteLogDelivery",
        "logs:ListLogDeliveries",
        "logs:PutResourcePolicy",
        "logs:DescribeResourcePolicies",
        "logs:DescribeLogGroups",
    }
)
POLICY_TYPES = [
    "AWS::IAM::Role",
    "AWS::IAM::Policy",
    "AWS::IAM::ManagedPolicy",
    "AWS::Serverless::Function",
    "AWS::Serverless::StateMachine",
]


def _statements(resource: dict[str, Any]) -> list[dict[str, Any]]:
    """The Allow statements of an IAM resource, or of a SAM function's inline `Policies` (documents written
    as they are; a managed policy's name or a SAM policy template has no statement to read here)."""
    properties = resource.get("Properties", {})
    policies = properties.get("Policies", [])
    documents = [
        p.get("PolicyDocument", p)
        for p in (policies if isinstance(policies, list) else [policies])
        if isinstance(p, dict)
    ]
    documents.append(properties.get("PolicyDocument", {}))
    found = []
    for document in documents:
        statements = document.get("Statement", []) if isinstance(document, dict) else []
        found.extend(statements if isinstance(statements, list) else [statements])
    return [s for s in found if isinstance(s, dict) and s.get("Effect") == "Allow"]


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


class NoWildcardPermissions(CloudFormationLintRule):  # type: ignore[misc]
    id = "E9105"
    shortdesc = "No wildcard action, and no wildcard resource where a narrower one exists"
    description = (
        "IAM statements name their actions and their resources; '*' resources only for actions that allow nothing else."
    )
    tags: ClassVar[list[str]] = ["colmena", "iam", "security"]

    def match(self, cfn: Any) -> list[RuleMatch]:
        matches = []
        for logical_id, resource in cfn.get_resources(POLICY_TYPES).items():
            for statement in _statements(resource):
                actions = [a for a in _listed(statement.get("Action", [])) if isinstance(a, str)]
                if any(action == "*" or action.endswith(":*") for action in actions):
                    matches.append(
                        RuleMatch(
                            ["Resources", logical_id], f"{logical_id} allows every action of a service: {actions}"
                        )
                    )
                if "*" in _listed(statement.get("Resource", [])) and not set(actions) <= RESOURCE_WILDCARD_ONLY:
                    matches.append(
                        RuleMatch(["Resources", logical_id], f"{logical_id} allows {actions} on every resource")
                    )
        return matches


def _deletion_protected_in_prod(value: Any) -> bool:
    if value is True:
        return True
    if isinstance(value, dict) and "Fn::If" in value:
        condition, when_true, _ = value["Fn::If"]
        return bool(when_true is True and "prod" in condition.lower())
    return False


class TablesSurviveMistakes(CloudFormationLintRule):  # type: ignore[misc]
    id = "E9106"
    shortdesc = "Every table has point-in-time recovery, and deletion protection in prod"
    description = "PointInTimeRecoveryEnabled true, and DeletionProtectionEnabled true or !If [IsProd, true, false]."
    tags: ClassVar[list[str]] = ["colmena", "dynamodb", "data"]

    def match(self, cfn: Any) -> list[RuleMatch]:
        matches = []
        for logical_id, table in cfn.get_resources(["AWS::DynamoDB::Table"]).items():
            properties = table.get("Properties", {})
            if properties.get("PointInTimeRecoverySpecification", {}).get("PointInTimeRecoveryEnabled") is not True:
                matches.append(RuleMatch(["Resources", logical_id], f"{logical_id} has no point-in-time recovery"))
            if not _deletion_protected_in_prod(properties.get("DeletionProtectionEnabled")):
                matches.append(RuleMatch(["Resources", logical_id], f"{logical_id} has no deletion protection in prod"))
        return matches


class NoSecretInTemplate(CloudFormationLintRule):  # type: ignore[misc]
    id = "E9107"
    shortdesc = "No secret value in the template"
    description = (
        "Secrets live in Secrets Manager and the template names them; tools/secret_scan.py says what looks like one."
    )
    tags: ClassVar[list[str]] = ["colmena", "security"]

    def match(self, cfn: Any) -> list[RuleMatch]:
        text = json.dumps(cfn.template, indent=1, default=str)
        return [RuleMatch([], f"the template holds {finding.kind}") for finding in scan_text(text, "template")]


class DeadLetterQueueAlarms(CloudFormationLintRule):  # type: ignore[misc]
    id = "E9108"
    shortdesc = "Every dead-letter queue has a depth alarm"
    description = "A queue named *DeadLetterQueue has an AWS/SQS ApproximateNumberOfMessagesVisible alarm on it."
    tags: ClassVar[list[str]] = ["colmena", "sqs", "alarms"]

    def match(self, cfn: Any) -> list[RuleMatch]:
        alarms = alarm_properties(cfn)
        return [
            RuleMatch(["Resources", logical_id], f"{logical_id} has no depth alarm: what lands there would go unseen")
            for logical_id in cfn.get_resources(["AWS::SQS::Queue"])
            if logical_id.endswith("DeadLetterQueue")
            and not any(
                alarm.get("Namespace") == "AWS/SQS"
                and alarm.get("MetricName") == "ApproximateNumberOfMessagesVisible"
                and any(refers_to(d.get("Value"), logical_id) for d in alarm.get("Dimensions", []))
                for alarm in alarms
            )
        ]


class WorkflowAlarms(CloudFormationLintRule):  # type: ignore[misc]
    id = "E9109"
    shortdesc = "Every workflow has alarms for failed and timed-out executions"
    description = "AWS/States ExecutionsFailed and ExecutionsTimedOut alarms on each state machine's ARN."
    tags: ClassVar[list[str]] = ["colmena", "stepfunctions", "alarms"]

    def match(self, cfn: Any) -> list[RuleMatch]:
        alarms, matches = alarm_properties(cfn), []
        for logical_id in cfn.get_resources(["AWS::StepFunctions::StateMachine"]):
            for metric in ("ExecutionsFailed", "ExecutionsTimedOut"):
                if not any(
                    alarm.get("Namespace") == "AWS/States"
                    and alarm.get("MetricName") == metric
                    and any(refers_to(d.get("Value"), logical_id) for d in alarm.get("Dimensions", []))
                    for alarm in alarms
                ):
                    matches.append(RuleMatch(["Resources", logical_id], f"{logical_id} has no {metric} alarm"))
        return matches


class ApiAlarms(CloudFormationLintRule):  # type: ignore[misc]
    id = "E9110"
    shortdesc = "The REST API has a 5xx alarm and a latency alarm"
    description = "AWS/ApiGateway 5XXError and Latency alarms, whenever the template declares a REST API."
    tags: ClassVar[list[str]] = ["colmena", "apigateway", "alarms"]

    def match(self, cfn: Any) -> list[RuleMatch]:
        if not cfn.get_resources(["AWS::ApiGateway::RestApi"]):
            return []
        alarms = alarm_properties(cfn)
        return [
            RuleMatch(["Resources"], f"the REST API has no {metric} alarm")
            for metric in ("5XXError", "Latency")
            if not any(a.get("Namespace") == "AWS/ApiGateway" and a.get("MetricName") == metric for a in alarms)
        ]
