"""Identity's DynamoDB access: one table, single-table keys.

pk                 sk         item
USER#<sub>         PROFILE    the user
USER#<sub>         SETTINGS   the user's settings
ORG#<id>           STATUS     the projection of a Bookings organisation's status

A profile whose `user.registered` is not yet on the bus also carries `unpublished_registration = PENDING`,
the key of the sparse index UnpublishedRegistrations (sorted by created_at); publishing removes it, so the
sweeper reads only the registrations a crash or an EventBridge failure left behind, never a Scan.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from colmena.errors import NotFound
from colmena.repository import ConditionFailed, DynamoRepository, Item, from_attributes, translated
from identity.models import OrganizationStatus, User, UserSettings, UserStatus

PROFILE = "PROFILE"
SETTINGS = "SETTINGS"
STATUS = "STATUS"

# What each kind of item lets an update change; everything else is written once, when the item is created.
PROFILE_UPDATABLE = frozenset({"registration_published", "status", "status_changed_at"})
SETTINGS_UPDATABLE = frozenset({"language", "timezone", "currency", "updated_at"})

UNPUBLISHED = "unpublished_registration"
PENDING = "PENDING"
UNPUBLISHED_INDEX = "UnpublishedRegistrations"


def user_pk(user_id: str) -> str:
    return f"USER#{user_id}"


def organization_pk(organization_id: str) -> str:
    return f"ORG#{organization_id}"


class IdentityRepository(DynamoRepository):
    def create_user(self, user: User, settings: UserSettings) -> bool:
        """Writes the user and their settings together; False (and nothing written) if the user exists."""
        try:
            self._put_all_if_absent([_user_item(user), _settings_item(user.user_id, settings)])
        except ConditionFailed:
            return False
        return True

    def get_user(self, user_id: str) -> User | None:
        item = self._get(user_pk(user_id), PROFILE)
        return _user(item) if item else None

    def get_profile(self, user_id: str) -> tuple[User | None, UserSettings | None]:
        """The user and their settings in one read (they share a partition)."""
        items = {item["sk"]: item for item in self._query_partition(user_pk(user_id))}
        user = _user(items[PROFILE]) if PROFILE in items else None
        settings = _settings(items[SETTINGS]) if SETTINGS in items else None
        return user, settings

    def mark_registration_published(self, user_id: str) -> None:
        """The registration's event is on the bus: the profile says so and leaves the sweeper's index."""
        try:
            self._client.update_item(
                TableName=self.table_name,
                Key=self._key(user_pk(user_id), PROFILE),
                UpdateExpression=f"SET registration_published = :published REMOVE {UNPUBLISHED}",
                ConditionExpression="attribute_exists(pk)",
                ExpressionAttributeValues={":published": {"BOOL": True}},
            )
        except ClientError as error:
            raise translated(error) from error

    def unpublished_registrations(self, created_before: str, limit: int) -> list[User]:
        """Users created before `created_before` whose `user.registered` is not on the bus, oldest first."""
        try:
            response = self._client.query(
                TableName=self.table_name,
                IndexName=UNPUBLISHED_INDEX,
                KeyConditionExpression=f"{UNPUBLISHED} = :pending AND created_at < :before",
                ExpressionAttributeValues={":pending": {"S": PENDING}, ":before": {"S": created_before}},
                Limit=limit,
            )
        except ClientError as error:
            raise translated(error) from error
        return [_user(from_attributes(item)) for item in response["Items"]]

    def set_user_status(self, user_id: str, status: UserStatus, now: str) -> User:
        """Sets the user's status and when it changed, unless it is that status already (then the stored user,
        its time of change untouched, so concurrent and repeated calls change it once); NotFound if there is
        no such user."""
        try:
            item = self._set_fields(
                user_pk(user_id),
                PROFILE,
                {"status": str(status), "status_changed_at": now},
                "attribute_exists(pk) AND #status <> :status",
                PROFILE_UPDATABLE,
            )
        except ConditionFailed as error:
            stored = self.get_user(user_id)
            if stored is None:
                raise NotFound(f"user {user_id} does not exist") from error
            return stored
        return _user(item)

    def update_settings(self, user_id: str, changes: dict[str, str], now: str) -> UserSettings:
        """Applies the given fields only; NotFound if the user has no settings record. The route reads the
        profile first (GET /me's 404 and 403 hold for PATCH too); settings without a profile are not changed
        by anyone else."""
        try:
            item = self._set_fields(
                user_pk(user_id), SETTINGS, {**changes, "updated_at": now}, "attribute_exists(pk)", SETTINGS_UPDATABLE
            )
        except ConditionFailed as error:
            raise NotFound(f"user {user_id} has no settings record") from error
        return _settings(item)

    def get_organization_status(self, organization_id: str) -> OrganizationStatus | None:
        item = self._get(organization_pk(organization_id), STATUS)
        if item is None:
            return None
        return OrganizationStatus(
            organization_id=item["organization_id"],
            active=bool(item["active"]),
            changed_at=item["changed_at"],
            event_id=item["event_id"],
        )

    def save_organization_status(self, status: OrganizationStatus) -> bool:
        """Keeps the newest status only: False when the stored one is as new or newer (a duplicate or a
        late delivery). Two statuses of the same instant are ordered by event id, so events applied in any
        order leave the same projection."""
        try:
            self._put(
                {
                    "pk": organization_pk(status.organization_id),
                    "sk": STATUS,
                    "organization_id": status.organization_id,
                    "active": status.active,
                    "changed_at": status.changed_at,
                    "event_id": status.event_id,
                },
                condition=(
                    "attribute_not_exists(pk) OR changed_at < :changed_at"
                    " OR (changed_at = :changed_at AND event_id < :event_id)"
                ),
                changed_at=status.changed_at,
                event_id=status.event_id,
            )
        except ConditionFailed:
            return False
        return True


def _user_item(user: User) -> Item:
    return {
        "pk": user_pk(user.user_id),
        "sk": PROFILE,
        "user_id": user.user_id,
        "email": user.email,
        "username": user.username,
        "status": str(user.status),
        "created_at": user.created_at,
        "email_verified": user.email_verified,
        "organization_id": user.organization_id,
        "role": user.role,
        "registration_published": user.registration_published,
        **({} if user.registration_published else {UNPUBLISHED: PENDING}),
    }


def _settings_item(user_id: str, settings: UserSettings) -> Item:
    return {
        "pk": user_pk(user_id),
        "sk": SETTINGS,
        "language": settings.language,
        "timezone": settings.timezone,
        "currency": settings.currency,
        "updated_at": settings.updated_at,
    }


def _user(item: dict[str, Any]) -> User:
    return User(
        user_id=item["user_id"],
        email=item["email"],
        username=item["username"],
        status=UserStatus(item["status"]),
        created_at=item["created_at"],
        email_verified=bool(item.get("email_verified", False)),
        organization_id=item.get("organization_id"),
        role=item.get("role"),
        registration_published=bool(item.get("registration_published", False)),
        status_changed_at=item.get("status_changed_at"),
    )


def _settings(item: dict[str, Any]) -> UserSettings:
    return UserSettings(
        language=item["language"],
        timezone=item["timezone"],
        currency=item["currency"],
        updated_at=item["updated_at"],
    )
