"""The providers as `sam build` ships the Agents functions: `twilio` is in the package, no Agents function
loads it at import, and the numbers gateway, run on the runtime's own interpreter from the built code, buys
and releases a number on a local Twilio (the ElevenLabs client, on the standard library, calls a local
ElevenLabs from the same build)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.build.built import RUNTIME_PYTHON, run_built
from tools import template
from tools.local_elevenlabs import LocalElevenLabs
from tools.local_twilio import LocalTwilio
from tools.template import ROOT

pytestmark = pytest.mark.build

SID, TOKEN, KEY = "AC" + "0" * 31 + "5", "built-token", "built-key"
IMPORT = """
import importlib, sys
sys.path[:0] = sys.argv[1:3]
importlib.import_module(sys.argv[3])
assert "twilio" not in sys.modules, "twilio loaded with the handler"
"""
CALL = """
import sys
sys.path[:0] = sys.argv[1:3]
from agents.providers.elevenlabs import ElevenLabsClient
from agents.providers.twilio import TwilioNumbers
numbers = TwilioNumbers(sys.argv[3], sys.argv[5], sys.argv[6])
bought = numbers.buy_local_number(country="ES", friendly_name="colmena-built", status_callback_url="http://x/cb")
assert numbers.find_purchased("colmena-built") == bought
numbers.release(bought.sid)
assert ElevenLabsClient(sys.argv[4], sys.argv[7]).list_voices()
print("twilio" in sys.modules)
"""


@pytest.fixture
def fakes() -> Iterator[tuple[LocalTwilio, LocalElevenLabs]]:
    with LocalTwilio(account_sid=SID, auth_token=TOKEN, port=0) as twilio, LocalElevenLabs(api_key=KEY, port=0) as xi:
        yield twilio, xi


def agents_functions() -> list[str]:
    return [
        function.logical_id for function in template.functions() if function.code_dir == ROOT / "functions" / "agents"
    ]


@pytest.mark.parametrize("logical_id", agents_functions())
def test_no_agents_function_loads_twilio_at_import(build_dir: Path, logical_id: str) -> None:
    function = template.function(logical_id)
    code_dir = build_dir / logical_id

    result = run_built(build_dir, function, IMPORT, function.module)

    assert result.returncode == 0, result.stderr
    assert (code_dir / "twilio").is_dir()


def test_the_built_gateway_buys_and_releases_a_number_on_the_runtime(
    build_dir: Path, fakes: tuple[LocalTwilio, LocalElevenLabs]
) -> None:
    twilio, elevenlabs = fakes
    code_dir = build_dir / agents_functions()[0]

    result = subprocess.run(
        [str(RUNTIME_PYTHON), "-s", "-c", CALL, str(code_dir), str(build_dir / "SharedLayer" / "python"),
         twilio.base_url, elevenlabs.base_url, SID, TOKEN, KEY],
        cwd=code_dir, capture_output=True, text=True, timeout=120,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"
    assert twilio.store.numbers == {} and [number["friendly_name"] for number in twilio.store.released] == [
        "colmena-built"
    ]
