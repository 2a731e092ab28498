"""MiniStack, with what it lacks for Colmena supplied at start-up.

Each patch wraps one MiniStack function and says which gap it fills; when MiniStack gains the behaviour,
its patch goes. Checked against ministack 1.5.33 (`EMULATOR_VERSION`): `apply_patches` refuses another
version rather than patching code it has not been checked against.

1. Workers run the runtime environment's Python (boto3 only, as Lambda's python3.13), not the emulator's
   own interpreter with every package of the emulator importable.
2. A handler's exception reaches callers as its class name (`errorType`), as on AWS, instead of
   `Runtime.HandlerError`, so a Step Functions Catch on the project's own error names matches.
3. Cognito runs PostConfirmation on ConfirmSignUp / AdminConfirmSignUp / ConfirmForgotPassword and
   PreAuthentication before a password sign-in, with the events Cognito sends.
4. SAM's CORS preflight (a MOCK integration) keeps its response headers when the API is imported.
5. A warm invocation that logs nothing no longer waits a fixed 50 ms for log output.
6. The API is also served on its own port with the template's paths (`/me`), by the emulator's own
   API Gateway: the front only prefixes the path with the emulator's execute-api route.
7. SIGTERM stops the emulator as Ctrl-C does, so the caller's cleanup runs; workers always call this
   emulator, whatever AWS_ENDPOINT_URL the developer's shell exports.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

EMULATOR_VERSION = "1.5.33"

Scope = MutableMapping[str, Any]
Asgi = Callable[[Scope, Callable[..., Awaitable[Any]], Callable[..., Awaitable[Any]]], Awaitable[None]]


def prepare_environment(gateway_port: int, work_dir: Path) -> None:
    """MiniStack reads its settings at import time: this must run before anything imports it."""
    temp_dir, state_dir = work_dir / "tmp", work_dir / "state"
    temp_dir.mkdir(parents=True, exist_ok=True)
    state_dir.mkdir(parents=True, exist_ok=True)
    os.environ.update(
        GATEWAY_PORT=str(gateway_port),
        BIND_HOST="127.0.0.1",
        # Worker folders (hundreds of MB of unpacked code) and Cognito's signing key go where the stack
        # can remove them on exit; MiniStack itself leaves both behind.
        TMPDIR=str(temp_dir),
        STATE_DIR=str(state_dir),
        PERSIST_STATE="0",
        IOT_MTLS_ENABLED="0",  # else it also listens on 0.0.0.0:8883
        LOG_LEVEL=os.environ.get("LOG_LEVEL", "WARNING"),
    )
    # Workers inherit this process's environment: nothing of the emulator's may leak into them, and their
    # AWS calls go to this emulator whatever endpoint the developer's shell exports.
    for variable in [*os.environ]:
        if variable in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME") or variable.startswith("AWS_ENDPOINT_URL_"):
            os.environ.pop(variable)
    os.environ["AWS_ENDPOINT_URL"] = f"http://127.0.0.1:{gateway_port}"


@dataclass
class ApiFront:
    """Where the template's paths on `port` go: the deployed REST API's id and stage, once known."""

    port: int
    api_id: str | None = None
    stage: str | None = None


def apply_patches(runtime_python: Path) -> None:
    installed = version("ministack")
    if installed != EMULATOR_VERSION:
        raise RuntimeError(
            f"the launcher was checked against ministack {EMULATOR_VERSION}, found {installed}: "
            "re-check each patch in tools/local_stack/launcher.py, then update EMULATOR_VERSION"
        )
    _run_workers_on(runtime_python)
    _report_error_types()
    _fire_cognito_triggers()
    _keep_cors_preflight_responses()
    _shorten_idle_log_wait()


def serve(front: ApiFront) -> None:
    """Runs the emulator in the foreground, also listening on the front's port."""
    import hypercorn.asyncio
    from ministack import app as emulator

    original_serve: Any = hypercorn.asyncio.serve

    def serve_with_front(app: Asgi, config: Any, *args: Any, **kwargs: Any) -> Any:
        # MiniStack's main() imports `serve` when it runs, so this wrapper is what it calls.
        config.bind = [*config.bind, f"127.0.0.1:{front.port}"]
        # MiniStack's own SIGTERM handler exits without stopping its workers: SIGTERM takes SIGINT's
        # graceful path instead, so the caller's cleanup always runs (tests/e2e/test_commands.py).
        signal.signal(signal.SIGTERM, lambda *_: signal.raise_signal(signal.SIGINT))
        return original_serve(_front_dispatch(app, front), config, *args, **kwargs)

    hypercorn.asyncio.serve = serve_with_front  # type: ignore[assignment]
    sys.argv = sys.argv[:1]  # MiniStack's main() parses the command line, and knows none of ours
    emulator.main()


