"""`make run` and `make invoke` as a developer meets them, including their refusals."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tools import template
from tools.local_stack.process import StackProcess, free_ports, scratch_copy
from tools.local_stack.stack import LocalValues

pytestmark = pytest.mark.e2e


def invoke(root: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tools.local_stack.invoke", *arguments],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_sample_get_me_event_answers_200_on_a_fresh_stack_before_any_other_sample_ran(
    local_stack: StackProcess, project_copy: Path
) -> None:
    done = invoke(project_copy, "IdentityApiFunction", "events/identity_api/get_me.json")

    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["statusCode"] == 200
    assert json.loads(answer["body"])["email"] == "ana@example.com"


STRIPE_SAMPLES = sorted((template.ROOT / "events" / "live_stripe_webhook").glob("*.json"))


@pytest.mark.parametrize("sample", STRIPE_SAMPLES, ids=[path.stem for path in STRIPE_SAMPLES])
def test_invoke_signs_a_stripe_sample_now_so_the_webhook_accepts_it(
    local_stack: StackProcess, project_copy: Path, sample: Path
) -> None:
    assert json.loads(sample.read_text())["headers"]["Stripe-Signature"] == "$signed-now"

    done = invoke(project_copy, "LiveStripeWebhookFunction", str(sample.relative_to(template.ROOT)))

    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["statusCode"] == 200, answer["body"]
    assert json.loads(answer["body"])["event_id"] == json.loads(json.loads(sample.read_text())["body"])["id"]


def test_every_secret_the_template_names_holds_its_local_value_through_the_aws_endpoint(
    local_stack: StackProcess,
) -> None:
    secretsmanager = local_stack.client("secretsmanager")
    values = LocalValues.read()

    for parameter, name in template.parameter_values(values.stack_parameters(template.template())).items():
        if parameter.endswith("SecretName"):
            stored = secretsmanager.get_secret_value(SecretId=name)["SecretString"]
            assert json.loads(stored) == values.secrets[parameter], parameter


def test_run_prints_every_output_of_the_stack_with_its_value(local_stack: StackProcess) -> None:
    printed_lines = [line.split() for line in local_stack.output]
    outputs = local_stack.client("cloudformation").describe_stacks(StackName="colmena-local")["Stacks"][0]["Outputs"]

    assert {output["OutputKey"] for output in outputs} == set(template.template()["Outputs"])
    for output in outputs:
        assert [output["OutputKey"], output["OutputValue"]] in printed_lines


def test_invoke_prints_the_return_value_on_stdout_and_the_logs_on_stderr(
    local_stack: StackProcess, project_copy: Path
) -> None:
    done = invoke(project_copy, "PostConfirmationFunction", "events/post_confirmation/confirm_sign_up.json")

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["triggerSource"] == "PostConfirmation_ConfirmSignUp"
    assert '"message":"user registered"' in done.stderr


def test_invoke_exits_non_zero_with_the_error_when_the_handler_raises(
    local_stack: StackProcess, project_copy: Path, tmp_path: Path
) -> None:
    event = tmp_path / "not_a_trigger.json"
    event.write_text(json.dumps({"triggerSource": "PreSignUp_SignUp"}))

    done = invoke(project_copy, "PostConfirmationFunction", str(event))

    assert done.returncode == 1
    assert "PostConfirmationFunction raised InvalidEvent" in done.stderr


@pytest.mark.parametrize(
    ("arguments", "reason"),
    [
        (
            ("NoSuchFunction", "events/post_confirmation/confirm_sign_up.json"),
            "unknown function 'NoSuchFunction'",
        ),
        (("PostConfirmationFunction", "events/missing.json"), "no event file 'events/missing.json'"),
        (("PostConfirmationFunction", "template.yaml"), "template.yaml is not JSON"),
    ],
)
def test_invoke_refuses_an_unknown_function_or_a_missing_or_malformed_event_with_exit_status_2(
    project_copy: Path, arguments: tuple[str, str], reason: str
) -> None:
    done = invoke(project_copy, *arguments)

    assert done.returncode == 2
    assert done.stderr.splitlines()[0].startswith(reason)
    listed = next(line for line in done.stderr.splitlines() if line.startswith("functions: "))
    assert listed.removeprefix("functions: ").split(", ") == [function.logical_id for function in template.functions()]
    assert "Traceback" not in done.stderr


def run_stack(
    root: Path,
    gateway_port: int | None = None,
    api_port: int | None = None,
    *,
    environment: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    ports = []
    if gateway_port is not None and api_port is not None:
        # Every server of the stack on a free port, never a default another stack may hold.
        stripe_port, sample_sites_port, model_port, twilio_port, elevenlabs_port = free_ports(5)
        ports = ["--gateway-port", str(gateway_port), "--api-port", str(api_port), "--stripe-port", str(stripe_port),
                 "--sample-sites-port", str(sample_sites_port), "--model-port", str(model_port),
                 "--twilio-port", str(twilio_port), "--elevenlabs-port", str(elevenlabs_port)]  # fmt: skip
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "tools.local_stack",
            *ports,
        ],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(environment or {})},
    )


@pytest.mark.parametrize(
    "variable",
    ["GATEWAY_PORT", "API_PORT", "STRIPE_PORT", "SAMPLE_SITES_PORT", "MODEL_PORT", "TWILIO_PORT", "ELEVENLABS_PORT"],
)
def test_run_refuses_a_port_setting_that_is_not_a_number_in_one_line(project_copy: Path, variable: str) -> None:
    done = run_stack(project_copy, environment={variable: "abc"})

    assert done.returncode == 2
    assert done.stderr == f"make run: {variable}='abc' is not a port number (1-65535)\n"


def test_run_names_a_port_already_in_use(project_copy: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]

        done = run_stack(project_copy, free_ports(1)[0], busy)

    assert done.returncode == 1
    assert f"port {busy}, for the API, is already in use" in done.stderr


# A resource the emulator fails to create while deploying (the role does not exist).
POLICY_OF_NO_ROLE = """  BrokenPolicy:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: broken
      Roles: [no-such-role]
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action: dynamodb:GetItem
            Resource: !GetAtt IdentityTable.Arn
