"""The agent's system prompt and first message, built from the owner's confirmed facts and the ready
knowledge base: plain data in, plain text out."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from agents.models import Business, KnowledgeBaseStatus, OnboardingRecord
from colmena.errors import Conflict

# The knowledge base travels in the workflow's state (256 KB at most) and in the agent's prompt: a business's
# price lists and policies fit well inside this; beyond it the prompt says it was cut rather than failing.
MAX_KNOWLEDGE_CHARS = 24_000

# The language the agent speaks, from the business's country; English where none is listed here.
LANGUAGES = {
    "ES": "es", "MX": "es", "AR": "es", "CO": "es", "CL": "es", "PE": "es", "UY": "es",
    "FR": "fr", "BE": "fr", "DE": "de", "AT": "de", "IT": "it", "PT": "pt", "BR": "pt", "NL": "nl",
}  # fmt: skip

FIRST_MESSAGES = {
    "es": "Hola, has llamado a {name}. ¿En qué puedo ayudarte?",
    "fr": "Bonjour, vous êtes bien chez {name}. Comment puis-je vous aider ?",
    "de": "Hallo, Sie sind mit {name} verbunden. Wie kann ich Ihnen helfen?",
    "it": "Buongiorno, ha chiamato {name}. Come posso aiutarla?",
    "pt": "Olá, ligou para {name}. Como posso ajudar?",
    "nl": "Hallo, u spreekt met {name}. Waarmee kan ik u helpen?",
    "en": "Hello, you have reached {name}. How can I help you?",
}


class NotReadyToDeploy(Conflict):
    """The onboarding lacks what an agent is built from: the workflow fails at once with this reason."""

    code = "not_ready_to_deploy"


@dataclass(frozen=True)
class Prompt:
    system_prompt: str
    first_message: str
    language: str
    voice_id: str
    country: str


def prompt_for(record: OnboardingRecord) -> Prompt:
    """The agent's prompt; NotReadyToDeploy naming what is missing when the business is not confirmed, no
    voice is chosen or the knowledge base is not ready."""
    onboarding = record.onboarding
    merged = record.knowledge_base
    if onboarding.business is None:
        raise NotReadyToDeploy("the business's facts are not confirmed yet")
    if not onboarding.voice_id:
        raise NotReadyToDeploy("no voice is chosen yet")
    if merged is None or merged.status is not KnowledgeBaseStatus.READY or merged.knowledge_base is None:
        raise NotReadyToDeploy("no knowledge base is ready yet: upload a document and wait until it is ready")
    language = LANGUAGES.get(onboarding.country, "en")
    name = onboarding.business.name or "the business"
    return Prompt(
        system_prompt=system_prompt(onboarding.business, merged.knowledge_base, language),
        first_message=FIRST_MESSAGES[language].format(name=name),
        language=language,
        voice_id=onboarding.voice_id,
        country=onboarding.country,
    )


def system_prompt(business: Business, knowledge: dict[str, Any], language: str) -> str:
    facts = "\n".join(
        f"- {label}: {value}"
        for label, value in (
            ("Name", business.name),
            ("About", business.description),
            ("Address", business.address),
            ("Phones", ", ".join(business.phones)),
            ("Opening hours", "; ".join(business.opening_hours)),
            ("Services", "; ".join(business.services)),
        )
        if value
    )
    reference = json.dumps(_without_sources(knowledge), ensure_ascii=False, separators=(",", ":"))
    if len(reference) > MAX_KNOWLEDGE_CHARS:
        reference = reference[:MAX_KNOWLEDGE_CHARS] + " [cut: the rest of the knowledge base is not shown]"
    return (
        f"You are the phone receptionist of {business.name}. Answer callers in the language they speak "
        f"(most speak '{language}'), briefly and kindly, only from the facts below. When you do not know, say "
        "so and offer to take a message; never invent prices, hours or services.\n\n"
        f"The business, as its owner confirmed it:\n{facts}\n\n"
        f"Its knowledge base (prices, hours, questions and policies from its own documents):\n{reference}"
    )


def _without_sources(value: Any) -> Any:
    """The knowledge base without where each fact came from: the agent needs the facts, not page numbers."""
    if isinstance(value, dict):
        return {key: _without_sources(item) for key, item in value.items() if key != "source"}
    if isinstance(value, list):
        return [_without_sources(item) for item in value]
    return value
