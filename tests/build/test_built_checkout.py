"""The voices' and the payment's functions as `sam build` ships them: the payment function makes the subscription's
Checkout Session client on the runtime's interpreter (the `stripe` its package holds, imported only by that first
call), and neither the voices nor the payment events function loads `stripe` at all."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tools import template
from tools.build_host import build_for_host
from tools.template import ROOT

pytestmark = pytest.mark.build

RUNTIME_PYTHON = ROOT / ".venv-runtime" / "bin" / "python"
FUNCTIONS = ["AgentsVoicesFunction", "AgentsPaymentFunction", "AgentsPaymentEventsFunction"]
IMPORT = """
import importlib, sys
sys.path[:0] = sys.argv[1:3]
module = importlib.import_module(sys.argv[3])
assert "stripe" not in sys.modules, "stripe was imported with the handler"
if sys.argv[4] == "call":
    from colmena.stripe_api import StripeAccess
    access = StripeAccess("colmena/build/stripe", "http://127.0.0.1:9")
    access.secret = lambda: {"api_key": "sk_test_build"}
    assert access.client().v1.checkout.sessions is not None
    assert "stripe" in sys.modules
"""


@pytest.fixture(scope="module")
def build_dir() -> Path:
    assert RUNTIME_PYTHON.exists(), "the runtime environment is missing: run make install"
    return build_for_host()


@pytest.mark.parametrize("logical_id", FUNCTIONS)
def test_only_the_payment_function_loads_stripe_and_only_when_it_calls_stripe(build_dir: Path, logical_id: str) -> None:
    function = template.function(logical_id)
    code_dir, layer_dir = build_dir / logical_id, build_dir / "SharedLayer" / "python"
    environment = {
        **function.environment,
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "POWERTOOLS_TRACE_DISABLED": "true",
    }

    result = subprocess.run(
        [str(RUNTIME_PYTHON), "-s", "-c", IMPORT, str(code_dir), str(layer_dir), function.module,
         "call" if logical_id == "AgentsPaymentFunction" else "import"],
        cwd=code_dir,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
