"""The kernel's REST resolver, and the one place that turns domain errors and refused requests into HTTP
answers for every REST function.

Every error body the functions answer has one shape: {"error": {"code", "message", "fields": [{"field",
"reason"}]}}. API Gateway's Cognito authorizer refuses a missing or invalid token before any function
runs, with its own {"message": "Unauthorized"}."""

from __future__ import annotations

import base64
import binascii
import json
import sys
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, cast

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig, Response, content_types
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from pydantic import BaseModel

from colmena import errors

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler.openapi.models import SecurityScheme
    from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent
    from aws_lambda_powertools.utilities.typing import LambdaContext

# Tokens travel in the Authorization header, never in cookies, so any origin may call.
ALLOWED_ORIGIN = "*"
CORS = CORSConfig(allow_origin=ALLOWED_ORIGIN, max_age=600)

# Generous for every JSON body the routes take; anything larger is a mistake or an attack. A route that
# takes more (a provider's webhook) says so in RestApi's `body_limits`.
MAX_BODY_BYTES = 16 * 1024

# A request body has no meaning on these methods (RFC 9110), and no route reads one.
METHODS_WITHOUT_BODY = frozenset({"GET", "HEAD", "OPTIONS"})

# Bounds on an error answer, so that a body of a thousand unknown keys cannot make the answer huge.
MAX_FIELDS_LISTED = 20
MAX_FIELD_CHARS = 100
MAX_REASON_CHARS = 300
MAX_MESSAGE_CHARS = 1000

STATUS_OF: dict[type[errors.ColmenaError], HTTPStatus] = {
    # Before InvalidInput, its base: the first match answers.
    errors.MalformedInput: HTTPStatus.BAD_REQUEST,
    errors.InvalidInput: HTTPStatus.UNPROCESSABLE_ENTITY,
    errors.Unauthorized: HTTPStatus.UNAUTHORIZED,
    errors.Forbidden: HTTPStatus.FORBIDDEN,
    errors.NotFound: HTTPStatus.NOT_FOUND,
    errors.Conflict: HTTPStatus.CONFLICT,
    # The change is stored and its event is not yet on the bus: the same request again finishes the job.
    errors.PublishFailed: HTTPStatus.SERVICE_UNAVAILABLE,
    # Others wrote the same items at that moment, more often than the route retries: send it again.
    errors.Busy: HTTPStatus.SERVICE_UNAVAILABLE,
    # A webhook's signature or body: refused before anything in it is believed.
    errors.InvalidSignature: HTTPStatus.BAD_REQUEST,
    errors.InvalidPayload: HTTPStatus.BAD_REQUEST,
    # An outside provider's answer, with its own code: declined (402), refused as asked (409), failing (502).
    errors.PaymentRequired: HTTPStatus.PAYMENT_REQUIRED,
    errors.ProviderConflict: HTTPStatus.CONFLICT,
    errors.ProviderUnavailable: HTTPStatus.BAD_GATEWAY,
}


class FieldError(BaseModel):
    field: str
    reason: str


class ErrorDetail(BaseModel):
    code: str
    message: str
    fields: list[FieldError] = []


class ErrorResponse(BaseModel):
    """Every error a Colmena function answers."""

    error: ErrorDetail


class GatewayRefusal(BaseModel):
    """API Gateway's own answer when its Cognito authorizer refuses a request, before any function runs."""

    message: str


