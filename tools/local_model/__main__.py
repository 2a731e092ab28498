"""`python -m tools.local_model [port]`: the local model alone, until Ctrl-C (`make run` serves it too)."""

from __future__ import annotations

import contextlib
import sys
import threading

from tools.local_model import DEFAULT_PORT, LocalModel

if __name__ == "__main__":
    with LocalModel(port=int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_PORT) as model:
        print(f"{model.base_url}/v1/chat/completions", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
