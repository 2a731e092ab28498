"""The providers' figures for `make bench`: the project's ElevenLabs client (agents/providers/elevenlabs.py,
standard library) beside the official `elevenlabs` SDK (requirements/bench.txt, never in a function), and the
`twilio` library the numbers gateway imports on its first call.

Each import runs in its own fresh process, interleaved, ROUNDS times: the import's wall time, and the process's
resident memory after it beside before it (VmRSS), medians. Then, against a local ElevenLabs in this process,
a fresh process's first call (import, client, one agent created: what a cold task pays) and the warm round trip
of the same call and of the voice list in one process, CALLS each, medians."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tools import template

ROUNDS = 9
CALLS = 50
PYTHON = sys.executable
PATHS = [str(template.ROOT / "functions" / "agents"), str(template.ROOT / "layers" / "shared"), str(template.ROOT)]
API_KEY = "bench-xi-key"
VOICE = "LocalVoiceLucia00001"

# Each prints: seconds importing, VmRSS in KiB before, VmRSS in KiB after.
MEASURE = """
import sys, time
sys.path[:0] = {paths!r}
def rss():
    return int(open("/proc/self/status").read().split("VmRSS:")[1].split()[0])
before = rss(); started = time.perf_counter()
{code}
print(time.perf_counter() - started, before, rss())
"""
IMPORTS = {
    "project client (urllib)": "from agents.providers.elevenlabs import ElevenLabsClient",
    "elevenlabs 2.78.0 SDK": "from elevenlabs.client import ElevenLabs",
    "twilio 9.13.0 (the gateway's first call)": "from twilio.rest import Client\nClient('AC1', 'token').api.v2010",
}
AGENT = {"agent": {"first_message": "Hola", "language": "es", "prompt": {"prompt": "p"}},
         "tts": {"voice_id": VOICE, "model_id": "eleven_flash_v2_5"}}  # fmt: skip
FIRST_CALL = {
    "project client (urllib)": """
from agents.providers.elevenlabs import ElevenLabsClient
ElevenLabsClient(sys.argv[1], {key!r}).create_agent(name="bench", system_prompt="p", first_message="Hola",
                                                   voice_id={voice!r}, language="es")
""",
    "elevenlabs 2.78.0 SDK": """
from elevenlabs.client import ElevenLabs
ElevenLabs(api_key={key!r}, base_url=sys.argv[1]).conversational_ai.agents.create(
    name="bench", conversation_config={agent!r})
""",
}


def fresh(code: str, *arguments: str) -> tuple[float, int, int]:
    script = MEASURE.format(paths=PATHS, code=code)
    done = subprocess.run([PYTHON, "-s", "-c", script, *arguments], capture_output=True, text=True, check=True)
    seconds, before, after = done.stdout.split()
    return float(seconds), int(before), int(after)


def import_rows() -> list[tuple[str, float, float]]:
    """Per library: the import's median seconds and the median MB it adds to the process."""
    samples: dict[str, list[tuple[float, int, int]]] = {name: [] for name in IMPORTS}
    for _ in range(ROUNDS):
        for name, code in IMPORTS.items():
            samples[name].append(fresh(code))
    return [
        (name, statistics.median(s for s, _, _ in runs), statistics.median((a - b) / 1024 for _, b, a in runs))
        for name, runs in samples.items()
    ]


def first_call_rows(base_url: str) -> list[tuple[str, float]]:
    samples: dict[str, list[float]] = {name: [] for name in FIRST_CALL}
    for _ in range(ROUNDS):
        for name, code in FIRST_CALL.items():
            samples[name].append(fresh(code.format(key=API_KEY, voice=VOICE, agent=AGENT), base_url)[0])
    return [(name, statistics.median(runs)) for name, runs in samples.items()]


def warm_rows(base_url: str) -> list[tuple[str, float]]:
    from elevenlabs.client import ElevenLabs

    from agents.providers.elevenlabs import ElevenLabsClient

    ours, sdk = ElevenLabsClient(base_url, API_KEY), ElevenLabs(api_key=API_KEY, base_url=base_url)
    calls: dict[str, Callable[[], Any]] = {
        "create an agent, project client": lambda: ours.create_agent(
            name="bench", system_prompt="p", first_message="Hola", voice_id=VOICE, language="es"
        ),
        "create an agent, SDK": lambda: sdk.conversational_ai.agents.create(name="bench", conversation_config=AGENT),
        "list the voices, project client": ours.list_voices,
        "list the voices, SDK": lambda: sdk.voices.search(page_size=100),
    }
    samples: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(CALLS):
        for name, call in calls.items():
            started = time.perf_counter()
            call()
            samples[name].append(time.perf_counter() - started)
    return [(name, statistics.median(runs)) for name, runs in samples.items()]


def main(build_dir: Path | None = None) -> None:
    del build_dir  # the clients are measured from the source tree, like the SDK from its installed package
    from tools.local_elevenlabs import LocalElevenLabs

    print(f"\nProviders: the ElevenLabs client beside the SDK, fresh processes, median of {ROUNDS} interleaved rounds")
    print(f"{'import':44} {'ms':>7} {'MB added':>9}")
    for name, seconds, added in import_rows():
        print(f"{name:44} {seconds * 1000:7.0f} {added:9.1f}")
    with LocalElevenLabs(api_key=API_KEY, port=0) as fake:
        print("\nagainst the local ElevenLabs: a fresh process's first call (import, client, one agent created)")
        for name, seconds in first_call_rows(fake.base_url):
            print(f"{name:44} {seconds * 1000:7.0f} ms")
        print(f"warm, in one process, median of {CALLS}")
        for name, seconds in warm_rows(fake.base_url):
            print(f"{name:44} {seconds * 1000:7.2f} ms")


if __name__ == "__main__":
    sys.path[:0] = PATHS
    main()
