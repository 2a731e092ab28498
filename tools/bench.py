"""`make bench`: cold starts and warm durations, each beside a baseline measured in the same run.

Cold start, as Lambda runs it: a fresh Python 3.13 process (the runtime environment: boto3 only) importing
the handler module from the `sam build` output for this machine, with its layer and template environment and
no bytecode written (Lambda's code folders are read-only, so what the artifact does not ship compiled is
compiled at every cold start), median of RUNS. Beside it, interleaved, the ideal baseline: a process that
imports only Powertools' Logger, Tracer, Metrics and REST resolver and creates one DynamoDB client, with
pydantic and the resolver's validation for a REST function, from packages installed and compiled once
outside the build. Warm: one handler call in process against moto, median of CALLS."""

from __future__ import annotations

import contextlib
import io
import os
import statistics
import subprocess
import sys
import time
import uuid
import warnings
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "layers" / "shared"), str(ROOT)]

from tools import template  # noqa: E402
from tools.build_host import build_for_host  # noqa: E402

RUNS = 11
CALLS = 200
RUNTIME_PYTHON = ROOT / ".venv-runtime" / "bin" / "python"
TARGET_RATIO = 1.2
GET_ME = "GET /me (moto)"

# The least a function of this project can import: Powertools' Logger, Tracer, Metrics and REST resolver and
# one DynamoDB client; a REST function validates its bodies, so it adds a pydantic model and the validation.
BASELINE = """
import sys; sys.path.insert(0, sys.argv[1])
from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
import boto3
Logger(); Tracer(); Metrics(); APIGatewayRestResolver()
boto3.client("dynamodb")
"""
REST_BASELINE = f"""{BASELINE}
from pydantic import BaseModel
class Body(BaseModel):
    name: str
APIGatewayRestResolver(enable_validation=True)
"""
IMPORT_HANDLER = "import sys; sys.path[:0] = sys.argv[1:3]; __import__(sys.argv[3])"


def lambda_like_environment(function: template.Function | None) -> dict[str, str]:
    environment = dict(function.environment) if function else {}
    return {
        **environment,
        "PATH": os.environ["PATH"],
        # Lambda's code folders are read-only: nothing a cold start compiles is kept for the next one.
        "PYTHONDONTWRITEBYTECODE": "1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_LAMBDA_FUNCTION_NAME": function.logical_id if function else "Baseline",
        "POWERTOOLS_SERVICE_NAME": environment.get("POWERTOOLS_SERVICE_NAME", "bench"),
    }


