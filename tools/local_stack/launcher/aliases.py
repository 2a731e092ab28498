"""17. An asynchronous invocation of an alias (rule targets, S3 notifications) follows the alias's own
EventInvokeConfig."""

from __future__ import annotations

import functools
from typing import Any

from tools.local_stack.launcher.signatures import original

# --- 17. An alias's EventInvokeConfig ---------------------------------------------------------------


def _configure_async_invocations_per_alias() -> None:
    """With `AutoPublishAlias`, SAM points every trigger at the alias (`fn:live`) and puts the function's
    EventInvokeConfig on that qualifier. On AWS, an asynchronous invocation of `fn:live` is retried and sent to
    its on-failure destination as the `live` configuration says. MiniStack resolves the alias to its version's
    record, which carries no configuration, so its asynchronous path (`invoke_async_with_retry`, which patch 12
    sends rule targets through, and which S3 notifications use) falls back to 2 retries and no destination: a
    failing consumer's event is lost. The record resolved for a qualified ARN or name now carries the
    configuration of that qualifier, as on AWS (none when the qualifier has none: no fallback to the function's
    unqualified one)."""
    from ministack.services import lambda_svc

    find = original(
        lambda_svc,
        "_get_func_record_for_ref",
        "(function_ref: str) -> tuple[dict | None, dict | None, str]",
    )
    find_function = original(
        lambda_svc,
        "_get_base_func_record_for_ref",
        "(function_ref: str) -> tuple[dict | None, dict | None, str]",
    )
    name_and_qualifier = original(
        lambda_svc, "_resolve_name_and_qualifier", "(name_or_arn: str) -> tuple[str, str | None]"
    )

    # Same signature as MiniStack's, which patch 12 checks when it takes this function after it.
    @functools.wraps(find)
    def find_with_the_qualifiers_configuration(function_ref: str) -> tuple[Any, Any, str]:
        record, config, name = find(function_ref)
        _, qualifier = name_and_qualifier(function_ref)
        if record is None or qualifier in (None, "$LATEST"):
            return record, config, name
        function, _, _ = find_function(function_ref)
        configured = ((function or {}).get("event_invoke_configs") or {}).get(qualifier)
        # A copy: the version's record is shared by every alias that points at it.
        return {**record, "event_invoke_config": configured}, config, name

    lambda_svc._get_func_record_for_ref = find_with_the_qualifiers_configuration
