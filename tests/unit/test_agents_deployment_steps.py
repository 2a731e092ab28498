"""The deployment's tasks on fake providers: each creates once, finds what an earlier attempt created, and
compensation removes everything in reverse, whatever the state knew."""

from __future__ import annotations

import pytest

from agents.deployment import steps
from agents.deployment.prompt import Prompt
from agents.providers.errors import ProviderUnavailable
from tests.agents_providers import FakeElevenLabs, FakeTwilio

ONBOARDING = "o-1"
NAME = "colmena-o-1"
PROMPT = Prompt(system_prompt="You are ...", first_message="Hola", language="es", voice_id="v-1", country="ES")
SID, TOKEN = "AC00000000000000000000000000000000", "local-token"


@pytest.fixture
def elevenlabs() -> FakeElevenLabs:
    return FakeElevenLabs()


@pytest.fixture
def twilio() -> FakeTwilio:
    return FakeTwilio()


def deployed(elevenlabs: FakeElevenLabs, twilio: FakeTwilio) -> tuple[str, steps.Bought, str]:
    agent_id = steps.create_agent(elevenlabs, ONBOARDING, PROMPT)
    bought = steps.buy_number(twilio, ONBOARDING, "ES", "https://api.example/dev")
    imported = steps.import_number(
        elevenlabs, ONBOARDING, bought.phone_number, agent_id, account_sid=SID, auth_token=TOKEN
    )
    return agent_id, bought, imported


def test_the_agent_is_created_under_the_deployments_name_with_the_prompt(elevenlabs: FakeElevenLabs) -> None:
    agent_id = steps.create_agent(elevenlabs, ONBOARDING, PROMPT)

    assert elevenlabs.agents[agent_id].name == NAME
    assert elevenlabs.prompts[agent_id] == ("You are ...", "Hola", "v-1", "es")


def test_a_retried_create_finds_the_agent_an_earlier_attempt_created(elevenlabs: FakeElevenLabs) -> None:
    first = steps.create_agent(elevenlabs, ONBOARDING, PROMPT)

    again = steps.create_agent(elevenlabs, ONBOARDING, PROMPT)

    assert again == first
    assert len(elevenlabs.agents) == 1


def test_the_number_is_bought_in_the_country_with_the_call_status_callback(twilio: FakeTwilio) -> None:
    bought = steps.buy_number(twilio, ONBOARDING, "ES", "https://api.example/dev/")

    assert twilio.purchased[bought.sid].friendly_name == NAME
    assert twilio.countries[bought.sid] == "ES"
    assert twilio.callbacks[bought.sid] == "https://api.example/dev/webhooks/twilio/call-status"


def test_a_retried_purchase_finds_the_number_already_bought(twilio: FakeTwilio) -> None:
    first = steps.buy_number(twilio, ONBOARDING, "ES", "https://api.example")

    again = steps.buy_number(twilio, ONBOARDING, "ES", "https://api.example")

    assert again == first
    assert len(twilio.purchased) == 1


def test_the_number_is_imported_under_the_deployments_label_and_assigned_to_the_agent(
    elevenlabs: FakeElevenLabs, twilio: FakeTwilio
) -> None:
    agent_id, bought, imported = deployed(elevenlabs, twilio)

    number = elevenlabs.numbers[imported]
    assert (number.phone_number, number.label, number.agent_id) == (bought.phone_number, NAME, agent_id)


def test_an_import_retried_after_the_assignment_failed_imports_once_and_assigns(
    elevenlabs: FakeElevenLabs, twilio: FakeTwilio
) -> None:
    agent_id = steps.create_agent(elevenlabs, ONBOARDING, PROMPT)
    bought = steps.buy_number(twilio, ONBOARDING, "ES", "https://api.example")
    elevenlabs.fail("assign_agent", ProviderUnavailable("elevenlabs", "ElevenLabs is unavailable", status=503))
    with pytest.raises(ProviderUnavailable):
        steps.import_number(elevenlabs, ONBOARDING, bought.phone_number, agent_id, account_sid=SID, auth_token=TOKEN)

    imported = steps.import_number(
        elevenlabs, ONBOARDING, bought.phone_number, agent_id, account_sid=SID, auth_token=TOKEN
    )

    assert list(elevenlabs.numbers) == [imported]
    assert elevenlabs.numbers[imported].agent_id == agent_id


def test_compensation_removes_the_number_from_elevenlabs_releases_it_and_deletes_the_agent_in_that_order(
    elevenlabs: FakeElevenLabs, twilio: FakeTwilio
) -> None:
    agent_id, bought, imported = deployed(elevenlabs, twilio)
    elevenlabs.calls.clear()
    twilio.calls.clear()

    done = steps.compensate(elevenlabs, twilio, ONBOARDING, agent_id=agent_id, bought=bought)

    assert (elevenlabs.agents, elevenlabs.numbers, twilio.purchased) == ({}, {}, {})
    assert done == steps.Compensated((imported,), (bought.sid,), (bought.phone_number,), (agent_id,))
    assert [c for c in elevenlabs.calls if c.startswith("delete")] == ["delete_number", "delete_agent"]


def test_compensation_finds_by_name_what_an_attempt_created_without_saying_so(
    elevenlabs: FakeElevenLabs, twilio: FakeTwilio
) -> None:
    deployed(elevenlabs, twilio)

    steps.compensate(elevenlabs, twilio, ONBOARDING)

    assert (elevenlabs.agents, elevenlabs.numbers, twilio.purchased) == ({}, {}, {})


def test_compensation_run_again_finds_nothing_left_and_succeeds(elevenlabs: FakeElevenLabs, twilio: FakeTwilio) -> None:
    agent_id, bought, _ = deployed(elevenlabs, twilio)
    steps.compensate(elevenlabs, twilio, ONBOARDING, agent_id=agent_id, bought=bought)

    again = steps.compensate(elevenlabs, twilio, ONBOARDING, agent_id=agent_id, bought=bought)

    assert again.elevenlabs_numbers == ()
    assert (elevenlabs.agents, twilio.purchased) == ({}, {})


def test_compensation_leaves_another_onboardings_agent_and_number_alone(
    elevenlabs: FakeElevenLabs, twilio: FakeTwilio
) -> None:
    steps.create_agent(elevenlabs, "o-2", PROMPT)
    steps.buy_number(twilio, "o-2", "ES", "https://api.example")
    steps.create_agent(elevenlabs, ONBOARDING, PROMPT)

    steps.compensate(elevenlabs, twilio, ONBOARDING)

    assert [agent.name for agent in elevenlabs.agents.values()] == ["colmena-o-2"]
    assert [number.friendly_name for number in twilio.purchased.values()] == ["colmena-o-2"]
