"""`make run`: MiniStack with the launcher's patches; whatever template.yaml declares deployed on it as one
stack, with the parameters and secrets of local-values.toml; one REST API on its own port with the
template's paths; the functions reloaded when their code or one of their layers changes.

One process: the emulator serves in the foreground, and a thread packages, deploys and then watches the code.
The local Stripe (tools/local_stripe) serves from a thread of the same process, with the Stripe secret's local
values, and so do the local Twilio and the local ElevenLabs (tools/local_twilio, tools/local_elevenlabs) with
theirs. Ctrl-C stops them all, the workers, and removes every temporary folder the run made."""

from __future__ import annotations

import argparse
import functools
import importlib
import json
import os
import re
import shutil
import signal
import socket
import sys
import threading
import time
import tomllib
import urllib.request
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tools import template
from tools.build_host import host_architecture, host_template
from tools.local_elevenlabs import DEFAULT_PORT as DEFAULT_ELEVENLABS_PORT
from tools.local_elevenlabs import LocalElevenLabs
from tools.local_model import DEFAULT_PORT as DEFAULT_MODEL_PORT
from tools.local_model import LocalModel
from tools.local_stack import launcher, package
from tools.local_stripe import DEFAULT_PORT as DEFAULT_STRIPE_PORT
from tools.local_stripe import Endpoint, LocalStripe
from tools.local_twilio import DEFAULT_PORT as DEFAULT_TWILIO_PORT
from tools.local_twilio import LocalTwilio
from tools.sample_sites import DEFAULT_PORT as DEFAULT_SAMPLE_SITES_PORT
from tools.sample_sites import SITES, SampleSites

STACK_NAME = "colmena-local"
ARTIFACT_BUCKET = "colmena-local-artifacts"
TEMPLATE_KEY = "template.json"
REGION = "us-east-1"
DEFAULT_GATEWAY_PORT = 4566
DEFAULT_API_PORT = 3000
STRIPE_PARAMETER = "StripeSecretName"  # the parameter naming the secret whose local values the local Stripe uses
STRIPE_BASE_URL = "StripeApiBaseUrl"  # the parameter that points the functions at Stripe
STRIPE_WEBHOOK_PATH = "/webhooks/stripe"  # where, on the API port, the local Stripe sends its events
TWILIO_PARAMETER, ELEVENLABS_PARAMETER = "TwilioSecretName", "ElevenLabsSecretName"  # their fakes' keys
TWILIO_BASE_URL, ELEVENLABS_BASE_URL = "TwilioApiBaseUrl", "ElevenLabsApiBaseUrl"  # where the functions call them
PUBLIC_BASE_URL = "PublicApiBaseUrl"  # where Twilio's callbacks go: the API port
STATE_DIR = package.LOCAL_DIR / "stacks"  # one file per running stack, named by its gateway port
LOCAL_VALUES = Path(__file__).with_name("local-values.toml")
API_DESCRIPTION = template.ROOT / "docs" / "openapi.json"  # Swagger UI's, at /docs on the API port
SEED = template.ROOT / "events" / "seed.json"  # the sample events' records, written at deploy time
NOW = "$now"  # in the seed, the deploy time
DEPLOY_SERVICES = ("secretsmanager", "s3", "cloudformation", "dynamodb", "lambda")  # made while the emulator starts
STATE_MACHINE_TYPES = ("AWS::Serverless::StateMachine", "AWS::StepFunctions::StateMachine")
SAMPLE_SITES_PORT = "$sample_sites_port"  # in the local values' [environment], the port the sample sites are on
BEDROCK_PROXY = "MINISTACK_BEDROCK_PROXY_URL"  # where the emulator's Bedrock Converse forwards (tools/local_model)


def state_file(gateway_port: int) -> Path:
    return STATE_DIR / f"{gateway_port}.json"


class DeployFailed(Exception):
    pass


def endpoint(gateway_port: int) -> str:
    return f"http://127.0.0.1:{gateway_port}"


@functools.cache
def client(service: str, gateway_port: int) -> Any:
    """One client per service and stack (boto3's clients are thread-safe; each costs ~0.1 s to make)."""
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


# --- the local values --------------------------------------------------------------------------------


