"""What the processor stores of a merged knowledge base: within what its DynamoDB item can hold."""

from __future__ import annotations

from agents.knowledge.models import KnowledgeBase, Section, Service
from agents.knowledge.processing import MAX_STORED_BYTES, fitted


def section(number: int) -> Section:
    return Section(document_id="d", page=number, title=f"Sección {number}", text="texto " * 600)


def test_a_knowledge_base_within_the_item_is_kept_whole() -> None:
    knowledge = KnowledgeBase(sections=[section(1)], services=[Service(document_id="d", page=1, name="Corte")])

    assert fitted(knowledge) == (knowledge, [])


def test_a_knowledge_base_beyond_the_item_loses_its_last_sections_and_says_how_many() -> None:
    knowledge = KnowledgeBase(sections=[section(number) for number in range(1, 201)])

    kept, notes = fitted(knowledge)

    assert len(kept.model_dump_json()) <= MAX_STORED_BYTES
    assert kept.sections == knowledge.sections[: len(kept.sections)]
    assert notes == [f"{200 - len(kept.sections)} free-text sections were left out: the knowledge base is kept under "
                     "350 KB"]  # fmt: skip
