"""MiniStack, with what it lacks for Colmena supplied at start-up: one module per numbered patch below.

Each patch wraps one or more MiniStack functions and says which gap it fills; when MiniStack gains the
behaviour, its patch goes. Checked against ministack 1.5.33 (`EMULATOR_VERSION`): `apply_patches` refuses
another version rather than patching code it has not been checked against, and each patch also checks that
every function it wraps still has the signature it was written against, naming the one that changed.

Where each patch lives: 1, 2, 5 `runtime.py`; 3 `cognito_triggers.py`; 4, 9 `api_gateway.py`; 6 `front.py`;
7 here (`serve`); 8 `iam.py`; 10 `cognito_rules.py`; 11 `workers.py`; 12 `async_events.py`;
13 `cognito_admin.py`; 14 `bedrock.py`; 15, 16 `ses_templates.py`; 17 `aliases.py`.
`signatures.py` holds the check every patch runs on what it wraps.

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
12. An EventBridge rule's event reaches its Lambda target as an asynchronous invocation does on AWS: a failure
    is retried (the function's `EventInvokeConfig.MaximumRetryAttempts`, backoff shortened to seconds) and
    then kept in its on-failure destination, instead of being run once and lost.
13. Cognito's AdminDeleteUserAttributes (MiniStack answers InvalidAction): removing a member clears their
    organisation and role.
14. Bedrock's Converse is authorized as `bedrock:InvokeModel` (ConverseStream as
    `bedrock:InvokeModelWithResponseStream`), the actions AWS checks, instead of a `bedrock:Converse` no AWS
    policy grants; with it the knowledge-base processor's own grant lets it converse with its model.
15. CloudFormation creates the template's AWS::SES::Template resources through SES's own CreateTemplate
    (MiniStack's CloudFormation refuses the type), so the appointment e-mails have their templates.
16. SES's send actions (SendTemplatedEmail, ...) are authorized on the identity of their Source, as on AWS,
    instead of on '*', so a function allowed to send only from the stack's sender may send.
17. An asynchronous invocation of an alias (`fn:live`, where SAM's AutoPublishAlias points every trigger) is
    retried and kept as the alias's own EventInvokeConfig says, instead of by MiniStack's defaults (2 retries,
    no on-failure destination).
"""

from __future__ import annotations

import os
import signal
import sys
from importlib.metadata import version
from pathlib import Path
from typing import Any

from tools.local_stack.launcher.aliases import _configure_async_invocations_per_alias
from tools.local_stack.launcher.api_gateway import _accept_only_id_tokens, _keep_cors_preflight_responses
from tools.local_stack.launcher.async_events import _invoke_rule_targets_asynchronously
from tools.local_stack.launcher.bedrock import _authorize_converse_as_invoke_model
from tools.local_stack.launcher.cognito_admin import _delete_user_attributes_by_admin
from tools.local_stack.launcher.cognito_rules import _enforce_cognito_client_rules
from tools.local_stack.launcher.cognito_triggers import _fire_cognito_triggers
from tools.local_stack.launcher.front import ApiFront, Asgi, _front_dispatch
from tools.local_stack.launcher.iam import _know_event_condition_keys, put_events_entries
from tools.local_stack.launcher.runtime import _report_error_types, _run_workers_on, _shorten_idle_log_wait
from tools.local_stack.launcher.ses_templates import _authorize_sending_on_the_sender, _provision_ses_templates
from tools.local_stack.launcher.signatures import original
from tools.local_stack.launcher.workers import _bound_worker_pools

EMULATOR_VERSION = "1.5.33"
WORKERS_PER_FUNCTION = "LOCAL_WORKERS_PER_FUNCTION"  # the environment variable that sizes patch 11's pools
DEFAULT_WORKERS_PER_FUNCTION = 2


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


def apply_patches(runtime_python: Path) -> None:
    installed = version("ministack")
    if installed != EMULATOR_VERSION:
        raise RuntimeError(
            f"the launcher was checked against ministack {EMULATOR_VERSION}, found {installed}: "
            "re-check each patch in tools/local_stack/launcher/, then update EMULATOR_VERSION"
        )
    limit = workers_per_function()
    _run_workers_on(runtime_python)
    _report_error_types()
    _fire_cognito_triggers()
    _keep_cors_preflight_responses()
    _shorten_idle_log_wait()
    _know_event_condition_keys()
    _accept_only_id_tokens()
    # Before patch 10, which wraps Cognito's dispatcher in turn.
    _delete_user_attributes_by_admin()
    _enforce_cognito_client_rules()
    _bound_worker_pools(limit)
    # Before patch 12, which takes the function patch 17 wraps.
    _configure_async_invocations_per_alias()
    _invoke_rule_targets_asynchronously()
    _authorize_converse_as_invoke_model()
    _provision_ses_templates()
    _authorize_sending_on_the_sender()


def workers_per_function() -> int:
    raw = os.environ.get(WORKERS_PER_FUNCTION, str(DEFAULT_WORKERS_PER_FUNCTION))
    if not raw.isdigit() or int(raw) < 1:
        raise RuntimeError(f"{WORKERS_PER_FUNCTION} must be a whole number of at least 1, not {raw!r}")
    return int(raw)


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


__all__ = [
    "DEFAULT_WORKERS_PER_FUNCTION",
    "EMULATOR_VERSION",
    "WORKERS_PER_FUNCTION",
    "ApiFront",
    "apply_patches",
    "original",
    "prepare_environment",
    "put_events_entries",
    "serve",
    "stop_workers",
    "workers_per_function",
]
