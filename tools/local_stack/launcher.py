"""MiniStack, with what it lacks for Colmena supplied at start-up.

Each patch wraps one or more MiniStack functions and says which gap it fills; when MiniStack gains the
behaviour, its patch goes. Checked against ministack 1.5.33 (`EMULATOR_VERSION`): `apply_patches` refuses
another version rather than patching code it has not been checked against, and each patch also checks that
every function it wraps still has the signature it was written against, naming the one that changed.

MiniStack runs with its own IAM enforcement on (`AUTH=true`): each function calls AWS with its execution role's
credentials, and the role's policies from template.yaml are evaluated on every call it makes.

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
7. SIGTERM stops the emulator as Ctrl-C does, so the caller's cleanup runs, and neither waits for kept-alive
   connections; workers always call this emulator, whatever AWS_ENDPOINT_URL the developer's shell exports.
8. IAM's `events:source` and `events:detail-type` condition keys are known on PutEvents (per entry), so a
   grant conditioned on the context's own source allows its events and no other source's.
9. The REST API's Cognito authorizer accepts only ID tokens (access tokens when the method names OAuth
   scopes), never a refresh token.
10. Cognito enforces the app client's WriteAttributes on SignUp and UpdateUserAttributes, and keeps a changed
    e-mail pending until VerifyUserAttribute when the pool requires verification before update. With patch 3's
    confirmation wrappers: AdminConfirmSignUp refuses a user who is not UNCONFIRMED (MiniStack's ConfirmSignUp
    already does under AUTH), and the e-mail is unverified from sign-up until ConfirmSignUp verifies it
    (AdminConfirmSignUp does not), so the ID token and PostConfirmation's event agree.
11. Each function has a bounded pool of workers (`LOCAL_WORKERS_PER_FUNCTION`, default 2); further concurrent
    invocations wait for a free worker, up to the function's timeout, as reserved concurrency would bound
    them. Workers share one unpacked copy of each code and layer version instead of a copy each, so a burst
    stays small and the stop is quick. X-Ray is off in the workers.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import shutil
import signal
import sys
import threading
import time
import uuid
import zipfile
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

from tools.local_stack import package

EMULATOR_VERSION = "1.5.33"
WORKERS_PER_FUNCTION = "LOCAL_WORKERS_PER_FUNCTION"  # the environment variable that sizes patch 11's pools
DEFAULT_WORKERS_PER_FUNCTION = 2

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
        # MiniStack's own IAM: each function's calls are evaluated against its role's policies, so a grant
        # missing from template.yaml fails here as it would on AWS.
        AUTH="true",
        # The key MiniStack treats as root (besides `test` and account ids): the developer's and the tests'
        # clients, which sign with `local`, keep full access. Workers get their role's keys instead.
        AWS_ACCESS_KEY_ID="local",
        AWS_SECRET_ACCESS_KEY="local",
        # Workers inherit this environment. Traces go nowhere locally, and the X-Ray SDK would leave its
        # marker folder in the temporary directory.
        POWERTOOLS_TRACE_DISABLED="true",
        AWS_XRAY_SDK_ENABLED="false",
    )
    os.environ.pop("AWS_SESSION_TOKEN", None)
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
    limit = workers_per_function()
    _run_workers_on(runtime_python)
    _report_error_types()
    _fire_cognito_triggers()
    _keep_cors_preflight_responses()
    _shorten_idle_log_wait()
    _know_event_condition_keys()
    _accept_only_id_tokens()
    _enforce_cognito_client_rules()
    _bound_worker_pools(limit)


def workers_per_function() -> int:
    raw = os.environ.get(WORKERS_PER_FUNCTION, str(DEFAULT_WORKERS_PER_FUNCTION))
    if not raw.isdigit() or int(raw) < 1:
        raise RuntimeError(f"{WORKERS_PER_FUNCTION} must be a whole number of at least 1, not {raw!r}")
    return int(raw)


def original(owner: Any, name: str, signature: str) -> Any:
    """`owner.name` as MiniStack defines it, when its signature is still the one the patch was written against."""
    found = getattr(owner, name)
    actual = str(inspect.signature(found))
    if actual != signature:
        where = getattr(owner, "__module__", "") + "." + getattr(owner, "__qualname__", "")
        where = owner.__name__ if inspect.ismodule(owner) else where
        raise RuntimeError(
            f"MiniStack changed {where}.{name}: the launcher's patch expects {name}{signature}, "
            f"found {name}{actual}; re-check that patch in tools/local_stack/launcher.py"
        )
    return found


def serve(front: ApiFront) -> None:
    """Runs the emulator in the foreground, also listening on the front's port."""
    import hypercorn.asyncio
    from ministack import app as emulator

    original_serve: Any = original(
        hypercorn.asyncio,
        "serve",
        "(app: 'Framework', config: 'Config', *, shutdown_trigger: 'Callable[..., Awaitable] | None' = None, "
        "mode: \"Literal['asgi', 'wsgi'] | None\" = None) -> 'None'",
    )

    def serve_with_front(app: Asgi, config: Any, *args: Any, **kwargs: Any) -> Any:
        # MiniStack's main() imports `serve` when it runs, so this wrapper is what it calls.
        config.bind = [*config.bind, f"127.0.0.1:{front.port}"]
        # Hypercorn waits up to 5 s for open connections on Ctrl-C, and clients keep theirs alive: the stack's
        # state is in memory and goes with it anyway, so an in-flight request is cut short instead.
        config.graceful_timeout = 0.2
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
    detect = original(lambda_runtime, "_detect_runtime_binary", "(runtime: str) -> tuple[str, str]")

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

    invoke = original(
        lambda_runtime.Worker,
        "invoke",
        "(self, event, request_id: str, *, trace_id: str | None = None, depth=None, durable: dict | None = None, "
        "invoked_function_arn: str | None = None) -> dict",
    )
    execute_warm = original(lambda_svc, "_execute_function_warm", "(func: dict, event: dict, request_id: str) -> dict")

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


