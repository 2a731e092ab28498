"""Driving the Agents REST handlers in process with their sample events: one request as a user sends it."""

from __future__ import annotations

import json
from types import ModuleType
from typing import Any

from tools.handlers import LambdaContext, sample_event
from tools.template import ROOT

EVENTS = ROOT / "events"
ANA = "6f9a3c2e-5b1d-4e8a-9c7f-2d4b6a8e0c13"  # the sample events' caller
BO = "b0b0b0b0-0000-4000-8000-000000000000"
SEEDED = "0b0a7d10-0000-4000-8000-000000000001"  # Ana's seeded onboarding, confirmed, its knowledge base ready


def call(
    handler: ModuleType,
    sample: str,
    *,
    body: dict[str, Any] | None = None,
    onboarding_id: str | None = None,
    user: str = ANA,
) -> tuple[int, dict[str, Any]]:
    """The sample event `sample` (`agents_onboarding/get_onboarding`) with another body, onboarding or caller."""
    event = sample_event(EVENTS / f"{sample}.json")
    event["requestContext"]["authorizer"]["claims"]["sub"] = user
    if body is not None:
        event["body"] = json.dumps(body)
    if onboarding_id is not None:
        event["pathParameters"] = {"onboarding_id": onboarding_id}
        event["path"] = event["path"].replace(SEEDED, onboarding_id)
    response = handler.lambda_handler(event, LambdaContext())
    return response["statusCode"], json.loads(response["body"])
