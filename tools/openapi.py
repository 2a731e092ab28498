"""Writes the OpenAPI description of every context's REST routes beside its code
(functions/<context>/openapi.json), generated from the routes themselves, and the one description of the whole
REST API (docs/openapi.json) merged from those committed files, the one Swagger UI serves at
http://127.0.0.1:3000/docs under `make run`. `make openapi` runs it; tests fail when a committed file drifts
or when the whole API's description and template.yaml's routes differ."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "layers" / "shared"), str(ROOT)]


API_DESCRIPTION = ROOT / "docs" / "openapi.json"
API_TITLE = "Colmena API"
API_SUMMARY = "Every REST route of every Colmena context, with its security scheme and error shapes."


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
    return {code_dir / "openapi.json": _json(merged(schemas)) for code_dir, schemas in by_context.items()}


def api_description(context_files: list[Path] | None = None) -> str:
    """The whole REST API's description, from the contexts' committed descriptions (not from the code: what
    a reviewer approved in each context is what the API documents)."""
    files = context_files if context_files is not None else sorted((ROOT / "functions").glob("*/openapi.json"))
    schemas = [json.loads(path.read_text()) for path in files]
    return _json(merged(schemas, title=API_TITLE, description=API_SUMMARY))


def merged(schemas: list[dict[str, Any]], title: str | None = None, description: str | None = None) -> dict[str, Any]:
    """One OpenAPI document from several, with Powertools' OpenAPIMerge; the first gives the header unless a
    title is given. OpenAPIMerge refuses a route described twice (on_conflict="error") but lets a later
    component of the same name replace an earlier one, so a name used twice with two meanings is refused
    here first."""
    from aws_lambda_powertools.event_handler.openapi.merge import OpenAPIMerge

    components: dict[tuple[str, str], Any] = {}
    for schema in schemas:
        for kind, named in schema.get("components", {}).items():
            for name, component in named.items():
                assert components.setdefault((kind, name), component) == component, f"two different {kind} {name}"
    header = schemas[0]
    merge = OpenAPIMerge(
        title=title or header["info"]["title"],
        version=header["info"]["version"],
        openapi_version=header["openapi"],
        description=description or header["info"].get("description"),
        security=header.get("security"),
        on_conflict="error",
    )
    for schema in schemas:
        merge.add_schema(schema)
    document: dict[str, Any] = merge.get_openapi_schema()
    return document


def _json(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    for path, text in descriptions().items():
        path.write_text(text)
        print(f"wrote {path.relative_to(ROOT)}")
    API_DESCRIPTION.write_text(api_description())
    print(f"wrote {API_DESCRIPTION.relative_to(ROOT)}")
