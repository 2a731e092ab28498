"""The agent's prompt: built from the owner's confirmed facts and the ready knowledge base, in the country's
language; refused, with what is missing, before either is there."""

from __future__ import annotations

from dataclasses import replace

import pytest

from agents.deployment.prompt import MAX_KNOWLEDGE_CHARS, NotReadyToDeploy, prompt_for
from agents.models import Business, KnowledgeBase, KnowledgeBaseStatus, Onboarding, OnboardingRecord

NOW = "2026-11-26T09:00:00.000+00:00"
BUSINESS = Business(
    name="Peluquería Ana",
    description="Cortes y tintes en Triana",
    phones=("+34954123456",),
    address="Calle Betis 12, Sevilla",
    opening_hours=("L-V 9:00-14:00",),
    services=("Corte",),
)
KNOWLEDGE = {
    "services": [{"name": "Corte de pelo", "price": "25.00", "currency": "EUR", "source": {"page": 1}}],
    "faqs": [{"question": "¿Hace falta cita?", "answer": "Sí", "source": {"page": 2}}],
}
ONBOARDING = Onboarding("o-1", "owner", "ES", None, Business(), BUSINESS, NOW, NOW, voice_id="v-1")
MERGED = KnowledgeBase(KnowledgeBaseStatus.READY, KNOWLEDGE, "local", ("d-1",), NOW)
READY = OnboardingRecord(ONBOARDING, knowledge_base=MERGED)


def test_the_prompt_holds_the_confirmed_facts_and_the_knowledge_base_without_its_sources() -> None:
    prompt = prompt_for(READY)

    assert "Peluquería Ana" in prompt.system_prompt
    assert "Calle Betis 12, Sevilla" in prompt.system_prompt and "L-V 9:00-14:00" in prompt.system_prompt
    assert '"price":"25.00"' in prompt.system_prompt and "¿Hace falta cita?" in prompt.system_prompt
    assert '"source"' not in prompt.system_prompt


def test_a_spanish_business_gets_a_spanish_agent_with_its_voice() -> None:
    prompt = prompt_for(READY)

    assert (prompt.language, prompt.voice_id, prompt.country) == ("es", "v-1", "ES")
    assert prompt.first_message == "Hola, has llamado a Peluquería Ana. ¿En qué puedo ayudarte?"


def test_a_country_without_a_listed_language_gets_english() -> None:
    prompt = prompt_for(replace(READY, onboarding=replace(ONBOARDING, country="JP")))

    assert prompt.language == "en"
    assert prompt.first_message == "Hello, you have reached Peluquería Ana. How can I help you?"


def test_a_knowledge_base_too_large_for_the_prompt_is_cut_and_says_so() -> None:
    huge = {"sections": [{"text": "x" * (MAX_KNOWLEDGE_CHARS * 2)}]}
    record = replace(READY, knowledge_base=replace(MERGED, knowledge_base=huge))

    prompt = prompt_for(record)

    assert len(prompt.system_prompt) < MAX_KNOWLEDGE_CHARS + 2_000
    assert prompt.system_prompt.endswith("[cut: the rest of the knowledge base is not shown]")


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        (replace(READY, knowledge_base=None), "no knowledge base is ready yet"),
        (
            replace(READY, knowledge_base=KnowledgeBase(KnowledgeBaseStatus.FAILED, None, None, (), NOW, "unreadable")),
            "no knowledge base is ready yet",
        ),
        (replace(READY, onboarding=replace(ONBOARDING, voice_id=None)), "no voice is chosen yet"),
        (replace(READY, onboarding=replace(ONBOARDING, business=None)), "the business's facts are not confirmed yet"),
    ],
)
def test_without_what_an_agent_is_built_from_the_prompt_is_refused_with_the_reason(
    record: OnboardingRecord, reason: str
) -> None:
    with pytest.raises(NotReadyToDeploy) as refused:
        prompt_for(record)

    assert refused.value.message.startswith(reason)
