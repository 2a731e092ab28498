"""Tenancy: every Bookings route that takes an id, called by the owner of another organisation with the
seeded organisation's ids, answers 404 and never a byte of its data; and leaves it unchanged."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from types import ModuleType
from typing import Any

import pytest

from bookings.directory import CognitoDirectory
from bookings.models import Member, MemberStatus, Organization, Role
from tests.bookings_calls import CLI, ORG, PRO, SVC, call, seed_bookings, user_pool

OTHER_ORG = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
OTHER_OWNER = "6d5c4b3a-2f1e-4d0c-9b8a-7f6e5d4c3b2a"
RITA = "2a4c6e8f-0b1d-4f3a-8c5e-7a9b1d3f5e60"  # a member of the seeded organisation
NOW = "2026-11-26T09:00:00.000+00:00"
INTRUDER = {"sub": OTHER_OWNER, "custom:organization_id": OTHER_ORG, "custom:role": "owner", "email": "x@example.com"}

# Every route of the seeded organisation's data that takes an id, with a body where it takes one.
CATALOG_ROUTES = [
    ("get_professional", {"professional_id": PRO}, None),
    ("patch_professional", {"professional_id": PRO}, {"name": "Stolen"}),
    ("get_service", {"service_id": SVC}, None),
    ("patch_service", {"service_id": SVC}, {"price_cents": 1}),
    ("get_client", {"client_id": CLI}, None),
    ("patch_client", {"client_id": CLI}, {"phone": "+1 555"}),
]
MEMBER_ROUTES = [
    ("patch_member", {"user_id": RITA}, {"role": "admin"}),
    ("delete_member", {"user_id": RITA}, None),
]


@pytest.fixture
def two_organizations(dynamodb: Any) -> None:
    from bookings.repository import BookingsRepository

    seed_bookings(dynamodb)
    repository = BookingsRepository(dynamodb, "BookingsTable")
    other = Organization(OTHER_ORG, "Taller", "taller", "workshop", "UTC", "en", OTHER_OWNER, True, NOW, NOW, NOW)
    owner = Member(OTHER_ORG, OTHER_OWNER, "x@example.com", Role.OWNER, MemberStatus.ACTIVE, NOW, NOW)
    repository.create_organization(other, owner)
    repository.add_member(Member(ORG, RITA, "rita@example.com", Role.RECEPTION, MemberStatus.ACTIVE, NOW, NOW))


@pytest.fixture
def catalog(load_handler: Callable[[str], ModuleType], two_organizations: None) -> ModuleType:
    return load_handler("BookingsCatalogFunction")


@pytest.fixture
def organizations(
    load_handler: Callable[[str], ModuleType], monkeypatch: pytest.MonkeyPatch, two_organizations: None, published: Any
) -> ModuleType:
    module = load_handler("BookingsOrganizationsFunction")
    cognito, pool_id, _ = user_pool()
    monkeypatch.setattr(
        module, "organizations", replace(module.organizations, directory=CognitoDirectory(cognito, pool_id))
    )
    return module


@pytest.mark.parametrize(("sample", "path", "body"), CATALOG_ROUTES, ids=[r[0] for r in CATALOG_ROUTES])
def test_another_organisations_catalogue_ids_are_a_404_with_none_of_its_data(
    catalog: ModuleType, sample: str, path: dict[str, str], body: dict[str, Any] | None
) -> None:
    status, answer = call(catalog, f"bookings_catalog/{sample}", claims=INTRUDER, path=path, body=body)

    assert (status, answer["error"]["code"]) == (404, "not_found")
    assert not {"Pablo", "Carmen", "carmen@example.com", "Fisioterapia"} & set(str(answer).split("'"))
    assert catalog.catalog.repository.get_professional(ORG, PRO).name == "Pablo"
    assert catalog.catalog.repository.get_service(ORG, SVC).price_cents == 4500


@pytest.mark.parametrize(("sample", "path", "body"), MEMBER_ROUTES, ids=[r[0] for r in MEMBER_ROUTES])
def test_another_organisations_member_ids_are_a_404_and_the_member_stays(
    organizations: ModuleType, sample: str, path: dict[str, str], body: dict[str, Any] | None
) -> None:
    status, answer = call(organizations, f"bookings_organizations/{sample}", claims=INTRUDER, path=path, body=body)

    assert (status, answer["error"]["code"]) == (404, "not_found")
    assert organizations.organizations.repository.get_member(ORG, RITA).role is Role.RECEPTION


@pytest.mark.parametrize("sample", ["get_professionals", "get_services", "get_clients"])
def test_another_organisations_listings_hold_only_its_own(catalog: ModuleType, sample: str) -> None:
    status, page = call(catalog, f"bookings_catalog/{sample}", claims=INTRUDER)

    [items] = [value for key, value in page.items() if key != "next_cursor"]
    assert (status, items) == (200, [])


def test_another_organisations_member_list_holds_only_its_own(organizations: ModuleType) -> None:
    _, page = call(organizations, "bookings_organizations/get_members", claims=INTRUDER)

    assert [member["email"] for member in page["members"]] == ["x@example.com"]


def test_the_organisation_read_is_the_callers_own(organizations: ModuleType) -> None:
    _, organization = call(organizations, "bookings_organizations/get_my_organization", claims=INTRUDER)

    assert organization["organization_id"] == OTHER_ORG
