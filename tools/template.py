"""template.yaml as the tests see it: the functions, their handlers and environments, the tables.

Tests read the template instead of repeating it, so a test cannot pass against wiring that is not deployed.
Refs to resources resolve to the resource's logical id, which is the physical name the tests give it
(tables in moto, the bus, the user pool)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cfnlint.decode import decode

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "template.yaml"


@functools.cache
def template() -> dict[str, Any]:
    loaded, matches = decode(str(TEMPLATE))
    assert not matches, f"template.yaml does not parse: {matches}"
    assert loaded is not None
    return dict(loaded)


def resources(kind: str) -> dict[str, dict[str, Any]]:
    return {name: dict(body) for name, body in template()["Resources"].items() if body["Type"] == kind}


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


def resolve(value: Any) -> str:
    """A template value as the tests deploy it: Refs to parameters take their default, Refs to resources
    their logical id."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and set(value) == {"Ref"}:
        target = value["Ref"]
        parameters = template().get("Parameters", {})
        return str(parameters[target].get("Default", target)) if target in parameters else str(target)
    raise AssertionError(f"the tests cannot resolve the template value {value!r}")


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
        if "GlobalSecondaryIndexes" in properties:
            definition["GlobalSecondaryIndexes"] = properties["GlobalSecondaryIndexes"]
        definitions[logical_id] = definition
    return definitions
