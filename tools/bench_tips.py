"""The tips' figures for `make bench`, each beside its baseline in the same run: the cold start of the tip and
webhook functions with the `stripe` import their first Stripe call adds; the webhook's warm throughput (events
per second, one process, moto) with Powertools idempotency on and, in the same run, off; and on the local stack
with the local Stripe, a tip from its POST to completed (the signed webhook applied), p50."""

from __future__ import annotations

import contextlib
import io
import json
import os
import statistics
import time
import uuid
import warnings
from pathlib import Path
from typing import Any

from tools import template

TIP_FUNCTIONS = ("LiveTipsFunction", "LiveStripeWebhookFunction")
LIVE_CODE = str(template.ROOT / "functions" / "live")
EVENTS = 200
E2E_TIPS = 20
WAIT_S = 20
# The handler, then what its first call to Stripe (or first signature check) imports.
IMPORT_HANDLER_AND_STRIPE = "import sys; sys.path[:0] = sys.argv[1:3]; __import__(sys.argv[3]); import stripe"


def stripe_cold_starts(build_dir: Path, functions: tuple[str, ...] = TIP_FUNCTIONS) -> list[tuple[str, float, float]]:
    """The functions' import in a fresh process as Lambda runs it, alone and followed by `import stripe` (what
    their first request adds), beside the REST baseline, interleaved."""
    from tools.bench import IMPORT_HANDLER, REST_BASELINE, RUNS, lambda_like_environment, process_seconds
    from tools.local_stack.package import LAYER_SOURCE, installed_requirements

    baseline_packages = str(installed_requirements(LAYER_SOURCE / "requirements.txt"))
    layer = str(build_dir / "SharedLayer" / "python")
    rows = []
    for logical_id in functions:
        function = template.function(logical_id)
        code_dir = build_dir / logical_id
        handler: list[float] = []
        with_stripe: list[float] = []
        baseline: list[float] = []
        for _ in range(RUNS):
            baseline.append(
                process_seconds(["-c", REST_BASELINE, baseline_packages], lambda_like_environment(None), code_dir)
            )
            for script, samples in ((IMPORT_HANDLER, handler), (IMPORT_HANDLER_AND_STRIPE, with_stripe)):
                arguments = ["-c", script, str(code_dir), layer, function.module]
                samples.append(process_seconds(arguments, lambda_like_environment(function), code_dir))
        rows.append((logical_id, statistics.median(handler), statistics.median(baseline)))
        rows.append((f"{logical_id} + stripe", statistics.median(with_stripe), statistics.median(baseline)))
    return rows


