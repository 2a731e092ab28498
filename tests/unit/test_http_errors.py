"""How the kernel's REST resolver answers domain errors and refused requests, whatever route is behind it."""

from __future__ import annotations

import base64
import json
from typing import Annotated, Any

import pytest
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent
from pydantic import BaseModel, ConfigDict

from colmena import errors
from colmena.http import MAX_BODY_BYTES, MAX_FIELDS_LISTED, MAX_MESSAGE_CHARS, RestApi, caller_of
from tools.handlers import LambdaContext

WEBHOOK_LIMIT = 256 * 1024
app = RestApi("Test API", "Routes that exist to be refused.", body_limits={("POST", "/webhooks/stripe"): WEBHOOK_LIMIT})


class Greeting(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str


@app.post("/greetings")
def greet(greeting: Annotated[Greeting, Body()]) -> dict[str, str]:
    return {"hello": greeting.name}


@app.post("/webhooks/stripe")
def stripe_event(event: Annotated[dict[str, Any], Body()]) -> dict[str, int]:
    return {"keys": len(event)}


@app.get("/fail/<kind>")
def fail(kind: str) -> dict[str, str]:
    raise {
        "not_found": errors.NotFound("no such thing"),
        "conflict": errors.Conflict("already there"),
        "forbidden": errors.Forbidden("not yours"),
        "invalid": errors.InvalidInput("ends before it starts", field="ends_at"),
        "malformed": errors.MalformedInput("not a cursor this listing gave out", field="cursor"),
    }[kind]


def request(
    method: str,
    path: str,
    body: str | None = None,
    *,
    content_type: str | None = "application/json",
    base64_encoded: bool = False,
    **headers: str,
) -> dict[str, Any]:
    if content_type is not None:
        headers["Content-Type"] = content_type
    return {
        "httpMethod": method,
        "path": path,
        "resource": path,
        "headers": headers,
        "requestContext": {"requestId": "r", "stage": "test"},
        "body": body,
        "isBase64Encoded": base64_encoded,
    }


def call(method: str, path: str, body: str | None = None, **options: Any) -> tuple[int, dict[str, Any]]:
    response = app.resolve(request(method, path, body, **options), LambdaContext())  # type: ignore[arg-type]
    return response["statusCode"], json.loads(response["body"])


def assert_refused(answer: tuple[int, dict[str, Any]], status: int, code: str, reason: str) -> None:
    answered, body = answer
    assert (answered, body["error"]["code"]) == (status, code)
    assert body["error"]["fields"][0]["field"] == "body"
    assert reason in body["error"]["fields"][0]["reason"]


@pytest.mark.parametrize(
    ("kind", "status", "code"),
    [
        ("not_found", 404, "not_found"),
        ("conflict", 409, "conflict"),
        ("forbidden", 403, "forbidden"),
        ("invalid", 422, "invalid_input"),
        ("malformed", 400, "malformed_input"),
    ],
)
def test_each_domain_error_has_its_status_and_code(kind: str, status: int, code: str) -> None:
    answered, body = call("GET", f"/fail/{kind}")

    assert answered == status
    assert body["error"]["code"] == code


def test_an_invalid_input_names_its_field() -> None:
    _, body = call("GET", "/fail/invalid")

    assert body["error"]["fields"] == [{"field": "ends_at", "reason": "ends before it starts"}]


@pytest.mark.parametrize(
    ("body", "field", "reason"),
    [
        ('{"name": 5}', "name", "valid string"),
        ('{"name": "Ana", "admin": true}', "admin", "Extra inputs are not permitted"),
        (None, "body", "required"),
    ],
)
def test_a_refused_body_is_a_422_naming_the_field_and_the_reason(body: str | None, field: str, reason: str) -> None:
    status, answer = call("POST", "/greetings", body)

    assert status == 422
    assert answer["error"]["code"] == "validation_error"
    assert answer["error"]["fields"][0]["field"] == field
    assert reason in answer["error"]["fields"][0]["reason"]


@pytest.mark.parametrize("body", ['[{"name": "Ana"}]', '"Ana"', "42", "null"])
def test_a_json_body_that_is_not_an_object_is_a_422(body: str) -> None:
    assert_refused(call("POST", "/greetings", body), 422, "validation_error", "must be a JSON object")


def test_a_body_over_the_limit_is_refused_before_it_is_parsed() -> None:
    body = '{"name": "' + "x" * MAX_BODY_BYTES + "'"  # not even JSON: the size is checked first

    assert_refused(call("POST", "/greetings", body), 400, "body_too_large", f"the limit is {MAX_BODY_BYTES}")


def test_a_route_given_a_larger_limit_takes_a_body_over_the_default() -> None:
    body = json.dumps({"data": "x" * (4 * MAX_BODY_BYTES)})

    status, answer = call("POST", "/webhooks/stripe", body)

    assert (status, answer) == (200, {"keys": 1})


def test_a_route_given_a_larger_limit_still_has_one() -> None:
    body = json.dumps({"data": "x" * WEBHOOK_LIMIT})

    assert_refused(call("POST", "/webhooks/stripe", body), 400, "body_too_large", f"the limit is {WEBHOOK_LIMIT}")


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("{not json", "not valid JSON"),
        ('{"name": "Ana"', "not valid JSON"),
        ('{"name": ' + "9" * 4301 + "}", "an integer of more than 4300 digits"),
        ('{"name": "Ana", "n": [' + "1" * 5000 + "]}", "an integer of more than 4300 digits"),
        ('{"name": "Ana"}'.encode("utf-16").decode("latin-1"), "not valid JSON"),
    ],
)
def test_a_body_that_cannot_be_read_as_json_is_a_400_naming_the_reason(body: str, reason: str) -> None:
    assert_refused(call("POST", "/greetings", body), 400, "invalid_body", reason)


