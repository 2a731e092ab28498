"""How the local stack reads any template: the code it packages, the parameters and secrets it deploys
with, what hot reload watches, and the summary `make run` prints. A small template of its own, with two
contexts, two layers, two REST APIs, a WebSocket API and a state machine, stands for the ones to come."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tools import template
from tools.local_stack import package
from tools.local_stack.stack import (
    Api,
    DeployFailed,
    Deployment,
    LocalValues,
    Watched,
    front_api,
    routes,
    summary,
)

TEMPLATE = """
Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage: {Type: String, Default: dev}
  StripeSecretName: {Type: String, Default: colmena/dev/stripe}
Globals:
  Function:
    Layers: [!Ref SharedLayer]
Resources:
  SharedLayer:
    Type: AWS::Serverless::LayerVersion
    Properties: {ContentUri: layers/shared/}
  MediaLayer:
    Type: AWS::Serverless::LayerVersion
    Properties: {ContentUri: layers/media/}
  Api:
    Type: AWS::Serverless::Api
    Properties: {StageName: !Ref Stage}
  AdminApi:
    Type: AWS::Serverless::Api
    Properties: {StageName: admin}
  Sockets:
    Type: AWS::ApiGatewayV2::Api
    Properties: {Name: sockets, ProtocolType: WEBSOCKET, RouteSelectionExpression: $request.body.action}
  SocketsStage:
    Type: AWS::ApiGatewayV2::Stage
    Properties: {ApiId: !Ref Sockets, StageName: !Ref Stage, AutoDeploy: true}
  LiveApiFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: functions/live/
      Handler: live.handlers.api.lambda_handler
      Events:
        GetSession: {Type: Api, Properties: {RestApiId: !Ref Api, Path: "/sessions/{id}", Method: get}}
  LiveSocketFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: functions/live/
      Handler: live.handlers.socket.lambda_handler
      Layers: [!Ref MediaLayer]
  BookingsFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: functions/bookings/
      Handler: bookings.handlers.api.lambda_handler
      Events:
        Book: {Type: Api, Properties: {RestApiId: !Ref AdminApi, Path: /bookings, Method: post}}
  Deployment:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionUri: statemachines/deploy.asl.yaml
      DefinitionSubstitutions: {WorkerArn: !GetAtt LiveApiFunction.Arn}
"""

DEFINITION = """
StartAt: Work
States:
  Work: {Type: Task, Resource: "${WorkerArn}", End: true}
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "template.yaml").write_text(TEMPLATE)
    for package_dir in (
        "functions/live/live",
        "functions/bookings/bookings",
        "layers/shared/kernel",
        "layers/media/media",
    ):
        (tmp_path / package_dir).mkdir(parents=True)
        (tmp_path / package_dir / "__init__.py").write_text(f"# {package_dir}\n")
    (tmp_path / "statemachines").mkdir()
    (tmp_path / "statemachines" / "deploy.asl.yaml").write_text(DEFINITION)
    return tmp_path


@pytest.fixture
def body(project: Path) -> dict[str, Any]:
    return template.load(project / "template.yaml")


class Uploads(dict[str, bytes]):
    """An artifact bucket: what was uploaded, by key."""

    def __call__(self, key: str, data: bytes) -> str:
        assert key not in self, f"{key} uploaded twice"
        self[key] = data
        return f"s3://b/{key}"


def names_in(data: bytes) -> set[str]:
    return set(zipfile.ZipFile(io.BytesIO(data)).namelist())


def test_functions_sharing_a_code_uri_are_zipped_and_uploaded_once(project: Path, body: dict[str, Any]) -> None:
    uploads = Uploads()

    packaged = package.packaged_template(body, uploads, project)

    assert sorted(uploads) == sorted(
        ["functions/live.zip", "functions/bookings.zip", "layers/shared.zip", "layers/media.zip"]
    )
    resources = packaged["Resources"]
    assert resources["LiveApiFunction"]["Properties"]["CodeUri"] == "s3://b/functions/live.zip"
    assert resources["LiveSocketFunction"]["Properties"]["CodeUri"] == "s3://b/functions/live.zip"


def test_each_layer_is_zipped_with_its_own_packages_under_python(project: Path, body: dict[str, Any]) -> None:
    zips = Uploads()

    package.packaged_template(body, zips, project)

    assert names_in(zips["layers/media.zip"]) == {"python/media/__init__.py"}
    assert names_in(zips["layers/shared.zip"]) == {"python/kernel/__init__.py"}


def test_a_state_machines_definition_uri_is_inlined_keeping_its_substitutions(
    project: Path, body: dict[str, Any]
) -> None:
    packaged = package.packaged_template(body, Uploads(), project)

    properties = packaged["Resources"]["Deployment"]["Properties"]
    assert "DefinitionUri" not in properties
    assert properties["Definition"]["States"]["Work"]["Resource"] == "${WorkerArn}"
    assert properties["DefinitionSubstitutions"] == {"WorkerArn": {"Fn::GetAtt": ["LiveApiFunction", "Arn"]}}


