"""The one place that turns domain errors into HTTP answers, for every REST handler.

Every error body has one shape: {"error": {"code", "message", "fields": [{"field", "reason"}]}}."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, cast

from aws_lambda_powertools.event_handler import CORSConfig, Response, content_types
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from pydantic import BaseModel

from colmena import errors

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler import APIGatewayRestResolver
    from aws_lambda_powertools.event_handler.openapi.models import SecurityScheme
    from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent

# Tokens travel in the Authorization header, never in cookies, so any origin may call.
ALLOWED_ORIGIN = "*"
CORS = CORSConfig(allow_origin=ALLOWED_ORIGIN, max_age=600)

# Generous for every JSON body the routes take; anything larger is a mistake or an attack.
MAX_BODY_BYTES = 16 * 1024

STATUS_OF: dict[type[errors.ColmenaError], HTTPStatus] = {
    errors.InvalidInput: HTTPStatus.UNPROCESSABLE_ENTITY,
    errors.Unauthorized: HTTPStatus.UNAUTHORIZED,
    errors.Forbidden: HTTPStatus.FORBIDDEN,
    errors.NotFound: HTTPStatus.NOT_FOUND,
    errors.Conflict: HTTPStatus.CONFLICT,
}


class FieldError(BaseModel):
    field: str
    reason: str


class ErrorDetail(BaseModel):
    code: str
    message: str
    fields: list[FieldError] = []


class ErrorResponse(BaseModel):
    error: ErrorDetail


def error_response(
    status: HTTPStatus, code: str, message: str, fields: list[FieldError] | None = None
) -> Response[str]:
    body = ErrorResponse(error=ErrorDetail(code=code, message=message, fields=fields or []))
    return Response(
        status_code=status.value,
        content_type=content_types.APPLICATION_JSON,
        body=body.model_dump_json(),
    )


def error_responses(*statuses: HTTPStatus) -> dict[int, OpenAPIResponse]:
    """The `responses` of a route's OpenAPI entry for the errors it can answer."""
    return {
        status.value: {
            "description": status.phrase,
            "content": {content_types.APPLICATION_JSON: {"model": ErrorResponse}},
        }
        for status in statuses
    }


def describe_api(app: APIGatewayRestResolver, title: str, description: str) -> None:
    """The OpenAPI description's header: every route sends a Cognito IdToken in Authorization, as is."""
    app.configure_openapi(
        title=title,
        version="1.0.0",
        description=description,
        security_schemes={
            # A plain dict, which Powertools validates only when it generates the description: building the
            # APIKey model here would import every OpenAPI model (~35 ms) on each cold start.
            "cognito": cast(
                "SecurityScheme",
                {
                    "type": "apiKey",
                    "in": "header",
                    "name": "Authorization",
                    "description": "The IdToken of a Cognito user-pool session, without a Bearer prefix.",
                },
            )
        },
        security=[{"cognito": []}],
    )


def register_error_handlers(app: APIGatewayRestResolver) -> None:
    @app.not_found
    def no_such_route(_: NotFoundError) -> Response[str]:
        event = app.current_event
        return error_response(HTTPStatus.NOT_FOUND, "route_not_found", f"no route {event.http_method} {event.path}")

    @app.exception_handler(errors.ColmenaError)
    def domain_error(error: errors.ColmenaError) -> Response[str]:
        status = next(
            (status for kind, status in STATUS_OF.items() if isinstance(error, kind)),
            HTTPStatus.INTERNAL_SERVER_ERROR,
        )
        if status is HTTPStatus.INTERNAL_SERVER_ERROR:
            raise error
        field = error.field if isinstance(error, errors.InvalidInput) else None
        fields = [FieldError(field=field, reason=error.message)] if field else []
        return error_response(status, error.code, error.message, fields)

    @app.exception_handler(RequestUnsupportedContentType)
    def unsupported_content_type(_: RequestUnsupportedContentType) -> Response[str]:
        # Reached only by a JSON type Powertools compares case-sensitively (Application/JSON).
        return error_response(
            HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the body as JSON, with Content-Type: application/json",
            [FieldError(field="body", reason="not application/json")],
        )

    @app.exception_handler(RequestValidationError)
    def invalid_request(error: RequestValidationError) -> Response[str]:
        fields = [_field_error(detail) for detail in error.errors()]
        message = "; ".join(f"{field.field}: {field.reason}" for field in fields)
        return error_response(HTTPStatus.UNPROCESSABLE_ENTITY, "validation_error", message, fields)


