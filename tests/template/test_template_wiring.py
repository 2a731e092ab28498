"""template.yaml's wiring, checked against the code it points at."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tools import template

FUNCTIONS = template.functions()
FUNCTION_IDS = [function.logical_id for function in FUNCTIONS]


@pytest.mark.parametrize("function", FUNCTIONS, ids=FUNCTION_IDS)
def test_every_handler_exists_and_imports_with_its_template_environment(
    function: template.Function, load_handler: Callable[[str], ModuleType]
) -> None:
    assert function.module_file.is_file(), f"{function.logical_id}: {function.module_file} is missing"

    module = load_handler(function.logical_id)

    assert callable(getattr(module, function.handler_name, None))


@pytest.mark.parametrize("function", FUNCTIONS, ids=FUNCTION_IDS)
def test_every_function_has_sample_events_in_json(function: template.Function) -> None:
    samples = sorted(function.events_dir.glob("*.json"))

    assert samples, f"{function.logical_id} has no sample event in events/{function.name}/"
    for sample in samples:
        assert isinstance(json.loads(sample.read_text()), dict)


CODE_DIRS = sorted({function.code_dir for function in FUNCTIONS})


@pytest.mark.parametrize("code_dir", CODE_DIRS, ids=[code_dir.name for code_dir in CODE_DIRS])
def test_every_context_declares_its_own_requirements(code_dir: Path) -> None:
    assert (code_dir / "requirements.txt").is_file()


def cognito_triggers() -> dict[str, str]:
    triggers = {}
    for function in FUNCTIONS:
        for event in function.properties.get("Events", {}).values():
            if event["Type"] == "Cognito":
                assert event["Properties"]["UserPool"] == {"Ref": "UserPool"}
                triggers[event["Properties"]["Trigger"]] = function.logical_id
    return triggers


def test_the_user_pool_triggers_point_at_the_two_identity_functions() -> None:
    assert cognito_triggers() == {
        "PostConfirmation": "PostConfirmationFunction",
        "PreAuthentication": "PreAuthenticationFunction",
    }


def test_cognito_triggers_finish_inside_cognitos_five_seconds() -> None:
    for logical_id in cognito_triggers().values():
        assert template.function(logical_id).properties["Timeout"] <= 5


def test_the_user_pool_signs_in_with_email_and_a_strong_password() -> None:
    pool = template.resources("AWS::Cognito::UserPool")["UserPool"]["Properties"]
    policy = pool["Policies"]["PasswordPolicy"]

    assert pool["UsernameAttributes"] == ["email"]
    assert pool["AutoVerifiedAttributes"] == ["email"]
    assert policy["MinimumLength"] >= 8
    assert policy["RequireUppercase"] and policy["RequireLowercase"] and policy["RequireNumbers"]
    assert pool["MfaConfiguration"] == "OPTIONAL" and pool["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]
    assert {"organization_id", "role"} <= {attribute["Name"] for attribute in pool["Schema"]}


def test_clients_cannot_write_their_own_organisation_or_role() -> None:
    client = template.resources("AWS::Cognito::UserPoolClient")["UserPoolClient"]["Properties"]

    assert client["GenerateSecret"] is False
    assert not {"custom:organization_id", "custom:role"} & set(client["WriteAttributes"])


def test_the_api_authorises_every_route_with_the_user_pool_by_default() -> None:
    auth = template.resources("AWS::Serverless::Api")["Api"]["Properties"]["Auth"]

    assert auth["DefaultAuthorizer"] == "CognitoAuthorizer"
    assert auth["Authorizers"]["CognitoAuthorizer"]["UserPoolArn"] == {"Fn::GetAtt": ["UserPool", "Arn"]}


def api_routes() -> list[tuple[str, str, str]]:
    return [
        (function.logical_id, event["Properties"]["Method"].lower(), event["Properties"]["Path"])
        for function in FUNCTIONS
        for event in function.properties.get("Events", {}).values()
        if event["Type"] == "Api"
    ]


@pytest.mark.parametrize(("logical_id", "method", "path"), api_routes())
def test_every_api_route_in_the_template_is_served_by_its_function(
    logical_id: str, method: str, path: str, load_handler: Callable[[str], ModuleType]
) -> None:
    app = load_handler(logical_id).app

    served = json.loads(app.get_openapi_json_schema())["paths"]

    assert method in served.get(path, {}), f"{logical_id} has no route for {method.upper()} {path}"


def statements() -> list[tuple[str, dict[str, Any]]]:
    found: list[tuple[str, dict[str, Any]]] = []
    for function in FUNCTIONS:
        for policy in function.properties.get("Policies", []):
            found.extend((function.logical_id, statement) for statement in policy.get("Statement", []))
    return found


@pytest.mark.parametrize(("logical_id", "statement"), statements())
def test_no_statement_grants_every_action_or_every_resource(logical_id: str, statement: dict[str, Any]) -> None:
    actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
    resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]

    assert not any(action == "*" or action.endswith(":*") for action in actions), logical_id
    assert "*" not in resources, logical_id


def test_every_function_runs_on_the_interpreter_the_tests_run_on() -> None:
    import sys

    runtimes = {
        function.properties.get("Runtime", template.template()["Globals"]["Function"]["Runtime"])
        for function in FUNCTIONS
    }

    assert runtimes == {f"python{sys.version_info.major}.{sys.version_info.minor}"}


def test_every_function_is_traced_and_logs_json() -> None:
    globals_ = template.template()["Globals"]["Function"]

    for function in FUNCTIONS:
        assert function.properties.get("Tracing", globals_.get("Tracing")) == "Active", function.logical_id
        logging = function.properties.get("LoggingConfig", globals_.get("LoggingConfig", {}))
        assert logging.get("LogFormat") == "JSON", function.logical_id


SECRET_VALUE_PREFIXES = ("sk_", "rk_", "pk_", "whsec_", "AC", "SK")


def test_secret_parameters_hold_names_never_values() -> None:
    parameters = template.template()["Parameters"]

    for name in (name for name in parameters if name.endswith("SecretName")):
        default = str(parameters[name].get("Default", ""))
        assert "/" in default and not default.startswith(SECRET_VALUE_PREFIXES), f"{name} looks like a value"


def test_no_secret_name_reaches_every_function_through_globals() -> None:
    variables = template.template()["Globals"]["Function"].get("Environment", {}).get("Variables", {})

    assert not [name for name in variables if "SECRET" in name]


def test_password_sign_in_is_allowed_in_the_dev_stage_only() -> None:
    client = template.resources("AWS::Cognito::UserPoolClient")["UserPoolClient"]["Properties"]
    condition, in_dev, elsewhere = client["ExplicitAuthFlows"]["Fn::If"]

    assert template.template()["Conditions"][condition] == {"Fn::Equals": [{"Ref": "Stage"}, "dev"]}
    assert "ALLOW_USER_PASSWORD_AUTH" in in_dev
    assert "ALLOW_USER_PASSWORD_AUTH" not in elsewhere and "ALLOW_USER_SRP_AUTH" in elsewhere


def test_a_new_email_address_must_be_verified_before_it_replaces_the_old_one() -> None:
    pool = template.resources("AWS::Cognito::UserPool")["UserPool"]["Properties"]

    assert "email" in pool["UserAttributeUpdateSettings"]["AttributesRequireVerificationBeforeUpdate"]


def test_only_the_back_office_and_the_bookings_organisations_may_sign_users_out() -> None:
    holders = {
        logical_id
        for logical_id, statement in statements()
        if "cognito-idp:AdminUserGlobalSignOut" in str(statement["Action"])
    }

    assert holders == {"IdentityAdminFunction", "BookingsOrganizationsFunction"}


@pytest.mark.parametrize(
    "logical_id",
    [*template.resources("AWS::Serverless::Function"), *template.resources("AWS::Serverless::LayerVersion")],
)
def test_every_function_and_layer_is_built_by_the_shared_compiling_recipe(logical_id: str) -> None:
    body = template.template()["Resources"][logical_id]
    folder = template.ROOT / (body["Properties"].get("CodeUri") or body["Properties"]["ContentUri"])

    assert body.get("Metadata", {}).get("BuildMethod") == "makefile", f"{logical_id} is built without bytecode"
    assert "tools/sam/python.mk" in (folder / "Makefile").read_text(), f"{folder}/Makefile skips the recipe"