def test_hot_reload_watches_each_code_folder_with_its_functions_and_each_layer_with_its_users(
    project: Path, body: dict[str, Any]
) -> None:
    watched = Watched.of(body, project)

    root = project.resolve()
    assert watched.code == {
        root / "functions" / "live": ["LiveApiFunction", "LiveSocketFunction"],
        root / "functions" / "bookings": ["BookingsFunction"],
    }
    assert watched.layers == {root / "layers" / "shared": "SharedLayer", root / "layers" / "media": "MediaLayer"}
    assert watched.layer_users["MediaLayer"] == ["LiveSocketFunction"]
    assert watched.layer_users["SharedLayer"] == ["LiveApiFunction", "LiveSocketFunction", "BookingsFunction"]


def values(**overrides: Any) -> LocalValues:
    given: dict[str, Any] = {
        "parameters": {"Stage": "dev", "StripeSecretName": "colmena/dev/stripe", "StripeApiBaseUrl": "http://x"},
        "secrets": {"StripeSecretName": {"api_key": "sk_test_local", "webhook_secret": "whsec_local"}},
        "api": "Api",
    }
    given.update(overrides)
    return LocalValues(**given)


def test_only_the_parameters_the_template_declares_are_passed(body: dict[str, Any]) -> None:
    assert values().stack_parameters(body) == {"Stage": "dev", "StripeSecretName": "colmena/dev/stripe"}


def test_each_secret_the_template_names_gets_its_local_value(body: dict[str, Any]) -> None:
    secrets = values().secrets_for(body)

    assert json.loads(secrets["colmena/dev/stripe"]) == {"api_key": "sk_test_local", "webhook_secret": "whsec_local"}


def test_a_secret_without_a_local_value_stops_the_deploy_naming_its_parameter(body: dict[str, Any]) -> None:
    with pytest.raises(DeployFailed, match=r"StripeSecretName names a secret.*\[secrets.StripeSecretName\]"):
        values(secrets={}).secrets_for(body)


def test_the_committed_local_values_give_every_secret_of_the_project_a_value() -> None:
    secrets = LocalValues.read().secrets_for(template.template())

    assert set(secrets) == {
        "colmena/dev/stripe",
        "colmena/dev/twilio",
        "colmena/dev/elevenlabs",
        "colmena/dev/bookings-links",
    }
    assert set(json.loads(secrets["colmena/dev/stripe"])) == {"api_key", "webhook_secret", "connect_webhook_secret"}
    assert set(json.loads(secrets["colmena/dev/twilio"])) == {"account_sid", "auth_token"}
    assert set(json.loads(secrets["colmena/dev/elevenlabs"])) == {"api_key"}


def test_the_routes_of_a_rest_api_are_its_functions_api_events(body: dict[str, Any]) -> None:
    assert routes(body, "Api") == ["GET /sessions/{id}"]
    assert routes(body, "AdminApi") == ["POST /bookings"]


def deployment() -> Deployment:
    return Deployment(
        parameters={"Stage": "dev"},
        physical_ids={},
        outputs={"ApiUrl": "https://a1.execute-api.us-east-1.amazonaws.com/dev", "UserPoolClientId": "client-1"},
        output_descriptions={"ApiUrl": "Base URL of the REST API.", "UserPoolClientId": ""},
        functions={},
        layers={},
        rest_apis={"Api": Api("a1", "dev"), "AdminApi": Api("b2", "admin")},
        websocket_apis={"Sockets": Api("c3", "dev")},
        state_machines={"Deployment": "arn:aws:states:us-east-1:000000000000:stateMachine:deploy"},
        secrets=["colmena/dev/stripe"],
        front_api="Api",
    )


def test_the_summary_prints_every_output_with_its_description(body: dict[str, Any]) -> None:
    printed = summary(deployment(), body, 4566, 3000)

    assert "ApiUrl            https://a1.execute-api.us-east-1.amazonaws.com/dev" in printed
    assert "Base URL of the REST API." in printed
    assert "UserPoolClientId  client-1" in printed


def test_the_summary_puts_the_chosen_api_on_the_api_port_and_every_api_at_its_emulator_url(
    body: dict[str, Any],
) -> None:
    printed = summary(deployment(), body, 4566, 3000)

    assert "http://127.0.0.1:3000   (REST API Api: GET /sessions/{id})" in printed
    assert "REST API AdminApi on the emulator: http://127.0.0.1:4566/_aws/execute-api/b2/admin" in printed
    assert "WebSocket API Sockets: ws://127.0.0.1:4566/_aws/execute-api/c3/dev" in printed
    assert "State machine Deployment: arn:aws:states:us-east-1:000000000000:stateMachine:deploy" in printed


def test_the_summary_says_how_to_read_a_secret_and_get_a_token_with_the_client_output(body: dict[str, Any]) -> None:
    printed = summary(deployment(), body, 4566, 3000)

    assert "aws secretsmanager get-secret-value --secret-id colmena/dev/stripe" in printed
    assert "aws cognito-idp sign-up --client-id client-1" in printed


def test_the_api_port_serves_the_rest_api_the_local_values_name() -> None:
    assert front_api(deployment(), values(api="AdminApi")) == "AdminApi"


def test_a_single_rest_api_is_served_whatever_the_local_values_name() -> None:
    only = deployment()
    only.rest_apis = {"Api": Api("a1", "dev")}

    assert front_api(only, values(api="Other")) == "Api"


def test_naming_no_rest_api_of_several_stops_the_deploy_listing_them() -> None:
    with pytest.raises(DeployFailed, match=r"names the REST API 'Other'.*are Api, AdminApi"):
        front_api(deployment(), values(api="Other"))
