"""Bookings' repository against moto, on a table built from template.yaml (GSI1-3 included): the stored item
shapes, the slug and the client's e-mail claimed once under concurrent requests, and every access pattern of
docs/bookings-table.md served by GetItem or Query, never a Scan."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

import pytest

from bookings.models import Client, Member, MemberStatus, Organization, Professional, Role, Service, TimeOff, TimeRange
from bookings.repository import BookingsRepository
from colmena.errors import MalformedInput
from colmena.repository import ConditionFailed, from_attributes

NOW = "2026-11-26T09:00:00.000+00:00"
LATER = "2026-11-26T10:00:00.000+00:00"
ORG, OTHER = "org-a", "org-b"
OLGA, RITA = "user-olga", "user-rita"

ORGANIZATION = Organization(
    ORG, "Clínica Sol", "clinica-sol", "physio", "Europe/Madrid", "es", OLGA, True, NOW, NOW, NOW
)
OWNER = Member(ORG, OLGA, "olga@example.com", Role.OWNER, MemberStatus.ACTIVE, NOW, NOW)
PROFESSIONAL = Professional(
    ORG,
    "pro-1",
    "Pablo",
    ("svc-1",),
    {"mon": (TimeRange("09:00", "14:00"), TimeRange("15:00", "19:00"))},
    (TimeOff("2026-12-24T00:00:00+01:00", "2026-12-26T00:00:00+01:00", "Christmas"),),
    True,
    NOW,
    NOW,
)
SERVICE = Service(ORG, "svc-1", "Fisio 45'", 45, 15, 4500, "eur", True, NOW, NOW)
CLIENT = Client(ORG, "cli-1", "Carmen", "Carmen@Example.com", "+34 600", NOW, NOW)


@pytest.fixture
def repository(dynamodb: Any) -> BookingsRepository:
    return BookingsRepository(dynamodb, "BookingsTable")


@pytest.fixture
def organization(repository: BookingsRepository) -> None:
    repository.create_organization(ORGANIZATION, OWNER)


def stored(dynamodb: Any) -> dict[tuple[str, str], dict[str, Any]]:
    items = dynamodb.scan(TableName="BookingsTable")["Items"]  # the test's own look at the table, not a pattern
    return {(item["pk"]["S"], item["sk"]["S"]): from_attributes(item) for item in items}


# ---------------------------------------------------------------- item shapes


@pytest.mark.usefixtures("organization")
def test_an_organisation_is_stored_with_its_slug_claim_owner_and_membership(dynamodb: Any) -> None:
    items = stored(dynamodb)

    assert set(items) == {("ORG#org-a", "ORG"), ("SLUG#clinica-sol", "SLUG"), ("ORG#org-a", "MEMBER#user-olga"),
                          ("USER#user-olga", "MEMBERSHIP")}  # fmt: skip
    assert (items[("ORG#org-a", "ORG")]["gsi1pk"], items[("ORG#org-a", "ORG")]["gsi1sk"]) == ("ORGS#ACTIVE", ORG)
    assert items[("SLUG#clinica-sol", "SLUG")]["organization_id"] == ORG
    member = items[("ORG#org-a", "MEMBER#user-olga")]
    assert (member["gsi1pk"], member["gsi1sk"], member["role"]) == ("EMAIL#olga@example.com", "ORG#org-a", "owner")


@pytest.mark.usefixtures("organization")
def test_a_deactivated_organisation_leaves_the_active_index(repository: BookingsRepository, dynamodb: Any) -> None:
    repository.update_organization(replace(ORGANIZATION, active=False, status_changed_at=LATER, updated_at=LATER))

    item = stored(dynamodb)[("ORG#org-a", "ORG")]
    assert "gsi1pk" not in item and "gsi1sk" not in item
    assert repository.active_organizations(10, None).items == []


@pytest.mark.usefixtures("organization")
def test_a_professional_is_stored_under_its_organisation_and_read_back_whole(
    repository: BookingsRepository, dynamodb: Any
) -> None:
    repository.create_professional(PROFESSIONAL)

    item = stored(dynamodb)[("ORG#org-a", "PROFESSIONAL#pro-1")]
    assert item["weekly_schedule"] == {"mon": [{"start": "09:00", "end": "14:00"}, {"start": "15:00", "end": "19:00"}]}
    assert repository.get_professional(ORG, "pro-1") == PROFESSIONAL


@pytest.mark.usefixtures("organization")
def test_a_client_is_stored_with_its_lower_case_email_claim(repository: BookingsRepository, dynamodb: Any) -> None:
    client, created = repository.find_or_create_client(CLIENT)

    assert (created, client.email) == (True, "carmen@example.com")
    assert stored(dynamodb)[("ORG#org-a", "CLIENT_EMAIL#carmen@example.com")]["client_id"] == "cli-1"
    assert repository.get_client(ORG, "cli-1") == client


# ---------------------------------------------------------------- claims


@pytest.mark.usefixtures("organization")
def test_a_taken_slug_writes_nothing_of_the_second_organisation(repository: BookingsRepository, dynamodb: Any) -> None:
    before = stored(dynamodb)
    second = replace(ORGANIZATION, organization_id=OTHER, owner_id=RITA)

    with pytest.raises(ConditionFailed):
        repository.create_organization(second, replace(OWNER, organization_id=OTHER, user_id=RITA))

    assert stored(dynamodb) == before


def run_at_once[T](calls: list[Callable[[], T]]) -> list[T | Exception]:
    barrier = threading.Barrier(len(calls), timeout=10)

    def run(call: Callable[[], T]) -> T | Exception:
        barrier.wait()
        try:
            return call()
        except Exception as error:
            return error

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


@pytest.mark.usefixtures("atomic_calls")
def test_twenty_organisations_asking_for_one_slug_at_once_give_one_owner(repository: BookingsRepository) -> None:
    def create(n: int) -> Callable[[], None]:
        org, user = f"org-{n}", f"user-{n}"
        return lambda: repository.create_organization(
            replace(ORGANIZATION, organization_id=org, owner_id=user), replace(OWNER, organization_id=org, user_id=user)
        )

    outcomes = run_at_once([create(n) for n in range(20)])

    assert sum(outcome is None for outcome in outcomes) == 1
    assert all(isinstance(outcome, ConditionFailed) for outcome in outcomes if outcome is not None)


@pytest.mark.usefixtures("atomic_calls", "organization")
def test_twenty_requests_for_one_new_clients_email_at_once_make_one_client(repository: BookingsRepository) -> None:
    def request(n: int) -> Callable[[], tuple[Client, bool]]:
        return lambda: repository.find_or_create_client(replace(CLIENT, client_id=f"cli-{n}"))

    outcomes = run_at_once([request(n) for n in range(20)])

    clients = [outcome for outcome in outcomes if not isinstance(outcome, Exception)]
    assert len(clients) == 20
    assert len({client.client_id for client, _ in clients}) == 1
    assert sum(created for _, created in clients) == 1
    assert len(repository.clients(ORG, 100, None).items) == 1


@pytest.mark.usefixtures("organization")
def test_a_user_belongs_to_one_organisation_only(repository: BookingsRepository) -> None:
    repository.add_member(Member(ORG, RITA, "rita@example.com", Role.RECEPTION, MemberStatus.ACTIVE, NOW, NOW))

    with pytest.raises(ConditionFailed):
        repository.add_member(Member(OTHER, RITA, "rita@example.com", Role.ADMIN, MemberStatus.ACTIVE, NOW, NOW))


@pytest.mark.usefixtures("organization")
def test_linking_a_member_to_a_professional_gives_the_members_professional_id(repository: BookingsRepository) -> None:
    member = Member(ORG, RITA, "rita@example.com", Role.PROFESSIONAL, MemberStatus.ACTIVE, NOW, NOW)
    repository.add_member(member)

    repository.create_professional(replace(PROFESSIONAL, user_id=RITA), member)

    assert repository.professional_id_of(ORG, RITA) == "pro-1"
    assert repository.professional_id_of(ORG, OLGA) is None
    assert repository.professional_id_of(OTHER, RITA) is None


@pytest.mark.usefixtures("organization")
def test_a_cursor_of_one_organisations_listing_cannot_open_anothers(repository: BookingsRepository) -> None:
    for n in range(3):
        repository.find_or_create_client(replace(CLIENT, client_id=f"cli-{n}", email=f"c{n}@example.com"))
    cursor = repository.clients(ORG, 1, None).next_cursor
    assert cursor is not None

    with pytest.raises(MalformedInput):
        repository.clients(OTHER, 1, cursor)


# ---------------------------------------------------------------- no scans


@pytest.fixture
def calls(repository: BookingsRepository, organization: None) -> Iterator[list[tuple[str, str | None]]]:
    """Every DynamoDB call the repository makes from here on, as (operation, index); a Scan is refused."""
    pablo = Member(ORG, RITA, "pablo@example.com", Role.PROFESSIONAL, MemberStatus.ACTIVE, NOW, NOW)
    repository.add_member(pablo)
    repository.create_professional(replace(PROFESSIONAL, user_id=RITA), pablo)
    repository.put_service(SERVICE, new=True)
    repository.find_or_create_client(CLIENT)
    made: list[tuple[str, str | None]] = []
    events = repository._client.meta.events

    def record(model: Any, params: dict[str, Any], **_: Any) -> None:  # the call's own arguments
        if model.name == "Scan":
            raise AssertionError("a Scan: every access pattern is served by a key or an index")
        made.append((model.name, params.get("IndexName")))

    events.register("before-parameter-build.dynamodb.*", record)
    yield made
    events.unregister("before-parameter-build.dynamodb.*", record)


PATTERNS: dict[str, tuple[Callable[[BookingsRepository], Any], set[tuple[str, str | None]]]] = {
    "organisation by id": (lambda r: r.get_organization(ORG), {("GetItem", None)}),
    "organisation by slug": (lambda r: r.get_organization_by_slug("clinica-sol"), {("GetItem", None)}),
    "active organisations": (lambda r: r.active_organizations(10, None), {("Query", "GSI1")}),
    "member by e-mail": (lambda r: r.memberships_by_email("OLGA@example.com"), {("Query", "GSI1")}),
    "a user's organisation": (lambda r: r.membership_of(OLGA), {("GetItem", None)}),
    "members of an organisation": (lambda r: r.members(ORG, 10, None), {("Query", None)}),
    "member's professional": (lambda r: r.professional_id_of(ORG, RITA), {("GetItem", None)}),
    "professional by id": (lambda r: r.get_professional(ORG, "pro-1"), {("GetItem", None)}),
    "professionals of an organisation": (lambda r: r.professionals(ORG, 10, None), {("Query", None)}),
    "count of professionals": (lambda r: r.count_professionals(ORG), {("Query", None)}),
    "service by id": (lambda r: r.get_service(ORG, "svc-1"), {("GetItem", None)}),
    "services of an organisation": (lambda r: r.services(ORG, 10, None), {("Query", None)}),
    "client by id": (lambda r: r.get_client(ORG, "cli-1"), {("GetItem", None)}),
    "client by e-mail": (lambda r: r.client_by_email(ORG, "carmen@example.com"), {("GetItem", None)}),
    "clients of an organisation": (lambda r: r.clients(ORG, 10, None), {("Query", None)}),
}


@pytest.mark.parametrize("pattern", list(PATTERNS))
def test_each_access_pattern_is_served_by_a_key_or_an_index_never_a_scan(
    repository: BookingsRepository, calls: list[tuple[str, str | None]], pattern: str
) -> None:
    read, served_by = PATTERNS[pattern]

    found = read(repository)

    assert found, f"{pattern} found nothing in the seeded table"
    assert set(calls) == served_by
