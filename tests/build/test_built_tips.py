"""The `stripe` library as `sam build` ships it: the tip and webhook functions' packages import it on the
runtime's interpreter (its `requests` on the runtime's own urllib3), and no Live function loads it at import,
not even those two (they import it on their first call that needs it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.build.built import run_built
from tools import template

pytestmark = pytest.mark.build

LIVE_FUNCTIONS = [function for function in template.functions() if function.code_dir.name == "live"]
IMPORT = """
import importlib, sys
sys.path[:0] = sys.argv[1:3]
importlib.import_module(sys.argv[3])
assert "stripe" not in sys.modules, "stripe was imported with the handler"
if sys.argv[4] == "call":
    import stripe
    client = stripe.StripeClient("sk_test_build", base_addresses={"api": "http://127.0.0.1:9"})
    header = stripe.WebhookSignature.generate_signature_header("{}", "whsec_b")
    assert stripe.WebhookSignature.verify_header("{}", header, "whsec_b", 300)
"""


@pytest.mark.parametrize("function", LIVE_FUNCTIONS, ids=lambda function: function.logical_id)
def test_a_built_live_function_loads_stripe_only_when_a_call_needs_it(
    build_dir: Path, function: template.Function
) -> None:
    calls_stripe = function.logical_id in ("LiveTipsFunction", "LiveStripeWebhookFunction")

    result = run_built(build_dir, function, IMPORT, function.module, "call" if calls_stripe else "import")

    assert result.returncode == 0, result.stderr
