"""1, 2 and 5: the workers run the runtime environment's Python; a handler's exception is reported by its class
name (`errorType`), as on AWS; a warm invocation that logs nothing does not wait a fixed 50 ms for logs."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from tools.local_stack.launcher.signatures import original

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
        raise RuntimeError(
            "MiniStack's python worker script changed: re-check patch 1 in tools/local_stack/launcher/runtime.py"
        )
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