@dataclass(frozen=True)
class LocalValues:
    """local-values.toml: the parameters, the secrets' local values (by the parameter naming each secret)
    and the REST API the API port serves."""

    parameters: dict[str, str]
    secrets: dict[str, dict[str, str]]
    api: str | None = None
    # Function logical id -> variables only the local stack gives it (never in the template): see
    # `with_local_environment`.
    environment: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def read(cls, path: Path = LOCAL_VALUES) -> LocalValues:
        values = tomllib.loads(path.read_text())
        return cls(
            parameters={name: str(value) for name, value in values.get("parameters", {}).items()},
            secrets=values.get("secrets", {}),
            api=values.get("api"),
            environment={
                logical_id: {name: str(value) for name, value in variables.items()}
                for logical_id, variables in values.get("environment", {}).items()
            },
        )

    def with_parameters(self, **overrides: str) -> LocalValues:
        return replace(self, parameters={**self.parameters, **overrides})

    def with_sample_sites_port(self, port: int) -> LocalValues:
        """The local environment with `$sample_sites_port` replaced by the port the sample sites are on."""
        return replace(
            self,
            environment={
                logical_id: {name: value.replace(SAMPLE_SITES_PORT, str(port)) for name, value in variables.items()}
                for logical_id, variables in self.environment.items()
            },
        )

    def with_local_environment(self, body: dict[str, Any]) -> dict[str, Any]:
        """The template body with the local values' [environment.<LogicalId>] variables added to each named
        function: settings that exist only on the local stack (the sample sites' loopback port), so the
        committed template, which AWS deploys, never has them. A function the template lacks is refused."""
        resources = body["Resources"]
        for logical_id, variables in self.environment.items():
            resource = resources.get(logical_id)
            if resource is None or resource["Type"] != "AWS::Serverless::Function":
                raise DeployFailed(
                    f"{LOCAL_VALUES.name} sets the environment of {logical_id}, not a function of the template"
                )
            environment = resource["Properties"].setdefault("Environment", {}).setdefault("Variables", {})
            environment.update(variables)
        return body

    def stack_parameters(self, body: dict[str, Any]) -> dict[str, str]:
        """The values of the parameters the template declares (the others are not the template's)."""
        return {name: value for name, value in self.parameters.items() if name in body.get("Parameters", {})}

    def secrets_for(self, body: dict[str, Any]) -> dict[str, str]:
        """Secret name -> its local value (JSON), for every parameter of the template that names a secret."""
        parameters = template.parameter_values(self.stack_parameters(body), body)
        secrets = {}
        for name in parameters:
            if not name.endswith("SecretName"):
                continue
            if name not in self.secrets:
                raise DeployFailed(
                    f"the template's {name} names a secret, but {LOCAL_VALUES.name} gives it no local value "
                    f"([secrets.{name}])"
                )
            secrets[parameters[name]] = json.dumps(self.secrets[name])
        return secrets


# --- deploy -------------------------------------------------------------------------------------------


@dataclass
class Api:
    id: str
    stage: str


