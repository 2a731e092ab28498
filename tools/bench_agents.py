"""The onboarding's figures for `make bench`, each beside its baseline in the same run: the cold start of the
Agents route functions alone and with what the draft from a website imports on its first call (BeautifulSoup
and the phone rules, only on that path), beside the REST baseline; and on the local stack, through the API
port, a draft from a sample site beside a draft without a website and GET /me, p50."""

from __future__ import annotations

import statistics
import time
import uuid
from pathlib import Path
from typing import Any

from tools import template

AGENTS_FUNCTIONS = ("AgentsOnboardingFunction", "AgentsKnowledgeBaseFunction")
REQUESTS = 20
# The handler, then what the draft from a website imports on its first call.
IMPORT_HANDLER_AND_SCRAPER = (
    "import sys; sys.path[:0] = sys.argv[1:3]; __import__(sys.argv[3]); "
    "import agents.scraper, bs4, phonenumbers; phonenumbers.parse('954123456', 'ES')"
)


def scraper_cold_starts(build_dir: Path) -> list[tuple[str, float, float]]:
    """Each Agents route function's import in a fresh process as Lambda runs it and, for the onboarding, also
    followed by the scraper's imports, beside the REST baseline, interleaved."""
    from tools.bench import IMPORT_HANDLER, REST_BASELINE, RUNS, lambda_like_environment, process_seconds
    from tools.local_stack.package import LAYER_SOURCE, installed_requirements

    baseline_packages = str(installed_requirements(LAYER_SOURCE / "requirements.txt"))
    layer = str(build_dir / "SharedLayer" / "python")
    rows = []
    for logical_id in AGENTS_FUNCTIONS:
        function = template.function(logical_id)
        code_dir = build_dir / logical_id
        scripts = [(logical_id, IMPORT_HANDLER)]
        if logical_id == "AgentsOnboardingFunction":
            scripts.append((f"{logical_id} + bs4, phonenumbers", IMPORT_HANDLER_AND_SCRAPER))
        samples: dict[str, list[float]] = {name: [] for name, _ in scripts}
        baseline: list[float] = []
        for _ in range(RUNS):
            baseline.append(
                process_seconds(["-c", REST_BASELINE, baseline_packages], lambda_like_environment(None), code_dir)
            )
            for name, script in scripts:
                arguments = ["-c", script, str(code_dir), layer, function.module]
                samples[name].append(process_seconds(arguments, lambda_like_environment(function), code_dir))
        rows += [(name, statistics.median(times), statistics.median(baseline)) for name, times in samples.items()]
    return rows


def drafts_through_the_api(root: Path) -> dict[str, list[float]]:
    """On a fresh local stack, REQUESTS of each request after one that warms it, timed from the client: a draft
    from the JSON-LD sample site, a draft without a website, and GET /me, interleaved."""
    import requests

    from tools.local_stack.process import StackProcess

    with StackProcess(root=root).start() as running:
        _, token = running.new_user(f"bench-owner-{uuid.uuid4().hex[:6]}")
        headers = {"Authorization": token}
        site = f"{running.sample_sites}/panaderia-la-espiga/"

        def draft(body: dict[str, Any]) -> None:
            answer = requests.post(f"{running.api}/onboarding/business-info", json=body, headers=headers, timeout=30)
            assert answer.status_code == 201, answer.text

        def get_me() -> None:
            answer = requests.get(f"{running.api}/me", headers=headers, timeout=30)
            assert answer.status_code == 200, answer.text

        requests_timed = {
            "POST /onboarding/business-info, sample site": lambda: draft({"website_url": site, "country": "ES"}),
            "POST /onboarding/business-info, no website": lambda: draft({"country": "ES"}),
            "GET /me": get_me,
        }
        samples: dict[str, list[float]] = {name: [] for name in requests_timed}
        for n in range(REQUESTS + 1):
            for name, send in requests_timed.items():
                started = time.perf_counter()
                send()
                if n:  # the first warms each function and the draft's imports
                    samples[name].append(time.perf_counter() - started)
    return samples


def main(build_dir: Path) -> None:
    import tempfile

    from tools.bench import TARGET_RATIO
    from tools.local_stack.process import scratch_copy

    print(f"\nAgents: cold start, and with what the draft's first call imports (target <= {TARGET_RATIO}x plus it)")
    for name, seconds, baseline in scraper_cold_starts(build_dir):
        print(f"{name:44} {seconds * 1000:8.0f} ms  baseline {baseline * 1000:5.0f} ms  {seconds / baseline:5.2f}x")
    with tempfile.TemporaryDirectory() as scratch:
        samples = drafts_through_the_api(scratch_copy(Path(scratch)))
    print(f"\nThe onboarding's draft through the local API port, {REQUESTS} requests after one that warms each")
    for name, times in samples.items():
        print(f"{name:44} p50 {statistics.median(times) * 1000:6.0f} ms")
