"""Bookings' catalogue routes, behind the Cognito authorizer: the professionals, services and clients of the
caller's organisation (bookings.catalog says who may do what)."""

# No `from __future__ import annotations` here: Powertools reads the route signatures at run time to
# validate bodies and queries and build the OpenAPI description, so the annotations must be real objects.
from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query

from bookings.access import OrgCaller, member_of
from bookings.catalog import Catalog
from bookings.repository import MAX_CURSOR_CHARS
from bookings.schemas import (
    ClientChanges,
    ClientPage,
    ClientView,
    NewClient,
    NewProfessional,
    NewService,
    ProfessionalChanges,
    ProfessionalPage,
    ProfessionalView,
    ServiceChanges,
    ServicePage,
    ServiceView,
)
from bookings.wiring import BookingsFunction, rest_api
from colmena.clock import utc_now
from colmena.http import caller_of, responses

function = BookingsFunction.from_env()
catalog = Catalog(function.repository, utc_now)
tracer = function.tracer
app = rest_api()

ResourceId = Annotated[str, Path(min_length=1, max_length=64)]
Cursor = Annotated[str | None, Query(max_length=MAX_CURSOR_CHARS)]
Limit = Annotated[int, Query(ge=1, le=100)]


def _caller() -> OrgCaller:
    return member_of(caller_of(app.current_event))


# ---------------------------------------------------------------- professionals


@app.post(
    "/professionals",
    status_code=HTTPStatus.CREATED,
    summary="Add a professional (owner or admin)",
    responses=responses(
        "The professional, with its professional_id",
        HTTPStatus.CONFLICT,
        takes_body=True,
        success_status=HTTPStatus.CREATED,
    ),
)
@tracer.capture_method
def post_professional(body: Annotated[NewProfessional, Body()]) -> ProfessionalView:
    return ProfessionalView.of(catalog.create_professional(_caller(), body.model_dump(exclude_none=True)))


@app.get("/professionals", summary="The organisation's professionals", responses=responses("One page"))
@tracer.capture_method
def get_professionals(cursor: Cursor = None, limit: Limit = 50) -> ProfessionalPage:
    page = catalog.professionals(_caller(), limit, cursor)
    return ProfessionalPage(professionals=[ProfessionalView.of(p) for p in page.items], next_cursor=page.next_cursor)


@app.get(
    "/professionals/<professional_id>",
    summary="One professional",
    responses=responses("The professional", HTTPStatus.NOT_FOUND),
)
@tracer.capture_method
def get_professional(professional_id: ResourceId) -> ProfessionalView:
    return ProfessionalView.of(catalog.professional(_caller(), professional_id))


@app.patch(
    "/professionals/<professional_id>",
    summary="Change a professional (owner or admin; a professional their own schedule and time off)",
    responses=responses("The professional as it now is", HTTPStatus.NOT_FOUND, HTTPStatus.CONFLICT, takes_body=True),
)
@tracer.capture_method
def patch_professional(professional_id: ResourceId, body: Annotated[ProfessionalChanges, Body()]) -> ProfessionalView:
    fields = body.model_dump(exclude_unset=True, exclude_none=True)
    return ProfessionalView.of(catalog.change_professional(_caller(), professional_id, fields))


# ---------------------------------------------------------------- services


@app.post(
    "/services",
    status_code=HTTPStatus.CREATED,
    summary="Add a service (owner or admin)",
    responses=responses("The service, with its service_id", takes_body=True, success_status=HTTPStatus.CREATED),
)
@tracer.capture_method
def post_service(body: Annotated[NewService, Body()]) -> ServiceView:
    return ServiceView.of(catalog.create_service(_caller(), body.model_dump()))


@app.get("/services", summary="The organisation's services", responses=responses("One page"))
@tracer.capture_method
def get_services(cursor: Cursor = None, limit: Limit = 50) -> ServicePage:
    page = catalog.services(_caller(), limit, cursor)
    return ServicePage(services=[ServiceView.of(s) for s in page.items], next_cursor=page.next_cursor)


@app.get("/services/<service_id>", summary="One service", responses=responses("The service", HTTPStatus.NOT_FOUND))
@tracer.capture_method
def get_service(service_id: ResourceId) -> ServiceView:
    return ServiceView.of(catalog.service(_caller(), service_id))


@app.patch(
    "/services/<service_id>",
    summary="Change a service (owner or admin)",
    responses=responses("The service as it now is", HTTPStatus.NOT_FOUND, takes_body=True),
)
@tracer.capture_method
def patch_service(service_id: ResourceId, body: Annotated[ServiceChanges, Body()]) -> ServiceView:
    fields = body.model_dump(exclude_unset=True, exclude_none=True)
    return ServiceView.of(catalog.change_service(_caller(), service_id, fields))


# ---------------------------------------------------------------- clients


@app.post(
    "/clients",
    status_code=HTTPStatus.CREATED,
    summary="Add a client (owner, admin or reception), deduplicated by e-mail",
    description="201 with a new client_id; 200 with the existing client when the e-mail is already a client's.",
    responses=responses("The new client", takes_body=True, success_status=HTTPStatus.CREATED)
    | {HTTPStatus.OK.value: {"description": "The organisation's existing client with that e-mail"}},
)
@tracer.capture_method
def post_client(body: Annotated[NewClient, Body()]) -> Response[ClientView]:
    client, created = catalog.create_client(_caller(), body.name, body.email, body.phone)
    return Response(
        status_code=(HTTPStatus.CREATED if created else HTTPStatus.OK).value,
        content_type=content_types.APPLICATION_JSON,
        body=ClientView.of(client),
    )


@app.get("/clients", summary="The organisation's clients (owner, admin or reception)", responses=responses("One page"))
@tracer.capture_method
def get_clients(cursor: Cursor = None, limit: Limit = 50) -> ClientPage:
    page = catalog.clients(_caller(), limit, cursor)
    return ClientPage(clients=[ClientView.of(c) for c in page.items], next_cursor=page.next_cursor)


@app.get("/clients/<client_id>", summary="One client", responses=responses("The client", HTTPStatus.NOT_FOUND))
@tracer.capture_method
def get_client(client_id: ResourceId) -> ClientView:
    return ClientView.of(catalog.client(_caller(), client_id))


@app.patch(
    "/clients/<client_id>",
    summary="Change a client's name or phone (owner, admin or reception)",
    responses=responses("The client as it now is", HTTPStatus.NOT_FOUND, takes_body=True),
)
@tracer.capture_method
def patch_client(client_id: ResourceId, body: Annotated[ClientChanges, Body()]) -> ClientView:
    fields = body.model_dump(exclude_unset=True, exclude_none=True)
    return ClientView.of(catalog.change_client(_caller(), client_id, fields))


lambda_handler = function.rest_handler(app)
