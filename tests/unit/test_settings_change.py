"""What PATCH /me/settings accepts, over plain dicts."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from identity.schemas import SettingsChange


def test_only_the_given_fields_are_changes() -> None:
    change = SettingsChange.model_validate({"timezone": "America/Mexico_City"})

    assert change.changes() == {"timezone": "America/Mexico_City"}


def test_every_field_can_change_at_once() -> None:
    change = SettingsChange.model_validate({"language": "en", "timezone": "UTC", "currency": "MXN"})

    assert change.changes() == {"currency": "MXN", "language": "en", "timezone": "UTC"}


@pytest.mark.parametrize(
    ("body", "field", "reason"),
    [
        ({"language": "klingon"}, "language", "Input should be"),
        ({"language": 7}, "language", "Input should be"),
        ({"timezone": "Mars/Olympus_Mons"}, "timezone", "not an IANA time zone"),
        ({"timezone": "europe/madrid"}, "timezone", "not an IANA time zone"),
        ({"currency": "EURO"}, "currency", "at most 3 characters"),
        ({"currency": "eur"}, "currency", "not an ISO 4217"),
        ({"currency": "XAU"}, "currency", "not an ISO 4217"),
        ({"currency": None}, "currency", "must not be null"),
        ({"theme": "dark"}, "theme", "Extra inputs are not permitted"),
        ({"user_id": "someone-else", "language": "en"}, "user_id", "Extra inputs are not permitted"),
    ],
)
def test_a_bad_field_is_named_with_its_reason(body: dict[str, Any], field: str, reason: str) -> None:
    with pytest.raises(ValidationError) as refused:
        SettingsChange.model_validate(body)

    errors = refused.value.errors()
    assert [error["loc"] for error in errors] == [(field,)]
    assert reason in errors[0]["msg"]


def test_an_empty_change_is_refused() -> None:
    with pytest.raises(ValidationError, match="at least one of language, timezone, currency"):
        SettingsChange.model_validate({})


def test_the_published_schema_refuses_null_empty_and_unknown_changes_as_the_api_does() -> None:
    schema = SettingsChange.model_json_schema()

    assert (schema["minProperties"], schema["additionalProperties"]) == (1, False)
    for name, field in schema["properties"].items():
        assert "anyOf" not in field and field["type"] == "string", name
        assert "default" not in field, name
