"""The local stack for the end-to-end suite: one per session, started on free ports from a scratch copy of
the project, stopped by its pid. A module that edits code overrides `project_copy` and `local_stack` to get
a copy and a stack of its own; the client fixtures follow whichever stack the test has."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tools.local_stack.process import StackProcess, scratch_copy


@pytest.fixture(scope="session")
def project_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return scratch_copy(tmp_path_factory.mktemp("colmena"))


@pytest.fixture(scope="session")
def local_stack(project_copy: Path) -> Iterator[StackProcess]:
    with StackProcess(root=project_copy).start() as running:
        yield running
        if running.process is not None and running.process.poll() is not None:
            print("the local stack stopped during the session; its last output:\n" + "".join(running.output[-60:]))


@pytest.fixture
def cognito(local_stack: StackProcess) -> Any:
    return local_stack.client("cognito-idp")


@pytest.fixture
def client_id(local_stack: StackProcess) -> str:
    return str(local_stack.state["outputs"]["UserPoolClientId"])


@pytest.fixture
def pool_id(local_stack: StackProcess) -> str:
    return str(local_stack.state["outputs"]["UserPoolId"])


@pytest.fixture
def email() -> str:
    return f"user-{uuid.uuid4().hex[:10]}@example.com"
