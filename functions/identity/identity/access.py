"""Who may use a protected route beyond what the token says: a suspended user's ID token stays valid until it
expires, so every protected Identity route asks this, with the user it read for the caller."""

from __future__ import annotations

from colmena.errors import Forbidden
from identity.logic import refusal_of_a_suspended_user
from identity.models import User


def refuse_suspended(user: User | None) -> None:
    """Raises Forbidden for a suspended user; a user with no record yet is left to the route to answer."""
    refusal = refusal_of_a_suspended_user(user) if user is not None else None
    if refusal:
        raise Forbidden(refusal)
