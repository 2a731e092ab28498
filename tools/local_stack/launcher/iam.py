"""8. IAM's `events:source` and `events:detail-type` condition keys are known on PutEvents."""

from __future__ import annotations

import inspect
import json
import threading
from typing import Any

from tools.local_stack.launcher.signatures import original

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