class RestApi(APIGatewayRestResolver):
    """A REST function's resolver: Powertools' REST resolver with request validation, CORS, the project's
    error answers and OpenAPI header, and a guard that refuses an unsound body before anything parses it.

    The guard runs in `resolve`, not as a Powertools middleware, because Powertools runs its request
    validation (which parses the body) before every user middleware; and it cannot be forgotten, because
    it is the resolver itself. `body_limits` raises the 16 KiB limit for a route, keyed by its method and
    the API Gateway resource, e.g. {("POST", "/webhooks/stripe"): 256 * 1024}. `form_routes`, keyed the same
    way, take an application/x-www-form-urlencoded body instead of JSON (a provider's webhook that posts forms,
    as Twilio does); the route reads and checks its fields itself."""

    def __init__(
        self,
        title: str,
        description: str,
        body_limits: Mapping[tuple[str, str], int] | None = None,
        form_routes: Collection[tuple[str, str]] = (),
    ) -> None:
        super().__init__(enable_validation=True, cors=CORS)
        self.body_limits = {
            (method.upper(), resource): limit for (method, resource), limit in (body_limits or {}).items()
        }
        self.form_routes = frozenset((method.upper(), resource) for method, resource in form_routes)
        _register_error_handlers(self)
        _describe_api(self, title, description)

    def resolve(self, event: Mapping[str, Any], context: LambdaContext) -> dict[str, Any]:
        request = _rest_request(event)
        method = request["httpMethod"].upper()
        route = (method, request.get("resource") or request["path"])
        limit = self.body_limits.get(route, MAX_BODY_BYTES)
        form = route in self.form_routes
        refusal = None if method in METHODS_WITHOUT_BODY else _refusal_of(request, limit, form=form)
        if refusal is not None:
            return refusal.answer(_header(request, "origin"))
        return super().resolve(_with_plain_json_type(request), context)


def responses(
    success: str,
    *statuses: HTTPStatus,
    takes_body: bool = False,
    success_status: HTTPStatus = HTTPStatus.OK,
    public: bool = False,
) -> dict[int, OpenAPIResponse]:
    """A route's OpenAPI `responses`: its success (200, or `success_status` such as 201 for a route declared
    with that `status_code`, with the model its return annotation names); for a protected route, the 401 of
    the authorizer or of the function and the 403 every protected route can answer (a `public` route, served
    without the authorizer, answers neither); the 400 and 415 of a route that takes a body; and the route's
    own `statuses`.

    The 422 is always listed in the project's error shape: Powertools lists one on every validated route, in
    its own HTTPValidationError shape, which no Colmena route ever answers."""
    answers: dict[int, OpenAPIResponse] = {
        success_status.value: {"description": success},
        **_error_answers(HTTPStatus.UNPROCESSABLE_ENTITY, *statuses),
    }
    if not public:
        answers[HTTPStatus.UNAUTHORIZED.value] = {
            "description": 'No valid IdToken: API Gateway\'s authorizer answers {"message": "Unauthorized"}, '
            "the function the project's error shape",
            "content": {content_types.APPLICATION_JSON: {"model": GatewayRefusal | ErrorResponse}},
        }
        answers.update(_error_answers(HTTPStatus.FORBIDDEN))
    if takes_body:
        answers.update(_error_answers(HTTPStatus.BAD_REQUEST, HTTPStatus.UNSUPPORTED_MEDIA_TYPE))
    return dict(sorted(answers.items()))


def _error_answers(*statuses: HTTPStatus) -> dict[int, OpenAPIResponse]:
    return {
        status.value: {
            "description": status.phrase,
            "content": {content_types.APPLICATION_JSON: {"model": ErrorResponse}},
        }
        for status in statuses
    }


def error_response(
    status: HTTPStatus, code: str, message: str, fields: list[FieldError] | None = None
) -> Response[str]:
    body = ErrorResponse(error=ErrorDetail(code=code, message=message, fields=fields or []))
    return Response(
        status_code=status.value,
        content_type=content_types.APPLICATION_JSON,
        body=body.model_dump_json(),
    )


def _describe_api(app: APIGatewayRestResolver, title: str, description: str) -> None:
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


RETRY_MESSAGE = "the change is saved but not yet announced to the rest of Colmena; send the same request again"
# A child of the function's own Logger (same service), so errors land in its structured JSON logs.
_logger = Logger(child=True)


