"""Swagger UI on the API port: `make run` serves the whole API's description at /docs, and what its "Try it
out" sends (the description's server, the IdToken "Authorize" takes, as is, in Authorization) reaches the
local API."""

from __future__ import annotations

import json

import pytest
import requests

from tools.local_stack.process import StackProcess
from tools.openapi import API_DESCRIPTION

pytestmark = pytest.mark.e2e


def test_docs_is_swagger_ui_with_the_whole_api_inlined(local_stack: StackProcess) -> None:
    page = requests.get(f"{local_stack.api}/docs", timeout=10)

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "SwaggerUIBundle" in page.text and '"title": "Colmena API"' in page.text
    for asset in ("/docs/swagger-ui.js", "/docs/swagger-ui.css"):
        assert requests.get(f"{local_stack.api}{asset}", timeout=10).status_code == 200, asset


def test_the_served_description_is_the_committed_one_pointed_at_this_port(local_stack: StackProcess) -> None:
    served = requests.get(f"{local_stack.api}/docs", params={"format": "json"}, timeout=10).json()
    committed = json.loads(API_DESCRIPTION.read_text())

    assert served["servers"] == [{"url": local_stack.api, "description": "this local stack"}]
    assert served["paths"] == committed["paths"]


def test_try_it_out_with_an_authorized_id_token_reaches_the_local_api(local_stack: StackProcess) -> None:
    served = requests.get(f"{local_stack.api}/docs", params={"format": "json"}, timeout=10).json()
    scheme = served["components"]["securitySchemes"]["cognito"]
    user_id, id_token = local_stack.new_user("swagger")

    me = requests.get(f"{served['servers'][0]['url']}/me", headers={scheme["name"]: id_token}, timeout=10)

    assert me.status_code == 200
    assert me.json()["user_id"] == user_id