@dataclass
class Deployment:
    """What the stack created, by logical id, and the stack's outputs. This is the state file's content."""

    parameters: dict[str, str]
    physical_ids: dict[str, str]
    outputs: dict[str, str]
    output_descriptions: dict[str, str]
    functions: dict[str, str]  # logical id -> function name
    layers: dict[str, str]  # the template's logical id -> the version's ARN the functions use now
    rest_apis: dict[str, Api]
    websocket_apis: dict[str, Api]
    state_machines: dict[str, str]  # logical id -> ARN
    secrets: list[str]
    front_api: str | None = None  # the REST API the API port serves

    def as_state(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Packaged:
    """The template with its code addresses rewritten, and the zips to upload there."""

    body: dict[str, Any]
    artifacts: dict[str, bytes] = field(default_factory=dict)


def package_template(body: dict[str, Any]) -> Packaged:
    packaged = Packaged(body={})

    def keep(key: str, data: bytes) -> str:
        packaged.artifacts[key] = data
        return f"s3://{ARTIFACT_BUCKET}/{key}"

    packaged.body = package.packaged_template(body, keep)
    return packaged


def create_secrets(secretsmanager: Any, secrets: dict[str, str]) -> None:
    for name, value in secrets.items():
        try:
            secretsmanager.create_secret(Name=name, SecretString=value)
        except secretsmanager.exceptions.ResourceExistsException:
            secretsmanager.put_secret_value(SecretId=name, SecretString=value)


def seed_tables(dynamodb: Any, physical_ids: dict[str, str], seed: Path = SEED) -> None:
    """Writes the sample events' records (events/seed.json: table logical id -> items), so that every
    sample event works on a fresh stack, in any order. A value `$now` is the time of the deploy: what must be
    recent whenever the stack starts (a seeded live session's last activity, which the scheduled cleanup
    would otherwise find idle)."""
    if not seed.exists():
        return
    from boto3.dynamodb.types import TypeSerializer

    serializer = TypeSerializer()
    now = datetime.now(UTC).isoformat(timespec="milliseconds")
    for logical_id, items in json.loads(seed.read_text()).items():
        if logical_id not in physical_ids:
            raise DeployFailed(f"{seed.name} seeds {logical_id}, which the template does not declare")
        for item in items:
            dynamodb.put_item(
                TableName=physical_ids[logical_id],
                Item={name: serializer.serialize(now if value == NOW else value) for name, value in item.items()},
            )


def deploy(gateway_port: int, packaged: Packaged, values: LocalValues) -> Deployment:
    s3, cloudformation = client("s3", gateway_port), client("cloudformation", gateway_port)
    body = packaged.body
    parameters = values.stack_parameters(body)
    secrets = values.secrets_for(body)
    # Before the stack: a function may read its secret as soon as it exists (a trigger, a rule's target).
    create_secrets(client("secretsmanager", gateway_port), secrets)
    s3.create_bucket(Bucket=ARTIFACT_BUCKET)
    for key, data in packaged.artifacts.items():
        s3.put_object(Bucket=ARTIFACT_BUCKET, Key=key, Body=data)
    # From the artifact bucket, as `sam deploy` does: CloudFormation takes at most 51,200 bytes inline, and
    # the template (its alarms and log groups beside every function) is larger than that.
    s3.put_object(Bucket=ARTIFACT_BUCKET, Key=TEMPLATE_KEY, Body=json.dumps(body).encode())
    cloudformation.create_stack(
        StackName=STACK_NAME,
        TemplateURL=f"{endpoint(gateway_port)}/{ARTIFACT_BUCKET}/{TEMPLATE_KEY}",
        Parameters=[{"ParameterKey": name, "ParameterValue": value} for name, value in parameters.items()],
        Capabilities=["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"],
    )
    stack = _wait_for_stack(cloudformation)
    resources = cloudformation.describe_stack_resources(StackName=STACK_NAME)["StackResources"]
    deployment = _deployment(body, template.parameter_values(parameters, body), stack, resources)
    deployment.secrets = sorted(secrets)  # their names only: the values stay in the local values file
    deployment.front_api = front_api(deployment, values)
    seed_tables(client("dynamodb", gateway_port), deployment.physical_ids)
    return deployment


def _deployment(
    body: dict[str, Any], parameters: dict[str, str], stack: dict[str, Any], resources: list[dict[str, Any]]
) -> Deployment:
    physical_ids = {resource["LogicalResourceId"]: resource["PhysicalResourceId"] for resource in resources}
    resolver = template.Resolver(body=body, parameters=parameters)
    declared = body["Resources"]

    def of_type(*kinds: str) -> list[str]:
        return [logical_id for logical_id, resource in declared.items() if resource["Type"] in kinds]

    # SAM renames a layer's logical id with a content hash (SharedLayer1a2b3c4d5e).
    layer_versions = [r for r in resources if r["ResourceType"] == "AWS::Lambda::LayerVersion"]
    layers = {
        logical_id: next(
            r["PhysicalResourceId"]
            for r in layer_versions
            if re.fullmatch(re.escape(logical_id) + "[0-9a-f]{10}", r["LogicalResourceId"])
            or r["LogicalResourceId"] == logical_id
        )
        for logical_id in of_type("AWS::Serverless::LayerVersion")
    }
    rest_apis = {
        logical_id: Api(physical_ids[logical_id], str(resolver.value(declared[logical_id]["Properties"]["StageName"])))
        for logical_id in of_type("AWS::Serverless::Api")
    }
    if "ServerlessRestApi" in physical_ids:  # SAM's implicit API, for Api events that name no RestApiId
        rest_apis["ServerlessRestApi"] = Api(physical_ids["ServerlessRestApi"], "Prod")
    stages = {
        resolver.ref(resource["Properties"]["ApiId"]["Ref"]): str(resolver.value(resource["Properties"]["StageName"]))
        for resource in declared.values()
        if resource["Type"] == "AWS::ApiGatewayV2::Stage" and "Ref" in resource["Properties"].get("ApiId", {})
    }
    websocket_apis = {
        logical_id: Api(physical_ids[logical_id], stages.get(logical_id, "$default"))
        for logical_id in of_type("AWS::ApiGatewayV2::Api")
        if declared[logical_id]["Properties"].get("ProtocolType") == "WEBSOCKET"
    }
    declared_outputs = body.get("Outputs", {})
    return Deployment(
        parameters=parameters,
        physical_ids=physical_ids,
        outputs={output["OutputKey"]: output["OutputValue"] for output in stack.get("Outputs", [])},
        output_descriptions={
            output["OutputKey"]: output.get("Description")
            or declared_outputs.get(output["OutputKey"], {}).get("Description", "")
            for output in stack.get("Outputs", [])
        },
        functions={logical_id: physical_ids[logical_id] for logical_id in of_type("AWS::Serverless::Function")},
        layers=layers,
        rest_apis=rest_apis,
        websocket_apis=websocket_apis,
        state_machines={logical_id: physical_ids[logical_id] for logical_id in of_type(*STATE_MACHINE_TYPES)},
        secrets=[],
    )


def front_api(deployment: Deployment, values: LocalValues) -> str | None:
    """The REST API the API port serves: the one the local values name, or the only one."""
    if values.api in deployment.rest_apis:
        return values.api
    if values.api is not None and len(deployment.rest_apis) > 1:
        raise DeployFailed(
            f"{LOCAL_VALUES.name} names the REST API {values.api!r} for the API port, but the template's REST "
            f"APIs are {', '.join(deployment.rest_apis)}"
        )
    return next(iter(deployment.rest_apis), None)


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


@dataclass(frozen=True)
class Watched:
    """The folders hot reload watches: each CodeUri with its functions, each layer's ContentUri with the
    layer's logical id and the functions that use it."""

    code: dict[Path, list[str]]
    layers: dict[Path, str]
    layer_users: dict[str, list[str]]

    @classmethod
    def of(cls, body: dict[str, Any], root: Path = template.ROOT) -> Watched:
        global_function = body.get("Globals", {}).get("Function", {})
        code: dict[Path, list[str]] = {}
        layer_users: dict[str, list[str]] = {}
        layers = {}
        for logical_id, resource in body["Resources"].items():
            properties = resource.get("Properties", {})
            if resource["Type"] == "AWS::Serverless::LayerVersion":
                folder = package.local_folder(properties.get("ContentUri"), root)
                if folder is not None:
                    layers[folder] = logical_id
            if resource["Type"] != "AWS::Serverless::Function":
                continue
            folder = package.local_folder(properties.get("CodeUri", global_function.get("CodeUri")), root)
            if folder is not None:
                code.setdefault(folder, []).append(logical_id)
            for layer in _layer_refs(global_function, properties):
                layer_users.setdefault(layer, []).append(logical_id)
        return cls(code=code, layers=layers, layer_users=layer_users)

    def folders(self) -> list[Path]:
        return [*self.code, *self.layers]


def _layer_refs(global_function: dict[str, Any], properties: dict[str, Any]) -> list[str]:
    """The template's layers a function uses: SAM appends the function's own to the Globals' ones."""
    refs = [
        layer["Ref"]
        for layer in [*global_function.get("Layers", []), *properties.get("Layers", [])]
        if isinstance(layer, dict) and "Ref" in layer
    ]
    return list(dict.fromkeys(refs))


def watch_and_reload(gateway_port: int, deployment: Deployment, watched: Watched, stop: threading.Event) -> None:
    """Repackages what changed under a CodeUri or a layer's folder and updates the running functions: a
    context's functions take their new code, a layer's users one new version of that layer."""
    from watchfiles import watch

    lambda_client = client("lambda", gateway_port)
    for changes in watch(*watched.folders(), stop_event=stop, debounce=100, step=50):
        paths = {Path(path) for _, path in changes if "__pycache__" not in path}
        try:
            for folder, layer in watched.layers.items():
                if any(folder in path.parents for path in paths):
                    _reload_layer(lambda_client, deployment, layer, folder, watched.layer_users.get(layer, []))
                    _save_state(gateway_port, deployment)
            for folder, functions in watched.code.items():
                if any(folder in path.parents for path in paths):
                    code = package.code_zip(folder)
                    for logical_id in functions:
                        lambda_client.update_function_code(FunctionName=deployment.functions[logical_id], ZipFile=code)
                        print(f"reloaded {logical_id}", file=sys.stderr, flush=True)
        except Exception as error:  # a failed reload is reported; the stack keeps serving the last good code
            print(f"reload failed: {error!r}", file=sys.stderr, flush=True)


def _reload_layer(lambda_client: Any, deployment: Deployment, layer: str, folder: Path, users: list[str]) -> None:
    """Publishes one new version of `layer` and moves each function that uses it onto that version, keeping
    the function's other layers and their order."""
    old_arn = deployment.layers[layer]
    layer_name = old_arn.split(":layer:", 1)[1].split(":", 1)[0]
    published = lambda_client.publish_layer_version(
        LayerName=layer_name, Content={"ZipFile": package.layer_zip(folder)}
    )
    new_arn = published["LayerVersionArn"]
    unversioned = new_arn.rsplit(":", 1)[0] + ":"
    for logical_id in users:
        name = deployment.functions[logical_id]
        current = [
            attached["Arn"] for attached in lambda_client.get_function_configuration(FunctionName=name)["Layers"]
        ]
        layers = [new_arn if arn.startswith(unversioned) else arn for arn in current]
        lambda_client.update_function_configuration(FunctionName=name, Layers=layers)
    deployment.layers[layer] = new_arn
    print(f"reloaded the layer {layer} ({new_arn})", file=sys.stderr, flush=True)


def _save_state(
    gateway_port: int, deployment: Deployment, api_port: int | None = None, stripe_port: int | None = None
) -> None:
    path = state_file(gateway_port)
    state = (
        json.loads(path.read_text())
        if api_port is None
        else {"pid": os.getpid(), "gateway_port": gateway_port, "api_port": api_port, "stripe_port": stripe_port}
    )
    state.update(deployment.as_state())
    STATE_DIR.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(state, indent=2))