def webhook_throughput() -> list[tuple[str, float]]:
    """Events applied per second by one warm webhook process (moto): each a signed payment_intent.succeeded
    completing its own pending tip (the message, the bus, the announcement), with idempotency on, then off."""
    import boto3
    from moto import mock_aws

    from live.tips.repository import TipRepository
    from live.tips.rules import Tip, TipStatus
    from tests.stripe_events import SECRET, delivery, stripe_event
    from tools.handlers import LambdaContext, load_module

    os.environ.update(AWS_DEFAULT_REGION="us-east-1", AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench")
    os.environ.update(POWERTOOLS_TRACE_DISABLED="true", POWERTOOLS_LOG_LEVEL="WARNING")
    rows = []
    with mock_aws():
        dynamodb = boto3.client("dynamodb")
        for definition in template.table_definitions().values():
            dynamodb.create_table(**definition)
        boto3.client("events").create_event_bus(Name=template.resolve({"Ref": "EventBus"}))
        boto3.client("secretsmanager").create_secret(
            Name=template.resolve({"Ref": "StripeSecretName"}), SecretString=json.dumps(SECRET)
        )
        function = template.function("LiveStripeWebhookFunction")
        os.environ.update({**function.environment, "POWERTOOLS_LOG_LEVEL": "WARNING"})
        webhook = load_module(function)
        tips = TipRepository(dynamodb, "LiveTable")
        context = LambdaContext()

        def pending_tip() -> str:
            tip_id = str(uuid.uuid4())
            now = "2026-11-25T22:00:00.000+00:00"
            tip = Tip(tip_id, "bench-session", "fan", "dj", "acct_bench", 500, "eur", 50, tip_id,
                      TipStatus.PENDING, now, now)  # fmt: skip
            tips.create_tip(tip)
            tips.attach_payment_intent(tip, f"pi_{tip_id}", "secret", now)
            return f"pi_{tip_id}"

        for label, disabled in (("on", "false"), ("off", "true")):
            os.environ["POWERTOOLS_IDEMPOTENCY_DISABLED"] = disabled
            requests = []
            for _ in range(EVENTS + 1):
                event = stripe_event("payment_intent_succeeded.json", id=f"evt_{uuid.uuid4().hex}")
                event["data"]["object"]["id"] = pending_tip()
                requests.append(delivery(event))
            with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                webhook.lambda_handler(requests[0], context)  # warm: the stripe import, the secret
                started = time.perf_counter()
                for request in requests[1:]:
                    answer = webhook.lambda_handler(request, context)
                    assert answer["statusCode"] == 200, answer["body"]
                seconds = time.perf_counter() - started
            rows.append((f"Stripe webhook, idempotency {label} (moto)", EVENTS / seconds))
        os.environ.pop("POWERTOOLS_IDEMPOTENCY_DISABLED", None)
    return rows


def tip_to_completed(root: Path) -> tuple[list[float], list[float]]:
    """On a fresh local stack with the local Stripe: a DJ made payable, then E2E_TIPS tips, each timed from its
    POST to its answer (created), and from its POST until the webhook has completed it (the card confirmed
    right after the answer, through the unmodified stripe library)."""
    import requests
    import stripe

    from live.tips.repository import TipRepository
    from live.tips.rules import TipStatus
    from tools.local_stack.process import StackProcess, sign_in, sign_up_and_confirm
    from tools.local_stack.stack import LocalValues

    with StackProcess(root=root).start() as running:
        cognito = running.client("cognito-idp")
        client_id = str(running.state["outputs"]["UserPoolClientId"])

        def person(name: str) -> str:
            email = f"{name}-{uuid.uuid4().hex[:8]}@example.com"
            sign_up_and_confirm(cognito, client_id, email)
            return sign_in(cognito, client_id, email)

        def post(token: str, path: str, **body: Any) -> dict[str, Any]:
            answer = requests.post(
                f"{running.api}{path}", headers={"Authorization": token}, json=body or None, timeout=30
            )
            assert answer.status_code < 300, answer.text
            result: dict[str, Any] = answer.json()
            return result

        dj, fan = person("bench-dj"), person("bench-fan")
        requests.get(post(dj, "/me/stripe/connect")["url"], timeout=30)
        _wait(lambda: post(dj, "/me/stripe/connect")["payable"])
        session = post(dj, "/sessions", title="Bench tips", tips_enabled=True)["session_id"]
        post(dj, f"/sessions/{session}/start")
        api_key = LocalValues.read().secrets["StripeSecretName"]["api_key"]
        client = stripe.StripeClient(api_key, base_addresses={"api": running.stripe})
        tips = TipRepository(running.client("dynamodb"), running.state["physical_ids"]["LiveTable"])
        created, completed = [], []
        for n in range(E2E_TIPS + 1):
            started = time.perf_counter()
            tip = post(fan, f"/sessions/{session}/tips", amount=500, currency="eur")
            answered = time.perf_counter()
            client.v1.payment_intents.confirm(tip["payment_intent_id"], params={"payment_method": "pm_card_visa"})
            _wait(lambda tip=tip: _status(tips, tip["tip_id"]) is TipStatus.COMPLETED, poll=0.005)
            if n:  # the first warms every function on the path
                created.append(answered - started)
                completed.append(time.perf_counter() - started)
    return created, completed


def _status(tips: Any, tip_id: str) -> Any:
    tip = tips.get_tip(tip_id)
    return tip.status if tip else None


def _wait(done: Any, poll: float = 0.2) -> None:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        if done():
            return
        time.sleep(poll)
    raise RuntimeError(f"not done within {WAIT_S} s")


def main(build_dir: Path) -> None:
    import sys

    if LIVE_CODE not in sys.path:  # the repository and the rules, for the measurements' own set-up
        sys.path.insert(0, LIVE_CODE)
    from tools.bench import TARGET_RATIO
    from tools.local_stack.process import scratch_copy

    print(f"\nTips: cold start with the stripe import their first call adds (target <= {TARGET_RATIO}x plus it)")
    for name, seconds, baseline in stripe_cold_starts(build_dir):
        print(f"{name:44} {seconds * 1000:8.0f} ms  baseline {baseline * 1000:5.0f} ms  {seconds / baseline:5.2f}x")
    on, off = (rate for _, rate in webhook_throughput())
    print(f"\nStripe webhook, warm, one process (moto), {EVENTS} events each completing a tip")
    print(f"{'idempotency on':44} {on:8.1f} events/s")
    print(f"{'idempotency off':44} {off:8.1f} events/s  (on costs {off / on:4.2f}x; target <= 2x)")
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        created, completed = tip_to_completed(scratch_copy(Path(scratch)))
    print(f"\nA tip on the local stack with the local Stripe, {E2E_TIPS} tips after one that warms the path")
    print(f"{'POST /tips answered (created)':44} p50 {statistics.median(created) * 1000:6.0f} ms")
    print(f"{'POST /tips to completed (webhook applied)':44} p50 {statistics.median(completed) * 1000:6.0f} ms")


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(template.ROOT / "layers" / "shared"))
    from tools.build_host import build_for_host

    main(build_for_host())
