"""One build for the whole build suite: `sam build` for this machine's architecture, as the local stack runs it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.build.built import RUNTIME_PYTHON
from tools.build_host import build_for_host


@pytest.fixture(scope="session")
def build_dir() -> Path:
    assert RUNTIME_PYTHON.exists(), "the runtime environment is missing: run make install"
    return build_for_host()