# --- make run -------------------------------------------------------------------------------------


def port_in_use(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def routes(body: dict[str, Any], api: str) -> list[str]:
    """`METHOD /path` of every function event on the REST API `api`."""
    found = []
    for resource in body["Resources"].values():
        for event in (resource.get("Properties", {}).get("Events") or {}).values():
            properties = event.get("Properties", {})
            target = properties.get("RestApiId", {"Ref": "ServerlessRestApi"})
            if event.get("Type") == "Api" and target == {"Ref": api}:
                found.append(f"{properties['Method'].upper()} {properties['Path']}")
    return found


def summary(
    deployment: Deployment,
    body: dict[str, Any],
    gateway_port: int,
    api_port: int,
    stripe_url: str | None = None,
    sample_sites_url: str | None = None,
    providers: tuple[LocalTwilio, LocalElevenLabs] | None = None,
) -> str:
    """What `make run` prints: where the API, the AWS endpoint and the local Stripe are, every output of the
    stack, the secrets it created, and how to get a token when the stack has a user pool client."""
    gateway = endpoint(gateway_port)
    stage = deployment.parameters.get("Stage")
    lines = [
        "",
        f"Colmena is running locally (stack {STACK_NAME}{f', stage {stage}' if stage else ''}). Ctrl-C stops it.",
        "",
        f"  AWS endpoint  {gateway}   (export AWS_ENDPOINT_URL={gateway} AWS_DEFAULT_REGION={REGION})",
    ]
    for logical_id, api in deployment.rest_apis.items():
        url = f"{gateway}/_aws/execute-api/{api.id}/{api.stage}"
        if logical_id == deployment.front_api:
            paths = ", ".join(routes(body, logical_id)) or "the template's paths"
            lines.append(f"  API           http://127.0.0.1:{api_port}   (REST API {logical_id}: {paths})")
        lines.append(f"  REST API {logical_id} on the emulator: {url}")
    lines += _local_stripe_lines(stripe_url, api_port)
    lines += _sample_sites_lines(sample_sites_url)
    lines += _providers_lines(providers)
    for logical_id, api in deployment.websocket_apis.items():
        lines.append(
            f"  WebSocket API {logical_id}: ws://127.0.0.1:{gateway_port}/_aws/execute-api/{api.id}/{api.stage}"
        )
    for logical_id, arn in deployment.state_machines.items():
        lines.append(f"  State machine {logical_id}: {arn}")
    lines += ["", "Stack outputs:"]
    width = max((len(key) for key in deployment.outputs), default=0)
    for key, value in deployment.outputs.items():
        description = deployment.output_descriptions.get(key)
        lines.append(f"  {key:<{width}}  {value}" + (f"\n  {'':<{width}}  {description}" if description else ""))
    if deployment.secrets:
        lines += ["", "Secrets, with their local values from tools/local_stack/local-values.toml:"]
        lines += [f"  {name}" for name in deployment.secrets]
        lines.append(f"  aws secretsmanager get-secret-value --secret-id {deployment.secrets[0]} --query SecretString")
    if "UserPoolClientId" in deployment.outputs:
        lines += ["", _token_how_to(deployment.outputs["UserPoolClientId"], gateway, api_port)]
    return "\n".join(lines)


def _local_stripe_lines(stripe_url: str | None, api_port: int) -> list[str]:
    if stripe_url is None:
        return []
    return [
        f"  Local Stripe  {stripe_url}   (the {STRIPE_PARAMETER} secret's api_key; its events go to "
        f"http://127.0.0.1:{api_port}{STRIPE_WEBHOOK_PATH}; admin routes under {stripe_url}/_local/)"
    ]


def _providers_lines(providers: tuple[LocalTwilio, LocalElevenLabs] | None) -> list[str]:
    if providers is None:
        return []
    twilio, elevenlabs = providers
    return [
        f"  Local Twilio  {twilio.base_url}   (the {TWILIO_PARAMETER} secret's account_sid and auth_token; "
        f"admin routes under {twilio.base_url}/_local/: state, failures, calls)",
        f"  Local ElevenLabs  {elevenlabs.base_url}   (the {ELEVENLABS_PARAMETER} secret's api_key; "
        f"admin routes under {elevenlabs.base_url}/_local/: state, failures)",
    ]


def _sample_sites_lines(sample_sites_url: str | None) -> list[str]:
    if sample_sites_url is None:
        return []
    sites = ", ".join(f"/{site}/" for site in SITES)
    return [f"  Sample sites  {sample_sites_url}   (businesses to onboard from: {sites})"]


def _token_how_to(client_id: str, gateway: str, api_port: int) -> str:
    return f"""A token (the local pool's confirmation code is always 123456):
  export AWS_ENDPOINT_URL={gateway} AWS_DEFAULT_REGION={REGION}
  export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local
  aws cognito-idp sign-up --client-id {client_id} --username ana@example.com --password 'Passw0rd!'
  aws cognito-idp confirm-sign-up --client-id {client_id} --username ana@example.com --confirmation-code 123456
  TOKEN=$(aws cognito-idp initiate-auth --client-id {client_id} --auth-flow USER_PASSWORD_AUTH \\
      --auth-parameters USERNAME=ana@example.com,PASSWORD='Passw0rd!' \\
      --query AuthenticationResult.IdToken --output text)
  curl -H "Authorization: $TOKEN" http://127.0.0.1:{api_port}/me"""


def _warm_the_translator() -> None:
    # The emulator imports the SAM translator at the first CreateStack (0.6 s): imported while the code is
    # being packaged, it is ready when the stack is created.
    importlib.import_module("samtranslator.translator.transform")


def local_stripe(values: LocalValues, port: int, api_port: int) -> LocalStripe:
    """The local Stripe with the local values of the Stripe secret: it takes that secret's api_key and signs
    the events it sends to the API's webhook route with its webhook secrets, as Stripe would."""
    keys = values.secrets.get(STRIPE_PARAMETER)
    if keys is None or "api_key" not in keys or "webhook_secret" not in keys:
        raise DeployFailed(
            f"the local Stripe needs [secrets.{STRIPE_PARAMETER}] in {LOCAL_VALUES.name}, with api_key and "
            "webhook_secret"
        )
    endpoint = Endpoint(
        f"http://127.0.0.1:{api_port}{STRIPE_WEBHOOK_PATH}", keys["webhook_secret"], keys.get("connect_webhook_secret")
    )
    return LocalStripe(port=port, api_keys=(keys["api_key"],), endpoint=endpoint)


def local_providers(values: LocalValues, twilio_port: int, elevenlabs_port: int) -> tuple[LocalTwilio, LocalElevenLabs]:
    """The local Twilio and the local ElevenLabs with the local values of their secrets. The local ElevenLabs
    imports a number only when the Twilio credentials given own it in the local Twilio, as ElevenLabs checks."""
    twilio_keys, elevenlabs_keys = (
        values.secrets.get(TWILIO_PARAMETER, {}),
        values.secrets.get(ELEVENLABS_PARAMETER, {}),
    )
    if not {"account_sid", "auth_token"} <= set(twilio_keys) or "api_key" not in elevenlabs_keys:
        raise DeployFailed(
            f"the local Twilio and ElevenLabs need [secrets.{TWILIO_PARAMETER}] (account_sid, auth_token) and "
            f"[secrets.{ELEVENLABS_PARAMETER}] (api_key) in {LOCAL_VALUES.name}"
        )
    twilio = LocalTwilio(account_sid=twilio_keys["account_sid"], auth_token=twilio_keys["auth_token"], port=twilio_port)

    def twilio_owns(sid: str, token: str, phone_number: str) -> bool:
        with twilio.lock:
            return (sid, token) == (twilio.account_sid, twilio.auth_token) and twilio.store.owned(
                phone_number
            ) is not None

    elevenlabs = LocalElevenLabs(api_key=elevenlabs_keys["api_key"], port=elevenlabs_port, twilio_owns=twilio_owns)
    return twilio, elevenlabs


def _bring_up(
    gateway_port: int,
    front: launcher.ApiFront,
    stop: threading.Event,
    outcome: dict[str, Any],
    values: LocalValues,
    stripe: LocalStripe,
    sample_sites: SampleSites | None = None,
    providers: tuple[LocalTwilio, LocalElevenLabs] | None = None,
) -> None:
    try:
        # Packaging needs no emulator: it runs while the emulator starts.
        body = values.with_local_environment(host_template(host_architecture()))
        watched = Watched.of(body)
        packaged = package_template(body)
        for service in DEPLOY_SERVICES:
            client(service, gateway_port)
        deadline = time.monotonic() + 30
        while not healthy(gateway_port):
            if stop.is_set() or time.monotonic() > deadline:
                raise DeployFailed(f"the emulator did not answer on port {gateway_port}")
            time.sleep(0.02)
        deployment = deploy(gateway_port, packaged, values)
        if deployment.front_api is not None:
            front.stage = deployment.rest_apis[deployment.front_api].stage
            front.api_id = deployment.rest_apis[deployment.front_api].id  # last: the front routes once it has it
        if stop.is_set():
            return
        _save_state(gateway_port, deployment, api_port=front.port, stripe_port=stripe.port)
        print(
            summary(
                deployment,
                packaged.body,
                gateway_port,
                front.port,
                stripe.base_url,
                sample_sites.base_url if sample_sites else None,
                providers,
            ),
            flush=True,
        )
        print("ready", flush=True)
        watch_and_reload(gateway_port, deployment, watched, stop)
    except Exception as error:  # any failure stops the whole run, with its reason
        if not stop.is_set():
            outcome["error"] = error
            os.kill(os.getpid(), signal.SIGINT)


def _interrupt(*_: Any) -> None:
    raise KeyboardInterrupt


def refused_ports(ports: dict[str, int]) -> str | None:
    """Why `make run` cannot take these ports (what -> port), if it cannot."""
    if len(set(ports.values())) < len(ports):
        return f"{', '.join(ports)} need a port each; they are {', '.join(map(str, ports.values()))}"
    for what, port in ports.items():
        if port_in_use(port):
            return f"port {port}, for {what}, is already in use: stop what holds it or pick another"
    return None


def run(
    gateway_port: int,
    api_port: int,
    stripe_port: int = DEFAULT_STRIPE_PORT,
    sample_sites_port: int = DEFAULT_SAMPLE_SITES_PORT,
    model_port: int = DEFAULT_MODEL_PORT,
    twilio_port: int = DEFAULT_TWILIO_PORT,
    elevenlabs_port: int = DEFAULT_ELEVENLABS_PORT,
) -> int:
    refused = refused_ports(
        {
            "the emulator (AWS endpoint)": gateway_port,
            "the API": api_port,
            "the local Stripe": stripe_port,
            "the sample sites": sample_sites_port,
            "the local model": model_port,
            "the local Twilio": twilio_port,
            "the local ElevenLabs": elevenlabs_port,
        }
    )
    if refused is not None:
        print(refused, file=sys.stderr)
        return 1
    # SIGTERM stops a run as Ctrl-C does, from the first line on, so the cleanup below always runs.
    signal.signal(signal.SIGTERM, _interrupt)
    work_dir = package.LOCAL_DIR / "run" / str(os.getpid())
    front, stop = launcher.ApiFront(port=api_port, description=API_DESCRIPTION), threading.Event()
    outcome: dict[str, Exception] = {}
    # The local servers started so far (Stripe, the sample sites, the model), stopped in the cleanup.
    servers: list[LocalStripe | SampleSites | LocalModel | LocalTwilio | LocalElevenLabs] = []
    try:
        values = LocalValues.read()
        stripe = local_stripe(values, stripe_port, api_port).start()
        servers.append(stripe)
        # The functions call the local Stripe where it actually listens, whatever the local values say.
        values = values.with_parameters(**{STRIPE_BASE_URL: stripe.base_url})
        sample_sites = SampleSites(port=sample_sites_port).start()
        servers.append(sample_sites)
        values = values.with_sample_sites_port(sample_sites.port)
        providers = local_providers(values, twilio_port, elevenlabs_port)
        for provider in providers:
            servers.append(provider.start())
        # The functions call the fakes, and Twilio calls the API back, where they actually listen.
        values = values.with_parameters(
            **{TWILIO_BASE_URL: providers[0].base_url, ELEVENLABS_BASE_URL: providers[1].base_url,
               PUBLIC_BASE_URL: f"http://127.0.0.1:{api_port}"}
        )  # fmt: skip
        # The emulator's Bedrock Converse asks the local model (read when MiniStack is imported, so before it);
        # a developer's own OpenAI-compatible server (Ollama, say) already named there is kept.
        model = LocalModel(port=model_port).start()
        servers.append(model)
        os.environ.setdefault(BEDROCK_PROXY, model.base_url)
        launcher.prepare_environment(gateway_port, work_dir)
        threading.Thread(target=_warm_the_translator, daemon=True).start()
        bring_up = threading.Thread(
            target=_bring_up,
            args=(gateway_port, front, stop, outcome, values, stripe, sample_sites, providers),
            daemon=True,
        )
        bring_up.start()
        launcher.apply_patches(package.RUNTIME_PYTHON)
        launcher.serve(front)
    except KeyboardInterrupt:
        pass
    except (RuntimeError, DeployFailed) as error:  # a launcher that does not fit the emulator, no Stripe keys
        outcome["error"] = error
    finally:
        for signal_number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signal_number, signal.SIG_IGN)  # a second Ctrl-C must not cut the cleanup short
        stop.set()
        for server in servers:
            server.stop()
        launcher.stop_workers()
        shutil.rmtree(work_dir, ignore_errors=True)
        state_file(gateway_port).unlink(missing_ok=True)
    if "error" in outcome:
        print(f"make run stopped: {outcome['error']}", file=sys.stderr)
        return 1
    return 0


