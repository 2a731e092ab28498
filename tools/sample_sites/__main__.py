"""`python -m tools.sample_sites [port]`: the sample sites alone, until Ctrl-C (`make run` serves them too)."""

from __future__ import annotations

import contextlib
import sys
import threading

from tools.sample_sites import DEFAULT_PORT, SITES, SampleSites

if __name__ == "__main__":
    with SampleSites(port=int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_PORT) as sites:
        print("\n".join(sites.url(site) for site in SITES), flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
