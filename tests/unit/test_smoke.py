"""`make smoke` finds an environment's stack in samconfig.toml (the checks themselves run in
tests/e2e/test_smoke.py: they need sockets)."""

from __future__ import annotations

import pytest

from tools import smoke


def test_each_environment_s_stack_name_comes_from_samconfig() -> None:
    assert [smoke.stack_name(env) for env in ("dev", "staging", "prod")] == [
        "colmena-dev",
        "colmena-staging",
        "colmena-prod",
    ]


def test_an_environment_samconfig_lacks_stops_with_the_reason() -> None:
    with pytest.raises(SystemExit, match=r"no \[qa.deploy.parameters\]"):
        smoke.stack_name("qa")
