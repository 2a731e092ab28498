"""What the organisations routes do, over the repository, the user pool and the bus: create an organisation
with its owner, read and change it (publishing its status changes), and manage its members.

Writes go to the table first and to Cognito after, and each step can be sent again: a request that failed
half-way (the table written, Cognito not) finishes the job when repeated."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from bookings.access import MANAGERS, OrgCaller, require_role
from bookings.events import organization_status
from bookings.models import Member, MemberStatus, Organization, Page, Role
from colmena.errors import Conflict, Forbidden, NotFound
from colmena.repository import ConditionFailed

if TYPE_CHECKING:
    from collections.abc import Callable

    from bookings.directory import CognitoDirectory
    from bookings.repository import BookingsRepository
    from colmena.events import EventPublisher
    from colmena.http import Caller

NO_SUCH_MEMBER = "no such member in your organisation"


@dataclass(frozen=True)
class NewOrganizationRequest:
    name: str
    slug: str
    industry: str
    timezone: str
    language: str


@dataclass(frozen=True)
class Organizations:
    repository: BookingsRepository
    directory: CognitoDirectory
    publisher: EventPublisher
    clock: Callable[[], str]

    # ------------------------------------------------------------ organisations

    def create(self, caller: Caller, request: NewOrganizationRequest) -> Organization:
        """The caller's new organisation, with the caller as its owner; the slug is claimed in the same
        transaction. Conflict when the slug is taken or the caller already belongs to an organisation; the
        same request again after a failure half-way returns the organisation it created."""
        if caller.organization_id:
            raise Conflict(f"you already belong to organisation {caller.organization_id}")
        now = self.clock()
        slug = request.slug.lower()
        organization = Organization(
            organization_id=str(uuid.uuid4()),
            name=request.name,
            slug=slug,
            industry=request.industry,
            timezone=request.timezone,
            language=request.language,
            owner_id=caller.user_id,
            active=True,
            status_changed_at=now,
            created_at=now,
            updated_at=now,
        )
        owner = Member(
            organization_id=organization.organization_id,
            user_id=caller.user_id,
            email=(caller.email or "").lower(),
            role=Role.OWNER,
            status=MemberStatus.ACTIVE,
            created_at=now,
            updated_at=now,
        )
        try:
            self.repository.create_organization(organization, owner)
        except ConditionFailed:
            organization = self._created_before(caller, slug)
        self.directory.set_membership(caller.user_id, organization.organization_id, Role.OWNER)
        self.publisher.publish(organization_status(organization))
        return organization

    def _created_before(self, caller: Caller, slug: str) -> Organization:
        """Why the creation's transaction failed: the caller's own earlier request for this slug (returned,
        to be finished), or a taken slug or an existing membership (Conflict)."""
        member_of = self.repository.membership_of(caller.user_id)
        if member_of is not None:
            existing = self.repository.get_organization(member_of)
            if existing is not None and existing.slug == slug and existing.owner_id == caller.user_id:
                return existing
            raise Conflict(f"you already belong to organisation {member_of}; refresh your session to see it")
        raise Conflict(f"the slug {slug!r} is taken; choose another")

    def of(self, caller: OrgCaller) -> Organization:
        organization = self.repository.get_organization(caller.organization_id)
        if organization is None:
            raise NotFound("your organisation no longer exists")
        return organization

    def change(
        self,
        caller: OrgCaller,
        *,
        name: str | None = None,
        industry: str | None = None,
        timezone: str | None = None,
        language: str | None = None,
        active: bool | None = None,
    ) -> Organization:
        """Changes the organisation's fields given; (de)activating publishes its status event. The status
        event is published whenever `active` is given, changed or not, so the same request sent again after
        a failed publication announces the change (with the same event id: consumers drop a duplicate)."""
        require_role(caller, MANAGERS, "change the organisation")
        if active is not None and caller.role is not Role.OWNER:
            raise Forbidden("only the owner may activate or deactivate the organisation")
        current = self.of(caller)
        now = self.clock()
        changed = replace(
            current,
            name=name if name is not None else current.name,
            industry=industry if industry is not None else current.industry,
            timezone=timezone if timezone is not None else current.timezone,
            language=language if language is not None else current.language,
            active=current.active if active is None else active,
            status_changed_at=now if active is not None and active != current.active else current.status_changed_at,
            updated_at=now,
        )
        if changed != replace(current, updated_at=now):
            try:
                self.repository.update_organization(changed)
            except ConditionFailed:
                raise NotFound("your organisation no longer exists") from None
        else:
            changed = current
        if active is not None:
            self.publisher.publish(organization_status(changed))
        return changed

    # ------------------------------------------------------------ members

    def invite(self, caller: OrgCaller, email: str, role: Role) -> Member:
        """A new member of the caller's organisation: a Cognito user created with the organisation and role in
        its attributes, who signs in with the temporary password Cognito e-mails them."""
        require_role(caller, MANAGERS, "invite members")
        user_id = self.directory.invite(email, caller.organization_id, role)
        now = self.clock()
        member = Member(caller.organization_id, user_id, email.lower(), role, MemberStatus.ACTIVE, now, now)
        try:
            self.repository.add_member(member)
        except ConditionFailed:
            raise Conflict(f"{email} already belongs to an organisation") from None
        return member

    def members(self, caller: OrgCaller, limit: int, cursor: str | None) -> Page[Member]:
        require_role(caller, MANAGERS, "list the members")
        return self.repository.members(caller.organization_id, limit, cursor)

    def change_member(self, caller: OrgCaller, user_id: str, role: Role | None, status: MemberStatus | None) -> Member:
        """Changes a member's role (Cognito's attribute too, for the next token) or status; suspending signs
        them out everywhere, so their refresh token stops working. The owner is changed by nobody."""
        require_role(caller, MANAGERS, "change members")
        member = self._changeable(caller, user_id)
        changed = replace(member, role=role or member.role, status=status or member.status, updated_at=self.clock())
        try:
            self.repository.save_member(changed)
        except ConditionFailed:
            raise NotFound(NO_SUCH_MEMBER) from None
        if changed.role is not member.role:
            self.directory.set_membership(user_id, caller.organization_id, changed.role)
        if changed.status is MemberStatus.SUSPENDED:
            self.directory.sign_out_everywhere(user_id)
        return changed

    def remove_member(self, caller: OrgCaller, user_id: str) -> None:
        """Removes a member: their organisation and role leave their Cognito attributes and they are signed out
        everywhere. A linked professional stays, with no member."""
        require_role(caller, MANAGERS, "remove members")
        member = self._changeable(caller, user_id)
        # Cognito first: if the table's write then fails, the same request again finds the member and
        # repeats both (each harmless twice); the other order would leave a session nobody can end.
        self.directory.clear_membership(user_id)
        self.directory.sign_out_everywhere(user_id)
        try:
            self.repository.remove_member(member)
        except ConditionFailed:
            raise NotFound(NO_SUCH_MEMBER) from None

    def _changeable(self, caller: OrgCaller, user_id: str) -> Member:
        member = self.repository.get_member(caller.organization_id, user_id)
        if member is None:
            raise NotFound(NO_SUCH_MEMBER)
        if member.role is Role.OWNER:
            raise Forbidden("the owner's membership cannot be changed or removed")
        if member.user_id == caller.user_id:
            raise Forbidden("you cannot change or remove your own membership")
        return member
