"""The scaffold's promise, as a developer meets it: `make new-function` for an api trigger, then `make run`,
and the new route answers a signed-in user at once. The scaffold edits the template and adds code, so this
runs on a copy of the project and a stack of its own."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import requests

from tests.scaffold.project import new_function
from tools.local_stack.process import StackProcess, scratch_copy
from tools.template import ROOT

pytestmark = pytest.mark.e2e


def test_a_new_api_function_answers_its_route_on_the_local_stack_at_once(tmp_path: Path) -> None:
    project = scratch_copy(tmp_path)
    # The scaffold writes its code with the project's ruff settings.
    shutil.copy2(ROOT / "pyproject.toml", project / "pyproject.toml")
    made = new_function(project, "say_hello", "ledger", "api")
    assert made.returncode == 0, made.stderr

    with StackProcess(root=project).start() as stack:
        user_id, token = stack.new_user("scaffolded")
        response = requests.get(f"{stack.api}/ledger/say-hello", headers={"Authorization": token}, timeout=30)

    assert response.status_code == 200, response.text
    assert response.json() == {"user_id": user_id}
