"""What each deployment function creates at cold start: the Agents function's own parts (agents.wiring), the
deployment's repository, and the settings of the providers it calls; the provider clients themselves are
made per invocation, with the keys Powertools caches for five minutes and the logger's correlation id, so a
rotated key is picked up and every provider call carries the execution's id."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from agents.deployment.repository import DeploymentRepository
from agents.deployment.state import DeploymentState
from agents.wiring import AgentsFunction
from colmena.settings import require

if TYPE_CHECKING:
    from agents.providers.elevenlabs import ElevenLabsClient
    from agents.providers.twilio import TwilioNumbers

# How long Powertools keeps a secret: a rotated key reaches every container within this.
SECRET_MAX_AGE_S = 300
# Where a task's logger finds the correlation id: the route put the request's into the execution's input.
CORRELATION_ID_PATH = "correlation_id"


@dataclass(frozen=True)
class Provider:
    secret_name: str
    api_base_url: str


@dataclass(frozen=True)
class ProviderSettings:
    """The providers a function calls, and the public URL Twilio calls back: only what it reads is required."""

    elevenlabs: Provider | None = None
    twilio: Provider | None = None
    public_api_base_url: str | None = None

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        *,
        elevenlabs: bool = False,
        twilio: bool = False,
        public_api: bool = False,
    ) -> ProviderSettings:
        env = os.environ if environ is None else environ
        return cls(
            elevenlabs=Provider(require("ELEVENLABS_SECRET_NAME", env), require("ELEVENLABS_API_BASE_URL", env))
            if elevenlabs
            else None,
            twilio=Provider(require("TWILIO_SECRET_NAME", env), require("TWILIO_API_BASE_URL", env))
            if twilio
            else None,
            public_api_base_url=require("PUBLIC_API_BASE_URL", env) if public_api else None,
        )


@dataclass(frozen=True)
class DeploymentTask:
    function: AgentsFunction
    repository: DeploymentRepository
    providers: ProviderSettings

    @classmethod
    def from_env(cls, *, elevenlabs: bool = False, twilio: bool = False, public_api: bool = False) -> DeploymentTask:
        function = AgentsFunction.from_env()
        return cls(
            function=function,
            repository=DeploymentRepository(function.dynamodb, function.table_name),
            providers=ProviderSettings.from_env(elevenlabs=elevenlabs, twilio=twilio, public_api=public_api),
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

    @property
    def public_api_base_url(self) -> str:
        if self.providers.public_api_base_url is None:
            raise RuntimeError("this function has no PUBLIC_API_BASE_URL")
        return self.providers.public_api_base_url

    def elevenlabs(self) -> ElevenLabsClient:
        from agents.providers.elevenlabs import ElevenLabsClient

        provider = _required(self.providers.elevenlabs, "ElevenLabs")
        secret = _secret(provider.secret_name, "api_key")
        return ElevenLabsClient(
            provider.api_base_url, secret["api_key"], correlation_id=self.function.logger.get_correlation_id
        )

    def twilio(self) -> TwilioNumbers:
        from agents.providers.twilio import TwilioNumbers

        provider = _required(self.providers.twilio, "Twilio")
        account_sid, auth_token = self.twilio_credentials()
        return TwilioNumbers(
            provider.api_base_url, account_sid, auth_token, correlation_id=self.function.logger.get_correlation_id
        )

    def twilio_credentials(self) -> tuple[str, str]:
        """The account's SID and auth token: the Twilio client's, and what ElevenLabs imports a number with."""
        secret = _secret(_required(self.providers.twilio, "Twilio").secret_name, "account_sid", "auth_token")
        return secret["account_sid"], secret["auth_token"]


def _required(provider: Provider | None, name: str) -> Provider:
    if provider is None:
        raise RuntimeError(f"this function is not configured to call {name}")
    return provider


def _secret(name: str, *keys: str) -> dict[str, str]:
    from aws_lambda_powertools.utilities import parameters

    secret = parameters.get_secret(name, transform="json", max_age=SECRET_MAX_AGE_S)
    missing = [key for key in keys if not isinstance(secret, dict) or not secret.get(key)]
    if missing:
        # The secret's name and the missing keys only: never a value.
        raise RuntimeError(f"the secret {name} lacks {', '.join(missing)}")
    assert isinstance(secret, dict)
    return {str(key): str(value) for key, value in secret.items()}
