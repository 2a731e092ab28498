"""What the launcher adds to MiniStack (tools/local_stack/launcher/), each shown on the running stack;
each test fails without its patch. The Cognito triggers are shown by test_identity.py: confirming a sign-up
creates the records, and a suspended user's sign-in is refused with PreAuthentication's message."""

from __future__ import annotations

import io
import json
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
from botocore.exceptions import ClientError

from tools.local_stack import launcher
from tools.local_stack.process import StackProcess, sign_in, sign_up_and_confirm

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


@pytest.fixture(scope="module")
def probe_role(local_stack: StackProcess) -> str:
    """A role the probes run as: under AUTH=true MiniStack refuses a role that does not exist, as AWS does."""
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": ["lambda.amazonaws.com", "states.amazonaws.com"]},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    role = local_stack.client("iam").create_role(RoleName="probe", AssumeRolePolicyDocument=json.dumps(trust))
    return str(role["Role"]["Arn"])


def as_role_of(local_stack: StackProcess, function: str) -> boto3.Session:
    """A session with the credentials the function's execution role gets, as its code has them."""
    role_arn = local_stack.client("lambda").get_function_configuration(
        FunctionName=local_stack.state["functions"][function]
    )["Role"]
    credentials = local_stack.client("sts").assume_role(RoleArn=role_arn, RoleSessionName="probe")["Credentials"]
    return boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name="us-east-1",
    )


def zipped(source: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("probe.py", source)
    return buffer.getvalue()


def test_functions_run_on_the_runtime_environment_not_the_emulators(
    local_stack: StackProcess, project_copy: Path, probe_role: str
) -> None:
    lambda_client = local_stack.client("lambda")
    lambda_client.create_function(
        FunctionName="interpreter-probe",
        Runtime="python3.13",
        Handler="probe.handler",
        Role=probe_role,
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


def test_a_step_functions_catch_on_the_projects_error_name_matches(local_stack: StackProcess, probe_role: str) -> None:
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
        name="catch-probe", definition=json.dumps(definition), roleArn=probe_role
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


def test_post_confirmation_publishes_on_the_bus_under_its_roles_source_condition(
    local_stack: StackProcess, cognito: Any, client_id: str, email: str
) -> None:
    # The role may put events only as colmena.identity (an events:source condition), which MiniStack's IAM
    # cannot evaluate on its own: without patch 8 the publication, and so the confirmation, is refused.
    events, sqs = local_stack.client("events"), local_stack.client("sqs")
    bus = local_stack.state["physical_ids"]["EventBus"]
    queue_url = sqs.create_queue(QueueName="registered-probe")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(
        Name="registered-probe",
        EventBusName=bus,
        EventPattern=json.dumps({"source": ["colmena.identity"], "detail-type": ["user.registered"]}),
    )
    events.put_targets(Rule="registered-probe", EventBusName=bus, Targets=[{"Id": "queue", "Arn": queue_arn}])

    sub = sign_up_and_confirm(cognito, client_id, email)

    received = sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=10, MaxNumberOfMessages=10)["Messages"]
    published = [json.loads(message["Body"]) for message in received]
    assert [event["detail"]["data"]["user_id"] for event in published] == [sub]


@pytest.mark.parametrize(
    "sources", [["colmena.bookings"], ["colmena.identity", "colmena.bookings"]], ids=["alone", "beside a granted one"]
)
def test_an_entry_with_a_source_the_role_is_not_granted_is_refused(
    local_stack: StackProcess, sources: list[str]
) -> None:
    events = as_role_of(local_stack, "PostConfirmationFunction").client("events", endpoint_url=local_stack.gateway)
    bus = local_stack.state["physical_ids"]["EventBus"]

    with pytest.raises(ClientError, match="AccessDenied"):
        events.put_events(
            Entries=[
                {"EventBusName": bus, "Source": source, "DetailType": "probe", "Detail": "{}"} for source in sources
            ]
        )


def children(pid: int) -> list[int]:
    """The process's children, by pid (each thread's list, as /proc keeps them)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue  # the thread ended while we looked
    return found


def running_function(pid: int) -> str | None:
    try:
        environment = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    except OSError:
        return None
    names = [line.split(b"=", 1)[1] for line in environment if line.startswith(b"AWS_LAMBDA_FUNCTION_NAME=")]
    return names[0].decode() if names else None


def test_a_burst_of_requests_is_answered_by_a_bounded_pool_of_workers(
    local_stack: StackProcess, cognito: Any, client_id: str, email: str
) -> None:
    sign_up_and_confirm(cognito, client_id, email)
    token = sign_in(cognito, client_id, email)
    api_function = local_stack.state["functions"]["IdentityApiFunction"]

    def get_me(_: int) -> int:
        return requests.get(f"{local_stack.api}/me", headers={"Authorization": token}, timeout=60).status_code

    with ThreadPoolExecutor(max_workers=25) as clients:
        statuses = list(clients.map(get_me, range(25)))

    assert statuses == [200] * 25
    assert local_stack.process is not None
    workers = [pid for pid in children(local_stack.process.pid) if running_function(pid) == api_function]
    assert 1 <= len(workers) <= launcher.DEFAULT_WORKERS_PER_FUNCTION


def test_workers_run_with_x_ray_off(local_stack: StackProcess, project_copy: Path) -> None:
    function_name = local_stack.state["functions"]["OrganizationStatusFunction"]
    event = (project_copy / "events" / "organization_status" / "organization_activated.json").read_bytes()
    local_stack.client("lambda").invoke(FunctionName=function_name, Payload=event)  # a warm worker now exists
    assert local_stack.process is not None

    workers = [pid for pid in children(local_stack.process.pid) if running_function(pid) == function_name]
    environment = set(Path(f"/proc/{workers[0]}/environ").read_bytes().split(b"\0"))

    assert {b"POWERTOOLS_TRACE_DISABLED=true", b"AWS_XRAY_SDK_ENABLED=false"} <= environment
