"""Fixtures shared by every suite. Unit, repository and handler tests run with the network blocked and AWS
replaced by moto; `build` and `e2e` tests reach real processes on this machine."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import pytest

# Before anything creates a boto3 client: no test may ever reach a real AWS account.
os.environ.update(
    AWS_DEFAULT_REGION="us-east-1",
    AWS_ACCESS_KEY_ID="testing",
    AWS_SECRET_ACCESS_KEY="testing",
    AWS_SESSION_TOKEN="testing",
    POWERTOOLS_TRACE_DISABLED="true",
)
for variable in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
    os.environ.pop(variable, None)

from moto import mock_aws  # noqa: E402  (after the credentials above)

from tools import template  # noqa: E402
from tools.handlers import load_module  # noqa: E402


@pytest.fixture(autouse=True)
def _no_network(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if request.node.get_closest_marker("e2e") or request.node.get_closest_marker("build"):
        return

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("unit, repository and handler tests may not open network connections")

    monkeypatch.setattr(socket.socket, "connect", refuse)


@pytest.fixture
def aws() -> Iterator[None]:
    with mock_aws():
        yield


@pytest.fixture
def dynamodb(aws: None) -> Any:
    import boto3

    client = boto3.client("dynamodb")
    for definition in template.table_definitions().values():
        client.create_table(**definition)
    return client


@pytest.fixture
def published(aws: None) -> Callable[[], list[dict[str, Any]]]:
    """The project's bus (named as the tests resolve it) with a catch-all rule into a queue; calling the
    fixture returns the events published so far."""
    import json

    import boto3

    events, sqs = boto3.client("events"), boto3.client("sqs")
    bus = template.resolve({"Ref": "EventBus"})
    events.create_event_bus(Name=bus)
    queue_url = sqs.create_queue(QueueName="published")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(Name="everything", EventBusName=bus, EventPattern=json.dumps({"source": [{"prefix": ""}]}))
    events.put_targets(Rule="everything", EventBusName=bus, Targets=[{"Id": "queue", "Arn": queue_arn}])

    def received() -> list[dict[str, Any]]:
        messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", [])
        return [json.loads(message["Body"]) for message in messages]

    return received


@pytest.fixture
def load_handler(monkeypatch: pytest.MonkeyPatch, aws: None) -> Callable[[str], ModuleType]:
    """Imports a function's handler module with its template environment, as a cold start would."""

    def load(logical_id: str) -> ModuleType:
        function = template.function(logical_id)
        for name, value in function.environment.items():
            monkeypatch.setenv(name, value)
        return load_module(function)

    return load
