"""Bookings' organisation and member routes, driven with the sample events against moto (DynamoDB,
EventBridge, and a Cognito user pool whose attributes and sessions the routes change)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from types import ModuleType
from typing import Any

import pytest

from bookings.directory import CognitoDirectory
from identity.inbound import OrganizationStatusChanged
from tests.bookings_calls import ORG, OWNER, call, seed_bookings, user_pool

NEWCOMER = "1e2f3a4b-5c6d-4e7f-8a9b-0c1d2e3f4a5b"  # the sample POST /organizations's caller, in no organisation
PASSWORD = "Passw0rd!x"


@pytest.fixture
def pool(aws: None) -> dict[str, Any]:
    cognito, pool_id, client_id = user_pool()
    return {"cognito": cognito, "pool_id": pool_id, "client_id": client_id}


@pytest.fixture
def api(
    load_handler: Callable[[str], ModuleType],
    monkeypatch: pytest.MonkeyPatch,
    dynamodb: Any,
    published: Any,
    pool: dict[str, Any],
) -> ModuleType:
    seed_bookings(dynamodb)
    module = load_handler("BookingsOrganizationsFunction")
    directory = CognitoDirectory(pool["cognito"], pool["pool_id"])  # the pool as moto named it
    monkeypatch.setattr(module, "organizations", replace(module.organizations, directory=directory))
    return module


def identity_reads(event: dict[str, Any]) -> Any:
    """The event as Identity's organisation-status consumer parses it (moto's delivery leaves out `account`)."""
    return OrganizationStatusChanged.model_validate({"account": "123456789012", **event}).status()


def signed_up(pool: dict[str, Any], email: str) -> str:
    """A confirmed user of the pool, as sign-up leaves them: their sub."""
    cognito = pool["cognito"]
    user = cognito.admin_create_user(UserPoolId=pool["pool_id"], Username=email, MessageAction="SUPPRESS")["User"]
    cognito.admin_set_user_password(UserPoolId=pool["pool_id"], Username=email, Password=PASSWORD, Permanent=True)
    sub: str = next(a["Value"] for a in user["Attributes"] if a["Name"] == "sub")
    return sub


def attributes(pool: dict[str, Any], user_id: str) -> dict[str, str]:
    user = pool["cognito"].admin_get_user(UserPoolId=pool["pool_id"], Username=user_id)
    return {a["Name"]: a["Value"] for a in user["UserAttributes"]}


def refresh_token(pool: dict[str, Any], user_id: str) -> str:
    # Signed in by sub: moto ends only the sessions opened under the very name AdminUserGlobalSignOut is given
    # (Cognito itself resolves either to the one user).
    tokens = pool["cognito"].admin_initiate_auth(
        UserPoolId=pool["pool_id"],
        ClientId=pool["client_id"],
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": user_id, "PASSWORD": PASSWORD},
    )["AuthenticationResult"]
    token: str = tokens["RefreshToken"]
    return token


def refreshes(pool: dict[str, Any], token: str) -> bool:
    try:
        pool["cognito"].admin_initiate_auth(
            UserPoolId=pool["pool_id"],
            ClientId=pool["client_id"],
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": token},
        )
    except pool["cognito"].exceptions.NotAuthorizedException:
        return False
    return True


def test_a_user_in_no_organisation_creates_one_and_becomes_its_owner(api: ModuleType, pool: dict[str, Any]) -> None:
    user_id = signed_up(pool, "nuevo@example.com")

    status, organization = call(
        api, "bookings_organizations/post_organization", claims={"sub": user_id, "cognito:username": user_id}
    )

    assert status == 201
    assert (organization["slug"], organization["owner_id"], organization["active"]) == ("fisio-norte", user_id, True)
    cognito = attributes(pool, user_id)
    assert (cognito["custom:organization_id"], cognito["custom:role"]) == (organization["organization_id"], "owner")


def test_creating_an_organisation_announces_it_active_as_identity_reads_it(
    api: ModuleType, pool: dict[str, Any], published: Callable[[], list[dict[str, Any]]]
) -> None:
    user_id = signed_up(pool, "nuevo@example.com")
    call(api, "bookings_organizations/post_organization", claims={"sub": user_id})

    [event] = published()

    status = identity_reads(event)
    assert (event["source"], status.active) == ("colmena.bookings", True)


def test_a_taken_slug_is_a_409_and_the_caller_stays_in_no_organisation(api: ModuleType, pool: dict[str, Any]) -> None:
    user_id = signed_up(pool, "nuevo@example.com")

    status, answer = call(
        api, "bookings_organizations/post_organization", claims={"sub": user_id}, body=new_organization("clinica-sol")
    )

    assert (status, answer["error"]["code"]) == (409, "conflict")
    assert "custom:organization_id" not in attributes(pool, user_id)
    assert api.organizations.repository.membership_of(user_id) is None


def test_a_member_of_an_organisation_cannot_create_another(api: ModuleType) -> None:
    claims = {"custom:organization_id": "7c1d2e4f-6a8b-4c0d-9e2f-1a3b5c7d9e0f", "custom:role": "owner"}

    status, answer = call(api, "bookings_organizations/post_organization", claims=claims)

    assert (status, answer["error"]["code"]) == (409, "conflict")


def test_the_same_creation_sent_again_after_a_failure_half_way_finishes_it(
    api: ModuleType, pool: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    user_id = signed_up(pool, "nuevo@example.com")
    directory = api.organizations.directory
    broken = replace(api.organizations, directory=CognitoDirectory(pool["cognito"], "us-east-1_gone"))
    monkeypatch.setattr(api, "organizations", broken)
    first, _ = call(api, "bookings_organizations/post_organization", claims={"sub": user_id})
    monkeypatch.setattr(api, "organizations", replace(broken, directory=directory))

    second, organization = call(api, "bookings_organizations/post_organization", claims={"sub": user_id})

    assert (first, second) == (502, 201)
    assert attributes(pool, user_id)["custom:organization_id"] == organization["organization_id"]


def test_a_caller_in_no_organisation_is_told_so_with_a_403(api: ModuleType) -> None:
    status, answer = call(
        api, "bookings_organizations/get_my_organization", claims={"custom:organization_id": None, "custom:role": None}
    )

    assert status == 403
    assert "POST /organizations" in answer["error"]["message"]


def test_the_owner_reads_their_organisation(api: ModuleType) -> None:
    status, organization = call(api, "bookings_organizations/get_my_organization")

    assert (status, organization["slug"], organization["timezone"]) == (200, "clinica-sol", "Europe/Madrid")


def test_deactivating_publishes_organization_deactivated_as_identity_reads_it(
    api: ModuleType, published: Callable[[], list[dict[str, Any]]]
) -> None:
    status, organization = call(api, "bookings_organizations/patch_my_organization", body={"active": False})

    [event] = published()
    parsed = identity_reads(event)
    assert (status, organization["active"]) == (200, False)
    assert (parsed.organization_id, parsed.active) == (organization["organization_id"], False)
    assert api.organizations.repository.active_organizations(10, None).items == []


@pytest.mark.parametrize(("role", "body"), [("admin", {"active": False}), ("reception", {"name": "X"})])
def test_only_the_owner_deactivates_and_reception_changes_nothing(
    api: ModuleType, role: str, body: dict[str, Any]
) -> None:
    status, _ = call(api, "bookings_organizations/patch_my_organization", claims={"custom:role": role}, body=body)

    assert status == 403


def test_an_invited_member_gets_a_cognito_user_with_the_organisation_and_role(
    api: ModuleType, pool: dict[str, Any]
) -> None:
    status, member = call(api, "bookings_organizations/post_member")

    assert (status, member["email"], member["role"]) == (201, "rita@example.com", "reception")
    cognito = attributes(pool, member["user_id"])
    assert (cognito["custom:organization_id"], cognito["custom:role"]) == (ORG, "reception")
    _, page = call(api, "bookings_organizations/get_members")
    assert {m["email"] for m in page["members"]} == {"olga@example.com", "rita@example.com"}


def test_inviting_an_address_that_has_an_account_is_a_409(api: ModuleType, pool: dict[str, Any]) -> None:
    signed_up(pool, "rita@example.com")

    status, _ = call(api, "bookings_organizations/post_member")

    assert status == 409


@pytest.mark.parametrize("how", ["suspend", "remove"])
def test_a_suspended_or_removed_member_can_no_longer_refresh_their_session(
    api: ModuleType, pool: dict[str, Any], how: str
) -> None:
    _, member = call(api, "bookings_organizations/post_member")
    pool["cognito"].admin_set_user_password(
        UserPoolId=pool["pool_id"], Username="rita@example.com", Password=PASSWORD, Permanent=True
    )
    token = refresh_token(pool, member["user_id"])
    target = {"user_id": member["user_id"]}

    if how == "suspend":
        status, _ = call(api, "bookings_organizations/patch_member", path=target, body={"status": "suspended"})
    else:
        status, _ = call(api, "bookings_organizations/delete_member", path=target)

    assert status == (200 if how == "suspend" else 204)
    assert not refreshes(pool, token)


def test_a_removed_member_loses_the_organisation_from_their_attributes(api: ModuleType, pool: dict[str, Any]) -> None:
    _, member = call(api, "bookings_organizations/post_member")

    call(api, "bookings_organizations/delete_member", path={"user_id": member["user_id"]})

    assert "custom:organization_id" not in attributes(pool, member["user_id"])
    assert api.organizations.repository.membership_of(member["user_id"]) is None


def test_changing_a_role_changes_the_cognito_attribute_for_the_next_token(
    api: ModuleType, pool: dict[str, Any]
) -> None:
    _, member = call(api, "bookings_organizations/post_member")

    status, changed = call(
        api, "bookings_organizations/patch_member", path={"user_id": member["user_id"]}, body={"role": "admin"}
    )

    assert (status, changed["role"], attributes(pool, member["user_id"])["custom:role"]) == (200, "admin", "admin")


def test_the_owner_cannot_be_removed(api: ModuleType) -> None:
    status, _ = call(
        api,
        "bookings_organizations/delete_member",
        path={"user_id": OWNER},
        claims={"custom:role": "admin", "sub": "someone-else"},
    )

    assert status == 403


def test_a_professional_cannot_invite(api: ModuleType) -> None:
    status, _ = call(api, "bookings_organizations/post_member", claims={"custom:role": "professional"})

    assert status == 403


def new_organization(slug: str) -> dict[str, str]:
    return {
        "name": "Taller Luz",
        "slug": slug,
        "industry": "workshop",
        "timezone": "America/Santiago",
        "language": "en",
    }