# --- 4. SAM's CORS preflight -----------------------------------------------------------------------


def _keep_cors_preflight_responses() -> None:
    from ministack.services import apigateway_v1

    import_operation = original(
        apigateway_v1,
        "_import_operation",
        "(api_id, resource_id, http_method, operation, scheme_map=None, default_security=None)",
    )
    original(apigateway_v1, "_put_integration_response", "(api_id, resource_id, http_method, status_code, data)")

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

    drain = original(
        lambda_runtime.Worker,
        "_drain_stderr_bounded",
        "(self, first_line_wait: float = 0.05, idle_confirm: float = 0.005, hard_cap: float = 0.25) -> str",
    )
    # (first line wait, idle confirmation, hard cap) in seconds; MiniStack waits 50 ms for a first line.
    drain.__defaults__ = (0.005, 0.005, 0.25)


# --- 8. EventBridge's condition keys under IAM -----------------------------------------------------

# The keys IAM knows on PutEvents, by the entry field that gives each its value.
EVENT_CONDITION_KEYS = {"events:source": "Source", "events:detail-type": "DetailType"}
_put_events = threading.local()  # the entries of the PutEvents call being authorized on this thread


def _know_event_condition_keys() -> None:
    """MiniStack's evaluator models no events:* key, so a PutEvents grant conditioned on events:source is
    always denied. AWS authorizes each entry with its own source and detail-type, on its own bus."""
    from ministack.core import iam_actions, iam_evaluator

    # app.py imports both at call time, so rebinding the module attributes reaches it.
    request_context = original(
        iam_actions, "request_tag_context", "(service: str, iam_action: str, body: bytes, params: dict) -> dict"
    )
    enforce = original(
        iam_evaluator,
        "enforce",
        "(access_key_id: str, iam_action: str, service: str, region: str, resource_arn: str = '*', "
        "service_context: dict[str, typing.Any] | None = None) -> "
        "ministack.core.iam_evaluator.EvalResult | ministack.core.iam_evaluator.AuthError | None",
    )

    def request_context_remembering_entries(
        service: str, iam_action: str, body: bytes, params: dict[str, Any]
    ) -> dict[str, Any]:
        _put_events.entries = put_events_entries(body) if iam_action == "events:PutEvents" else None
        context: dict[str, Any] = request_context(service, iam_action, body, params)
        return context

    def enforce_per_entry(access_key_id: str, iam_action: str, *args: Any, **kwargs: Any) -> Any:
        entries = getattr(_put_events, "entries", None)
        if iam_action != "events:PutEvents" or not entries:
            return enforce(access_key_id, iam_action, *args, **kwargs)
        bound = inspect.signature(enforce).bind(access_key_id, iam_action, *args, **kwargs)
        bound.apply_defaults()
        arguments = bound.arguments
        resource_arn, given = arguments["resource_arn"], arguments["service_context"] or {}
        addressed = [keys for bus, keys in entries if _names_bus(resource_arn, bus)] or [keys for _, keys in entries]
        for keys in addressed:
            denied = enforce(**{**arguments, "service_context": {**given, **keys}})
            if denied:
                return denied
        return None

    iam_actions.request_tag_context = request_context_remembering_entries
    iam_evaluator.enforce = enforce_per_entry


