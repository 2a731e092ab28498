"""`make invoke FN=<LogicalId> EVENT=events/<function>/<file>.json`: the Docker-free `sam local invoke`.

Runs the function on the local stack (started for the call when none is running) with its template
environment and the layer, prints its return value as JSON on stdout and its logs on stderr. Exits 2 for a
usage error (an unknown function, a missing or malformed event file) and 1, with the error, when the handler
raised. (`make` itself exits 2 whenever a command fails, so scripts that tell the two apart call
`.venv/bin/python -m tools.local_stack.invoke FN EVENT` directly.)

A sample's `Stripe-Signature` header of `$signed-now` is replaced by the signature Stripe would send at the time
of the call, with the local Stripe secret's webhook secret: a signature written into the file would be stale
five minutes later."""

from __future__ import annotations

import base64
import json
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tools import template
from tools.local_stack import stack
from tools.local_stack.process import StackProcess
from tools.local_stripe.webhooks import signature_header

USAGE = "usage: make invoke FN=<LogicalId> EVENT=events/<function>/<file>.json"
SIGNED_NOW = "$signed-now"
STRIPE_SIGNATURE = "Stripe-Signature"


def running_stack() -> dict[str, Any] | None:
    """The state of a `make run` of this checkout that is still alive and answering, the default port's
    first."""
    default = stack.state_file(stack.DEFAULT_GATEWAY_PORT)
    for path in sorted(stack.STATE_DIR.glob("*.json"), key=lambda path: path != default):
        try:
            state: dict[str, Any] = json.loads(path.read_text())
            os.kill(state["pid"], 0)
        except (OSError, ValueError, KeyError):
            continue
        if stack.healthy(state["gateway_port"]):
            return state
    return None


@contextmanager
def local_stack() -> Iterator[dict[str, Any]]:
    state = running_stack()
    if state is not None:
        yield state
        return
    print("no local stack is running; starting one for this call ...", file=sys.stderr)
    with StackProcess(root=template.ROOT).start() as started:
        yield started.state


def refusal(reason: str) -> int:
    names = ", ".join(function.logical_id for function in template.functions())
    print(f"{reason}\nfunctions: {names}\n{USAGE}", file=sys.stderr)
    return 2


def read_event(path_text: str) -> Any:
    path = Path(path_text)
    if not path_text or not path.is_file():
        raise FileNotFoundError(path_text)
    return json.loads(path.read_text())


def signed_now(event: Any, values: stack.LocalValues) -> Any:
    """`event` with a `$signed-now` Stripe-Signature signed over its body, now, as the local Stripe signs."""
    headers = event.get("headers") if isinstance(event, dict) else None
    if not isinstance(headers, dict) or headers.get(STRIPE_SIGNATURE) != SIGNED_NOW:
        return event
    secret = values.secrets[stack.STRIPE_PARAMETER]["webhook_secret"]
    signature = signature_header(str(event.get("body") or "").encode(), secret, int(time.time()))
    return {**event, "headers": {**headers, STRIPE_SIGNATURE: signature}}


def main(argv: list[str]) -> int:
    logical_id, event_path = [*argv, "", ""][:2]
    if logical_id not in {function.logical_id for function in template.functions()}:
        return refusal(f"unknown function {logical_id!r}")
    try:
        event = read_event(event_path)
    except FileNotFoundError:
        return refusal(f"no event file {event_path!r} (the sample events are in events/<function>/)")
    except ValueError as malformed:
        return refusal(f"{event_path} is not JSON: {malformed}")
    event = signed_now(event, stack.LocalValues.read())
    with local_stack() as state:
        lambda_client = stack.client("lambda", state["gateway_port"])
        # The alias the function's triggers invoke (AutoPublishAlias), so that this runs the version they run,
        # on the same workers.
        alias = stack.Watched.of(template.template()).aliases.get(logical_id)
        answer = lambda_client.invoke(
            FunctionName=state["functions"][logical_id],
            Payload=json.dumps(event).encode(),
            LogType="Tail",
            **({"Qualifier": alias} if alias else {}),
        )
    if answer.get("LogResult"):
        sys.stderr.write(base64.b64decode(answer["LogResult"]).decode(errors="replace"))
    payload = json.loads(answer["Payload"].read() or b"null")
    if answer.get("FunctionError"):
        error = f"{payload.get('errorType')}: {payload.get('errorMessage')}"
        print(f"{logical_id} raised {error}", file=sys.stderr)
        return 1
    print(json.dumps(payload, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
