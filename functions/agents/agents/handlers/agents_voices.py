"""The voice step's routes: the voices ElevenLabs offers, and the owner's choice of one for their onboarding's
agent. Choosing again replaces the choice until the agent is deployed (then 409); an id ElevenLabs does not
offer is a 422 naming `voice_id`. Only the onboarding's creator may choose; anyone else gets 404."""

# No `from __future__ import annotations` here: Powertools reads the route signatures at run time.
from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.metrics import MetricUnit

from agents import logic
from agents.providers.elevenlabs import Voice
from agents.providers.errors import ProviderError, ProviderRateLimited
from agents.providers.settings import ElevenLabsSettings, elevenlabs_client
from agents.repository import OnboardingRepository
from agents.schemas import Id
from agents.voices.catalogue import VoiceCatalogue
from agents.voices.repository import VoiceRepository
from agents.voices.schemas import SelectedVoice, VoiceChoice, Voices, VoiceView
from agents.wiring import AgentsFunction, rest_api
from colmena.clock import utc_now
from colmena.errors import InvalidInput
from colmena.http import caller_of, error_response, responses

function = AgentsFunction.from_env()
elevenlabs = ElevenLabsSettings.from_env()
onboardings = OnboardingRepository(function.dynamodb, function.table_name)
voices = VoiceRepository(function.dynamodb, function.table_name)
tracer, metrics = function.tracer, function.metrics
app = rest_api()


def list_voices() -> list[Voice]:
    # A client per listing (hourly): its key comes through Powertools' cached secret (agents.providers.settings).
    return elevenlabs_client(elevenlabs, correlation_id=function.logger.get_correlation_id).list_voices()


# Module state: it lives as long as the container, so each container lists ElevenLabs' voices at most hourly.
catalogue = VoiceCatalogue(list_voices)


@app.exception_handler(ProviderError)
def provider_failed(error: ProviderError) -> Response[str]:
    # ElevenLabs' own reason (written to be shown), never a key: 503 while it limits us, 502 otherwise.
    if isinstance(error, ProviderRateLimited):
        return error_response(HTTPStatus.SERVICE_UNAVAILABLE, "provider_rate_limited", error.reason)
    return error_response(HTTPStatus.BAD_GATEWAY, "provider_unavailable", error.reason)


@app.get(
    "/voices",
    summary="The voices ElevenLabs offers for the agent (listed at most hourly)",
    responses=responses("The voices", HTTPStatus.BAD_GATEWAY, HTTPStatus.SERVICE_UNAVAILABLE),
)
@tracer.capture_method
def get_voices() -> Voices:
    return Voices(voices=[VoiceView.of(voice) for voice in catalogue.voices()])


@app.post(
    "/onboarding/<onboarding_id>/select-voice",
    summary="Choose the agent's voice (again, to change it, until the agent is deployed)",
    responses=responses(
        "The voice chosen",
        HTTPStatus.NOT_FOUND,
        HTTPStatus.CONFLICT,
        HTTPStatus.BAD_GATEWAY,
        HTTPStatus.SERVICE_UNAVAILABLE,
        takes_body=True,
    ),
)
@tracer.capture_method
def select_voice(onboarding_id: Id, choice: Annotated[VoiceChoice, Body()]) -> SelectedVoice:
    caller = caller_of(app.current_event)
    logic.owned(onboardings.record(onboarding_id), caller.user_id, onboarding_id)
    voice = catalogue.find(choice.voice_id)
    if voice is None:
        raise InvalidInput(f"ElevenLabs offers no voice {choice.voice_id!r}: choose one of GET /voices", "voice_id")
    voices.select_voice(onboarding_id, caller.user_id, voice, utc_now())
    metrics.add_metric(name="VoiceSelected", unit=MetricUnit.Count, value=1)
    return SelectedVoice(onboarding_id=onboarding_id, voice_id=voice.voice_id, voice_name=voice.name)


lambda_handler = function.rest_handler(app)
