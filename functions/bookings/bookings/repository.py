"""Bookings' DynamoDB access: one table (`BookingsTable`), single-table keys and three overloaded global
secondary indexes (GSI1, GSI2, GSI3, each `gsiNpk`/`gsiNsk`). docs/bookings-table.md lists every access
pattern of the context and the key or index that serves it; none is a Scan.

pk                   sk                         item
ORG#<org>            ORG                        the organisation (gsi1 ORGS#ACTIVE / <org> while active)
SLUG#<slug>          SLUG                       the slug's claim: organization_id (unique, conditional put)
USER#<user_id>       MEMBERSHIP                 the one organisation a user belongs to (conditional put)
ORG#<org>            MEMBER#<user_id>           a member: email, role, status, professional_id
                                                (gsi1 EMAIL#<lowercased email> / ORG#<org>)
ORG#<org>            PROFESSIONAL#<id>          a professional: services, weekly schedule, time off
ORG#<org>            SERVICE#<id>               a service: duration, buffer, price
ORG#<org>            CLIENT#<id>                a client
ORG#<org>            CLIENT_EMAIL#<email>       the e-mail's claim within the organisation: client_id

Reserved for the appointments (bookings.appointments): sk APPOINTMENT#<id> with gsi2 (a professional's by
date) and gsi3 (a client's by date), reminders on gsi1 (REMINDER#<date>), and slot locks at pk LOCK#....

Every organisation's key starts from an organization_id the caller's token gave (bookings.access), so a
professional, service or client id of another organisation finds nothing: a 404, never its data."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from bookings.models import (
    Client,
    Member,
    MemberStatus,
    Organization,
    Page,
    Professional,
    Role,
    Service,
    TimeOff,
    TimeRange,
)
from colmena.errors import MalformedInput
from colmena.repository import ConditionFailed, DynamoRepository, Item, from_attributes, to_attributes, translated

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

GSI1 = "GSI1"
GSI2 = "GSI2"
GSI3 = "GSI3"

ORGANIZATION = "ORG"
SLUG = "SLUG"
MEMBERSHIP = "MEMBERSHIP"
MEMBER = "MEMBER#"
PROFESSIONAL = "PROFESSIONAL#"
SERVICE = "SERVICE#"
CLIENT = "CLIENT#"
CLIENT_EMAIL = "CLIENT_EMAIL#"
ACTIVE_ORGANIZATIONS = "ORGS#ACTIVE"
MAX_CURSOR_CHARS = 1024


def organization_pk(organization_id: str) -> str:
    return f"ORG#{organization_id}"


def slug_pk(slug: str) -> str:
    return f"SLUG#{slug}"


def user_pk(user_id: str) -> str:
    return f"USER#{user_id}"


def email_key(email: str) -> str:
    return f"EMAIL#{email.lower()}"


class BookingsRepository(DynamoRepository):
    """The organisations, members and catalogue of every organisation. The appointments' repository builds
    on the getters here (a professional, a service, a client, find-or-create a client by e-mail)."""

    # ------------------------------------------------------------ organisations

    def create_organization(self, organization: Organization, owner: Member) -> None:
        """Writes the organisation, its slug's claim, its owner as a member and the owner's membership in one
        transaction: ConditionFailed, with nothing written, when the slug is taken or the owner already
        belongs to an organisation (see `membership_of` and `get_organization_by_slug` to tell which)."""
        absent = "attribute_not_exists(pk)"
        self._transact(
            [
                self._put_request(_organization_item(organization), absent),
                self._put_request(
                    {"pk": slug_pk(organization.slug), "sk": SLUG, "organization_id": organization.organization_id},
                    absent,
                ),
                self._put_request(_member_item(owner), absent),
                self._put_request(_membership_item(owner), absent),
            ]
        )

    def get_organization(self, organization_id: str) -> Organization | None:
        item = self._get(organization_pk(organization_id), ORGANIZATION)
        return _organization(item) if item else None

    def get_organization_by_slug(self, slug: str) -> Organization | None:
        """The organisation that claimed the slug (two GetItems: the claim, then the organisation)."""
        claim = self._get(slug_pk(slug.lower()), SLUG)
        return self.get_organization(claim["organization_id"]) if claim else None

    def update_organization(self, organization: Organization) -> None:
        """Stores the organisation's new settable fields (name, industry, time zone, language, status); the
        active-organisations index holds it only while it is active."""
        item = _organization_item(organization)
        try:
            self._client.put_item(
                TableName=self.table_name,
                Item=to_attributes(item),
                ConditionExpression="attribute_exists(pk)",
            )
        except ClientError as error:
            raise translated(error) from error

    def active_organizations(self, limit: int, cursor: str | None) -> Page[Organization]:
        """Every active organisation, by id: one Query of GSI1's sparse ORGS#ACTIVE partition."""
        page = self._page(GSI1, "gsi1pk", ACTIVE_ORGANIZATIONS, None, limit, cursor)
        return Page([_organization(item) for item in page.items], page.next_cursor)

    # ------------------------------------------------------------ members

    def membership_of(self, user_id: str) -> str | None:
        """The organisation the user belongs to, or None."""
        item = self._get(user_pk(user_id), MEMBERSHIP)
        return item["organization_id"] if item else None

    def add_member(self, member: Member) -> None:
        """Writes the member and the user's membership; ConditionFailed when the user already belongs to an
        organisation (this one or another)."""
        absent = "attribute_not_exists(pk)"
        self._transact(
            [self._put_request(_member_item(member), absent), self._put_request(_membership_item(member), absent)]
        )

    def get_member(self, organization_id: str, user_id: str) -> Member | None:
        item = self._get(organization_pk(organization_id), MEMBER + user_id)
        return _member(item) if item else None

    def professional_id_of(self, organization_id: str, user_id: str) -> str | None:
        """The professional the member `user_id` of the organisation is, or None (not a member, or a member
        who is no professional)."""
        member = self.get_member(organization_id, user_id)
        return member.professional_id if member else None

    def members(self, organization_id: str, limit: int, cursor: str | None) -> Page[Member]:
        page = self._page(None, "pk", organization_pk(organization_id), MEMBER, limit, cursor)
        return Page([_member(item) for item in page.items], page.next_cursor)

    def memberships_by_email(self, email: str) -> list[Member]:
        """The members with this e-mail address, in any organisation: one Query of GSI1 (EMAIL#<email>)."""
        response = self._client.query(
            TableName=self.table_name,
            IndexName=GSI1,
            KeyConditionExpression="gsi1pk = :pk",
            ExpressionAttributeValues={":pk": {"S": email_key(email)}},
        )
        return [_member(from_attributes(item)) for item in response["Items"]]

    def save_member(self, member: Member) -> None:
        """Stores a changed member (role, status, linked professional); ConditionFailed when it is gone."""
        try:
            self._client.put_item(
                TableName=self.table_name,
                Item=to_attributes(_member_item(member)),
                ConditionExpression="attribute_exists(pk)",
            )
        except ClientError as error:
            raise translated(error) from error

    def remove_member(self, member: Member) -> None:
        """Deletes the member and the user's membership; a linked professional stays, unlinked."""
        pk = organization_pk(member.organization_id)
        writes: list[TransactWriteItemTypeDef] = [
            {"Delete": {"TableName": self.table_name, "Key": self._key(pk, MEMBER + member.user_id)}},
            {"Delete": {"TableName": self.table_name, "Key": self._key(user_pk(member.user_id), MEMBERSHIP)}},
        ]
        if member.professional_id:
            writes.append(
                {
                    "Update": {
                        "TableName": self.table_name,
                        "Key": self._key(pk, PROFESSIONAL + member.professional_id),
                        "UpdateExpression": "REMOVE user_id",
                        "ConditionExpression": "attribute_exists(pk)",
                    }
                }
            )
        self._transact(writes)

    # ------------------------------------------------------------ professionals

    def create_professional(self, professional: Professional, member: Member | None = None) -> None:
        """Writes a new professional; with `member`, links that member to it in the same transaction, on
        condition that the member still exists and is linked to no other professional."""
        writes = [self._put_request(_professional_item(professional), "attribute_not_exists(pk)")]
        if member is not None:
            writes.append(self._link_request(member, professional.professional_id))
        self._transact(writes)

    def save_professional(self, professional: Professional, link: Member | None = None) -> None:
        """Stores a changed professional; with `link`, links that member to it in the same transaction."""
        writes = [self._put_request(_professional_item(professional), "attribute_exists(pk)")]
        if link is not None:
            writes.append(self._link_request(link, professional.professional_id))
        self._transact(writes)

    def get_professional(self, organization_id: str, professional_id: str) -> Professional | None:
        item = self._get(organization_pk(organization_id), PROFESSIONAL + professional_id)
        return _professional(item) if item else None

    def professionals(self, organization_id: str, limit: int, cursor: str | None) -> Page[Professional]:
        page = self._page(None, "pk", organization_pk(organization_id), PROFESSIONAL, limit, cursor)
        return Page([_professional(item) for item in page.items], page.next_cursor)

    def count_professionals(self, organization_id: str) -> int:
        response = self._client.query(
            TableName=self.table_name,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :prefix)",
            ExpressionAttributeValues=to_attributes({":pk": organization_pk(organization_id), ":prefix": PROFESSIONAL}),
            Select="COUNT",
            ConsistentRead=True,
        )
        return response["Count"]

    def _link_request(self, member: Member, professional_id: str) -> TransactWriteItemTypeDef:
        return {
            "Update": {
                "TableName": self.table_name,
                "Key": self._key(organization_pk(member.organization_id), MEMBER + member.user_id),
                "UpdateExpression": "SET professional_id = :professional",
                "ConditionExpression": "attribute_exists(pk) AND attribute_not_exists(professional_id)",
                "ExpressionAttributeValues": to_attributes({":professional": professional_id}),
            }
        }

    # ------------------------------------------------------------ services

    def put_service(self, service: Service, *, new: bool) -> None:
        condition = "attribute_not_exists(pk)" if new else "attribute_exists(pk)"
        self._transact([self._put_request(_service_item(service), condition)])

    def get_service(self, organization_id: str, service_id: str) -> Service | None:
        item = self._get(organization_pk(organization_id), SERVICE + service_id)
        return _service(item) if item else None

    def services(self, organization_id: str, limit: int, cursor: str | None) -> Page[Service]:
        page = self._page(None, "pk", organization_pk(organization_id), SERVICE, limit, cursor)
        return Page([_service(item) for item in page.items], page.next_cursor)

    # ------------------------------------------------------------ clients

    def get_client(self, organization_id: str, client_id: str) -> Client | None:
        item = self._get(organization_pk(organization_id), CLIENT + client_id)
        return _client(item) if item else None

    def client_by_email(self, organization_id: str, email: str) -> Client | None:
        claim = self._get(organization_pk(organization_id), CLIENT_EMAIL + email.lower())
        return self.get_client(organization_id, claim["client_id"]) if claim else None

    def find_or_create_client(self, client: Client) -> tuple[Client, bool]:
        """The organisation's client with `client.email`, created from `client` when there is none: the
        e-mail's claim and the client are written together on condition that the claim is absent, so two
        requests at once with one address make one client. Returns the client and whether it is new."""
        email = client.email.lower()
        created = replace(client, email=email)
        claim = {
            "pk": organization_pk(client.organization_id),
            "sk": CLIENT_EMAIL + email,
            "organization_id": client.organization_id,
            "client_id": client.client_id,
        }
        absent = "attribute_not_exists(pk)"
        try:
            self._transact([self._put_request(claim, absent), self._put_request(_client_item(created), absent)])
        except ConditionFailed:
            existing = self.client_by_email(client.organization_id, email)
            assert existing is not None  # claims are never deleted without their client
            return existing, False
        return created, True

    def save_client(self, client: Client) -> None:
        """Stores a client's changed name or phone (its e-mail, the deduplication key, never changes)."""
        self._transact([self._put_request(_client_item(client), "attribute_exists(pk)")])

    def clients(self, organization_id: str, limit: int, cursor: str | None) -> Page[Client]:
        page = self._page(None, "pk", organization_pk(organization_id), CLIENT, limit, cursor)
        return Page([_client(item) for item in page.items], page.next_cursor)

    # ------------------------------------------------------------ shared

    def _put_request(self, item: Item, condition: str) -> TransactWriteItemTypeDef:
        return {"Put": {"TableName": self.table_name, "Item": to_attributes(item), "ConditionExpression": condition}}

    def _page(
        self, index: str | None, pk_name: str, pk: str, prefix: str | None, limit: int, cursor: str | None
    ) -> Page[Item]:
        """One page of a partition (of the table or of an index), its sort keys starting with `prefix`."""
        condition = f"{pk_name} = :pk"
        values: dict[str, Any] = {":pk": pk}
        if prefix is not None:
            condition += " AND begins_with(sk, :prefix)"
            values[":prefix"] = prefix
        request: dict[str, Any] = {
            "TableName": self.table_name,
            "KeyConditionExpression": condition,
            "ExpressionAttributeValues": to_attributes(values),
            "Limit": limit,
        }
        if index is None:
            request["ConsistentRead"] = True
        else:
            request["IndexName"] = index
        if cursor:
            request["ExclusiveStartKey"] = _start_key(cursor, pk_name, pk, prefix)
        response = self._client.query(**request)
        return Page([from_attributes(item) for item in response["Items"]], _cursor(response.get("LastEvaluatedKey")))