"""


def test_run_stops_with_the_stacks_failure_reasons_when_the_template_cannot_deploy(tmp_path: Path) -> None:
    root = scratch_copy(tmp_path)
    template = root / "template.yaml"
    template.write_text(template.read_text().replace("Resources:\n", "Resources:\n" + POLICY_OF_NO_ROLE, 1))

    done = run_stack(root, *free_ports(2))

    assert done.returncode == 1
    assert "make run stopped: the stack did not deploy" in done.stderr
    assert "BrokenPolicy (AWS::IAM::Policy): The role with name no-such-role cannot be found." in done.stderr
    assert "Traceback" not in done.stderr


def test_run_stops_with_the_emulators_reason_when_it_refuses_the_template(tmp_path: Path) -> None:
    root = scratch_copy(tmp_path)
    template = root / "template.yaml"
    template.write_text(template.read_text().replace("Type: AWS::Events::EventBus", "Type: AWS::Events::Nonsense"))

    done = run_stack(root, *free_ports(2))

    assert done.returncode == 1
    assert "Unrecognized resource types: [AWS::Events::Nonsense]" in done.stderr
    assert "Traceback" not in done.stderr


def processes_mentioning(text: str) -> list[int]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if text in cmdline.read_bytes().decode(errors="replace"):
                found.append(int(cmdline.parent.name))
        except OSError:
            continue  # the process ended while we looked
    return found


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT (Ctrl-C)"])
def test_stopping_run_removes_its_workers_and_temporary_folders(tmp_path: Path, stop_signal: int) -> None:
    root = scratch_copy(tmp_path)
    with StackProcess(root=root).start() as running:
        function_name = running.state["functions"]["PostConfirmationFunction"]
        event = (root / "events" / "post_confirmation" / "confirm_sign_up.json").read_bytes()
        running.client("lambda").invoke(FunctionName=function_name, Payload=event)  # a warm worker now exists
        work_dir = root / ".local" / "run" / str(running.state["pid"])
        assert processes_mentioning(str(work_dir)), "the invocation should have left a warm worker"
        asked = time.monotonic()
        running.stop(stop_signal)
        stopped_after = time.monotonic() - asked

    assert stopped_after < 2.0

    assert running.process is not None and running.process.returncode == 0
    assert not work_dir.exists()
    assert processes_mentioning(str(work_dir)) == []
    assert not list((root / ".local" / "stacks").glob("*.json"))
