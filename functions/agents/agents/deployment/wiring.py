"""What each deployment function creates at cold start: the Agents function's own parts (agents.wiring), the
deployment's repository, and the settings of the providers it calls; the provider clients themselves are
made per invocation (agents.providers.settings: the keys Powertools caches for five minutes) with the logger's
correlation id, so a rotated key is picked up and every provider call carries the execution's id."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from agents.deployment.repository import DeploymentRepository
from agents.deployment.state import DeploymentState
from agents.wiring import AgentsFunction

if TYPE_CHECKING:
    from agents.providers.elevenlabs import ElevenLabsClient
    from agents.providers.settings import ElevenLabsSettings, TwilioCredentials, TwilioSettings
    from agents.providers.twilio import TwilioNumbers

# Where a task's logger finds the correlation id: the route put the request's into the execution's input.
CORRELATION_ID_PATH = "correlation_id"


@dataclass(frozen=True)
class ProviderSettings:
    """The providers a function calls: only what it reads is required."""

    elevenlabs: ElevenLabsSettings | None = None
    twilio: TwilioSettings | None = None

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        *,
        elevenlabs: bool = False,
        twilio: bool = False,
    ) -> ProviderSettings:
        # Only a function that calls a provider imports its client (and urllib's HTTP stack) at cold start.
        from agents.providers.settings import ElevenLabsSettings, TwilioSettings

        return cls(
            elevenlabs=ElevenLabsSettings.from_env(environ) if elevenlabs else None,
            twilio=TwilioSettings.from_env(environ) if twilio else None,
        )


@dataclass(frozen=True)
class DeploymentTask:
    function: AgentsFunction
    repository: DeploymentRepository
    providers: ProviderSettings

    @classmethod
    def from_env(cls, *, elevenlabs: bool = False, twilio: bool = False) -> DeploymentTask:
        function = AgentsFunction.from_env()
        return cls(
            function=function,
            repository=DeploymentRepository(function.dynamodb, function.table_name),
            providers=ProviderSettings.from_env(elevenlabs=elevenlabs, twilio=twilio),
        )

    def handler(
        self, task: Callable[[DeploymentState], dict[str, Any]]
    ) -> Callable[[dict[str, Any], LambdaContext], dict[str, Any]]:
        """A task's Lambda handler: the execution's correlation id in every log line (and so in every provider
        call and event), a trace, the metrics flushed; the state parsed once. A provider's error propagates
        with its class name, which the state machine retries or catches on."""
        logger, tracer, metrics = self.function.logger, self.function.tracer, self.function.metrics

        @logger.inject_lambda_context(correlation_id_path=CORRELATION_ID_PATH)
        @tracer.capture_lambda_handler
        @metrics.log_metrics
        def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:  # noqa: ARG001
            return task(DeploymentState.of(event))

        return lambda_handler

    def elevenlabs(self) -> ElevenLabsClient:
        from agents.providers.settings import elevenlabs_client

        settings = _required(self.providers.elevenlabs, "ElevenLabs")
        return elevenlabs_client(settings, correlation_id=self.function.logger.get_correlation_id)

    def twilio(self) -> TwilioNumbers:
        from agents.providers.settings import twilio_numbers

        settings = _required(self.providers.twilio, "Twilio")
        return twilio_numbers(settings, correlation_id=self.function.logger.get_correlation_id)

    def twilio_credentials(self) -> TwilioCredentials:
        """The account's SID and auth token: what ElevenLabs imports a Twilio number with."""
        from agents.providers.settings import twilio_credentials

        return twilio_credentials(_required(self.providers.twilio, "Twilio"))


def _required[T](settings: T | None, name: str) -> T:
    if settings is None:
        raise RuntimeError(f"this function is not configured to call {name}")
    return settings
