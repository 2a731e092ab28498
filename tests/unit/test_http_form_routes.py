"""The kernel's resolver on a route declared to take a form (a provider's webhook that posts one, as Twilio
does): a form is let through to the route, anything else is 415 naming the form type, the size limit still
holds; and every other route still takes JSON only."""

from __future__ import annotations

import json
from typing import Any

from colmena.http import MAX_BODY_BYTES, RestApi
from tools.handlers import LambdaContext

FORM = "application/x-www-form-urlencoded"
app = RestApi("Test API", "Routes that take forms.", form_routes={("POST", "/webhooks/form")})


@app.post("/webhooks/form")
def form_webhook() -> dict[str, str]:
    return {"body": app.current_event.decoded_body or ""}


@app.post("/greetings")
def greet() -> dict[str, str]:
    return {"hello": "you"}


def call(path: str, body: str, content_type: str) -> tuple[int, dict[str, Any]]:
    event = {
        "httpMethod": "POST",
        "path": path,
        "resource": path,
        "headers": {"Content-Type": content_type},
        "requestContext": {"requestId": "r", "stage": "test"},
        "body": body,
        "isBase64Encoded": False,
    }
    response = app.resolve(event, LambdaContext())  # type: ignore[arg-type]
    return response["statusCode"], json.loads(response["body"])


def test_a_form_route_is_given_its_form_as_sent() -> None:
    status, answer = call("/webhooks/form", "CallSid=CA1&CallerName=", f"{FORM}; charset=utf-8")

    assert (status, answer) == (200, {"body": "CallSid=CA1&CallerName="})


def test_a_form_route_refuses_json_as_the_wrong_media_type_naming_the_form_type() -> None:
    status, answer = call("/webhooks/form", '{"CallSid": "CA1"}', "application/json")

    assert status == 415
    assert answer["error"]["fields"] == [{"field": "body", "reason": f"not {FORM}"}]


def test_a_form_route_keeps_the_size_limit() -> None:
    status, answer = call("/webhooks/form", "a=" + "x" * MAX_BODY_BYTES, FORM)

    assert (status, answer["error"]["code"]) == (400, "body_too_large")


def test_a_route_not_declared_a_form_route_still_refuses_a_form() -> None:
    status, answer = call("/greetings", "name=ana", FORM)

    assert (status, answer["error"]["code"]) == (415, "unsupported_media_type")
    assert answer["error"]["message"] == "body: send it as JSON, with Content-Type: application/json"
