"""13. AdminDeleteUserAttributes, which MiniStack does not implement (it answers InvalidAction): Bookings removes
a member's organisation and role with it, so that signing in again gives a token that carries neither."""

from __future__ import annotations

import functools
from typing import Any

from tools.local_stack.launcher.signatures import original


def _delete_user_attributes_by_admin() -> None:
    from ministack.core import concurrency
    from ministack.services import cognito

    for helper, signature in (
        ("_resolve_pool", "(pool_id: str)"),
        ("_resolve_user", "(pool: dict, username: str)"),
        ("_now_epoch", "() -> float"),
        ("_run_idp_handler", "(handler, action: str, data: dict)"),
        (
            "json_response",
            "(data: dict, status: int = 200, *, content_type: str = 'application/x-amz-json-1.0') -> tuple",
        ),
    ):
        original(cognito, helper, signature)
    run_reentrant = original(concurrency, "run_reentrant", "(fn, *args, thread_name: str = 'ministack-reentrant')")
    dispatch = original(cognito, "_dispatch_idp", "(action: str, data: dict)")

    # Wrapped as the original, whose signature patch 10 checks in turn before wrapping it again.
    @functools.wraps(dispatch)
    async def dispatch_with_admin_delete(action: str, data: dict[str, Any]) -> Any:
        if action == "AdminDeleteUserAttributes":
            return await run_reentrant(cognito._run_idp_handler, _admin_delete_user_attributes, action, data)
        return await dispatch(action, data)

    cognito._dispatch_idp = dispatch_with_admin_delete


def _admin_delete_user_attributes(data: dict[str, Any]) -> tuple[int, Any, Any]:
    """As Cognito: the named attributes leave the user (a name the user lacks is no error)."""
    from ministack.services import cognito

    pool, error = cognito._resolve_pool(data.get("UserPoolId"))
    if error:
        return error  # type: ignore[no-any-return]
    user, error = cognito._resolve_user(pool, data.get("Username"))
    if error:
        return error  # type: ignore[no-any-return]
    names = set(data.get("UserAttributeNames") or [])
    user["Attributes"] = [attribute for attribute in user.get("Attributes", []) if attribute["Name"] not in names]
    user["UserLastModifiedDate"] = cognito._now_epoch()
    answer: tuple[int, Any, Any] = cognito.json_response({})
    return answer
