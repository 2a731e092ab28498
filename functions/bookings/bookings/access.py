"""Who is calling a Bookings route, from the IdToken's verified claims only: the user (`sub`), their
organisation (`custom:organization_id`) and their role there (`custom:role`). Every key an organisation route
builds comes from `Member.organization_id` here, never from the path or the body, so no id of another
organisation can reach its data.

The claims say what the user was when the token was issued: a member removed or suspended since is signed
out everywhere (AdminUserGlobalSignOut), so no new token comes, and the IdToken in hand expires within the
hour (docs/decisions.md, 2026-11-26)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bookings.models import Role
from colmena.errors import Forbidden
from colmena.http import Caller

NO_ORGANIZATION = (
    "you belong to no organisation yet: create one (POST /organizations) or accept an invitation, then "
    "refresh your session so that your token carries it"
)

MANAGERS = frozenset({Role.OWNER, Role.ADMIN})
# Who may read the catalogue (professionals, services) and the clients, and book for anyone.
STAFF = frozenset({Role.OWNER, Role.ADMIN, Role.RECEPTION})
EVERYONE = frozenset(Role)


@dataclass(frozen=True)
class OrgCaller:
    """A caller who belongs to an organisation, with their role in it."""

    user_id: str
    email: str | None
    organization_id: str
    role: Role

    @property
    def manages(self) -> bool:
        return self.role in MANAGERS


def member_of(caller: Caller) -> OrgCaller:
    """The caller as a member of their organisation; Forbidden (403) when the token names none, or a role
    Bookings does not know (a plain `member` of another product)."""
    if not caller.organization_id:
        raise Forbidden(NO_ORGANIZATION)
    try:
        role = Role(caller.role or "")
    except ValueError:
        raise Forbidden(f"your role ({caller.role or 'none'}) gives no access to an organisation's data") from None
    return OrgCaller(caller.user_id, caller.email, caller.organization_id, role)


def require_role(caller: OrgCaller, allowed: Iterable[Role], doing: str) -> None:
    """Forbidden (403) unless the caller's role is one of `allowed`; `doing` says what was refused."""
    allowed = frozenset(allowed)
    if caller.role not in allowed:
        roles = ", ".join(sorted(allowed))
        raise Forbidden(f"only {roles} may {doing}; your role is {caller.role}")
