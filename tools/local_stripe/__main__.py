"""`python -m tools.local_stripe`: the local Stripe alone, as `make run` starts it (the Stripe secret's local
values, its events to the API port's /webhooks/stripe), to work on a Stripe caller without the whole stack.
Ctrl-C stops it."""

from __future__ import annotations

import argparse
import signal
import threading
from typing import Any

from tools.local_stack.stack import DEFAULT_API_PORT, STRIPE_WEBHOOK_PATH, LocalValues, local_stripe
from tools.local_stripe.server import DEFAULT_PORT


def _interrupt(*_: Any) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.local_stripe", description=__doc__)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--api-port", type=int, default=DEFAULT_API_PORT, help="whose /webhooks/stripe gets the events")
    arguments = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)
    fake = local_stripe(LocalValues.read(), arguments.port, arguments.api_port).start()
    print(
        f"local Stripe on {fake.base_url}, its events to http://127.0.0.1:{arguments.api_port}{STRIPE_WEBHOOK_PATH}",
        flush=True,
    )
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