def test_a_body_nested_deeper_than_the_decoder_goes_is_a_400() -> None:
    depth = 100_000  # within the webhook's limit; 16 KiB cannot nest deep enough to trouble the decoder
    body = '{"data": ' + "[" * depth + "]" * depth + "}"

    assert_refused(call("POST", "/webhooks/stripe", body), 400, "invalid_body", "nested too deeply")


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (base64.b64encode(b"\xff\xfe\xfd").decode(), "not UTF-8 text"),
        (base64.b64encode('{"name": "Ana"}'.encode("utf-16")).decode(), "not UTF-8 text"),
        ("%%% not base64", "not valid base64"),
    ],
)
def test_a_base64_body_that_is_not_utf8_json_text_is_a_400(body: str, reason: str) -> None:
    assert_refused(call("POST", "/greetings", body, base64_encoded=True), 400, "invalid_body", reason)


def test_a_base64_json_body_is_read_as_its_text() -> None:
    body = base64.b64encode(b'{"name": "Ana"}').decode()

    assert call("POST", "/greetings", body, base64_encoded=True) == (200, {"hello": "Ana"})


@pytest.mark.parametrize(
    "content_type", ["application/json", "APPLICATION/JSON", "Application/Json; charset=UTF-8", " application/json "]
)
def test_json_is_taken_in_any_case_and_with_parameters(content_type: str) -> None:
    assert call("POST", "/greetings", '{"name": "Ana"}', content_type=content_type) == (200, {"hello": "Ana"})


@pytest.mark.parametrize("content_type", [None, "", "application/jsonx", "text/plain", "application/json-patch+json"])
def test_a_body_sent_as_anything_but_json_is_a_415(content_type: str | None) -> None:
    answer = call("POST", "/greetings", '{"name": "Ana"}', content_type=content_type)

    assert_refused(answer, 415, "unsupported_media_type", "not application/json")


def test_a_request_without_a_body_needs_no_content_type() -> None:
    status, answer = call("GET", "/fail/conflict", content_type=None)

    assert (status, answer["error"]["code"]) == (409, "conflict")


def test_a_body_on_a_get_is_ignored_as_http_says() -> None:
    status, _ = call("GET", "/fail/conflict", "[" * 5000, content_type="text/plain")

    assert status == 409


def test_a_thousand_unknown_keys_are_listed_up_to_a_bound() -> None:
    body = json.dumps({"name": "Ana", **{f"k{n}": 0 for n in range(1500)}}, separators=(",", ":"))

    status, answer = call("POST", "/greetings", body)

    assert status == 422
    assert len(answer["error"]["fields"]) == MAX_FIELDS_LISTED
    assert answer["error"]["message"].endswith(f"and {1500 - MAX_FIELDS_LISTED} more")
    assert len(answer["error"]["message"]) <= MAX_MESSAGE_CHARS


def test_a_very_long_unknown_key_is_clipped_in_the_answer() -> None:
    body = json.dumps({"name": "Ana", "k" * 10_000: 1})

    _, answer = call("POST", "/greetings", body)

    assert len(json.dumps(answer)) < 2_000


def test_a_refusal_carries_the_cors_headers_every_answer_carries() -> None:
    event = request("POST", "/greetings", "[]", Origin="https://app.example.com")

    refused = app.resolve(event, LambdaContext())  # type: ignore[arg-type]

    assert refused["statusCode"] == 422
    assert refused["headers"]["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(
    "event",
    [
        {"source": "colmena.bookings", "detail-type": "organization.deactivated", "detail": {}},
        {"triggerSource": "PostConfirmation_ConfirmSignUp", "userPoolId": "us-east-1_x", "request": {}},
        {"httpMethod": "GET", "path": "/greetings"},
    ],
)
def test_an_event_that_is_not_a_rest_request_is_an_invalid_event(event: dict[str, Any]) -> None:
    with pytest.raises(errors.InvalidEvent, match="not an API Gateway REST proxy event"):
        app.resolve(event, LambdaContext())  # type: ignore[arg-type]


def claims_event(**claims: str) -> APIGatewayProxyEvent:
    return APIGatewayProxyEvent({"requestContext": {"authorizer": {"claims": claims}}})


def test_the_caller_comes_from_the_verified_claims() -> None:
    event = claims_event(sub="u-1", token_use="id", **{"custom:organization_id": "o-1", "custom:role": "admin"})

    caller = caller_of(event)

    assert (caller.user_id, caller.organization_id, caller.role) == ("u-1", "o-1", "admin")


def test_a_request_without_claims_is_unauthorized() -> None:
    with pytest.raises(errors.Unauthorized):
        caller_of(APIGatewayProxyEvent({"requestContext": {}}))


@pytest.mark.parametrize("token_use", ["access", ""])
def test_claims_of_any_token_but_the_id_token_are_unauthorized(token_use: str) -> None:
    with pytest.raises(errors.Unauthorized, match="IdToken"):
        caller_of(claims_event(sub="u-1", token_use=token_use))