def _field_error(detail: dict[str, Any]) -> FieldError:
    location = [str(part) for part in detail.get("loc", ())]
    if detail.get("type") == "json_invalid":
        reason = f"the body is not valid JSON ({detail.get('ctx', {}).get('error', 'decode error')})"
        return FieldError(field="body", reason=reason)
    # Drop the leading "body"/"query" so the field reads as the client wrote it.
    field = ".".join(location[1:]) if len(location) > 1 else (location[0] if location else "body")
    reason = str(detail.get("msg", detail.get("type", "invalid")))
    return FieldError(field=field, reason=reason.removeprefix("Value error, "))


def refuse_unsound_body(event: dict[str, Any]) -> dict[str, Any] | None:
    """The answer to a body no route may take, checked before the resolver parses it; None if it is sound.

    Written here because Powertools' validation unwraps a JSON array into its first element when the route
    takes one model (aws_lambda_powertools.event_handler.middlewares.openapi_validation
    `_normalize_field_value`), so `[{...}]` would pass as `{...}`; and because a size bound belongs before
    any parsing. Every Colmena route takes a JSON object, so anything else is refused."""
    body = event.get("body")
    if not body:
        return None
    try:
        raw = base64.b64decode(body, validate=True) if event.get("isBase64Encoded") else body.encode()
    except binascii.Error:
        return _refusal(HTTPStatus.BAD_REQUEST, "invalid_body", "body: not valid base64", "not valid base64")
    if len(raw) > MAX_BODY_BYTES:
        return _refusal(
            HTTPStatus.BAD_REQUEST,
            "body_too_large",
            f"the request body is {len(raw)} bytes; the limit is {MAX_BODY_BYTES}",
            f"larger than {MAX_BODY_BYTES} bytes",
        )
    if not _is_json(event):
        return _refusal(
            HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "body: send it as JSON, with Content-Type: application/json",
            "not application/json",
        )
    try:
        parsed = json.loads(raw)
    except UnicodeDecodeError:
        return _refusal(HTTPStatus.BAD_REQUEST, "invalid_body", "body: not UTF-8 text", "not UTF-8 text")
    except ValueError:
        return None  # the resolver answers with the decoder's own reason
    if isinstance(parsed, dict):
        return None
    return _refusal(
        HTTPStatus.UNPROCESSABLE_ENTITY,
        "validation_error",
        "body: must be a JSON object",
        "must be a JSON object",
    )


def _is_json(event: dict[str, Any]) -> bool:
    headers = {name.lower(): value for name, value in (event.get("headers") or {}).items()}
    content_type = str(headers.get("content-type", "")).strip().lower()
    return not content_type or content_type.startswith(content_types.APPLICATION_JSON)


def _refusal(status: HTTPStatus, code: str, message: str, reason: str) -> dict[str, Any]:
    payload = ErrorResponse(
        error=ErrorDetail(code=code, message=message, fields=[FieldError(field="body", reason=reason)])
    )
    return {
        "statusCode": status.value,
        "headers": {
            "Content-Type": content_types.APPLICATION_JSON,
            "Access-Control-Allow-Origin": ALLOWED_ORIGIN,
        },
        "body": payload.model_dump_json(),
        "isBase64Encoded": False,
    }


@dataclass(frozen=True)
class Caller:
    """Who is calling, as the Cognito authorizer's verified claims say; never the body or the path."""

    user_id: str
    email: str | None
    email_verified: bool | None
    organization_id: str | None
    role: str | None
    groups: frozenset[str] = frozenset()


def _groups(claim: object) -> frozenset[str]:
    # API Gateway's Cognito authorizer flattens the `cognito:groups` list into one string: "admins" for one
    # group, "[admins, editors]" or "admins,editors" for several, depending on the path the token took.
    text = str(claim or "").strip().removeprefix("[").removesuffix("]")
    return frozenset(name for name in text.replace(",", " ").split() if name)


def caller_of(event: APIGatewayProxyEvent) -> Caller:
    claims = event.request_context.authorizer.claims or {}
    user_id = claims.get("sub")
    if not user_id:
        raise errors.Unauthorized("the request carries no verified identity")
    return Caller(
        user_id=user_id,
        email=claims.get("email"),
        email_verified=str(claims["email_verified"]).lower() == "true" if "email_verified" in claims else None,
        organization_id=claims.get("custom:organization_id") or None,
        role=claims.get("custom:role") or None,
        groups=_groups(claims.get("cognito:groups")),
    )
