"""3. Cognito runs PostConfirmation and PreAuthentication with the events Cognito sends."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tools.local_stack.launcher.signatures import original

# --- 3. Cognito's PostConfirmation and PreAuthentication triggers ----------------------------------

# The flows that authenticate a password, where Cognito runs PreAuthentication when the sign-in starts.
PASSWORD_FLOWS = {"USER_PASSWORD_AUTH", "USER_SRP_AUTH", "ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"}

HANDLER_SIGNATURE = "(data)"  # every Cognito action handler


def _fire_cognito_triggers() -> None:
    from ministack.services import cognito, lambda_svc

    for helper, signature in (
        ("_pool_for_client", "(cid)"),
        ("_resolve_user", "(pool: dict, username: str)"),
        ("_hides_user_existence", "(pool: dict, client_id: str) -> bool"),
        ("_attr_list_to_dict", "(attrs: list) -> dict"),
        ("_pool_region", "(pool_id: str) -> str"),
    ):
        original(cognito, helper, signature)
    for helper, signature in (
        ("_get_func_record_for_ref", "(function_ref: str) -> tuple[dict | None, dict | None, str]"),
        ("_execute_function_with_config_scope", "(func: dict, event: dict) -> dict"),
        ("_execution_record_for_config", "(func: dict, config: dict) -> dict"),
    ):
        original(lambda_svc, helper, signature)

    # Cognito's dispatcher looks its handlers up by module global on each call, so rebinding is enough.
    cognito._confirm_sign_up = _after_confirmation(
        original(cognito, "_confirm_sign_up", HANDLER_SIGNATURE), "PostConfirmation_ConfirmSignUp"
    )
    cognito._admin_confirm_sign_up = _after_confirmation(
        original(cognito, "_admin_confirm_sign_up", HANDLER_SIGNATURE), "PostConfirmation_ConfirmSignUp", admin=True
    )
    cognito._confirm_forgot_password = _after_confirmation(
        original(cognito, "_confirm_forgot_password", HANDLER_SIGNATURE), "PostConfirmation_ConfirmForgotPassword"
    )
    cognito._initiate_auth = _before_sign_in(original(cognito, "_initiate_auth", HANDLER_SIGNATURE))
    cognito._admin_initiate_auth = _before_sign_in(
        original(cognito, "_admin_initiate_auth", HANDLER_SIGNATURE), admin=True
    )


Handler = Callable[[dict[str, Any]], tuple[int, Any, Any]]


def _after_confirmation(confirm: Handler, trigger_source: str, admin: bool = False) -> Handler:
    def confirm_then_trigger(data: dict[str, Any]) -> tuple[int, Any, Any]:
        if admin and (refusal := _not_unconfirmed(data)):
            return refusal
        answer = confirm(data)
        if answer[0] != 200:
            return answer
        pool, pool_id, client_id, user = _pool_and_user(data, data.get("Username"), admin)
        if user is None:
            return answer
        if trigger_source == "PostConfirmation_ConfirmSignUp" and not admin:
            _verify_confirmed_email(pool, user)
        event = _trigger_event(pool_id, client_id, user, trigger_source)
        refusal = _run_trigger(pool_id, "PostConfirmation", event)
        return refusal or answer

    return confirm_then_trigger


def _before_sign_in(initiate: Handler, admin: bool = False) -> Handler:
    def trigger_then_initiate(data: dict[str, Any]) -> tuple[int, Any, Any]:
        if data.get("AuthFlow") in PASSWORD_FLOWS:
            username = (data.get("AuthParameters") or {}).get("USERNAME")
            refusal = _pre_authentication(data, username, admin)
            if refusal:
                return refusal
        return initiate(data)

    return trigger_then_initiate


def _pre_authentication(data: dict[str, Any], username: Any, admin: bool) -> tuple[int, Any, Any] | None:
    from ministack.services import cognito

    pool, pool_id, client_id, user = _pool_and_user(data, username, admin)
    if user is None:
        # A client that hides unknown users makes Cognito ask the trigger about them too.
        if not (pool and username and cognito._hides_user_existence(pool, data.get("ClientId", ""))):
            return None
        event = _trigger_event(pool_id, client_id, {"Username": str(username)}, "PreAuthentication_Authentication")
    else:
        event = _trigger_event(pool_id, client_id, user, "PreAuthentication_Authentication")
    event["request"].update(validationData=data.get("ClientMetadata") or {}, userNotFound=user is None)
    return _run_trigger(pool_id, "PreAuthentication", event)


def _pool_and_user(
    data: dict[str, Any], username: Any, admin: bool
) -> tuple[dict[str, Any] | None, str, str, dict[str, Any] | None]:
    """The pool the call addresses, its id, the client id Cognito reports, and the user, if any."""
    from ministack.services import cognito

    if admin:
        pool_id, client_id = data.get("UserPoolId", ""), "CLIENT_ID_NOT_APPLICABLE"
        pool = cognito._user_pools.get(pool_id)
    else:
        client_id = data.get("ClientId", "")
        pool, pool_id = cognito._pool_for_client(client_id)
    if not pool or not username:
        return pool, pool_id, client_id, None
    return pool, pool_id, client_id, cognito._resolve_user(pool, username)[0]


def _trigger_event(pool_id: str, client_id: str, user: dict[str, Any], trigger_source: str) -> dict[str, Any]:
    from ministack.services import cognito

    attributes = cognito._attr_list_to_dict(user.get("Attributes", []))
    if user.get("UserStatus"):
        attributes["cognito:user_status"] = user["UserStatus"]
    return {
        "version": "1",
        "triggerSource": trigger_source,
        "region": cognito._pool_region(pool_id),
        "userPoolId": pool_id,
        "userName": user.get("Username", ""),
        "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": client_id},
        "request": {"userAttributes": attributes},
        "response": {},
    }


def _run_trigger(pool_id: str, trigger: str, event: dict[str, Any]) -> tuple[int, Any, Any] | None:
    """Runs the pool's trigger synchronously, as MiniStack's own PreSignUp does; the refusal Cognito
    answers with when it raised, or None."""
    from ministack.services import cognito, lambda_svc

    arn = ((cognito._user_pools.get(pool_id) or {}).get("LambdaConfig") or {}).get(trigger)
    if not arn:
        return None
    record, config, _ = lambda_svc._get_func_record_for_ref(arn)
    if record is None or config is None:
        return _trigger_failed(trigger, f"function {arn} not found")
    result = lambda_svc._execute_function_with_config_scope(
        lambda_svc._execution_record_for_config(record, config), event
    )
    if isinstance(result, dict) and result.get("error"):
        body = result.get("body")
        return _trigger_failed(trigger, body.get("errorMessage") if isinstance(body, dict) else str(body))
    return None


def _trigger_failed(trigger: str, message: Any) -> tuple[int, Any, Any]:
    return _cognito_error("UserLambdaValidationException", f"{trigger} failed with error {message}.")


def _cognito_error(code: str, message: str) -> tuple[int, Any, Any]:
    from ministack.services import cognito

    # The exception and wording Cognito uses, which clients show.
    answer: tuple[int, Any, Any] = cognito.error_response_json(code, message, 400)
    return answer


def _not_unconfirmed(data: dict[str, Any]) -> tuple[int, Any, Any] | None:
    """Cognito confirms only an UNCONFIRMED user; MiniStack's AdminConfirmSignUp confirms anyone again."""
    _, _, _, user = _pool_and_user(data, data.get("Username"), admin=True)
    if user is not None and user.get("UserStatus") != "UNCONFIRMED":
        return _cognito_error(
            "NotAuthorizedException", f"User cannot be confirmed. Current status is {user.get('UserStatus')}"
        )
    return None


def _verify_confirmed_email(pool: Any, user: dict[str, Any]) -> None:
    """ConfirmSignUp checks the code sent to the e-mail, which verifies it when the pool auto-verifies e-mail."""
    if "email" in ((pool or {}).get("AutoVerifiedAttributes") or []):
        set_attributes(user, {"email_verified": "true"})


def set_attributes(user: dict[str, Any], values: dict[str, str]) -> None:
    from ministack.services import cognito

    user["Attributes"] = cognito._merge_attributes(
        user.get("Attributes", []), [{"Name": name, "Value": value} for name, value in values.items()]
    )