def process_seconds(arguments: list[str], environment: dict[str, str], cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run([str(RUNTIME_PYTHON), "-s", "-B", *arguments], env=environment, cwd=cwd, check=True)
    return time.perf_counter() - started


def is_rest(function: template.Function) -> bool:
    return any(event["Type"] == "Api" for event in function.properties.get("Events", {}).values())


def cold_starts(build_dir: Path) -> list[tuple[str, float, float]]:
    """Each built function's import in a fresh process, as Lambda runs it (the runtime's boto3, the function
    and its layer, no bytecode written), beside the baseline installed and compiled once outside the build."""
    from tools.local_stack.package import LAYER_SOURCE, installed_requirements

    baseline_packages = installed_requirements(LAYER_SOURCE / "requirements.txt")
    assert baseline_packages, "the layer has no requirements to measure against"
    layer = str(build_dir / "SharedLayer" / "python")
    rows = []
    for function in template.functions():
        code_dir = build_dir / function.logical_id
        baseline = REST_BASELINE if is_rest(function) else BASELINE
        handler_times, baseline_times = [], []
        for _ in range(RUNS):  # interleaved, so both see the same machine load
            baseline_times.append(
                process_seconds(["-c", baseline, str(baseline_packages)], lambda_like_environment(None), code_dir)
            )
            handler_times.append(
                process_seconds(
                    ["-c", IMPORT_HANDLER, str(code_dir), layer, function.module],
                    lambda_like_environment(function),
                    code_dir,
                )
            )
        rows.append((function.logical_id, statistics.median(handler_times), statistics.median(baseline_times)))
    return rows


def warm_durations() -> list[tuple[str, list[float]]]:
    import boto3
    from moto import mock_aws

    from tools.handlers import LambdaContext, load_module, sample_event

    os.environ.update(AWS_DEFAULT_REGION="us-east-1", AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench")
    os.environ.update(POWERTOOLS_TRACE_DISABLED="true", POWERTOOLS_LOG_LEVEL="WARNING")
    rows = []
    with mock_aws():
        dynamodb = boto3.client("dynamodb")
        for definition in template.table_definitions().values():
            dynamodb.create_table(**definition)
        boto3.client("events").create_event_bus(Name=template.resolve({"Ref": "EventBus"}))

        def loaded(logical_id: str) -> Any:
            function = template.function(logical_id)
            os.environ.update({**function.environment, "POWERTOOLS_LOG_LEVEL": "WARNING"})
            return load_module(function), function.events_dir

        post_confirmation, events = loaded("PostConfirmationFunction")
        sign_up = sample_event(events / "confirm_sign_up.json")

        def new_user_event() -> dict[str, Any]:
            sub = str(uuid.uuid4())
            attributes = {**sign_up["request"]["userAttributes"], "sub": sub}
            return {**sign_up, "userName": sub, "request": {"userAttributes": attributes}}

        # GET /me first, while the table holds only the sample user: moto's query reads the whole table.
        with contextlib.redirect_stdout(io.StringIO()):
            post_confirmation.lambda_handler(sign_up, LambdaContext())
        api, api_events = loaded("IdentityApiFunction")
        get_me = sample_event(api_events / "get_me.json")
        rows.append((GET_ME, timed(api.lambda_handler, lambda: get_me)))
        rows.append(("PostConfirmation, new user (moto)", timed(post_confirmation.lambda_handler, new_user_event)))
        rows.append(
            (
                "PostConfirmation, retried delivery (moto)",
                timed(post_confirmation.lambda_handler, lambda: sign_up),
            )
        )

    return rows


def timed(handler: Any, make_event: Any) -> list[float]:
    from tools.handlers import LambdaContext

    context = LambdaContext()
    samples = []
    # Metrics print their EMF lines on stdout; the table is what this command prints.
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        handler(make_event(), context)  # the first call pays for lazy imports; warm means after it
        for _ in range(CALLS):
            event = make_event()
            started = time.perf_counter()
            handler(event, context)
            samples.append(time.perf_counter() - started)
    return samples


def main() -> int:
    if not RUNTIME_PYTHON.exists():
        print("the runtime environment is missing: run make install", file=sys.stderr)
        return 1
    print("building for this machine's architecture ...", file=sys.stderr)
    build_dir = build_for_host()
    print(f"\nCold start as Lambda runs it: whole process, no bytecode written, median of {RUNS}")
    print(f"{'function':32} {'handler ms':>11} {'baseline ms':>12} {'ratio':>7}  target <= {TARGET_RATIO}x")
    for name, handler_seconds, baseline_seconds in cold_starts(build_dir):
        ratio = handler_seconds / baseline_seconds
        verdict = "ok" if ratio <= TARGET_RATIO else "OVER"
        handler_ms, baseline_ms = handler_seconds * 1000, baseline_seconds * 1000
        print(f"{name:32} {handler_ms:11.0f} {baseline_ms:12.0f} {ratio:6.2f}x  {verdict}")
    print("baseline: Powertools' Logger, Tracer, Metrics, REST resolver and a DynamoDB client; REST functions'")
    print("          also a pydantic model and the resolver's validation")
    print(f"\nWarm handler call in process, median of {CALLS}")
    warm = warm_durations()
    for name, samples in warm:
        print(f"{name:44} {statistics.median(samples) * 1000:8.2f} ms")
    from tools import bench_local_stack

    bench_local_stack.main(in_process_get_me=dict(warm)[GET_ME])
    from tools import bench_tips

    bench_tips.main(build_dir)
    from tools import bench_bookings

    bench_bookings.main(build_dir)

    from tools import bench_agents

    bench_agents.main(build_dir)

    from tools import bench_knowledge

    bench_knowledge.main(build_dir)

    from tools import bench_appointments

    bench_appointments.main()
    from tools import bench_providers

    bench_providers.main(build_dir)
    from tools import bench_checkout

    bench_checkout.main(build_dir)
    from tools import bench_usage

    bench_usage.main()

    from tools import bench_deployment

    bench_deployment.main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
