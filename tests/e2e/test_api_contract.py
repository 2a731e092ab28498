"""Each committed OpenAPI description (one per context) is the API's contract: schemathesis generates
requests from it, valid and invalid, sends them with a real IdToken to the API on the local stack, and holds
every answer to it."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tools.local_stack.process import StackProcess, sign_in, sign_up_and_confirm
from tools.template import ROOT

pytestmark = pytest.mark.e2e

# Every context's committed description: a new context's routes are held to theirs without a line here.
DESCRIPTIONS = sorted((ROOT / "functions").glob("*/openapi.json"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
# Enough to meet every refusal the routes have (null, {}, unknown keys, wrong types) within the time the
# suite allows on two cores; each example is one HTTP request through the local Lambda.
EXAMPLES_PER_OPERATION = 40


@pytest.fixture(scope="module")
def id_token(local_stack: StackProcess) -> str:
    cognito = local_stack.client("cognito-idp")
    client_id = str(local_stack.state["outputs"]["UserPoolClientId"])
    email = f"contract-{uuid.uuid4().hex[:10]}@example.com"
    sign_up_and_confirm(cognito, client_id, email)
    return sign_in(cognito, client_id, email)


def contract_test(description: Path) -> Callable[..., Any]:
    """The test of one description: loaded from the file when the module is collected; the stack's address
    is given to each call."""
    contract = schemathesis.openapi.from_path(description)
    contract.config.generation.update(max_examples=EXAMPLES_PER_OPERATION)

    @contract.parametrize()
    @settings(deadline=None, suppress_health_check=list(HealthCheck))
    def test(case: Any, local_stack: StackProcess, id_token: str) -> None:
        case.call_and_validate(base_url=local_stack.api, headers={"Authorization": id_token}, checks=CHECKS, timeout=30)

    # schemathesis's decorator is untyped.
    return cast("Callable[..., Any]", test)


for _description in DESCRIPTIONS:
    globals()[f"test_every_answer_of_the_{_description.parent.name}_api_is_the_one_its_description_promises"] = (
        contract_test(_description)
    )