def stop_workers() -> None:
    from ministack.core import lambda_runtime

    lambda_runtime.reset()


# --- 6. the front ---------------------------------------------------------------------------------


def _front_dispatch(emulator_app: Asgi, front: ApiFront) -> Asgi:
    async def dispatch(scope: Scope, receive: Any, send: Any) -> None:
        server = scope.get("server") or (None, None)
        if scope["type"] != "http" or server[1] != front.port:
            await emulator_app(scope, receive, send)
            return
        if front.api_id is None:
            await _answer(send, 503, b'{"message": "the local stack is still deploying"}')
            return
        prefix = f"/_aws/execute-api/{front.api_id}/{front.stage}"
        raw_path = scope.get("raw_path") or scope["path"].encode()
        routed = {**scope, "path": prefix + scope["path"], "raw_path": prefix.encode() + raw_path}
        await emulator_app(routed, receive, send)

    return dispatch


async def _answer(send: Any, status: int, body: bytes) -> None:
    await send({"type": "http.response.start", "status": status, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": body})


# --- 1. the runtime's interpreter -----------------------------------------------------------------

_WORKER_ERROR_LINE = (
    '_real_stdout.write(json.dumps({"status": "error", "error": str(e), "trace": traceback.format_exc()}) + "\\n")'
)
_WORKER_ERROR_LINE_WITH_TYPE = (
    '_real_stdout.write(json.dumps({"status": "error", "error": str(e), '
    '"errorType": type(e).__name__, "trace": traceback.format_exc()}) + "\\n")'
)


def _run_workers_on(runtime_python: Path) -> None:
    from ministack.core import lambda_runtime

    if lambda_runtime._PYTHON_WORKER_SCRIPT.count(_WORKER_ERROR_LINE) != 1:
        raise RuntimeError("MiniStack's python worker script changed: re-check patch 2 in launcher.py")
    worker_script = lambda_runtime._PYTHON_WORKER_SCRIPT.replace(_WORKER_ERROR_LINE, _WORKER_ERROR_LINE_WITH_TYPE)
    detect = lambda_runtime._detect_runtime_binary

    def runtime_binary(runtime: str) -> tuple[str, str]:
        if runtime.startswith("python"):
            return str(runtime_python), worker_script
        binary, script = detect(runtime)
        return binary, script

    lambda_runtime._detect_runtime_binary = runtime_binary


# --- 2. errorType is the exception's class ---------------------------------------------------------

_last_error_type = threading.local()


def _report_error_types() -> None:
    from ministack.core import lambda_runtime
    from ministack.services import lambda_svc

    invoke = lambda_runtime.Worker.invoke
    execute_warm = lambda_svc._execute_function_warm

    def invoke_remembering_error_type(self: Any, *args: Any, **kwargs: Any) -> Any:
        response = invoke(self, *args, **kwargs)
        _last_error_type.value = response.get("errorType") if isinstance(response, dict) else None
        return response

    def execute_warm_with_error_type(*args: Any, **kwargs: Any) -> Any:
        _last_error_type.value = None
        result = execute_warm(*args, **kwargs)
        body = result.get("body") if isinstance(result, dict) else None
        error_type = getattr(_last_error_type, "value", None)
        if error_type and isinstance(body, dict) and body.get("errorType") == "Runtime.HandlerError":
            body["errorType"] = error_type
        return result

    lambda_runtime.Worker.invoke = invoke_remembering_error_type
    lambda_svc._execute_function_warm = execute_warm_with_error_type


# --- 3. Cognito's PostConfirmation and PreAuthentication triggers ----------------------------------

# The flows that authenticate a password, where Cognito runs PreAuthentication when the sign-in starts.
PASSWORD_FLOWS = {"USER_PASSWORD_AUTH", "USER_SRP_AUTH", "ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"}


def _fire_cognito_triggers() -> None:
    from ministack.services import cognito

    # Cognito's dispatcher looks its handlers up by module global on each call, so rebinding is enough.
    cognito._confirm_sign_up = _after_confirmation(cognito._confirm_sign_up, "PostConfirmation_ConfirmSignUp")
    cognito._admin_confirm_sign_up = _after_confirmation(
        cognito._admin_confirm_sign_up, "PostConfirmation_ConfirmSignUp", admin=True
    )
    cognito._confirm_forgot_password = _after_confirmation(
        cognito._confirm_forgot_password, "PostConfirmation_ConfirmForgotPassword"
    )
    cognito._initiate_auth = _before_sign_in(cognito._initiate_auth)
    cognito._admin_initiate_auth = _before_sign_in(cognito._admin_initiate_auth, admin=True)


Handler = Callable[[dict[str, Any]], tuple[int, Any, Any]]


def _after_confirmation(confirm: Handler, trigger_source: str, admin: bool = False) -> Handler:
    def confirm_then_trigger(data: dict[str, Any]) -> tuple[int, Any, Any]:
        answer = confirm(data)
        if answer[0] != 200:
            return answer
        _, pool_id, client_id, user = _pool_and_user(data, data.get("Username"), admin)
        if user is None:
            return answer
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
    from ministack.services import cognito

    # The exception and wording Cognito uses, which clients show.
    answer: tuple[int, Any, Any] = cognito.error_response_json(
        "UserLambdaValidationException", f"{trigger} failed with error {message}.", 400
    )
    return answer


# --- 4. SAM's CORS preflight -----------------------------------------------------------------------


def _keep_cors_preflight_responses() -> None:
    from ministack.services import apigateway_v1

    import_operation = apigateway_v1._import_operation

    def import_with_mock_responses(api_id: str, resource_id: str, method: str, operation: Any, *args: Any) -> Any:
        result = import_operation(api_id, resource_id, method, operation, *args)
        integration = (operation or {}).get("x-amazon-apigateway-integration") or {}
        resources = apigateway_v1._resources.get(api_id, {})
        stored = resources.get(resource_id, {}).get("resourceMethods", {}).get(method, {}).get("methodIntegration")
        if not stored:
            return result
        if integration.get("requestTemplates"):
            stored["requestTemplates"] = dict(integration["requestTemplates"])
        for pattern, response in (integration.get("responses") or {}).items():
            apigateway_v1._put_integration_response(
                api_id,
                resource_id,
                method,
                str(response.get("statusCode", "200")),
                {
                    "selectionPattern": "" if pattern == "default" else pattern,
                    "responseParameters": response.get("responseParameters") or {},
                    "responseTemplates": response.get("responseTemplates") or {},
                },
            )
        return result

    apigateway_v1._import_operation = import_with_mock_responses


# --- 5. no fixed wait for logs ---------------------------------------------------------------------


def _shorten_idle_log_wait() -> None:
    from ministack.core import lambda_runtime

    # (first line wait, idle confirmation, hard cap) in seconds; MiniStack waits 50 ms for a first line.
    lambda_runtime.Worker._drain_stderr_bounded.__defaults__ = (0.005, 0.005, 0.25)
