"""The committed OpenAPI descriptions match what the routes generate (`make openapi` rewrites them), and the
whole API's description (docs/openapi.json) describes exactly the routes template.yaml gives the REST API."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_lambda_powertools.event_handler.openapi.exceptions import OpenAPIMergeError

from tools import template
from tools.openapi import API_DESCRIPTION, api_description, descriptions, merged

OPERATIONS = {"get", "put", "post", "delete", "patch", "head", "options"}


@pytest.mark.usefixtures("aws")
def test_every_committed_openapi_description_matches_the_code() -> None:
    for path, generated in descriptions().items():
        assert path.is_file(), f"{path} is missing: run make openapi"
        assert path.read_text() == generated, f"{path} is out of date: run make openapi and commit it"


def test_the_committed_api_description_is_the_merge_of_the_contexts_descriptions() -> None:
    assert API_DESCRIPTION.read_text() == api_description(), f"{API_DESCRIPTION} is out of date: run make openapi"


def test_the_api_description_describes_every_template_route_and_nothing_else() -> None:
    described = json.loads(API_DESCRIPTION.read_text())["paths"]
    routes = {
        (event["Properties"]["Method"].lower(), event["Properties"]["Path"])
        for function in template.functions()
        for event in function.properties.get("Events", {}).values()
        if event["Type"] == "Api"
    }

    assert {(method, path) for path, item in described.items() for method in item if method in OPERATIONS} == routes


def test_the_api_description_offers_the_cognito_token_and_the_error_shape() -> None:
    document = json.loads(API_DESCRIPTION.read_text())

    assert document["components"]["securitySchemes"]["cognito"]["in"] == "header"
    assert document["security"] == [{"cognito": []}]
    assert "ErrorResponse" in document["components"]["schemas"]


def context(path: str, schema_name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": f"{path} API", "version": "1.0.0"},
        "paths": {path: {"get": {"responses": {"200": {"description": "ok"}}}}},
        "components": {"schemas": {schema_name: schema}},
    }


def test_two_contexts_naming_one_component_with_two_meanings_are_refused() -> None:
    with pytest.raises(AssertionError, match="two different schemas View"):
        merged([context("/a", "View", {"type": "string"}), context("/b", "View", {"type": "integer"})])


def test_two_contexts_describing_one_route_are_refused() -> None:
    with pytest.raises(OpenAPIMergeError, match="GET /a"):
        merged([context("/a", "View", {"type": "string"}), context("/a", "Other", {"type": "string"})])


def test_no_template_route_uses_the_path_the_local_swagger_ui_is_served_on() -> None:
    from tools.local_stack.launcher.front import DOCS

    paths = [
        event["Properties"]["Path"]
        for function in template.functions()
        for event in function.properties.get("Events", {}).values()
        if event["Type"] == "Api"
    ]

    assert [path for path in paths if path == DOCS or path.startswith(f"{DOCS}/")] == []
