"""Call usage's figures for `make bench`: on a fresh local stack, Twilio's call-status webhook through the API
port (a signed completed callback for a number of an onboarding, each a new call, so each is verified, looked
up and counted in its transaction), beside GET /me, the baseline route, interleaved in the same run; and the
usage route. p50 of ROUNDS after one round that warms every function on the path. The cold starts of the two
functions are in the main table (tools/bench.py), against the foundation baseline."""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

from tools import template

AGENTS_CODE = str(template.ROOT / "functions" / "agents")
ROUNDS = 30
PATH = "/webhooks/twilio/call-status"


def timed(request: Callable[[], int], expected: int) -> float:
    started = time.perf_counter()
    status = request()
    elapsed = time.perf_counter() - started
    if status != expected:
        raise RuntimeError(f"answered {status}, not {expected}")
    return elapsed


def measure(root: Path) -> dict[str, list[float]]:
    import requests
    from twilio.request_validator import RequestValidator  # type: ignore[import-untyped]  # no stubs

    from colmena.repository import to_attributes
    from tools.local_stack.process import StackProcess
    from tools.local_stack.stack import LocalValues

    with StackProcess(root=root).start() as running:
        _, token = running.new_user("bench-usage")
        headers = {"Authorization": token}
        created = requests.post(
            f"{running.api}/onboarding/business-info", json={"country": "ES"}, headers=headers, timeout=30
        )
        onboarding = created.json()["onboarding_id"]
        number = f"+3491{uuid.uuid4().int % 10**7:07d}"
        running.client("dynamodb").put_item(
            TableName=running.state["outputs"]["AgentsTableName"],
            Item=to_attributes({"pk": f"PHONE_NUMBER#{number}", "sk": "PHONE_NUMBER", "onboarding_id": onboarding}),
        )
        name = running.state["functions"]["TwilioCallStatusFunction"]
        variables = running.client("lambda").get_function_configuration(FunctionName=name)["Environment"]["Variables"]
        signed_url = variables["PUBLIC_API_BASE_URL"].rstrip("/") + PATH
        validator = RequestValidator(LocalValues.read().secrets["TwilioSecretName"]["auth_token"])

        def callback() -> int:
            form = {"CallSid": f"CA{uuid.uuid4().hex}", "CallStatus": "completed", "CallDuration": "61",
                    "To": number, "From": "+34600111222", "CallerName": "", "Direction": "inbound"}  # fmt: skip
            signed = {"Content-Type": "application/x-www-form-urlencoded",
                      "X-Twilio-Signature": validator.compute_signature(signed_url, form)}  # fmt: skip
            return requests.post(f"{running.api}{PATH}", data=urlencode(form), headers=signed, timeout=30).status_code

        def me() -> int:
            return requests.get(f"{running.api}/me", headers=headers, timeout=30).status_code

        def usage() -> int:
            return requests.get(f"{running.api}/onboarding/{onboarding}/usage", headers=headers, timeout=30).status_code

        samples: dict[str, list[float]] = {"webhook": [], "me": [], "usage": []}
        for round_number in range(ROUNDS + 1):
            row = {"webhook": timed(callback, 204), "me": timed(me, 200), "usage": timed(usage, 200)}
            if round_number:  # the first warms every function on the path
                for key, seconds in row.items():
                    samples[key].append(seconds)
        final = requests.get(f"{running.api}/onboarding/{onboarding}/usage", headers=headers, timeout=30).json()
        if final["calls"] != ROUNDS + 1 or final["minutes"] != 2 * (ROUNDS + 1):
            raise RuntimeError(f"the bench's calls were not each counted once: {final}")
    return samples


def main() -> None:
    if AGENTS_CODE not in sys.path:  # the repository's item helpers, for the set-up
        sys.path.insert(0, AGENTS_CODE)
    from tools.local_stack.process import scratch_copy

    with tempfile.TemporaryDirectory() as scratch:
        samples = measure(scratch_copy(Path(scratch)))
    print(f"\nCall usage on the local stack through the API port, p50 of {ROUNDS} interleaved rounds")
    webhook, me = statistics.median(samples["webhook"]), statistics.median(samples["me"])
    label = "POST /webhooks/twilio/call-status (counted)"
    print(f"{label:44} p50 {webhook * 1000:6.0f} ms  ({webhook / me:4.2f}x GET /me)")
    print(f"{'GET /me (baseline)':44} p50 {me * 1000:6.0f} ms")
    print(f"{'GET /onboarding/{id}/usage':44} p50 {statistics.median(samples['usage']) * 1000:6.0f} ms")


if __name__ == "__main__":
    main()
