"""Bookings' organisations and catalogue in `make bench`, each beside its baseline in the same run: the cold
start of the two functions as Lambda runs them against the foundation's REST baseline, and on the local stack
a warm GET /professionals/{id} through the API port interleaved with GET /me, so both see the same load."""

from __future__ import annotations

import http.client
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

from tools import template

FUNCTIONS = ("BookingsOrganizationsFunction", "BookingsCatalogFunction")
SAMPLES = 200
WARM_UP = 10


def cold_starts(build_dir: Path) -> list[tuple[str, float, float]]:
    """Each function's import in a fresh process (the runtime's boto3, its code and the layer), beside the REST
    baseline, interleaved."""
    from tools.bench import IMPORT_HANDLER, REST_BASELINE, RUNS, lambda_like_environment, process_seconds
    from tools.local_stack.package import LAYER_SOURCE, installed_requirements

    baseline_packages = str(installed_requirements(LAYER_SOURCE / "requirements.txt"))
    layer = str(build_dir / "SharedLayer" / "python")
    rows = []
    for logical_id in FUNCTIONS:
        function = template.function(logical_id)
        code_dir = build_dir / logical_id
        handler: list[float] = []
        baseline: list[float] = []
        for _ in range(RUNS):
            baseline.append(
                process_seconds(["-c", REST_BASELINE, baseline_packages], lambda_like_environment(None), code_dir)
            )
            arguments = ["-c", IMPORT_HANDLER, str(code_dir), layer, function.module]
            handler.append(process_seconds(arguments, lambda_like_environment(function), code_dir))
        rows.append((logical_id, statistics.median(handler), statistics.median(baseline)))
    return rows


def reads_beside_get_me(root: Path) -> tuple[list[float], list[float]]:
    """On a fresh local stack: an owner creates an organisation and a professional, refreshes the session, then
    alternates GET /me and GET /professionals/{id} on one kept-alive connection to the API port."""
    import requests

    from tools.local_stack.process import PASSWORD, StackProcess, sign_up_and_confirm

    with StackProcess(root=root).start() as running:
        cognito = running.client("cognito-idp")
        client_id = str(running.state["outputs"]["UserPoolClientId"])
        email = f"bench-owner-{uuid.uuid4().hex[:8]}@example.com"
        sign_up_and_confirm(cognito, client_id, email)
        session = cognito.initiate_auth(
            ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": email, "PASSWORD": PASSWORD}
        )["AuthenticationResult"]
        body = {"name": "Bench", "slug": f"bench-{uuid.uuid4().hex[:8]}", "industry": "clinic"}
        created = requests.post(
            f"{running.api}/organizations",
            json={**body, "timezone": "Europe/Madrid", "language": "es"},
            headers={"Authorization": session["IdToken"]},
            timeout=30,
        )
        assert created.status_code == 201, created.text
        token = cognito.initiate_auth(
            ClientId=client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": session["RefreshToken"]},
        )["AuthenticationResult"]["IdToken"]
        schedule = {day: [{"start": "09:00", "end": "14:00"}, {"start": "15:00", "end": "19:00"}]
                    for day in ("mon", "tue", "wed", "thu", "fri")}  # fmt: skip
        professional = requests.post(
            f"{running.api}/professionals",
            json={"name": "Pablo", "weekly_schedule": schedule},
            headers={"Authorization": token},
            timeout=30,
        )
        assert professional.status_code == 201, professional.text
        path = f"/professionals/{professional.json()['professional_id']}"
        parts = urlsplit(running.api)
        connection = http.client.HTTPConnection(str(parts.hostname), parts.port, timeout=10)
        me: list[float] = []
        read: list[float] = []
        for n in range(WARM_UP + SAMPLES):
            for target, samples in (("/me", me), (path, read)):
                started = time.perf_counter()
                connection.request("GET", target, headers={"Authorization": token})
                answer = connection.getresponse()
                answer.read()
                assert answer.status == 200, (target, answer.status)
                if n >= WARM_UP:
                    samples.append(time.perf_counter() - started)
        connection.close()
    return me, read


def main(build_dir: Path) -> None:
    from tools.bench import TARGET_RATIO
    from tools.bench_local_stack import row
    from tools.local_stack.process import scratch_copy

    print(f"\nBookings: cold start as Lambda runs it, beside the REST baseline (target <= {TARGET_RATIO}x)")
    for name, seconds, baseline in cold_starts(build_dir):
        print(f"{name:44} {seconds * 1000:8.0f} ms  baseline {baseline * 1000:5.0f} ms  {seconds / baseline:5.2f}x")
    with tempfile.TemporaryDirectory(prefix="colmena-bench-") as scratch:
        me, read = reads_beside_get_me(scratch_copy(Path(scratch)))
    print(f"\nBookings: warm reads through the API port, {SAMPLES} of each, interleaved on one connection")
    print(f"{'':44} {'median ms':>9} {'p95 ms':>9}")
    print(row("GET /me (the baseline)", me))
    print(row("GET /professionals/{professional_id}", read) + "   (ReservaPlus on AWS: reads p95 < 10 ms)")