def put_events_entries(body: bytes) -> list[tuple[str, dict[str, str]]]:
    """Each PutEvents entry's bus, with its condition keys, each a single string."""
    try:
        data = json.loads(body or b"{}")
    except (json.JSONDecodeError, UnicodeDecodeError):
        return []
    entries = data.get("Entries") if isinstance(data, dict) else None
    found = []
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict):
            keys = {
                key: entry[field] for key, field in EVENT_CONDITION_KEYS.items() if isinstance(entry.get(field), str)
            }
            bus = entry.get("EventBusName")
            found.append((bus if isinstance(bus, str) and bus else "default", keys))
    return found


def _names_bus(resource_arn: str, bus: str) -> bool:
    return resource_arn == bus or resource_arn.endswith(f":event-bus/{bus}")


# --- 9. the authorizer's token types ---------------------------------------------------------------


def _accept_only_id_tokens() -> None:
    """MiniStack's REST Cognito authorizer accepts any token the pool signed, the refresh token included.
    API Gateway takes the ID token, or the access token when the method names OAuth scopes."""
    from ministack.services import apigateway_v1

    validate = original(
        apigateway_v1, "_validate_cognito_authorizer", "(authorizer, method_obj, headers, query_params, stage)"
    )
    original(apigateway_v1, "_gw_error", "(response_type, message)")

    async def validate_token_type(authorizer: Any, method: Any, headers: Any, query: Any, stage: Any) -> Any:
        claims, refusal = await validate(authorizer, method, headers, query, stage)
        wanted = "access" if method.get("authorizationScopes") else "id"
        if refusal is None and claims.get("token_use") != wanted:
            return None, apigateway_v1._gw_error("UNAUTHORIZED", "Unauthorized")
        return claims, refusal

    apigateway_v1._validate_cognito_authorizer = validate_token_type


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
            _set_attributes(user, {"email_verified": "false"})
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
    _set_attributes(user, {**changes, f"{name}_verified": "true"})
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


def _set_attributes(user: dict[str, Any], values: dict[str, str]) -> None:
    from ministack.services import cognito

    user["Attributes"] = cognito._merge_attributes(
        user.get("Attributes", []), [{"Name": name, "Value": value} for name, value in values.items()]
    )


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
        _set_attributes(user, {"email_verified": "true"})


# --- 11. a bounded worker pool per function, on one shared copy of each code version ----------------


def _bound_worker_pools(limit: int) -> None:
    from ministack.core import lambda_runtime
    from ministack.services import lambda_svc

    acquire = original(
        lambda_runtime,
        "acquire_worker",
        "(func_name: str, config: dict, code_zip: bytes, qualifier: str = '$LATEST', "
        "max_concurrency: int | None = None)",
    )
    release = original(lambda_runtime, "release_worker", "(worker: ministack.core.lambda_runtime.Worker) -> None")
    invalidate = original(
        lambda_runtime,
        "invalidate_worker",
        "(func_name: str, qualifier: str = None, account: str = None, region: str = None)",
    )
    spawn = original(lambda_runtime.Worker, "_spawn", "(self)")
    if (lambda_svc.acquire_worker, lambda_svc.release_worker, lambda_svc.invalidate_worker) != (
        acquire,
        release,
        invalidate,
    ):
        raise RuntimeError("MiniStack's lambda_svc no longer imports the worker pool's functions: re-check patch 11")
    pools = BoundedPools(limit, acquire)

    def spawn_on_shared_code(self: Any) -> None:
        spawn(self)
        # The archives MiniStack wrote to unpack from are not needed once the worker has started.
        for archive in Path(self._tmpdir).glob("*.zip"):
            archive.unlink(missing_ok=True)

    lambda_runtime.acquire_worker = lambda_svc.acquire_worker = pools.acquire
    lambda_runtime.release_worker = lambda_svc.release_worker = pools.waking(release)
    lambda_runtime.invalidate_worker = lambda_svc.invalidate_worker = pools.waking(invalidate)
    lambda_runtime.Worker._spawn = spawn_on_shared_code
    # Worker._spawn unpacks the code and each layer into the worker's own folder through lambda_runtime's
    # `zipfile`; this stand-in unpacks each archive once and links the worker's folder to that copy.
    lambda_runtime.zipfile = SharedUnpacking(package.LOCAL_DIR / "unpacked")


