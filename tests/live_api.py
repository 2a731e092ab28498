"""Calling a Live REST function's handler module with one of its sample events, as API Gateway would: the
caller, the headers and the query changed where a test says so."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from types import ModuleType
from typing import Any, Protocol

from colmena.errors import PublishFailed
from colmena.events import EventPublisher
from tools.handlers import LambdaContext, sample_event
from tools.template import ROOT


class Call(Protocol):
    def __call__(
        self,
        api: ModuleType,
        event_file: str,
        user: str | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        query: Mapping[str, str] | None = None,
        **overrides: Any,
    ) -> tuple[int, dict[str, Any]]: ...


def caller(folder: str) -> Call:
    """`call(api, "post_message.json", user=..., headers=..., query=..., body=...)` for the samples in
    events/<folder>: the status and the JSON body answered. `user` replaces the caller's verified `sub`,
    `headers` are added to the sample's, `query` replaces its query string; any other keyword replaces that
    part of the event."""
    events = ROOT / "events" / folder

    def call(
        api: ModuleType,
        event_file: str,
        user: str | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        query: Mapping[str, str] | None = None,
        **overrides: Any,
    ) -> tuple[int, dict[str, Any]]:
        event = sample_event(events / event_file, **overrides)
        if user is not None:
            event["requestContext"]["authorizer"]["claims"]["sub"] = user
        if headers is not None:
            event["headers"] = {**event["headers"], **headers}
        if query is not None:
            event["queryStringParameters"] = dict(query)
            event["multiValueQueryStringParameters"] = {name: [value] for name, value in query.items()}
        response = api.lambda_handler(event, LambdaContext())
        return response["statusCode"], json.loads(response["body"])

    return call


@contextmanager
def bus_refusing(publisher: EventPublisher, error: Exception | None = None) -> Iterator[None]:
    """Inside, every publish fails as when EventBridge refuses the event (or with `error`): a route answers
    503 publish_failed, a run stops there."""
    import pytest

    def refused(event: object) -> None:
        raise error or PublishFailed("EventBridge refused it")

    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(publisher, "publish", refused)
        yield
