"""12. An EventBridge rule's event reaches its function as Lambda's asynchronous invocation: retried, then kept."""

from __future__ import annotations

import json
from typing import Any

from tools.local_stack.launcher.signatures import original

# --- 12. EventBridge → Lambda with the function's asynchronous retries and on-failure destination ----------


def _invoke_rule_targets_asynchronously() -> None:
    """MiniStack runs a rule's Lambda target once in a thread, so a failing consumer's event is lost: no retry,
    nothing in its `EventInvokeConfig` on-failure queue. On AWS, EventBridge hands the event to Lambda's
    asynchronous invocation, which retries it (`MaximumRetryAttempts`) and then sends it, with the error, to
    the on-failure destination or dead-letter queue. MiniStack already models that path for its other async
    sources (`invoke_async_with_retry`, backoff shortened to seconds); rule targets are sent through it."""
    from ministack.services import eventbridge, lambda_svc

    original(eventbridge, "_dispatch_to_lambda", "(arn, payload)")
    find = original(
        lambda_svc,
        "_get_func_record_for_ref",
        "(function_ref: str) -> tuple[dict | None, dict | None, str]",
    )
    execution_record = original(lambda_svc, "_execution_record_for_config", "(func: dict, config: dict) -> dict")
    invoke_async = original(lambda_svc, "invoke_async_with_retry", "(func: dict, event: dict) -> None")

    def dispatch_as_async_invocation(arn: str, payload: Any) -> None:
        try:
            event = json.loads(payload)
        except (json.JSONDecodeError, TypeError):
            event = {"body": payload}  # as MiniStack does: a target input that is not JSON arrives wrapped
        func, config, name = find(arn)
        if not func or not config:
            eventbridge.logger.warning("EventBridge → Lambda: function %s not found", name)
            return
        invoke_async(execution_record(func, config), event)

    eventbridge._dispatch_to_lambda = dispatch_as_async_invocation