def port_setting(name: str, default: int) -> int:
    """A port from the environment (GATEWAY_PORT, API_PORT, STRIPE_PORT, TWILIO_PORT, ...), refused in one line
    when it is not one."""
    text = os.environ.get(name, "").strip() or str(default)
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise ValueError(f"{name}={text!r} is not a port number (1-65535)")
    return int(text)


def main(argv: list[str] | None = None) -> int:
    try:
        gateway_default = port_setting("GATEWAY_PORT", DEFAULT_GATEWAY_PORT)
        api_default = port_setting("API_PORT", DEFAULT_API_PORT)
        stripe_default = port_setting("STRIPE_PORT", DEFAULT_STRIPE_PORT)
        sample_sites_default = port_setting("SAMPLE_SITES_PORT", DEFAULT_SAMPLE_SITES_PORT)
        model_default = port_setting("MODEL_PORT", DEFAULT_MODEL_PORT)
        twilio_default = port_setting("TWILIO_PORT", DEFAULT_TWILIO_PORT)
        elevenlabs_default = port_setting("ELEVENLABS_PORT", DEFAULT_ELEVENLABS_PORT)
    except ValueError as error:
        print(f"make run: {error}", file=sys.stderr)
        return 2
    parser = argparse.ArgumentParser(prog="make run", description=__doc__)
    parser.add_argument("--gateway-port", type=int, default=gateway_default)
    parser.add_argument("--api-port", type=int, default=api_default)
    parser.add_argument("--stripe-port", type=int, default=stripe_default)
    parser.add_argument("--sample-sites-port", type=int, default=sample_sites_default)
    parser.add_argument("--model-port", type=int, default=model_default)
    parser.add_argument("--twilio-port", type=int, default=twilio_default)
    parser.add_argument("--elevenlabs-port", type=int, default=elevenlabs_default)
    arguments = parser.parse_args(argv)
    if not package.RUNTIME_PYTHON.exists():
        print("the runtime environment is missing: run make install", file=sys.stderr)
        return 1
    return run(
        arguments.gateway_port,
        arguments.api_port,
        arguments.stripe_port,
        arguments.sample_sites_port,
        arguments.model_port,
        arguments.twilio_port,
        arguments.elevenlabs_port,
    )
