"""`python -m tools.local_twilio`: the local Twilio alone, as `make run` starts it (the Twilio secret's local
values), to work on a Twilio caller without the whole stack. Ctrl-C stops it."""

from __future__ import annotations

import argparse
import signal
import threading
from typing import Any

from tools.local_stack.stack import TWILIO_PARAMETER, LocalValues
from tools.local_twilio.server import DEFAULT_PORT, LocalTwilio


def _interrupt(*_: Any) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.local_twilio", description=__doc__)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    arguments = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)
    keys = LocalValues.read().secrets[TWILIO_PARAMETER]
    twilio = LocalTwilio(account_sid=keys["account_sid"], auth_token=keys["auth_token"], port=arguments.port).start()
    print(f"local Twilio on {twilio.base_url} (account {twilio.account_sid}; admin under /_local/)", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        twilio.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
