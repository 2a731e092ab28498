"""The one place that turns domain errors into HTTP answers, for every REST handler.

Every error body has one shape: {"error": {"code", "message", "fields": [{"field", "reason"}]}}."""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.event_handler import CORSConfig, Response, content_types
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from pydantic import BaseModel

from colmena import errors

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler import APIGatewayRestResolver
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
) -> Response:
    body = ErrorResponse(error=ErrorDetail(code=code, message=message, fields=fields or []))
    return Response(
        status_code=status.value,
        content_type=content_types.APPLICATION_JSON,
        body=body.model_dump_json(),
    )


def error_responses(*statuses: HTTPStatus) -> dict[int, dict[str, Any]]:
    """The `responses` of a route's OpenAPI entry for the errors it can answer."""
    return {
        status.value: {
            "description": status.phrase,
            "content": {content_types.APPLICATION_JSON: {"model": ErrorResponse}},
        }
        for status in statuses
    }


def register_error_handlers(app: APIGatewayRestResolver) -> None:
    @app.exception_handler(errors.ColmenaError)
    def domain_error(error: errors.ColmenaError) -> Response:
        status = next(
            (status for kind, status in STATUS_OF.items() if isinstance(error, kind)),
            HTTPStatus.INTERNAL_SERVER_ERROR,
        )
        if status is HTTPStatus.INTERNAL_SERVER_ERROR:
            raise error
        field = error.field if isinstance(error, errors.InvalidInput) else None
        fields = [FieldError(field=field, reason=error.message)] if field else []
        return error_response(status, error.code, error.message, fields)

    @app.exception_handler(RequestValidationError)
    def invalid_request(error: RequestValidationError) -> Response:
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


def oversized_body(event: dict[str, Any]) -> dict[str, Any] | None:
    """The 413-style refusal (as a 400, the status every client handles) of a body over MAX_BODY_BYTES,
    checked before anything parses it; None when the body is within bounds."""
    body = event.get("body") or ""
    size = len(body) if event.get("isBase64Encoded") else len(body.encode())
    if size <= MAX_BODY_BYTES:
        return None
    payload = ErrorResponse(
        error=ErrorDetail(
            code="body_too_large",
            message=f"the request body is {size} bytes; the limit is {MAX_BODY_BYTES}",
            fields=[FieldError(field="body", reason=f"larger than {MAX_BODY_BYTES} bytes")],
        )
    )
    return {
        "statusCode": HTTPStatus.BAD_REQUEST.value,
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
    organization_id: str | None
    role: str | None


def caller_of(event: APIGatewayProxyEvent) -> Caller:
    claims = event.request_context.authorizer.claims or {}
    user_id = claims.get("sub")
    if not user_id:
        raise errors.Unauthorized("the request carries no verified identity")
    return Caller(
        user_id=user_id,
        email=claims.get("email"),
        organization_id=claims.get("custom:organization_id") or None,
        role=claims.get("custom:role") or None,
    )
