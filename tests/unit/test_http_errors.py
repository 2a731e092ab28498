"""How domain errors and refused requests read over HTTP, whatever route raised them."""

from __future__ import annotations

import json
from typing import Annotated, Any

import pytest
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.event_handler.openapi.params import Body
from pydantic import BaseModel, ConfigDict

from colmena import errors
from colmena.http import MAX_BODY_BYTES, caller_of, refuse_unsound_body, register_error_handlers
from tools.handlers import LambdaContext

app = APIGatewayRestResolver(enable_validation=True)
register_error_handlers(app)


class Greeting(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str


@app.post("/greetings")
def greet(greeting: Annotated[Greeting, Body()]) -> dict[str, str]:
    return {"hello": greeting.name}


@app.get("/fail/<kind>")
def fail(kind: str) -> dict[str, str]:
    raise {
        "not_found": errors.NotFound("no such thing"),
        "conflict": errors.Conflict("already there"),
        "forbidden": errors.Forbidden("not yours"),
        "invalid": errors.InvalidInput("ends before it starts", field="ends_at"),
    }[kind]


def call(method: str, path: str, body: str | None = None) -> tuple[int, dict[str, Any]]:
    event = {
        "httpMethod": method,
        "path": path,
        "resource": path,
        "headers": {"Content-Type": "application/json"},
        "requestContext": {"requestId": "r", "stage": "test"},
        "body": body,
        "isBase64Encoded": False,
    }
    response = app.resolve(event, LambdaContext())  # type: ignore[arg-type]
    return response["statusCode"], json.loads(response["body"])


@pytest.mark.parametrize(
    ("kind", "status", "code"),
    [
        ("not_found", 404, "not_found"),
        ("conflict", 409, "conflict"),
        ("forbidden", 403, "forbidden"),
        ("invalid", 422, "invalid_input"),
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
        ("{not json", "body", "not valid JSON"),
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


def test_a_body_over_the_limit_is_refused_before_it_is_parsed() -> None:
    event = {"body": json.dumps({"name": "x" * MAX_BODY_BYTES}), "isBase64Encoded": False}

    refusal = refuse_unsound_body(event)

    assert refusal is not None and refusal["statusCode"] == 400
    assert json.loads(refusal["body"])["error"]["code"] == "body_too_large"


def test_a_json_object_within_the_limit_passes() -> None:
    assert refuse_unsound_body({"body": '{"name": "Ana"}'}) is None
    assert refuse_unsound_body({"body": None}) is None


@pytest.mark.parametrize("body", ['[{"name": "Ana"}]', '"Ana"', "42", "null"])
def test_a_json_body_that_is_not_an_object_is_a_422(body: str) -> None:
    refusal = refuse_unsound_body({"body": body, "headers": {"content-type": "application/json"}})

    assert refusal is not None and refusal["statusCode"] == 422
    assert json.loads(refusal["body"])["error"]["fields"] == [{"field": "body", "reason": "must be a JSON object"}]


def test_a_body_that_is_not_json_is_left_to_the_resolver_to_explain() -> None:
    assert refuse_unsound_body({"body": "{not json"}) is None


def test_the_caller_comes_from_the_verified_claims() -> None:
    from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent

    event = APIGatewayProxyEvent(
        {
            "requestContext": {
                "authorizer": {"claims": {"sub": "u-1", "custom:organization_id": "o-1", "custom:role": "admin"}}
            }
        }
    )

    caller = caller_of(event)

    assert (caller.user_id, caller.organization_id, caller.role) == ("u-1", "o-1", "admin")


def test_a_request_without_claims_is_unauthorized() -> None:
    from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent

    with pytest.raises(errors.Unauthorized):
        caller_of(APIGatewayProxyEvent({"requestContext": {}}))
