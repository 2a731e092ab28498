"""Identity's repository against moto, on a table built from template.yaml's own key schema."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from colmena.errors import NotFound
from colmena.repository import ConditionFailed
from identity.logic import default_settings
from identity.models import OrganizationStatus, User, UserStatus
from identity.repository import IdentityRepository

NOW = "2026-11-25T10:00:00.000+00:00"
LATER = "2026-11-25T11:00:00.000+00:00"
ANA = User("sub-ana", "ana@example.com", "sub-ana", UserStatus.ACTIVE, NOW, email_verified=True)


@pytest.fixture
def repository(dynamodb: Any) -> IdentityRepository:
    return IdentityRepository(dynamodb, "IdentityTable")


def test_a_user_and_their_settings_are_created_together(repository: IdentityRepository) -> None:
    created = repository.create_user(ANA, default_settings(NOW))

    user, settings = repository.get_profile("sub-ana")
    assert created
    assert user == ANA
    assert settings == default_settings(NOW)


def test_creating_an_existing_user_writes_nothing(repository: IdentityRepository, dynamodb: Any) -> None:
    repository.create_user(ANA, default_settings(NOW))
    repository.update_settings("sub-ana", {"language": "en"}, NOW)

    created_again = repository.create_user(ANA, default_settings("2026-11-26T00:00:00.000+00:00"))

    assert not created_again
    _, settings = repository.get_profile("sub-ana")
    assert settings is not None and settings.language == "en"
    assert dynamodb.scan(TableName="IdentityTable")["Count"] == 2


def test_a_half_existing_registration_writes_nothing(repository: IdentityRepository, dynamodb: Any) -> None:
    """If only the settings item were there, the transaction must not add the user alone."""
    dynamodb.put_item(TableName="IdentityTable", Item={"pk": {"S": "USER#sub-ana"}, "sk": {"S": "SETTINGS"}})

    assert not repository.create_user(ANA, default_settings(NOW))
    assert repository.get_user("sub-ana") is None


def test_marking_the_registration_published_is_remembered(repository: IdentityRepository) -> None:
    repository.create_user(ANA, default_settings(NOW))

    repository.mark_registration_published("sub-ana")

    stored = repository.get_user("sub-ana")
    assert stored is not None and stored.registration_published


def test_unpublished_registrations_are_found_oldest_first_until_published(repository: IdentityRepository) -> None:
    for user_id, created_at in (("sub-b", LATER), ("sub-a", NOW), ("sub-c", "2026-11-25T12:00:00.000+00:00")):
        repository.create_user(
            replace(ANA, user_id=user_id, username=user_id, created_at=created_at), default_settings(NOW)
        )
    repository.mark_registration_published("sub-b")

    waiting = repository.unpublished_registrations(created_before="2026-11-25T11:30:00.000+00:00", limit=10)

    assert [user.user_id for user in waiting] == ["sub-a"]
    assert waiting[0] == replace(ANA, user_id="sub-a", username="sub-a")


def test_the_unpublished_registrations_come_from_the_sparse_index_not_a_scan(
    repository: IdentityRepository, dynamodb: Any
) -> None:
    repository.create_user(ANA, default_settings(NOW))
    repository.mark_registration_published("sub-ana")

    indexed = dynamodb.scan(TableName="IdentityTable", IndexName="UnpublishedRegistrations")["Items"]

    assert indexed == []
    assert repository.unpublished_registrations(created_before=LATER, limit=10) == []


def test_marking_an_unknown_user_published_is_refused_and_creates_nothing(
    repository: IdentityRepository, dynamodb: Any
) -> None:
    with pytest.raises(ConditionFailed):
        repository.mark_registration_published("sub-nobody")

    assert dynamodb.scan(TableName="IdentityTable")["Count"] == 0


def test_settings_change_only_the_given_fields(repository: IdentityRepository) -> None:
    repository.create_user(ANA, default_settings(NOW))

    updated = repository.update_settings("sub-ana", {"timezone": "Europe/Madrid"}, "2026-11-25T11:00:00.000+00:00")

    assert (updated.language, updated.timezone, updated.currency) == ("es", "Europe/Madrid", "EUR")
    assert updated.updated_at == "2026-11-25T11:00:00.000+00:00"


def test_settings_of_an_unknown_user_are_not_found_and_not_created(repository: IdentityRepository) -> None:
    with pytest.raises(NotFound):
        repository.update_settings("nobody", {"language": "en"}, NOW)

    assert repository.get_profile("nobody") == (None, None)


def test_a_user_can_be_suspended(repository: IdentityRepository) -> None:
    repository.create_user(ANA, default_settings(NOW))

    returned = repository.set_user_status("sub-ana", UserStatus.SUSPENDED, LATER)

    stored = repository.get_user("sub-ana")
    assert stored == returned
    assert stored is not None and (stored.status, stored.status_changed_at) == (UserStatus.SUSPENDED, LATER)


def test_a_second_suspension_keeps_the_time_of_the_first(repository: IdentityRepository) -> None:
    repository.create_user(ANA, default_settings(NOW))
    first = repository.set_user_status("sub-ana", UserStatus.SUSPENDED, LATER)

    again = repository.set_user_status("sub-ana", UserStatus.SUSPENDED, "2026-11-25T12:00:00.000+00:00")

    assert again == first
    assert again.status_changed_at == LATER


def test_suspending_an_unknown_user_is_not_found_and_creates_nothing(
    repository: IdentityRepository, dynamodb: Any
) -> None:
    with pytest.raises(NotFound):
        repository.set_user_status("nobody", UserStatus.SUSPENDED, LATER)

    assert dynamodb.scan(TableName="IdentityTable")["Count"] == 0


@pytest.mark.parametrize("field", ["pk", "sk", "user_id", "email", "created_at", "role", "organization_id"])
def test_an_update_cannot_touch_a_field_outside_its_allow_list(repository: IdentityRepository, field: str) -> None:
    repository.create_user(ANA, default_settings(NOW))

    with pytest.raises(ValueError, match=field):
        repository.update_settings("sub-ana", {field: "overwritten"}, LATER)

    assert repository.get_user("sub-ana") == ANA


def test_only_a_newer_organisation_status_replaces_the_stored_one(repository: IdentityRepository) -> None:
    deactivated = OrganizationStatus("org-1", active=False, changed_at="2026-11-25T10:00:00.000+00:00", event_id="e2")
    older_activation = OrganizationStatus(
        "org-1", active=True, changed_at="2026-11-25T09:00:00.000+00:00", event_id="e1"
    )

    assert repository.save_organization_status(deactivated)
    assert not repository.save_organization_status(older_activation)
    assert not repository.save_organization_status(deactivated)

    assert repository.get_organization_status("org-1") == deactivated


def test_statuses_of_the_same_instant_end_the_same_whatever_their_order(dynamodb: Any) -> None:
    deactivated = OrganizationStatus("org-1", active=False, changed_at=NOW, event_id="e-a")
    activated = OrganizationStatus("org-1", active=True, changed_at=NOW, event_id="e-b")
    outcomes = []
    for order in ((deactivated, activated), (activated, deactivated)):
        repository = IdentityRepository(dynamodb, "IdentityTable")
        dynamodb.delete_item(TableName="IdentityTable", Key={"pk": {"S": "ORG#org-1"}, "sk": {"S": "STATUS"}})
        for status in order:
            repository.save_organization_status(status)
        outcomes.append(repository.get_organization_status("org-1"))

    assert outcomes[0] == outcomes[1] == activated


def test_an_unknown_organisation_has_no_status(repository: IdentityRepository) -> None:
    assert repository.get_organization_status("org-unknown") is None


# The stored shapes below are what other tools, exports and later migrations read: they change only on purpose.


def raw_items(dynamodb: Any) -> dict[tuple[str, str], dict[str, Any]]:
    items = dynamodb.scan(TableName="IdentityTable")["Items"]
    return {(item["pk"]["S"], item["sk"]["S"]): item for item in items}


def test_a_registered_user_is_stored_as_a_profile_item_and_a_settings_item(
    repository: IdentityRepository, dynamodb: Any
) -> None:
    repository.create_user(ANA, default_settings(NOW))

    assert raw_items(dynamodb) == {
        ("USER#sub-ana", "PROFILE"): {
            "pk": {"S": "USER#sub-ana"},
            "sk": {"S": "PROFILE"},
            "user_id": {"S": "sub-ana"},
            "email": {"S": "ana@example.com"},
            "username": {"S": "sub-ana"},
            "status": {"S": "active"},
            "created_at": {"S": NOW},
            "email_verified": {"BOOL": True},
            "registration_published": {"BOOL": False},
            "unpublished_registration": {"S": "PENDING"},
        },
        ("USER#sub-ana", "SETTINGS"): {
            "pk": {"S": "USER#sub-ana"},
            "sk": {"S": "SETTINGS"},
            "language": {"S": "es"},
            "timezone": {"S": "UTC"},
            "currency": {"S": "EUR"},
            "updated_at": {"S": NOW},
        },
    }


def test_a_suspension_adds_its_time_to_the_stored_profile(repository: IdentityRepository, dynamodb: Any) -> None:
    repository.create_user(ANA, default_settings(NOW))

    repository.set_user_status("sub-ana", UserStatus.SUSPENDED, LATER)

    profile = raw_items(dynamodb)[("USER#sub-ana", "PROFILE")]
    assert (profile["status"], profile["status_changed_at"]) == ({"S": "suspended"}, {"S": LATER})


def test_an_organisation_status_is_stored_under_its_own_key(repository: IdentityRepository, dynamodb: Any) -> None:
    repository.save_organization_status(OrganizationStatus("org-1", active=False, changed_at=NOW, event_id="e-1"))

    assert raw_items(dynamodb) == {
        ("ORG#org-1", "STATUS"): {
            "pk": {"S": "ORG#org-1"},
            "sk": {"S": "STATUS"},
            "organization_id": {"S": "org-1"},
            "active": {"BOOL": False},
            "changed_at": {"S": NOW},
            "event_id": {"S": "e-1"},
        }
    }
