"""The voices' and the payment's functions as `sam build` ships them: the payment function makes the subscription's
Checkout Session client on the runtime's interpreter (the `stripe` its package holds, imported only by that first
call), and neither the voices nor the payment events function loads `stripe` at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.build.built import run_built
from tools import template

pytestmark = pytest.mark.build

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


@pytest.mark.parametrize("logical_id", FUNCTIONS)
def test_only_the_payment_function_loads_stripe_and_only_when_it_calls_stripe(build_dir: Path, logical_id: str) -> None:
    function = template.function(logical_id)

    result = run_built(
        build_dir, function, IMPORT, function.module, "call" if logical_id == "AgentsPaymentFunction" else "import"
    )

    assert result.returncode == 0, result.stderr
