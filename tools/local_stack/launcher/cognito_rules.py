"""10. What Cognito enforces on the app client's calls: WriteAttributes, confirmation state, e-mail verification."""

from __future__ import annotations

from typing import Any

from tools.local_stack.launcher.cognito_triggers import (
    HANDLER_SIGNATURE,
    Handler,
    _cognito_error,
    set_attributes,
)
from tools.local_stack.launcher.signatures import original

# --- 10. what Cognito enforces on the app client's calls ------------------------------------------

UNAUTHORIZED_ATTRIBUTE = "A client attempted to write unauthorized attribute"
VERIFICATION_CODE = "123456"  # MiniStack's fixed code, as for sign-up confirmation


def _enforce_cognito_client_rules() -> None:
    from ministack.core import concurrency
    from ministack.services import cognito

    for helper, signature in (
        ("_token_claims", "(token) -> dict"),
        ("_user_pool_for_access_token", "(access_token)"),
        ("_masked_destination", "(address: str) -> str"),
        ("_merge_attributes", "(existing: list, updates: list) -> list"),
        ("_run_idp_handler", "(handler, action: str, data: dict)"),
        (
            "json_response",
            "(data: dict, status: int = 200, *, content_type: str = 'application/x-amz-json-1.0') -> tuple",
        ),
    ):
        original(cognito, helper, signature)
    run_reentrant = original(concurrency, "run_reentrant", "(fn, *args, thread_name: str = 'ministack-reentrant')")
    dispatch = original(cognito, "_dispatch_idp", "(action: str, data: dict)")
    # Actions MiniStack does not implement, run as its own handlers are (AUTH's access-token checks first).
    added = {"VerifyUserAttribute": _verify_user_attribute, "GetUserAttributeVerificationCode": _verification_code}

    async def dispatch_with_added_actions(action: str, data: dict[str, Any]) -> Any:
        if action in added:
            return await run_reentrant(cognito._run_idp_handler, added[action], action, data)
        return await dispatch(action, data)

    cognito._sign_up = _sign_up_within_write_attributes(original(cognito, "_sign_up", HANDLER_SIGNATURE))
    cognito._update_user_attributes = _update_attributes_as_cognito(
        original(cognito, "_update_user_attributes", HANDLER_SIGNATURE)
    )
    cognito._dispatch_idp = dispatch_with_added_actions


def _sign_up_within_write_attributes(sign_up: Handler) -> Handler:
    def sign_up_as_cognito(data: dict[str, Any]) -> tuple[int, Any, Any]:
        from ministack.services import cognito

        pool, _ = cognito._pool_for_client(data.get("ClientId"))
        if refusal := _unwritable(pool, data.get("ClientId"), data.get("UserAttributes")):
            return refusal
        answer = sign_up(data)
        user = cognito._resolve_user(pool, data.get("Username"))[0] if answer[0] == 200 and pool else None
        attributes = cognito._attr_list_to_dict((user or {}).get("Attributes", []))
        if user is not None and "email" in attributes and "email_verified" not in attributes:
            # Unverified until confirmed: ConfirmSignUp verifies it, AdminConfirmSignUp does not. Without the
            # attribute MiniStack puts `email_verified: true` in the ID token while PostConfirmation sees none.
            set_attributes(user, {"email_verified": "false"})
        return answer

    return sign_up_as_cognito


def _update_attributes_as_cognito(update_attributes: Handler) -> Handler:
    def update_as_cognito(data: dict[str, Any]) -> tuple[int, Any, Any]:
        from ministack.services import cognito

        token, requested = data.get("AccessToken", ""), data.get("UserAttributes") or []
        user, pool = cognito._user_pool_for_access_token(token)
        if user is None:
            return update_attributes(data)  # MiniStack's own refusal
        if refusal := _unwritable(pool, cognito._token_claims(token).get("client_id"), requested):
            return refusal
        held = _held_until_verified(pool, user, requested)
        answer = update_attributes({**data, "UserAttributes": [a for a in requested if a.get("Name") not in held]})
        if answer[0] != 200 or not held:
            return answer
        user.setdefault("_pending_attributes", {}).update(held)
        return _json({"CodeDeliveryDetailsList": [_code_delivery(name, value) for name, value in held.items()]})

    return update_as_cognito


def _verify_user_attribute(data: dict[str, Any]) -> tuple[int, Any, Any]:
    """VerifyUserAttribute: the code verifies the attribute, and applies a change held until then."""
    from ministack.services import cognito

    user, _ = cognito._user_pool_for_access_token(data.get("AccessToken", ""))
    if user is None:
        return _cognito_error("NotAuthorizedException", "Invalid Access Token")
    if data.get("Code") != VERIFICATION_CODE:
        return _cognito_error("CodeMismatchException", "Invalid verification code provided, please try again.")
    name, pending = data.get("AttributeName", ""), user.get("_pending_attributes", {})
    changes = {name: pending.pop(name)} if name in pending else {}
    set_attributes(user, {**changes, f"{name}_verified": "true"})
    return _json({})


def _verification_code(data: dict[str, Any]) -> tuple[int, Any, Any]:
    """GetUserAttributeVerificationCode: sent (nowhere) to the pending value, else the current one."""
    from ministack.services import cognito

    user, _ = cognito._user_pool_for_access_token(data.get("AccessToken", ""))
    if user is None:
        return _cognito_error("NotAuthorizedException", "Invalid Access Token")
    name = data.get("AttributeName", "")
    current = cognito._attr_list_to_dict(user.get("Attributes", [])).get(name)
    return _json({"CodeDeliveryDetails": _code_delivery(name, user.get("_pending_attributes", {}).get(name, current))})


def _code_delivery(name: str, destination: Any) -> dict[str, str]:
    from ministack.services import cognito

    masked: str = cognito._masked_destination(str(destination or ""))
    return {"Destination": masked, "DeliveryMedium": "EMAIL", "AttributeName": name}


def _json(data: dict[str, Any]) -> tuple[int, Any, Any]:
    from ministack.services import cognito

    answer: tuple[int, Any, Any] = cognito.json_response(data)
    return answer


def _unwritable(pool: Any, client_id: Any, attributes: Any) -> tuple[int, Any, Any] | None:
    """Cognito's refusal when the app client may not write one of `attributes`; an empty list allows all."""
    client = ((pool or {}).get("_clients") or {}).get(client_id) or {}
    allowed = set(client.get("WriteAttributes") or [])
    names = {attribute.get("Name") for attribute in attributes or [] if isinstance(attribute, dict)}
    if allowed and names - allowed:
        return _cognito_error("NotAuthorizedException", UNAUTHORIZED_ATTRIBUTE)
    return None


def _held_until_verified(pool: Any, user: dict[str, Any], attributes: list[dict[str, Any]]) -> dict[str, str]:
    """The changed attributes the pool keeps pending until verified (AttributesRequireVerificationBeforeUpdate)."""
    from ministack.services import cognito

    settings = (pool or {}).get("UserAttributeUpdateSettings") or {}
    guarded = set(settings.get("AttributesRequireVerificationBeforeUpdate") or [])
    current = cognito._attr_list_to_dict(user.get("Attributes", []))
    return {
        attribute["Name"]: attribute["Value"]
        for attribute in attributes
        if attribute.get("Name") in guarded and attribute.get("Value") != current.get(attribute.get("Name"))
    }