# ---------------------------------------------------------------- cursors


def _cursor(last_key: Mapping[str, Any] | None) -> str | None:
    """The next page's opaque cursor: the last key read, as URL-safe base64 of its JSON."""
    if not last_key:
        return None
    plain = {name: value["S"] for name, value in last_key.items()}
    return base64.urlsafe_b64encode(json.dumps(plain, separators=(",", ":")).encode()).decode()


def _start_key(cursor: str, pk_name: str, pk: str, prefix: str | None) -> dict[str, dict[str, str]]:
    """The key a cursor names, refused (400) unless this listing could have given it out: a key of the same
    partition and kind. A cursor can start the caller's listing elsewhere, never reach another organisation."""
    refusal = MalformedInput("not a cursor this listing gave out; start again without one", field="cursor")
    if len(cursor) > MAX_CURSOR_CHARS:
        raise refusal
    try:
        plain = json.loads(base64.urlsafe_b64decode(cursor.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeError, RecursionError) as error:
        raise refusal from error
    if not isinstance(plain, dict) or not all(isinstance(v, str) and v for v in plain.values()):
        raise refusal
    if plain.get(pk_name) != pk or not {"pk", "sk"} <= set(plain) or len(plain) > 4:
        raise refusal
    if prefix is not None and not plain["sk"].startswith(prefix):
        raise refusal
    return {name: {"S": value} for name, value in plain.items()}


# ---------------------------------------------------------------- items


def _number(value: Any) -> int:
    return int(value) if isinstance(value, Decimal | int) else int(str(value))


def _organization_item(organization: Organization) -> Item:
    item: Item = {
        "pk": organization_pk(organization.organization_id),
        "sk": ORGANIZATION,
        "organization_id": organization.organization_id,
        "name": organization.name,
        "slug": organization.slug,
        "industry": organization.industry,
        "timezone": organization.timezone,
        "language": organization.language,
        "owner_id": organization.owner_id,
        "active": organization.active,
        "status_changed_at": organization.status_changed_at,
        "max_professionals": organization.max_professionals,
        "created_at": organization.created_at,
        "updated_at": organization.updated_at,
    }
    if organization.active:  # sparse: a deactivated organisation leaves the index
        item["gsi1pk"] = ACTIVE_ORGANIZATIONS
        item["gsi1sk"] = organization.organization_id
    return item


def _organization(item: Item) -> Organization:
    return Organization(
        organization_id=item["organization_id"],
        name=item["name"],
        slug=item["slug"],
        industry=item["industry"],
        timezone=item["timezone"],
        language=item["language"],
        owner_id=item["owner_id"],
        active=bool(item["active"]),
        status_changed_at=item["status_changed_at"],
        created_at=item["created_at"],
        updated_at=item["updated_at"],
        max_professionals=_number(item["max_professionals"]),
    )


def _membership_item(member: Member) -> Item:
    return {"pk": user_pk(member.user_id), "sk": MEMBERSHIP, "organization_id": member.organization_id}


def _member_item(member: Member) -> Item:
    return {
        "pk": organization_pk(member.organization_id),
        "sk": MEMBER + member.user_id,
        "gsi1pk": email_key(member.email),
        "gsi1sk": organization_pk(member.organization_id),
        "organization_id": member.organization_id,
        "user_id": member.user_id,
        "email": member.email,
        "role": str(member.role),
        "status": str(member.status),
        "professional_id": member.professional_id,
        "created_at": member.created_at,
        "updated_at": member.updated_at,
    }


def _member(item: Item) -> Member:
    return Member(
        organization_id=item["organization_id"],
        user_id=item["user_id"],
        email=item["email"],
        role=Role(item["role"]),
        status=MemberStatus(item["status"]),
        created_at=item["created_at"],
        updated_at=item["updated_at"],
        professional_id=item.get("professional_id"),
    )


def _professional_item(professional: Professional) -> Item:
    return {
        "pk": organization_pk(professional.organization_id),
        "sk": PROFESSIONAL + professional.professional_id,
        "organization_id": professional.organization_id,
        "professional_id": professional.professional_id,
        "name": professional.name,
        "service_ids": list(professional.service_ids),
        "weekly_schedule": {
            day: [{"start": r.start, "end": r.end} for r in ranges]
            for day, ranges in professional.weekly_schedule.items()
        },
        "time_off": [_time_off_item(time_off) for time_off in professional.time_off],
        "active": professional.active,
        "user_id": professional.user_id,
        "created_at": professional.created_at,
        "updated_at": professional.updated_at,
    }


def _time_off_item(time_off: TimeOff) -> Item:
    item: Item = {"start": time_off.start, "end": time_off.end}
    if time_off.reason:
        item["reason"] = time_off.reason
    return item


def _professional(item: Item) -> Professional:
    return Professional(
        organization_id=item["organization_id"],
        professional_id=item["professional_id"],
        name=item["name"],
        service_ids=tuple(item.get("service_ids", [])),
        weekly_schedule={
            day: tuple(TimeRange(r["start"], r["end"]) for r in ranges)
            for day, ranges in item.get("weekly_schedule", {}).items()
        },
        time_off=tuple(TimeOff(t["start"], t["end"], t.get("reason")) for t in item.get("time_off", [])),
        active=bool(item["active"]),
        created_at=item["created_at"],
        updated_at=item["updated_at"],
        user_id=item.get("user_id"),
    )


def _service_item(service: Service) -> Item:
    return {
        "pk": organization_pk(service.organization_id),
        "sk": SERVICE + service.service_id,
        "organization_id": service.organization_id,
        "service_id": service.service_id,
        "name": service.name,
        "duration_minutes": service.duration_minutes,
        "buffer_minutes": service.buffer_minutes,
        "price_cents": service.price_cents,
        "currency": service.currency,
        "active": service.active,
        "created_at": service.created_at,
        "updated_at": service.updated_at,
    }


def _service(item: Item) -> Service:
    return Service(
        organization_id=item["organization_id"],
        service_id=item["service_id"],
        name=item["name"],
        duration_minutes=_number(item["duration_minutes"]),
        buffer_minutes=_number(item["buffer_minutes"]),
        price_cents=_number(item["price_cents"]),
        currency=item["currency"],
        active=bool(item["active"]),
        created_at=item["created_at"],
        updated_at=item["updated_at"],
    )


def _client_item(client: Client) -> Item:
    return {
        "pk": organization_pk(client.organization_id),
        "sk": CLIENT + client.client_id,
        "organization_id": client.organization_id,
        "client_id": client.client_id,
        "name": client.name,
        "email": client.email,
        "phone": client.phone,
        "created_at": client.created_at,
        "updated_at": client.updated_at,
    }


def _client(item: Item) -> Client:
    return Client(
        organization_id=item["organization_id"],
        client_id=item["client_id"],
        name=item["name"],
        email=item["email"],
        phone=item.get("phone"),
        created_at=item["created_at"],
        updated_at=item["updated_at"],
    )
