"""Writes the OpenAPI description of every context's REST routes beside its code
(functions/<context>/openapi.json), generated from the routes themselves. `make openapi` runs it; a test
fails when a committed file drifts."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "layers" / "shared"), str(ROOT)]


def descriptions() -> dict[Path, str]:
    """Each context's openapi.json path and the description its REST functions' routes generate now: one
    document per context, the routes of all its REST functions merged."""
    from colmena.http import RestApi
    from tools.handlers import load_module
    from tools.template import functions

    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    by_context: dict[Path, list[dict[str, Any]]] = {}
    for function in functions():
        if not any(event["Type"] == "Api" for event in function.properties.get("Events", {}).values()):
            continue
        with mock.patch.dict(os.environ, function.environment):
            app = getattr(load_module(function), "app", None)
        # The kernel's resolver is what guards every body: a REST function without it fails here.
        assert isinstance(app, RestApi), f"{function.logical_id} serves routes without colmena.http.RestApi"
        by_context.setdefault(function.code_dir, []).append(json.loads(app.get_openapi_json_schema()))
    return {
        code_dir / "openapi.json": json.dumps(merged(schemas), indent=2, sort_keys=True) + "\n"
        for code_dir, schemas in by_context.items()
    }


def merged(schemas: list[dict[str, Any]]) -> dict[str, Any]:
    """One OpenAPI document from several resolvers' (Powertools 3.37 has no merge of its own). The first
    gives the header; a route or a component named twice with two meanings is a mistake, refused here."""
    document: dict[str, Any] = json.loads(json.dumps(schemas[0]))
    for schema in schemas[1:]:
        for path, operations in schema.get("paths", {}).items():
            target = document.setdefault("paths", {}).setdefault(path, {})
            for method, operation in operations.items():
                assert method not in target, f"{method.upper()} {path} is served by two functions"
                target[method] = operation
        for kind, components in schema.get("components", {}).items():
            target = document.setdefault("components", {}).setdefault(kind, {})
            for name, component in components.items():
                assert target.get(name, component) == component, f"two different components named {name}"
                target[name] = component
    return document


if __name__ == "__main__":
    for path, text in descriptions().items():
        path.write_text(text)
        print(f"wrote {path.relative_to(ROOT)}")
