"""Hot reload: a saved change to a function or to the shared layer reaches the next invocation.

These tests edit code, so they run on a stack of their own, from a scratch copy of their own."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from identity.models import UserStatus
from identity.repository import IdentityRepository
from tools.local_stack.process import PASSWORD, StackProcess, scratch_copy, sign_in, sign_up_and_confirm

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def project_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return scratch_copy(tmp_path_factory.mktemp("colmena-hot-reload"))


@pytest.fixture(scope="module")
def local_stack(project_copy: Path) -> Iterator[StackProcess]:
    with StackProcess(root=project_copy).start() as running:
        yield running


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def eventually(check: Any, timeout: float = 20) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.2)


def test_editing_a_function_reaches_the_next_invocation(
    local_stack: StackProcess, project_copy: Path, cognito: Any, client_id: str, pool_id: str, email: str
) -> None:
    cognito.admin_create_user(UserPoolId=pool_id, Username=email, MessageAction="SUPPRESS")
    cognito.admin_set_user_password(UserPoolId=pool_id, Username=email, Password=PASSWORD, Permanent=True)
    headers = {"Authorization": sign_in(cognito, client_id, email)}  # no PostConfirmation: no profile yet

    edit(
        project_copy / "functions" / "identity" / "identity" / "handlers" / "identity_api.py",
        "no profile exists for this account yet",
        "hot reloaded",
    )

    def reloaded() -> bool:
        answer = requests.get(f"{local_stack.api}/me", headers=headers, timeout=10)
        return answer.status_code == 404 and "hot reloaded" in answer.json()["error"]["message"]

    assert eventually(reloaded)


def test_editing_a_contexts_logic_reaches_its_trigger(
    local_stack: StackProcess, project_copy: Path, cognito: Any, client_id: str, email: str
) -> None:
    sub = sign_up_and_confirm(cognito, client_id, email)
    IdentityRepository(
        local_stack.client("dynamodb"), local_stack.state["physical_ids"]["IdentityTable"]
    ).set_user_status(sub, UserStatus.SUSPENDED, "2026-11-25T10:00:00.000+00:00")
    edit(
        project_copy / "functions" / "identity" / "identity" / "logic.py",
        "Your account is suspended.",
        "Suspended (reloaded).",
    )

    def refused_with_the_new_message() -> bool:
        try:
            sign_in(cognito, client_id, email)
        except cognito.exceptions.UserLambdaValidationException as refused:
            return "Suspended (reloaded)." in str(refused)
        return False

    assert eventually(refused_with_the_new_message, timeout=40)


def test_editing_the_layer_publishes_one_version_that_every_function_takes(
    local_stack: StackProcess, project_copy: Path
) -> None:
    lambda_client = local_stack.client("lambda")
    names = local_stack.state["functions"].values()
    before = {name: lambda_client.get_function_configuration(FunctionName=name)["Layers"][0]["Arn"] for name in names}

    edit(project_copy / "layers" / "shared" / "colmena" / "clock.py", "as stored and compared", "as stored, compared")

    def every_function_on_one_new_version() -> set[str]:
        # $LATEST, and the alias the triggers invoke (AutoPublishAlias), which takes a version published from it.
        now = {
            lambda_client.get_function_configuration(FunctionName=name, Qualifier=qualifier)["Layers"][0]["Arn"]
            for name in names
            for qualifier in ("$LATEST", "live")
        }
        return now if len(now) == 1 and not now & set(before.values()) else set()

    assert eventually(every_function_on_one_new_version, timeout=40)
