"""The local stack deploys whatever the template declares, not only Identity's shape: a second context with
a layer of its own, a state machine from a DefinitionUri with substitutions, and a WebSocket API; hot
reload then moves only what a change touches.

These tests add to the template and edit code, so they run on a stack of their own, from a scratch copy."""

from __future__ import annotations

import base64
import json
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tools.local_stack.process import StackProcess, scratch_copy

pytestmark = pytest.mark.e2e

RESOURCES = """  ProbeLayer:
    Type: AWS::Serverless::LayerVersion
    Properties:
      LayerName: colmena-probe
      ContentUri: layers/probe/
      CompatibleRuntimes: [python3.13]
      RetentionPolicy: Delete

  ProbeFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: functions/probe/
      Handler: probe.handler.lambda_handler
      Layers: [!Ref ProbeLayer]  # after the Globals' SharedLayer, as SAM merges them
      Environment:
        Variables:
          TABLE_ARN: !GetAtt IdentityTable.Arn

  ProbeMachine:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionUri: statemachines/probe.asl.json
      DefinitionSubstitutions:
        ProbeArn: !GetAtt ProbeFunction.Arn
      Policies:
        - LambdaInvokePolicy:
            FunctionName: !Ref ProbeFunction

  ProbeSockets:
    Type: AWS::ApiGatewayV2::Api
    Properties:
      Name: colmena-probe-sockets
      ProtocolType: WEBSOCKET
      RouteSelectionExpression: $request.body.action

  ProbeSocketsStage:
    Type: AWS::ApiGatewayV2::Stage
    Properties:
      ApiId: !Ref ProbeSockets
      StageName: !Ref Stage
      AutoDeploy: true

"""

OUTPUTS = """  ProbeMachineArn:
    Description: The probe's state machine.
    Value: !Ref ProbeMachine
  ProbeSocketsId:
    Value: !Ref ProbeSockets
"""

HANDLER = """import colmena
import probe_kit


def lambda_handler(event, context):
    return {"kit": probe_kit.VERSION, "kernel": colmena.__name__, "handler": "first"}
"""

DEFINITION = {
    "StartAt": "Probe",
    "States": {"Probe": {"Type": "Task", "Resource": "${ProbeArn}", "End": True}},
}


@pytest.fixture(scope="module")
def project_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = scratch_copy(tmp_path_factory.mktemp("colmena-any-template"))
    template = root / "template.yaml"
    text = template.read_text().replace("Resources:\n", "Resources:\n" + RESOURCES, 1)
    template.write_text(text.rstrip("\n") + "\n" + OUTPUTS)
    (root / "functions" / "probe" / "probe").mkdir(parents=True)
    (root / "functions" / "probe" / "probe" / "__init__.py").write_text("")
    (root / "functions" / "probe" / "probe" / "handler.py").write_text(HANDLER)
    (root / "layers" / "probe" / "probe_kit").mkdir(parents=True)
    (root / "layers" / "probe" / "probe_kit" / "__init__.py").write_text('VERSION = "one"\n')
    (root / "statemachines" / "probe.asl.json").write_text(json.dumps(DEFINITION))
    return root


@pytest.fixture(scope="module")
def local_stack(project_copy: Path) -> Iterator[StackProcess]:
    with StackProcess(root=project_copy).start() as running:
        yield running


def invoke_probe(stack: StackProcess) -> dict[str, Any]:
    answer = stack.client("lambda").invoke(FunctionName=stack.state["functions"]["ProbeFunction"])
    result: dict[str, Any] = json.loads(answer["Payload"].read())
    return result


def layer_arns(stack: StackProcess, logical_id: str) -> list[str]:
    configuration = stack.client("lambda").get_function_configuration(FunctionName=stack.state["functions"][logical_id])
    return [layer["Arn"] for layer in configuration["Layers"]]


