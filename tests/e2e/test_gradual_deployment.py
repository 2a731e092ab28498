"""Gradual deployment on the local stack: every function is published behind its alias `live` (AutoPublishAlias),
which the triggers invoke; and the launcher's patch 17, without which an asynchronous invocation of an alias
ignores the alias's EventInvokeConfig (no retries as configured, nothing kept in its on-failure destination)."""

from __future__ import annotations

import io
import json
import time
import uuid
import zipfile
from typing import Any

import pytest

from tools.local_stack.process import StackProcess

pytestmark = pytest.mark.e2e

ALIAS = "live"
FAILING = """
def handler(event, context):
    raise RuntimeError("refused")
"""


def test_every_function_runs_a_published_version_behind_its_alias(local_stack: StackProcess) -> None:
    lambda_client = local_stack.client("lambda")

    versions = {
        logical_id: lambda_client.get_alias(FunctionName=name, Name=ALIAS)["FunctionVersion"]
        for logical_id, name in local_stack.state["functions"].items()
    }

    assert all(version.isdigit() for version in versions.values()), versions


class Probe:
    """A function that always fails, published behind the alias `live`, whose configuration sends what fails,
    without retries, to a queue of its own."""

    def __init__(self, local_stack: StackProcess) -> None:
        suffix = uuid.uuid4().hex[:8]
        self.lambda_client, self.sqs = local_stack.client("lambda"), local_stack.client("sqs")
        self.queue_url = self.sqs.create_queue(QueueName=f"alias-probe-failures-{suffix}")["QueueUrl"]
        queue_arn = self.sqs.get_queue_attributes(QueueUrl=self.queue_url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        role_arn = self._role(local_stack, f"alias-probe-{suffix}", queue_arn)
        name = f"alias-probe-{suffix}"
        self.lambda_client.create_function(
            FunctionName=name,
            Runtime="python3.13",
            Role=role_arn,
            Handler="probe.handler",
            Code={"ZipFile": zipped(FAILING)},
        )
        version = self.lambda_client.publish_version(FunctionName=name)["Version"]
        self.alias_arn = self.lambda_client.create_alias(FunctionName=name, Name=ALIAS, FunctionVersion=version)[
            "AliasArn"
        ]
        self.lambda_client.put_function_event_invoke_config(
            FunctionName=name,
            Qualifier=ALIAS,
            MaximumRetryAttempts=0,
            DestinationConfig={"OnFailure": {"Destination": queue_arn}},
        )

    @staticmethod
    def _role(local_stack: StackProcess, name: str, queue_arn: str) -> str:
        iam = local_stack.client("iam")
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
            ],
        }
        role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]
        allowed = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": queue_arn}],
        }
        iam.put_role_policy(RoleName=name, PolicyName="on-failure", PolicyDocument=json.dumps(allowed))
        return str(role["Arn"])

    def kept(self, seconds: float) -> dict[str, Any] | None:
        """The on-failure record Lambda keeps for the failed invocation, waiting for it up to `seconds`."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for message in self.sqs.receive_message(
                QueueUrl=self.queue_url, MaxNumberOfMessages=1, WaitTimeSeconds=1
            ).get("Messages", []):
                record: dict[str, Any] = json.loads(message["Body"])
                return record
        return None


def zipped(source: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("probe.py", source)
    return buffer.getvalue()


def test_a_rules_event_that_fails_on_an_alias_is_kept_where_the_alias_says(local_stack: StackProcess) -> None:
    probe = Probe(local_stack)
    events = local_stack.client("events")
    source = f"colmena.probe.{uuid.uuid4().hex[:8]}"
    rule = f"alias-probe-{uuid.uuid4().hex[:8]}"
    events.put_rule(Name=rule, EventPattern=json.dumps({"source": [source]}), State="ENABLED")
    events.put_targets(Rule=rule, Targets=[{"Id": "probe", "Arn": probe.alias_arn}])

    events.put_events(Entries=[{"Source": source, "DetailType": "probe", "Detail": json.dumps({"n": 1})}])

    kept = probe.kept(seconds=20)
    assert kept is not None, "the failed event never reached the alias's on-failure queue"
    assert kept["requestContext"]["condition"] == "RetriesExhausted"
    assert kept["requestPayload"]["source"] == source


def test_an_s3_notification_that_fails_on_an_alias_is_kept_where_the_alias_says(local_stack: StackProcess) -> None:
    probe = Probe(local_stack)
    s3 = local_stack.client("s3")
    bucket = f"alias-probe-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={
            "LambdaFunctionConfigurations": [{"LambdaFunctionArn": probe.alias_arn, "Events": ["s3:ObjectCreated:*"]}]
        },
    )

    s3.put_object(Bucket=bucket, Key="upload.txt", Body=b"x")

    kept = probe.kept(seconds=20)
    assert kept is not None, "the failed notification never reached the alias's on-failure queue"
    assert kept["requestPayload"]["Records"][0]["s3"]["object"]["key"] == "upload.txt"
