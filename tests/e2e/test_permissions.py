"""A permission missing from template.yaml fails on the local stack, as it would on AWS: MiniStack evaluates
each function's execution role on every call the function makes (AUTH=true, set by the launcher).

The stack with a permission removed is this module's own, deployed from a scratch copy whose template lacks
it; the same call on the suite's stack, with the template as committed, succeeds."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tools.local_stack.process import StackProcess, scratch_copy

pytestmark = pytest.mark.e2e

GRANTED = "Action: [dynamodb:PutItem]"  # OrganizationStatusFunction's only write to its table
WITHHELD = "Action: [dynamodb:GetItem]"
EVENT = "events/organization_status/organization_activated.json"


@pytest.fixture(scope="module")
def stack_without_put_item(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StackProcess]:
    root = scratch_copy(tmp_path_factory.mktemp("colmena-permissions"))
    template = root / "template.yaml"
    assert template.read_text().count(GRANTED) == 1
    template.write_text(template.read_text().replace(GRANTED, WITHHELD))
    with StackProcess(root=root).start() as running:
        yield running


def project_organization_event(stack: StackProcess, project_copy: Path) -> dict[str, Any]:
    answer = stack.client("lambda").invoke(
        FunctionName=stack.state["functions"]["OrganizationStatusFunction"],
        Payload=(project_copy / EVENT).read_bytes(),
    )
    return {"error": answer.get("FunctionError"), "payload": json.loads(answer["Payload"].read())}


def test_a_function_whose_role_lacks_the_write_it_makes_is_refused_with_access_denied(
    stack_without_put_item: StackProcess, project_copy: Path
) -> None:
    answer = project_organization_event(stack_without_put_item, project_copy)

    assert answer["error"] == "Unhandled"
    assert "AccessDeniedException" in answer["payload"]["errorMessage"]
    assert "is not authorized to perform: dynamodb:PutItem" in answer["payload"]["errorMessage"]


def test_the_same_write_succeeds_with_the_templates_own_policy(local_stack: StackProcess, project_copy: Path) -> None:
    answer = project_organization_event(local_stack, project_copy)

    assert answer["error"] is None, answer["payload"]
