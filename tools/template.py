"""template.yaml as the tests and the local stack see it: the functions, their handlers, environments and
policies, the tables, and the template's intrinsic functions evaluated.

Tests read the template instead of repeating it, so a test cannot pass against wiring that is not deployed.
Refs to resources resolve to the resource's logical id, which is the physical name the tests give it
(tables in moto, the bus, the user pool); `!GetAtt X.Arn` gives an ARN of X's type with that name."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "template.yaml"

# The account the tests and the local stack pretend to be in (moto's default account).
PSEUDO_PARAMETERS = {
    "AWS::Region": "us-east-1",
    "AWS::AccountId": "123456789012",
    "AWS::Partition": "aws",
    "AWS::URLSuffix": "amazonaws.com",
    "AWS::StackName": "colmena",
}


class _TemplateLoader(yaml.SafeLoader):
    """YAML with CloudFormation's short forms (`!Ref X`, `!GetAtt X.Arn`, `!Sub ...`) read as their long
    forms. cfn-lint's decoder does the same but costs most of a second to import, on every `make run`."""


def _intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = suffix if suffix in ("Ref", "Condition") else f"Fn::{suffix}"
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = str(value).split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {name: value}


_TemplateLoader.add_multi_constructor("!", _intrinsic)
# CloudFormation reads an unquoted `2010-09-09` as a string, not as a date.
_TemplateLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load(path: Path) -> dict[str, Any]:
    """A CloudFormation template (or any YAML or JSON document written with its short forms)."""
    loaded = yaml.load(path.read_text(), Loader=_TemplateLoader)  # noqa: S506 (a SafeLoader subclass)
    assert isinstance(loaded, dict), f"{path} is not a template"
    return loaded


@functools.cache
def template() -> dict[str, Any]:
    return load(TEMPLATE)


def resources(kind: str) -> dict[str, dict[str, Any]]:
    return {name: dict(body) for name, body in template()["Resources"].items() if body["Type"] == kind}


# --- intrinsic functions --------------------------------------------------------------------------

# How `!GetAtt X.Arn` reads for each type: (service, resource part), the resource part naming X.
ARN_FORMATS = {
    "AWS::DynamoDB::Table": ("dynamodb", "table/{}"),
    "AWS::Events::EventBus": ("events", "event-bus/{}"),
    "AWS::SQS::Queue": ("sqs", "{}"),
    "AWS::SNS::Topic": ("sns", "{}"),
    "AWS::Cognito::UserPool": ("cognito-idp", "userpool/{}"),
    "AWS::Serverless::Function": ("lambda", "function:{}"),
    "AWS::Lambda::Function": ("lambda", "function:{}"),
    "AWS::Serverless::LayerVersion": ("lambda", "layer:{}:1"),
    "AWS::Serverless::StateMachine": ("states", "stateMachine:{}"),
    "AWS::StepFunctions::StateMachine": ("states", "stateMachine:{}"),
    "AWS::SecretsManager::Secret": ("secretsmanager", "secret:{}"),
    "AWS::S3::Bucket": ("s3", "{}"),
    "AWS::IAM::Role": ("iam", "role/{}"),
    "AWS::Serverless::Api": ("apigateway", "/restapis/{}"),
    "AWS::ApiGatewayV2::Api": ("apigateway", "/apis/{}"),
}
GLOBAL_SERVICES = {"iam", "s3"}  # their ARNs name no region (and, for S3, no account)


def parameter_values(given: Mapping[str, str] | None = None, body: Mapping[str, Any] | None = None) -> dict[str, str]:
    """Each declared parameter's value: the given one, else its default. Undeclared names are ignored."""
    declared = (body if body is not None else template()).get("Parameters", {})
    given = given or {}
    return {
        name: str(given[name]) if name in given else str(definition.get("Default", ""))
        for name, definition in declared.items()
    }


