"""`make run`: MiniStack with the launcher's patches, template.yaml deployed on it as one stack, the API on
its own port with the template's paths, and the functions reloaded when their code changes.

One process: the emulator serves in the foreground, and a thread packages, deploys and then watches the code.
Ctrl-C stops both, the workers, and removes every temporary folder the run made."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tools import template
from tools.build_host import host_architecture, host_template
from tools.local_stack import launcher, package

STACK_NAME = "colmena-local"
ARTIFACT_BUCKET = "colmena-local-artifacts"
REGION = "us-east-1"
STAGE = "dev"
DEFAULT_GATEWAY_PORT = 4566
DEFAULT_API_PORT = 3000
STATE_DIR = package.LOCAL_DIR / "stacks"  # one file per running stack, named by its gateway port


def state_file(gateway_port: int) -> Path:
    return STATE_DIR / f"{gateway_port}.json"


class DeployFailed(Exception):
    pass


def endpoint(gateway_port: int) -> str:
    return f"http://127.0.0.1:{gateway_port}"


def client(service: str, gateway_port: int) -> Any:
    import boto3

    return boto3.client(  # type: ignore[call-overload]
        service,
        endpoint_url=endpoint(gateway_port),
        region_name=REGION,
        aws_access_key_id="local",
        aws_secret_access_key="local",  # the emulator checks no credentials
    )


def healthy(gateway_port: int, timeout: float = 0.5) -> bool:
    try:
        with urllib.request.urlopen(f"{endpoint(gateway_port)}/_ministack/health", timeout=timeout) as answer:  # noqa: S310
            return bool(answer.status == 200)
    except OSError:
        return False


@dataclass
class Deployment:
    """What the stack created, by logical id, and the stack's outputs."""

    physical_ids: dict[str, str]
    outputs: dict[str, str]
    api_id: str
    layer_arn: str
    functions: dict[str, str] = field(default_factory=dict)  # logical id -> function name


def deploy(gateway_port: int) -> Deployment:
    s3, cloudformation = client("s3", gateway_port), client("cloudformation", gateway_port)
    s3.create_bucket(Bucket=ARTIFACT_BUCKET)
    local_template = host_template(host_architecture())
    s3.put_object(Bucket=ARTIFACT_BUCKET, Key="layer.zip", Body=package.layer_zip())
    for function in template.functions():
        key = f"{function.logical_id}.zip"
        s3.put_object(Bucket=ARTIFACT_BUCKET, Key=key, Body=package.function_zip(function))
        local_template["Resources"][function.logical_id]["Properties"]["CodeUri"] = f"s3://{ARTIFACT_BUCKET}/{key}"
    for body in local_template["Resources"].values():
        if body["Type"] == "AWS::Serverless::LayerVersion":
            body["Properties"]["ContentUri"] = f"s3://{ARTIFACT_BUCKET}/layer.zip"
    cloudformation.create_stack(
        StackName=STACK_NAME,
        TemplateBody=json.dumps(local_template),
        Parameters=[{"ParameterKey": "Stage", "ParameterValue": STAGE}],
        Capabilities=["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"],
    )
    stack = _wait_for_stack(cloudformation)
    resources = cloudformation.describe_stack_resources(StackName=STACK_NAME)["StackResources"]
    physical_ids = {resource["LogicalResourceId"]: resource["PhysicalResourceId"] for resource in resources}
    # SAM renames a layer's logical id with a content hash (SharedLayer1a2b3c...), so it is found by type.
    layer_arn = next(r["PhysicalResourceId"] for r in resources if r["ResourceType"] == "AWS::Lambda::LayerVersion")
    return Deployment(
        physical_ids=physical_ids,
        outputs={output["OutputKey"]: output["OutputValue"] for output in stack.get("Outputs", [])},
        api_id=physical_ids["Api"],
        layer_arn=layer_arn,
        functions={function.logical_id: physical_ids[function.logical_id] for function in template.functions()},
    )


