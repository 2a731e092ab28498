"""The voices' and the subscription payment's figures for `make bench`, each beside its baseline in the same run:
the payment function's cold start alone and with the `stripe` import its first call to Stripe adds (the voices'
and the payment events' cold starts are in the main table); and GET /voices warm in process, served from the
hour's list beside listing the local ElevenLabs on every call: what the cache saves in the code's own time."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from tools import template

CALLS = 200


def voices_warm() -> tuple[float, float]:
    """Median seconds of one voice lookup served from the hour's list, and of one that lists the local ElevenLabs
    (its whole library, over loopback HTTP) every time, in this process."""
    from agents.providers.elevenlabs import ElevenLabsClient
    from agents.voices.catalogue import VoiceCatalogue
    from tools.local_elevenlabs import LocalElevenLabs

    with LocalElevenLabs(api_key="xi-bench", port=0) as fake:
        client = ElevenLabsClient(fake.base_url, "xi-bench")
        last = client.list_voices()[-1].voice_id
        rows = []
        for catalogue in (VoiceCatalogue(client.list_voices), VoiceCatalogue(client.list_voices, max_age=0)):
            samples = []
            for _ in range(CALLS):
                started = time.perf_counter()
                assert catalogue.find(last) is not None
                samples.append(time.perf_counter() - started)
            rows.append(statistics.median(samples))
    return rows[0], rows[1]


def main(build_dir: Path) -> None:
    import sys

    agents_code = str(template.ROOT / "functions" / "agents")
    if agents_code not in sys.path:
        sys.path.insert(0, agents_code)
    from tools.bench import TARGET_RATIO
    from tools.bench_tips import stripe_cold_starts

    print(
        f"\nAgents payment: cold start with the stripe import its first call adds (target <= {TARGET_RATIO}x plus it)"
    )
    for name, seconds, baseline in stripe_cold_starts(build_dir, ("AgentsPaymentFunction",)):
        print(f"{name:44} {seconds * 1000:8.0f} ms  baseline {baseline * 1000:5.0f} ms  {seconds / baseline:5.2f}x")
    kept, listed = voices_warm()
    print(f"\nVoices, warm, in process, median of {CALLS} (the local ElevenLabs over loopback)")
    print(f"{'a voice found in the hour-long list':44} {kept * 1000:8.3f} ms")
    print(f"{'a voice found listing every time':44} {listed * 1000:8.3f} ms  (ElevenLabs' own round trip on top)")


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(template.ROOT / "layers" / "shared"))
    from tools.build_host import build_for_host

    main(build_for_host())
