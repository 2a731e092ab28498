"""Writes the OpenAPI description of every REST function beside its code (functions/<name>/openapi.json),
generated from the routes themselves. `make openapi` runs it; a test fails when a committed file drifts."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "layers" / "shared"), str(ROOT)]


def descriptions() -> dict[Path, str]:
    """Each REST function's openapi.json path and the description its routes generate now."""
    from colmena.http import RestApi
    from tools.handlers import load_module
    from tools.template import functions

    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    found = {}
    for function in functions():
        if not any(event["Type"] == "Api" for event in function.properties.get("Events", {}).values()):
            continue
        with mock.patch.dict(os.environ, function.environment):
            app = getattr(load_module(function), "app", None)
        # The kernel's resolver is what guards every body: a REST function without it fails here.
        assert isinstance(app, RestApi), f"{function.logical_id} serves routes without colmena.http.RestApi"
        schema = json.loads(app.get_openapi_json_schema())
        found[function.code_dir / "openapi.json"] = json.dumps(schema, indent=2, sort_keys=True) + "\n"
    return found


if __name__ == "__main__":
    for path, text in descriptions().items():
        path.write_text(text)
        print(f"wrote {path.relative_to(ROOT)}")
