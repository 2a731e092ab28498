"""Domain events as a consumer reads them off the bus: parser models over the envelope that
`colmena.events` publishes. Asynchronous consumers import this (pydantic's import is affordable off the
request path); the Cognito triggers never do."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.utilities.parser import ValidationError, parse
from pydantic import AfterValidator, BaseModel, Field

from colmena.clock import normalized_timestamp
from colmena.errors import InvalidEvent


def _timestamp(text: str) -> str:
    try:
        return normalized_timestamp(text)
    except (ValueError, OverflowError) as error:
        raise ValueError(f"not an ISO 8601 time with a zone: {error}") from error


Timestamp = Annotated[str, AfterValidator(_timestamp)]


class EventMetadata(BaseModel):
    """`detail.metadata` of every Colmena domain event; `occurred_at` comes out in the stored format."""

    event_id: str = Field(min_length=1)
    event_type: str = Field(min_length=1)
    occurred_at: Timestamp
    version: int = 1


def parsed[Model: BaseModel](event: dict[str, Any], model: type[Model]) -> Model:
    """The event as `model`, or InvalidEvent naming each field that is wrong and why."""
    try:
        return parse(event=event, model=model)
    except ValidationError as invalid:
        reasons = "; ".join(
            f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}" for error in invalid.errors()
        )
        raise InvalidEvent(f"not a {model.__name__} event: {reasons}") from invalid
