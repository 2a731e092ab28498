"""The committed OpenAPI descriptions match what the routes generate; `make openapi` rewrites them."""

from __future__ import annotations

import pytest

from tools.openapi import descriptions


@pytest.mark.usefixtures("aws")
def test_every_committed_openapi_description_matches_the_code() -> None:
    for path, generated in descriptions().items():
        assert path.is_file(), f"{path} is missing: run make openapi"
        assert path.read_text() == generated, f"{path} is out of date: run make openapi and commit it"
