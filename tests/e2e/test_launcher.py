"""What the launcher adds to MiniStack (tools/local_stack/launcher.py), each shown on the running stack;
each test fails without its patch. The Cognito triggers are shown by test_identity.py: confirming a sign-up
creates the records, and a suspended user's sign-in is refused with PreAuthentication's message."""

from __future__ import annotations

import io
import json
import time
import zipfile
from pathlib import Path

import pytest
import requests

from tools.local_stack.process import StackProcess

pytestmark = pytest.mark.e2e

PROBE = """
import importlib.util, sys

def handler(event, context):
    return {
        "executable": sys.executable,
        "emulator_importable": importlib.util.find_spec("ministack") is not None,
        "pydantic_importable": importlib.util.find_spec("pydantic") is not None,
    }
"""


def zipped(source: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("probe.py", source)
    return buffer.getvalue()


def test_functions_run_on_the_runtime_environment_not_the_emulators(
    local_stack: StackProcess, project_copy: Path
) -> None:
    lambda_client = local_stack.client("lambda")
    lambda_client.create_function(
        FunctionName="interpreter-probe",
        Runtime="python3.13",
        Handler="probe.handler",
        Role="arn:aws:iam::000000000000:role/probe",
        Code={"ZipFile": zipped(PROBE)},
    )

    answer = json.loads(lambda_client.invoke(FunctionName="interpreter-probe")["Payload"].read())

    assert Path(answer["executable"]).parent.parent.resolve() == (project_copy / ".venv-runtime").resolve()
    assert answer["emulator_importable"] is False
    assert answer["pydantic_importable"] is False  # only a layer brings it, as on AWS


def test_a_handler_error_reaches_the_caller_as_its_class_name(local_stack: StackProcess) -> None:
    function_name = local_stack.state["functions"]["PostConfirmationFunction"]

    answer = local_stack.client("lambda").invoke(FunctionName=function_name, Payload=b'{"triggerSource": "nope"}')

    assert answer["FunctionError"] == "Unhandled"
    assert json.loads(answer["Payload"].read())["errorType"] == "InvalidEvent"


def test_a_step_functions_catch_on_the_projects_error_name_matches(local_stack: StackProcess) -> None:
    stepfunctions = local_stack.client("stepfunctions")
    function_arn = local_stack.client("lambda").get_function(
        FunctionName=local_stack.state["functions"]["PostConfirmationFunction"]
    )["Configuration"]["FunctionArn"]
    definition = {
        "StartAt": "Register",
        "States": {
            "Register": {
                "Type": "Task",
                "Resource": function_arn,
                "Catch": [{"ErrorEquals": ["InvalidEvent"], "ResultPath": "$.error", "Next": "Refused"}],
                "End": True,
            },
            "Refused": {"Type": "Pass", "End": True},
        },
    }
    machine = stepfunctions.create_state_machine(
        name="catch-probe", definition=json.dumps(definition), roleArn="arn:aws:iam::000000000000:role/probe"
    )
    execution = stepfunctions.start_execution(
        stateMachineArn=machine["stateMachineArn"], input='{"triggerSource": "x"}'
    )

    deadline = time.monotonic() + 20
    while (described := stepfunctions.describe_execution(executionArn=execution["executionArn"]))[
        "status"
    ] == "RUNNING":
        assert time.monotonic() < deadline
        time.sleep(0.1)

    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"])["error"]["Error"] == "InvalidEvent"


def test_the_cors_preflight_answers_with_the_templates_headers(local_stack: StackProcess) -> None:
    answer = requests.options(
        f"{local_stack.api}/me",
        headers={"Origin": "http://localhost:5173", "Access-Control-Request-Method": "PATCH"},
        timeout=10,
    )

    assert answer.status_code == 200
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    assert "PATCH" in answer.headers["Access-Control-Allow-Methods"]


def test_the_api_port_serves_the_templates_paths_through_the_emulators_api(local_stack: StackProcess) -> None:
    api = local_stack.state["rest_apis"][local_stack.state["front_api"]]
    direct = requests.get(f"{local_stack.gateway}/_aws/execute-api/{api['id']}/{api['stage']}/me", timeout=10)
    front = requests.get(f"{local_stack.api}/me", timeout=10)

    assert direct.status_code == front.status_code == 401  # the same authorizer answers both
