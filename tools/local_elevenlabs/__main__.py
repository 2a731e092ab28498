"""`python -m tools.local_elevenlabs`: the local ElevenLabs alone, as `make run` starts it (the ElevenLabs
secret's local values), to work on an ElevenLabs caller without the whole stack. Alone, it imports any
number (no local Twilio beside it to ask who owns it). Ctrl-C stops it."""

from __future__ import annotations

import argparse
import signal
import threading
from typing import Any

from tools.local_elevenlabs.server import DEFAULT_PORT, LocalElevenLabs
from tools.local_stack.stack import ELEVENLABS_PARAMETER, LocalValues


def _interrupt(*_: Any) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.local_elevenlabs", description=__doc__)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    arguments = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)
    api_key = LocalValues.read().secrets[ELEVENLABS_PARAMETER]["api_key"]
    elevenlabs = LocalElevenLabs(api_key=api_key, port=arguments.port).start()
    print(f"local ElevenLabs on {elevenlabs.base_url} (admin under /_local/)", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        elevenlabs.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