def _wait_for_stack(cloudformation: Any, timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        stack: dict[str, Any] = cloudformation.describe_stacks(StackName=STACK_NAME)["Stacks"][0]
        status = stack["StackStatus"]
        if status == "CREATE_COMPLETE":
            return stack
        if status.endswith("FAILED") or "ROLLBACK" in status:
            events = cloudformation.describe_stack_events(StackName=STACK_NAME)["StackEvents"]
            reasons = [
                f"  {e['LogicalResourceId']} ({e['ResourceType']}): {e.get('ResourceStatusReason')}"
                for e in events
                if e["ResourceStatus"].endswith("FAILED")
            ]
            raise DeployFailed(f"the stack did not deploy ({status}):\n" + "\n".join(reasons or [f"  {stack}"]))
        time.sleep(0.05)
    raise DeployFailed(f"the stack did not finish deploying within {timeout:.0f} s")


# --- hot reload -----------------------------------------------------------------------------------


def watch_and_reload(gateway_port: int, deployment: Deployment, stop: threading.Event) -> None:
    """Repackages what changed under functions/ or layers/shared/ and updates the running functions."""
    from watchfiles import watch

    lambda_client = client("lambda", gateway_port)
    # A context's functions share one folder (their CodeUri): a change there updates each of them, and only them.
    by_folder: dict[Path, list[template.Function]] = {}
    for function in template.functions():
        by_folder.setdefault(function.code_dir, []).append(function)
    watched = [str(template.ROOT / "functions"), str(package.LAYER_SOURCE)]
    for changes in watch(*watched, stop_event=stop, debounce=100, step=50):
        paths = {Path(path) for _, path in changes if "__pycache__" not in path}
        try:
            if any(package.LAYER_SOURCE in path.parents for path in paths):
                _reload_layer(lambda_client, deployment)
            for code_dir, functions in by_folder.items():
                if not any(code_dir in path.parents for path in paths):
                    continue
                code = package.function_zip(functions[0])
                for function in functions:
                    lambda_client.update_function_code(
                        FunctionName=deployment.functions[function.logical_id], ZipFile=code
                    )
                    print(f"reloaded {function.logical_id}", file=sys.stderr, flush=True)
        except Exception as error:  # a failed reload is reported; the stack keeps serving the last good code
            print(f"reload failed: {error!r}", file=sys.stderr, flush=True)


def _reload_layer(lambda_client: Any, deployment: Deployment) -> None:
    layer_name = deployment.layer_arn.split(":layer:", 1)[1].split(":", 1)[0]
    published = lambda_client.publish_layer_version(LayerName=layer_name, Content={"ZipFile": package.layer_zip()})
    deployment.layer_arn = published["LayerVersionArn"]
    for function_name in deployment.functions.values():
        lambda_client.update_function_configuration(FunctionName=function_name, Layers=[published["LayerVersionArn"]])
    print(f"reloaded the shared layer ({published['LayerVersionArn']})", file=sys.stderr, flush=True)


# --- make run -------------------------------------------------------------------------------------


def port_in_use(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def summary(deployment: Deployment, gateway_port: int, api_port: int) -> str:
    ids, outputs, gateway = deployment.physical_ids, deployment.outputs, endpoint(gateway_port)
    client_id, pool_id = (
        outputs.get("UserPoolClientId", ids["UserPoolClient"]),
        outputs.get("UserPoolId", ids["UserPool"]),
    )
    return f"""
Colmena is running locally (stack {STACK_NAME}, stage {STAGE}). Ctrl-C stops it.

  API            http://127.0.0.1:{api_port}            (the template's paths: GET /me, PATCH /me/settings)
  API, emulator  {gateway}/_aws/execute-api/{deployment.api_id}/{STAGE}
  AWS endpoint   {gateway}                      (export AWS_ENDPOINT_URL={gateway})
  User pool      {pool_id}
  App client     {client_id}
  Identity table {ids["IdentityTable"]}
  Event bus      {ids["EventBus"]}

A token:
  export AWS_ENDPOINT_URL={gateway} AWS_DEFAULT_REGION={REGION}
  export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local
  aws cognito-idp sign-up --client-id {client_id} --username ana@example.com --password 'Passw0rd!'
  aws cognito-idp admin-confirm-sign-up --user-pool-id {pool_id} --username ana@example.com
  TOKEN=$(aws cognito-idp initiate-auth --client-id {client_id} --auth-flow USER_PASSWORD_AUTH \\
      --auth-parameters USERNAME=ana@example.com,PASSWORD='Passw0rd!' \\
      --query AuthenticationResult.IdToken --output text)
  curl -H "Authorization: $TOKEN" http://127.0.0.1:{api_port}/me
"""


def _bring_up(gateway_port: int, front: launcher.ApiFront, stop: threading.Event, outcome: dict[str, Any]) -> None:
    try:
        deadline = time.monotonic() + 30
        while not healthy(gateway_port):
            if stop.is_set() or time.monotonic() > deadline:
                raise DeployFailed(f"the emulator did not answer on port {gateway_port}")
            time.sleep(0.02)
        deployment = deploy(gateway_port)
        front.stage = STAGE
        front.api_id = deployment.api_id  # last: the front routes as soon as it has an api id
        if stop.is_set():
            return
        STATE_DIR.mkdir(parents=True, exist_ok=True)
        state = {
            "pid": os.getpid(),
            "gateway_port": gateway_port,
            "api_port": front.port,
            **deployment.__dict__,
        }
        state_file(gateway_port).write_text(json.dumps(state, indent=2))
        print(summary(deployment, gateway_port, front.port), flush=True)
        print("ready", flush=True)
        watch_and_reload(gateway_port, deployment, stop)
    except Exception as error:  # any failure stops the whole run, with its reason
        if not stop.is_set():
            outcome["error"] = error
            os.kill(os.getpid(), signal.SIGINT)


def _interrupt(*_: Any) -> None:
    raise KeyboardInterrupt


def run(gateway_port: int, api_port: int) -> int:
    if gateway_port == api_port:
        print(f"the emulator and the API need two ports; both are {api_port}", file=sys.stderr)
        return 1
    for port, what in ((gateway_port, "the emulator (AWS endpoint)"), (api_port, "the API")):
        if port_in_use(port):
            print(
                f"port {port}, for {what}, is already in use: stop what holds it or pick another",
                file=sys.stderr,
            )
            return 1
    # SIGTERM stops a run as Ctrl-C does, from the first line on, so the cleanup below always runs.
    signal.signal(signal.SIGTERM, _interrupt)
    work_dir = package.LOCAL_DIR / "run" / str(os.getpid())
    front, stop = launcher.ApiFront(port=api_port), threading.Event()
    outcome: dict[str, Exception] = {}
    try:
        launcher.prepare_environment(gateway_port, work_dir)
        launcher.apply_patches(package.RUNTIME_PYTHON)
        bring_up = threading.Thread(target=_bring_up, args=(gateway_port, front, stop, outcome), daemon=True)
        bring_up.start()
        launcher.serve(front)
    except KeyboardInterrupt:
        pass
    except RuntimeError as error:  # a launcher that does not fit the installed emulator
        outcome["error"] = error
    finally:
        for signal_number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signal_number, signal.SIG_IGN)  # a second Ctrl-C must not cut the cleanup short
        stop.set()
        launcher.stop_workers()
        shutil.rmtree(work_dir, ignore_errors=True)
        state_file(gateway_port).unlink(missing_ok=True)
    if "error" in outcome:
        print(f"make run stopped: {outcome['error']}", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make run", description=__doc__)
    parser.add_argument("--gateway-port", type=int, default=int(os.environ.get("GATEWAY_PORT", DEFAULT_GATEWAY_PORT)))
    parser.add_argument("--api-port", type=int, default=int(os.environ.get("API_PORT", DEFAULT_API_PORT)))
    arguments = parser.parse_args(argv)
    if not package.RUNTIME_PYTHON.exists():
        print("the runtime environment is missing: run make install", file=sys.stderr)
        return 1
    return run(arguments.gateway_port, arguments.api_port)