def _register_error_handlers(app: APIGatewayRestResolver) -> None:
    @app.not_found
    def no_such_route(_: NotFoundError) -> Response[str]:
        event = app.current_event
        return error_response(HTTPStatus.NOT_FOUND, "route_not_found", f"no route {event.http_method} {event.path}")

    @app.exception_handler(errors.ColmenaError)
    def domain_error(error: errors.ColmenaError) -> Response[str]:
        return _domain_error_answer(error, app)

    @app.exception_handler(Exception)
    def unexpected_error(error: Exception) -> Response[str]:
        return _unexpected_error_answer(error, app)

    @app.exception_handler(RequestUnsupportedContentType)
    def unsupported_content_type(_: RequestUnsupportedContentType) -> Response[str]:
        # The guard refuses every other type first; kept so that no path answers in Powertools' shape.
        return error_response(
            HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            UNSUPPORTED_MEDIA_TYPE_MESSAGE,
            [FieldError(field="body", reason="not application/json")],
        )

    @app.exception_handler(RequestValidationError)
    def invalid_request(error: RequestValidationError) -> Response[str]:
        fields = [_field_error(detail) for detail in error.errors()]
        listed = fields[:MAX_FIELDS_LISTED]
        message = "; ".join(f"{field.field}: {field.reason}" for field in listed)
        if len(fields) > len(listed):
            message += f"; and {len(fields) - len(listed)} more"
        return error_response(
            HTTPStatus.UNPROCESSABLE_ENTITY, "validation_error", _clip(message, MAX_MESSAGE_CHARS), listed
        )


def _domain_error_answer(error: errors.ColmenaError, app: APIGatewayRestResolver) -> Response[str]:
    status = next(
        (status for kind, status in STATUS_OF.items() if isinstance(error, kind)),
        HTTPStatus.INTERNAL_SERVER_ERROR,
    )
    if status is HTTPStatus.INTERNAL_SERVER_ERROR:
        return _unexpected_error_answer(error, app)
    if isinstance(error, errors.PublishFailed):
        _logger.warning("answered 503", extra={"error": error.message})
        return error_response(status, error.code, RETRY_MESSAGE)
    field = error.field if isinstance(error, errors.InvalidInput) else None
    fields = [FieldError(field=field, reason=error.message)] if field else []
    return error_response(status, error.code, error.message, fields)


def _unexpected_error_answer(error: Exception, app: APIGatewayRestResolver) -> Response[str]:
    # A bug or an outage, never the client's doing: logged whole, answered in the project's shape with the
    # request id to quote, and without a word of the internals.
    _logger.exception("unexpected error", extra={"error_type": type(error).__name__})
    request_id = getattr(app.lambda_context, "aws_request_id", None) or "unknown"
    return error_response(
        HTTPStatus.INTERNAL_SERVER_ERROR,
        "internal_error",
        f"something went wrong on our side; quote request id {request_id} if you report it",
    )


def _field_error(detail: dict[str, Any]) -> FieldError:
    location = [str(part) for part in detail.get("loc", ())]
    # Drop the leading "body"/"query" so the field reads as the client wrote it.
    field = ".".join(location[1:]) if len(location) > 1 else (location[0] if location else "body")
    reason = str(detail.get("msg", detail.get("type", "invalid"))).removeprefix("Value error, ")
    return FieldError(field=_clip(field, MAX_FIELD_CHARS), reason=_clip(reason, MAX_REASON_CHARS))


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- the guard ----------------------------------------------------------------------------------------

UNSUPPORTED_MEDIA_TYPE_MESSAGE = "body: send it as JSON, with Content-Type: application/json"
FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class Refusal:
    """The answer to a request refused before the resolver sees it; always about the body."""

    status: HTTPStatus
    code: str
    reason: str

    def answer(self, origin: str | None) -> dict[str, Any]:
        json_expected = self.code == "unsupported_media_type" and self.reason == "not application/json"
        message = UNSUPPORTED_MEDIA_TYPE_MESSAGE if json_expected else f"body: {self.reason}"
        payload = ErrorResponse(
            error=ErrorDetail(code=self.code, message=message, fields=[FieldError(field="body", reason=self.reason)])
        )
        allowed_origin = CORS.allowed_origin(origin) if origin else None
        return {
            "statusCode": self.status.value,
            "headers": {"Content-Type": content_types.APPLICATION_JSON, **CORS.to_dict(allowed_origin)},
            "body": payload.model_dump_json(),
            "isBase64Encoded": False,
        }


def _rest_request(event: Mapping[str, Any]) -> Mapping[str, Any]:
    """The event, if it is an API Gateway REST proxy request; InvalidEvent, naming what is missing, if not."""
    if not isinstance(event, Mapping):
        raise errors.InvalidEvent(f"a REST function takes an API Gateway proxy event, not a {type(event).__name__}")
    missing = [key for key in ("httpMethod", "path", "requestContext") if key not in event]
    if missing:
        raise errors.InvalidEvent(
            f"not an API Gateway REST proxy event (it has no {', '.join(missing)}): a REST function takes only "
            "its API's requests"
        )
    if not isinstance(event["httpMethod"], str) or not isinstance(event.get("body") or "", str):
        raise errors.InvalidEvent("not an API Gateway REST proxy event: httpMethod and body must be text")
    return event