def eventually(check: Any, timeout: float = 40) -> Any:
    deadline = time.monotonic() + timeout
    while not (result := check()) and time.monotonic() < deadline:
        time.sleep(0.2)
    return result


def test_a_function_of_another_context_runs_with_both_of_its_layers(local_stack: StackProcess) -> None:
    assert invoke_probe(local_stack) == {"kit": "one", "kernel": "colmena", "handler": "first"}


def test_the_state_record_keeps_every_layer_by_logical_id(local_stack: StackProcess) -> None:
    layers = local_stack.state["layers"]

    assert set(layers) == {"SharedLayer", "ProbeLayer"}
    assert layer_arns(local_stack, "ProbeFunction") == [layers["SharedLayer"], layers["ProbeLayer"]]


def test_a_state_machine_from_a_definition_uri_runs_with_its_substitutions(local_stack: StackProcess) -> None:
    stepfunctions = local_stack.client("stepfunctions")
    execution = stepfunctions.start_execution(
        stateMachineArn=local_stack.state["state_machines"]["ProbeMachine"], input="{}"
    )

    described = eventually(
        lambda: (
            (found := stepfunctions.describe_execution(executionArn=execution["executionArn"]))["status"] != "RUNNING"
            and found
        ),
        timeout=20,
    )

    assert described["status"] == "SUCCEEDED", described
    assert json.loads(described["output"])["kit"] == "one"


def test_a_websocket_api_is_deployed_printed_and_accepts_a_connection(local_stack: StackProcess) -> None:
    api = local_stack.state["websocket_apis"]["ProbeSockets"]
    path = f"/_aws/execute-api/{api['id']}/{api['stage']}"
    assert f"WebSocket API ProbeSockets: ws://127.0.0.1:{local_stack.gateway_port}{path}" in "".join(local_stack.output)

    with socket.create_connection(("127.0.0.1", local_stack.gateway_port), timeout=10) as connection:
        key = base64.b64encode(os.urandom(16)).decode()
        connection.sendall(
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode()
        )
        status_line = connection.recv(1024).split(b"\r\n", 1)[0]

    assert b" 101 " in status_line


def test_the_summary_prints_the_outputs_the_template_adds(local_stack: StackProcess) -> None:
    printed = "".join(local_stack.output)

    assert f"ProbeMachineArn                   {local_stack.state['state_machines']['ProbeMachine']}" in printed
    assert "The probe's state machine." in printed


def test_editing_one_layer_moves_only_its_users_to_one_new_version_of_it(
    local_stack: StackProcess, project_copy: Path
) -> None:
    shared_before = layer_arns(local_stack, "ProbeFunction")[0]
    identity_before = layer_arns(local_stack, "IdentityApiFunction")

    (project_copy / "layers" / "probe" / "probe_kit" / "__init__.py").write_text('VERSION = "two"\n')

    assert eventually(lambda: invoke_probe(local_stack)["kit"] == "two")
    shared_after, probe_after = layer_arns(local_stack, "ProbeFunction")
    assert shared_after == shared_before
    assert probe_after.startswith(local_stack.state["layers"]["ProbeLayer"].rsplit(":", 1)[0] + ":")
    assert probe_after != local_stack.state["layers"]["ProbeLayer"]
    assert layer_arns(local_stack, "IdentityApiFunction") == identity_before


def test_editing_a_context_updates_only_that_contexts_functions(local_stack: StackProcess, project_copy: Path) -> None:
    lambda_client = local_stack.client("lambda")

    def code_of(logical_id: str) -> str:
        name = local_stack.state["functions"][logical_id]
        return str(lambda_client.get_function_configuration(FunctionName=name)["CodeSha256"])

    identity_before = code_of("IdentityApiFunction")
    handler = project_copy / "functions" / "probe" / "probe" / "handler.py"

    handler.write_text(HANDLER.replace('"first"', '"second"'))

    assert eventually(lambda: invoke_probe(local_stack)["handler"] == "second")
    assert code_of("IdentityApiFunction") == identity_before
