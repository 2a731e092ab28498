"""The workflow's tasks, on plain data and the provider interfaces. Each is idempotent: before creating, it
looks for what an earlier attempt created under the deployment's deterministic name (`colmena-<onboarding
id>`, agents.keys.provider_name), so a retried task, or a re-run of a failed deployment, never creates a
second agent or buys a second number. Compensation is idempotent too: what is already gone counts as done."""

from __future__ import annotations

from dataclasses import dataclass

from agents.deployment.ports import PhoneNumbers, VoiceAgents
from agents.deployment.prompt import Prompt
from agents.keys import provider_name

# Where Twilio reports each call's status (the usage context's webhook), under the API's public base URL.
CALL_STATUS_PATH = "/webhooks/twilio/call-status"


@dataclass(frozen=True)
class Bought:
    sid: str
    phone_number: str


@dataclass(frozen=True)
class Compensated:
    """What compensation removed (empty when an earlier try already had)."""

    elevenlabs_numbers: tuple[str, ...] = ()
    twilio_numbers: tuple[str, ...] = ()  # their sids
    phone_numbers: tuple[str, ...] = ()  # the same numbers, E.164
    agents: tuple[str, ...] = ()


def create_agent(agents: VoiceAgents, onboarding_id: str, prompt: Prompt) -> str:
    """The agent's id: the one an earlier attempt created, or a new one."""
    name = provider_name(onboarding_id)
    existing = agents.find_agent(name)
    if existing is not None:
        return existing.agent_id
    return agents.create_agent(
        name=name,
        system_prompt=prompt.system_prompt,
        first_message=prompt.first_message,
        voice_id=prompt.voice_id,
        language=prompt.language,
    )


def buy_number(numbers: PhoneNumbers, onboarding_id: str, country: str, public_api_base_url: str) -> Bought:
    """A local number in the business's country: the one an earlier attempt bought, or a new one whose
    calls report their status to the API's call-status webhook."""
    name = provider_name(onboarding_id)
    number = numbers.find_purchased(name) or numbers.buy_local_number(
        country=country, friendly_name=name, status_callback_url=public_api_base_url.rstrip("/") + CALL_STATUS_PATH
    )
    return Bought(sid=number.sid, phone_number=number.phone_number)


def import_number(
    agents: VoiceAgents, onboarding_id: str, phone_number: str, agent_id: str, *, account_sid: str, auth_token: str
) -> str:
    """The number imported into ElevenLabs (once) and answered by the agent; its ElevenLabs id."""
    imported = agents.find_number(phone_number)
    if imported is not None:
        phone_number_id = imported.phone_number_id
        if imported.agent_id == agent_id:
            return phone_number_id
    else:
        phone_number_id = agents.import_twilio_number(
            phone_number=phone_number, label=provider_name(onboarding_id), sid=account_sid, token=auth_token
        )
    agents.assign_agent(phone_number_id, agent_id)
    return phone_number_id


def compensate(
    agents: VoiceAgents,
    numbers: PhoneNumbers,
    onboarding_id: str,
    *,
    agent_id: str | None = None,
    bought: Bought | None = None,
) -> Compensated:
    """Undoes the deployment in reverse: the number out of ElevenLabs, released at Twilio, then the agent.
    What the state knows is removed, and what an attempt created without getting to say so is found by the
    deployment's name."""
    name = provider_name(onboarding_id)
    purchased = numbers.find_purchased(name)
    twilio = {number.sid: number.phone_number for number in (purchased, bought) if number is not None}

    elevenlabs: list[str] = []
    for phone_number in dict.fromkeys(twilio.values()):
        imported = agents.find_number(phone_number)
        if imported is not None:
            agents.delete_number(imported.phone_number_id)
            elevenlabs.append(imported.phone_number_id)
    for sid in twilio:
        numbers.release(sid)

    found = agents.find_agent(name)
    agent_ids = tuple(dict.fromkeys(i for i in (agent_id, found.agent_id if found else None) if i is not None))
    for each in agent_ids:
        agents.delete_agent(each)
    return Compensated(
        elevenlabs_numbers=tuple(elevenlabs),
        twilio_numbers=tuple(twilio),
        phone_numbers=tuple(dict.fromkeys(twilio.values())),
        agents=agent_ids,
    )
