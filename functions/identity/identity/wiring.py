"""What every Identity function creates once per container: its Powertools Logger, Tracer and Metrics and
the repository over Identity's table; and, for the functions that publish, the publisher on the bus, whose
events carry the correlation id the Logger holds. Handler modules unpack it into module attributes, which the
handler tests replace."""

from __future__ import annotations

from dataclasses import dataclass

from aws_lambda_powertools import Logger, Metrics, Tracer

from colmena.aws import dynamodb_client, events_client
from colmena.events import EventPublisher
from colmena.settings import EventBusSettings
from identity.repository import IdentityRepository
from identity.settings import IdentitySettings

SOURCE = "colmena.identity"


@dataclass(frozen=True)
class IdentityFunction:
    logger: Logger
    tracer: Tracer
    metrics: Metrics
    repository: IdentityRepository

    @classmethod
    def from_env(cls) -> IdentityFunction:
        return cls(
            logger=Logger(),
            tracer=Tracer(),
            metrics=Metrics(),
            repository=IdentityRepository(dynamodb_client(), IdentitySettings.from_env().table_name),
        )

    def publisher(self) -> EventPublisher:
        """Only the functions that publish call this: the EventBridge client is not made for the others."""
        bus = EventBusSettings.from_env()
        return EventPublisher(events_client(), bus.event_bus_name, SOURCE, self.logger.get_correlation_id)
