"""`make invoke FN=<LogicalId> EVENT=events/<function>/<file>.json`: the Docker-free `sam local invoke`.

Runs the function on the local stack (started for the call when none is running) with its template
environment and the layer, prints its return value as JSON on stdout and its logs on stderr, and exits
non-zero, with the error, when the handler raised."""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tools import template
from tools.local_stack import stack

USAGE = "usage: make invoke FN=<LogicalId> EVENT=events/<function>/<file>.json"


def running_stack() -> dict[str, Any] | None:
    """The state `make run` wrote, if that run is still alive and answering."""
    try:
        state: dict[str, Any] = json.loads(stack.STATE_FILE.read_text())
        os.kill(state["pid"], 0)
    except (OSError, ValueError, KeyError):
        return None
    return state if stack.healthy(state["gateway_port"]) else None


@contextmanager
def local_stack() -> Iterator[dict[str, Any]]:
    state = running_stack()
    if state is not None:
        yield state
        return
    print("no local stack is running; starting one for this call ...", file=sys.stderr)
    child = subprocess.Popen(
        [sys.executable, "-m", "tools.local_stack"],
        cwd=template.ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert child.stdout is not None
        for line in child.stdout:
            if line.strip() == "ready":
                break
        else:
            raise SystemExit("the local stack did not start: run make run to see why")
        state = running_stack()
        if state is None:
            raise SystemExit("the local stack started but left no state behind")
        yield state
    finally:
        child.send_signal(signal.SIGINT)
        child.wait(timeout=30)


def refusal(reason: str) -> int:
    names = ", ".join(function.logical_id for function in template.functions())
    print(f"{reason}\nfunctions: {names}\n{USAGE}", file=sys.stderr)
    return 2


def read_event(path_text: str) -> Any:
    path = Path(path_text)
    if not path_text or not path.is_file():
        raise FileNotFoundError(path_text)
    try:
        return json.loads(path.read_text())
    except ValueError as error:
        raise SystemExit(f"{path_text} is not JSON: {error}") from error


def main(argv: list[str]) -> int:
    logical_id, event_path = [*argv, "", ""][:2]
    if logical_id not in {function.logical_id for function in template.functions()}:
        return refusal(f"unknown function {logical_id!r}")
    try:
        event = read_event(event_path)
    except FileNotFoundError:
        return refusal(f"no event file {event_path!r} (the sample events are in events/<function>/)")
    with local_stack() as state:
        lambda_client = stack.client("lambda", state["gateway_port"])
        answer = lambda_client.invoke(
            FunctionName=state["functions"][logical_id], Payload=json.dumps(event).encode(), LogType="Tail"
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
