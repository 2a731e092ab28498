"""The body of a partial update (PATCH): the fields given change, the fields left out keep their value.

One base for every context's change model, so each refuses the same things the same way and publishes a
schema that says so: a field is left out, never null (None in Python only marks a field left out, which
`changes()` never reads), and at least one is given."""

from __future__ import annotations

from typing import Any, Self

from pydantic import BaseModel, ConfigDict, field_validator, model_validator


def _honest_change_schema(schema: dict[str, Any]) -> None:
    """The published schema refuses what the model refuses: no null, no defaults, at least one field."""
    for field in schema["properties"].values():
        field.pop("default", None)
        field.update(next(kind for kind in field.pop("anyOf") if kind != {"type": "null"}))
    schema["minProperties"] = 1


class PartialChange(BaseModel):
    """Subclasses declare every field as `<type> | None = None`."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_honest_change_schema)

    @field_validator("*", mode="before")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        # Fields may be left out, but an explicit null would erase a value the products rely on.
        if value is None:
            raise ValueError("must not be null; leave the field out to keep its value")
        return value

    @model_validator(mode="after")
    def _something_to_change(self) -> Self:
        if not self.model_fields_set:
            raise ValueError(f"give at least one of {', '.join(type(self).model_fields)}")
        return self

    def changes(self) -> dict[str, Any]:
        """The fields given, as JSON values, by name."""
        given = self.model_dump(mode="json", include=self.model_fields_set)
        return {name: given[name] for name in sorted(given)}