@dataclass(frozen=True)
class Resolver:
    """Evaluates a template's intrinsic functions with given parameter values (the defaults otherwise)."""

    body: Mapping[str, Any]
    parameters: Mapping[str, str]

    @classmethod
    def of(cls, given: Mapping[str, str] | None = None, body: Mapping[str, Any] | None = None) -> Resolver:
        body = body if body is not None else template()
        return cls(body=body, parameters=parameter_values(given, body))

    def value(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.value(item) for item in value]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((name, argument),) = value.items()
            function = _FUNCTIONS.get(name)
            if function is not None:
                return function(self, argument)
        return {key: self.value(item) for key, item in value.items()}

    def ref(self, name: str) -> str:
        if name in self.parameters:
            return self.parameters[name]
        if name in PSEUDO_PARAMETERS:
            return PSEUDO_PARAMETERS[name]
        if name in self.body.get("Resources", {}):
            return name
        raise ValueError(f"!Ref {name}: no parameter, pseudo parameter or resource has that name")

    def get_att(self, argument: Any) -> str:
        logical_id, attribute = argument.split(".", 1) if isinstance(argument, str) else argument
        kind = self.body.get("Resources", {}).get(logical_id, {}).get("Type")
        if kind is None:
            raise ValueError(f"!GetAtt {logical_id}.{attribute}: no resource has that name")
        if attribute != "Arn":
            return f"{logical_id}.{attribute}"
        service, resource = ARN_FORMATS.get(kind, (kind.split("::")[1].lower(), "{}"))
        region = "" if service in GLOBAL_SERVICES else PSEUDO_PARAMETERS["AWS::Region"]
        account = "" if service == "s3" else PSEUDO_PARAMETERS["AWS::AccountId"]
        separator = "" if resource.startswith("/") else ":"
        partition = PSEUDO_PARAMETERS["AWS::Partition"]
        return f"arn:{partition}:{service}:{region}:{account}{separator}{resource.format(logical_id)}"

    def sub(self, argument: Any) -> str:
        text, variables = (argument, {}) if isinstance(argument, str) else (argument[0], argument[1])
        given = {name: str(self.value(value)) for name, value in variables.items()}

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"  # `${!Literal}` is the literal `${Literal}`
            if name in given:
                return given[name]
            if "." in name:
                return self.get_att(name)
            return self.ref(name)

        return re.sub(r"\$\{([^}]+)\}", replace, text)

    def condition(self, name: str) -> bool:
        conditions = self.body.get("Conditions", {})
        if name not in conditions:
            raise ValueError(f"condition {name}: the template declares no such condition")
        return self.truth(conditions[name])

    def truth(self, value: Any) -> bool:
        if isinstance(value, dict) and len(value) == 1:
            ((name, argument),) = value.items()
            if name == "Fn::Equals":
                left, right = (self.value(item) for item in argument)
                return str(left) == str(right)
            if name == "Fn::Not":
                return not self.truth(argument[0])
            if name == "Fn::And":
                return all(self.truth(item) for item in argument)
            if name == "Fn::Or":
                return any(self.truth(item) for item in argument)
            if name == "Condition":
                return self.condition(argument)
        raise ValueError(f"cannot evaluate the condition {value!r}")

    def choose(self, argument: Any) -> Any:
        name, if_true, if_false = argument
        return self.value(if_true if self.condition(name) else if_false)


_FUNCTIONS: dict[str, Any] = {
    "Ref": lambda resolver, argument: resolver.ref(argument),
    "Fn::GetAtt": Resolver.get_att,
    "Fn::Sub": Resolver.sub,
    "Fn::If": Resolver.choose,
    "Fn::Join": lambda resolver, argument: str(argument[0]).join(str(v) for v in resolver.value(argument[1])),
    "Fn::Select": lambda resolver, argument: resolver.value(argument[1])[int(argument[0])],
}


def resolve(value: Any, parameters: Mapping[str, str] | None = None) -> str:
    """A template value as the tests deploy it, as a string: Refs to parameters take their default (or the
    given value), Refs to resources their logical id; `!Sub`, `!GetAtt`, `!If` are evaluated."""
    resolved = Resolver.of(parameters).value(value)
    if isinstance(resolved, dict | list):
        raise ValueError(f"the template value {value!r} is not a single value")
    return str(resolved)


def evaluate(value: Any, parameters: Mapping[str, str] | None = None) -> Any:
    """Any template value (a policy statement, a list) with every intrinsic function in it evaluated."""
    return Resolver.of(parameters).value(value)


# --- functions and tables -------------------------------------------------------------------------


@dataclass(frozen=True)
class Function:
    logical_id: str
    code_dir: Path
    module_file: Path
    handler_name: str
    environment: dict[str, str]
    properties: dict[str, Any]

    @property
    def name(self) -> str:
        """The handler module's own name (`post_confirmation`), which names its sample events' folder."""
        return self.module_file.stem

    @property
    def events_dir(self) -> Path:
        return ROOT / "events" / self.name

    @property
    def module(self) -> str:
        """The handler's dotted module path inside its CodeUri (`identity.handlers.post_confirmation`)."""
        return str(self.properties["Handler"]).rsplit(".", 1)[0]

    @property
    def policy_statements(self) -> list[dict[str, Any]]:
        """The statements of the function's inline policies, every intrinsic function evaluated."""
        statements = []
        for policy in self.properties.get("Policies", []):
            if isinstance(policy, dict) and "Statement" in policy:
                statements.extend(evaluate(policy["Statement"]))
        return statements


def functions() -> list[Function]:
    global_properties = template().get("Globals", {}).get("Function", {})
    global_environment = global_properties.get("Environment", {}).get("Variables", {})
    found = []
    for logical_id, body in resources("AWS::Serverless::Function").items():
        properties = body["Properties"]
        module, handler_name = properties["Handler"].rsplit(".", 1)
        code_dir = ROOT / properties["CodeUri"]
        variables = {**global_environment, **properties.get("Environment", {}).get("Variables", {})}
        found.append(
            Function(
                logical_id=logical_id,
                code_dir=code_dir,
                module_file=code_dir / f"{module.replace('.', '/')}.py",
                handler_name=handler_name,
                environment={name: resolve(value) for name, value in variables.items()},
                properties=properties,
            )
        )
    return found


def function(logical_id: str) -> Function:
    return next(found for found in functions() if found.logical_id == logical_id)


def table_definitions() -> dict[str, dict[str, Any]]:
    """Each table's CreateTable arguments, from its template properties (named by logical id)."""
    definitions = {}
    for logical_id, body in resources("AWS::DynamoDB::Table").items():
        properties = body["Properties"]
        definition: dict[str, Any] = {
            "TableName": logical_id,
            "AttributeDefinitions": properties["AttributeDefinitions"],
            "KeySchema": properties["KeySchema"],
            "BillingMode": properties.get("BillingMode", "PROVISIONED"),
        }
        for indexes in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
            if indexes in properties:
                definition[indexes] = properties[indexes]
        definitions[logical_id] = definition
    return definitions