class BoundedPools:
    """At most `limit` workers per function. An invocation that finds them all busy waits for one, up to the
    function's timeout (then it is throttled): a burst is served in turn, as Lambda queues what reserved
    concurrency holds back, instead of starting a worker per request."""

    def __init__(self, limit: int, acquire: Callable[..., Any]) -> None:
        self.limit = limit
        self._acquire = acquire
        self._freed = threading.Condition()

    def acquire(
        self,
        func_name: str,
        config: dict[str, Any],
        code_zip: bytes,
        qualifier: str = "$LATEST",
        max_concurrency: Any = None,
    ) -> Any:
        deadline = time.monotonic() + float(config.get("Timeout") or 30)
        ceiling = min(self.limit, max_concurrency or self.limit)
        with self._freed:
            while True:
                worker, reason = self._acquire(func_name, config, code_zip, qualifier, ceiling)
                if worker is not None or reason != "func_cap" or time.monotonic() >= deadline:
                    return worker, reason
                self._freed.wait(deadline - time.monotonic())

    def waking(self, pool_change: Callable[..., Any]) -> Callable[..., Any]:
        """`pool_change` (a release, an invalidation), then a wake-up for the invocations waiting for a worker."""

        def change_then_wake(*args: Any, **kwargs: Any) -> Any:
            result = pool_change(*args, **kwargs)
            with self._freed:
                self._freed.notify_all()
            return result

        return change_then_wake


class SharedUnpacking:
    """Stands in for the `zipfile` module inside MiniStack's lambda_runtime. Each archive is unpacked once, into
    a folder named by its content that outlives the run: the next `make run` starts its workers on it, and a
    stop has nothing large to delete (deleting a worker's copy took seconds on a busy disk)."""

    BadZipFile = zipfile.BadZipFile
    LargeFileError = zipfile.LargeZipFile  # what MiniStack names `zipfile.LargeFileError`, which does not exist
    UNUSED_FOR = 7 * 24 * 3600  # seconds after which a folder no run has used goes

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock = threading.Lock()
        root.mkdir(parents=True, exist_ok=True)
        for folder in root.iterdir():
            if time.time() - folder.stat().st_mtime > self.UNUSED_FOR:
                shutil.rmtree(folder, ignore_errors=True)

    def ZipFile(self, path: str) -> SharedArchive:  # noqa: N802 (the zipfile module's name)
        return SharedArchive(path, self)

    def unpacked(self, archive: zipfile.ZipFile, digest: str) -> Path:
        """The folder holding this archive's files, unpacked by the first worker that needs it."""
        shared = self.root / digest
        with self._lock:
            if not shared.is_dir():
                staging = self.root / f".{digest}.{uuid.uuid4().hex}"
                zipfile.ZipFile.extractall(archive, staging)
                try:
                    staging.rename(shared)
                except OSError:  # another stack unpacked it meanwhile
                    shutil.rmtree(staging, ignore_errors=True)
            os.utime(shared)
        return shared


class SharedArchive(zipfile.ZipFile):
    def __init__(self, path: str, unpacking: SharedUnpacking) -> None:
        super().__init__(path)
        self._digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:32]
        self._unpacking = unpacking

    def extractall(self, path: Any = None, *_: Any, **__: Any) -> None:
        # MiniStack made `path` empty for this archive: it becomes a link to the one shared copy.
        target = Path(path)
        shared = self._unpacking.unpacked(self, self._digest)
        target.rmdir()
        target.symlink_to(shared, target_is_directory=True)
