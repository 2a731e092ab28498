"""`python -m tools.local_stripe`: the fake alone, with the committed local values, stopped by its pid."""

from __future__ import annotations

import signal
import subprocess
import sys

import stripe

from tests.local_stripe.support import Receiver, eventually
from tools.local_stack.process import free_ports
from tools.template import ROOT


def test_the_fake_alone_takes_the_local_api_key_and_stops_on_ctrl_c(receiver: Receiver) -> None:
    port = free_ports(1)[0]
    api_port = receiver.url.split(":")[2].split("/")[0]
    process = subprocess.Popen(
        [sys.executable, "-m", "tools.local_stripe", "--port", str(port), "--api-port", api_port],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().startswith(f"local Stripe on http://127.0.0.1:{port}")
        client = stripe.StripeClient("sk_test_local", base_addresses={"api": f"http://127.0.0.1:{port}"})

        intent = client.v1.payment_intents.create(params={"amount": 500, "currency": "usd"})

        assert (
            eventually(lambda: receiver.events("payment_intent.created"))[0].event["data"]["object"]["id"] == intent.id
        )
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
        if process.stdout is not None:
            process.stdout.close()
