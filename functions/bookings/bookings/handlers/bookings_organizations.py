"""Bookings' organisation routes, behind the Cognito authorizer: POST /organizations (the caller becomes its
owner), GET and PATCH /organizations/me, and the members of the caller's organisation."""

# No `from __future__ import annotations` here: Powertools reads the route signatures at run time to
# validate bodies and queries and build the OpenAPI description, so the annotations must be real objects.
from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query

from bookings.access import member_of
from bookings.directory import CognitoDirectory
from bookings.organizations import NewOrganizationRequest, Organizations
from bookings.repository import MAX_CURSOR_CHARS
from bookings.schemas import (
    Invitation,
    MemberChanges,
    MemberPage,
    MemberView,
    NewOrganization,
    OrganizationChanges,
    OrganizationView,
)
from bookings.settings import DirectorySettings
from bookings.wiring import BookingsFunction, rest_api
from colmena.aws import cognito_client
from colmena.clock import utc_now
from colmena.http import caller_of, responses

function = BookingsFunction.from_env()
organizations = Organizations(
    function.repository,
    CognitoDirectory(cognito_client(), DirectorySettings.from_env().user_pool_id),
    function.publisher(),
    utc_now,
)
tracer = function.tracer
app = rest_api()

UserId = Annotated[str, Path(min_length=1, max_length=64)]


@app.post(
    "/organizations",
    status_code=HTTPStatus.CREATED,
    summary="Create an organisation with the caller as its owner",
    description="The slug is claimed atomically. The caller's next IdToken (refresh the session) carries "
    "`custom:organization_id` and `custom:role` = owner.",
    responses=responses("The organisation", HTTPStatus.CONFLICT, takes_body=True, success_status=HTTPStatus.CREATED),
)
@tracer.capture_method
def post_organization(body: Annotated[NewOrganization, Body()]) -> OrganizationView:
    request = NewOrganizationRequest(body.name, body.slug, body.industry, body.timezone, body.language)
    return OrganizationView.of(organizations.create(caller_of(app.current_event), request))


@app.get(
    "/organizations/me",
    summary="The caller's organisation",
    responses=responses("The organisation", HTTPStatus.NOT_FOUND),
)
@tracer.capture_method
def get_my_organization() -> OrganizationView:
    return OrganizationView.of(organizations.of(member_of(caller_of(app.current_event))))


@app.patch(
    "/organizations/me",
    summary="Change the caller's organisation (owner or admin; activation by the owner only)",
    description="Giving `active` publishes organization.activated or organization.deactivated.",
    responses=responses("The organisation as it now is", HTTPStatus.NOT_FOUND, takes_body=True),
)
@tracer.capture_method
def patch_my_organization(body: Annotated[OrganizationChanges, Body()]) -> OrganizationView:
    caller = member_of(caller_of(app.current_event))
    changed = organizations.change(caller, **body.model_dump(exclude_none=True))
    return OrganizationView.of(changed)


@app.post(
    "/organizations/me/members",
    status_code=HTTPStatus.CREATED,
    summary="Invite a member by e-mail with a role (owner or admin)",
    description="Cognito creates the user with the organisation and role and e-mails a temporary password.",
    responses=responses("The member", HTTPStatus.CONFLICT, takes_body=True, success_status=HTTPStatus.CREATED),
)
@tracer.capture_method
def post_member(body: Annotated[Invitation, Body()]) -> MemberView:
    caller = member_of(caller_of(app.current_event))
    return MemberView.of(organizations.invite(caller, body.email, body.role))


@app.get(
    "/organizations/me/members",
    summary="The members of the caller's organisation (owner or admin)",
    responses=responses("One page of members"),
)
@tracer.capture_method
def get_members(
    cursor: Annotated[str | None, Query(max_length=MAX_CURSOR_CHARS)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> MemberPage:
    page = organizations.members(member_of(caller_of(app.current_event)), limit, cursor)
    return MemberPage(members=[MemberView.of(member) for member in page.items], next_cursor=page.next_cursor)


@app.patch(
    "/organizations/me/members/<user_id>",
    summary="Change a member's role or status (owner or admin)",
    description="Suspending signs the member out everywhere: their refresh token stops working.",
    responses=responses("The member as they now are", HTTPStatus.NOT_FOUND, takes_body=True),
)
@tracer.capture_method
def patch_member(user_id: UserId, body: Annotated[MemberChanges, Body()]) -> MemberView:
    caller = member_of(caller_of(app.current_event))
    return MemberView.of(organizations.change_member(caller, user_id, body.role, body.status))


@app.delete(
    "/organizations/me/members/<user_id>",
    status_code=HTTPStatus.NO_CONTENT,
    summary="Remove a member (owner or admin)",
    description="The member loses the organisation and role and is signed out everywhere.",
    responses=responses("Removed", HTTPStatus.NOT_FOUND, success_status=HTTPStatus.NO_CONTENT),
)
@tracer.capture_method
def delete_member(user_id: UserId) -> Response[str]:
    organizations.remove_member(member_of(caller_of(app.current_event)), user_id)
    return Response(status_code=HTTPStatus.NO_CONTENT.value, content_type=content_types.APPLICATION_JSON, body="")


lambda_handler = function.rest_handler(app)