def _refusal_of(event: Mapping[str, Any], limit: int, *, form: bool = False) -> Refusal | None:
    """Why no route may take this body, or None if it is sound.

    Written here because Powertools' validation unwraps a JSON array into its first element when the route
    takes one model (aws_lambda_powertools.event_handler.middlewares.openapi_validation
    `_normalize_field_value`), so `[{...}]` would pass as `{...}`; because a size bound belongs before any
    parsing; and because Python's decoder raises more than JSONDecodeError on hostile input (ValueError for
    an integer over the int-to-text limit, RecursionError for deep nesting), which would otherwise escape
    as a 5xx. Every Colmena route takes a JSON object, so anything else is refused, except on a form route:
    there a form, of the same bounded size, and nothing else."""
    body = event.get("body")
    if not body:
        return None
    try:
        raw = (
            base64.b64decode(body, validate=True)
            if event.get("isBase64Encoded")
            else body.encode("utf-8", "surrogatepass")
        )
    except binascii.Error:
        return Refusal(HTTPStatus.BAD_REQUEST, "invalid_body", "not valid base64")
    if len(raw) > limit:
        return Refusal(HTTPStatus.BAD_REQUEST, "body_too_large", f"{len(raw)} bytes; the limit is {limit}")
    if form:
        if _media_type(_header(event, "content-type")) != FORM_MEDIA_TYPE:
            return Refusal(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", f"not {FORM_MEDIA_TYPE}")
        return None
    if _media_type(_header(event, "content-type")) != content_types.APPLICATION_JSON:
        return Refusal(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", "not application/json")
    return _json_refusal(raw)


def _json_refusal(raw: bytes) -> Refusal | None:
    try:
        parsed = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return Refusal(HTTPStatus.BAD_REQUEST, "invalid_body", "not UTF-8 text")
    except json.JSONDecodeError as error:
        return Refusal(HTTPStatus.BAD_REQUEST, "invalid_body", f"not valid JSON ({error})")
    except ValueError:
        digits = sys.get_int_max_str_digits()
        return Refusal(HTTPStatus.BAD_REQUEST, "invalid_body", f"holds an integer of more than {digits} digits")
    except RecursionError:
        return Refusal(HTTPStatus.BAD_REQUEST, "invalid_body", "nested too deeply")
    if not isinstance(parsed, dict):
        return Refusal(HTTPStatus.UNPROCESSABLE_ENTITY, "validation_error", "must be a JSON object")
    return None


def _header(event: Mapping[str, Any], name: str) -> str | None:
    headers = event.get("headers") or {}
    return next((str(value) for key, value in headers.items() if key.lower() == name), None)


def _media_type(content_type: str | None) -> str | None:
    """The type and subtype of a Content-Type header, which are case-insensitive, without parameters."""
    return content_type.split(";", 1)[0].strip().lower() if content_type else None


def _with_plain_json_type(event: Mapping[str, Any]) -> dict[str, Any]:
    """The event with its Content-Type in lower case: Powertools compares it case-sensitively."""
    content_type = _header(event, "content-type")
    if content_type is None:
        return dict(event)
    headers = {key: value for key, value in event["headers"].items() if key.lower() != "content-type"}
    return {**event, "headers": {**headers, "Content-Type": content_type.lower()}}


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
    # Only the IdToken says who the caller is (e-mail, organisation, role). API Gateway's authorizer takes
    # an access token on a route with OAuth scopes, and the local stack's on any route: the function checks.
    if claims.get("token_use") != "id":
        raise errors.Unauthorized("send the IdToken of the session, not its access token")
    return Caller(
        user_id=user_id,
        email=claims.get("email"),
        email_verified=str(claims["email_verified"]).lower() == "true" if "email_verified" in claims else None,
        organization_id=claims.get("custom:organization_id") or None,
        role=claims.get("custom:role") or None,
        groups=_groups(claims.get("cognito:groups")),
    )
