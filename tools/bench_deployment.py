"""The agent deployment's figure for `make bench`: on a fresh local stack, the wall time of a whole
deployment as the owner sees it, from POST /onboarding/{id}/deploy-agent to GET /onboarding/{id} showing it
deployed, with the local ElevenLabs and Twilio answering at once (nothing injected). RUNS deployments after one
that warms the seven task functions, each from its own ready onboarding (the knowledge base built through the
upload path beforehand, not timed), in rotating countries (the local Twilio offers five numbers in each); p50
and the slowest. What it measures is the emulator's Step Functions and the task functions' invocations: the
providers' own time is nil here."""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

RUNS = 5
COUNTRIES = ("ES", "US", "GB", "MX")
POLL_S = 0.1


def deployment_seconds(root: Path) -> list[float]:
    from tests.e2e.test_agent_deployment import deploy, ready_onboarding
    from tests.e2e.test_knowledge_base import send
    from tools.local_stack.process import StackProcess

    with StackProcess(root=root).start() as stack:
        owner = stack.new_user("bench-deployer")
        onboardings = [ready_onboarding(stack, owner, COUNTRIES[n % len(COUNTRIES)]) for n in range(RUNS + 1)]
        seconds = []
        for n, onboarding_id in enumerate(onboardings):
            started = time.perf_counter()
            answer = deploy(stack, owner, onboarding_id)
            assert answer.status_code == 202, answer.text
            while (
                status := send(stack, owner, "GET", f"/onboarding/{onboarding_id}").json()["deployment"]["status"]
            ) == "running":
                time.sleep(POLL_S)
            assert status == "deployed", status
            if n:  # the first warms every task function
                seconds.append(time.perf_counter() - started)
        return seconds


def main() -> None:
    from tools.local_stack.process import scratch_copy

    with tempfile.TemporaryDirectory() as scratch:
        seconds = deployment_seconds(scratch_copy(Path(scratch)))
    print(f"\nThe agent's whole deployment on the local stack, fakes answering at once, {RUNS} after one that warms")
    print(f"{'POST deploy-agent to GET showing it deployed':44} p50 {statistics.median(seconds):6.2f} s  "
          f"slowest {max(seconds):6.2f} s")  # fmt: skip


if __name__ == "__main__":
    main()
    sys.exit(0)
