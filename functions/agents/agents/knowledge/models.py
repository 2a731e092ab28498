"""The knowledge base the voice agent answers from: what the business's documents say, each item with the document
and page it came from, so the owner can check it and the agent can be corrected at the source.

The same model is the Bedrock tool's input schema (`KnowledgeBase.model_json_schema()`): what the model is asked to
fill is exactly what is validated and stored."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
ClockTime = Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")]


class Weekday(StrEnum):
    MONDAY = "monday"
    TUESDAY = "tuesday"
    WEDNESDAY = "wednesday"
    THURSDAY = "thursday"
    FRIDAY = "friday"
    SATURDAY = "saturday"
    SUNDAY = "sunday"


class Item(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    document_id: str = Field(description="the document the item was read from")
    page: int = Field(ge=1, description="the page of that document (1 for a document without pages)")


class Fact(Item):
    name: ShortText = Field(description="what the fact is: phone, email, address, website, name, ...")
    value: Text


class Service(Item):
    name: ShortText
    price: Decimal | None = Field(default=None, ge=0, max_digits=12, decimal_places=2)
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] | None = Field(
        default=None, description="ISO 4217 code of the price's currency"
    )
    duration_minutes: int | None = Field(default=None, ge=1, le=24 * 60)
    description: Text | None = None


class OpeningHours(Item):
    days: list[Weekday] = Field(min_length=1)
    opens: ClockTime = Field(description="24-hour HH:MM")
    closes: ClockTime = Field(description="24-hour HH:MM")


class Faq(Item):
    question: Text
    answer: Text


class Policy(Item):
    title: ShortText = Field(description="cancellations, payments, privacy, returns, ...")
    text: Text


class Section(Item):
    title: ShortText
    text: Text


class KnowledgeBase(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    facts: list[Fact] = []
    services: list[Service] = []
    opening_hours: list[OpeningHours] = []
    faqs: list[Faq] = []
    policies: list[Policy] = []
    sections: list[Section] = []

    def is_empty(self) -> bool:
        return not any((self.facts, self.services, self.opening_hours, self.faqs, self.policies, self.sections))

    def from_document(self, document_id: str) -> KnowledgeBase:
        """Every item attributed to `document_id`, whatever it said (a model's answer names no document)."""
        return KnowledgeBase.model_validate(
            {
                kind: [{**item.model_dump(), "document_id": document_id} for item in items]
                for kind, items in self._kinds().items()
            }
        )

    def _kinds(self) -> dict[str, Sequence[Item]]:
        return {name: getattr(self, name) for name in KnowledgeBase.model_fields}


class Structurer(StrEnum):
    BEDROCK = "bedrock"
    LOCAL = "local"


class Structured(BaseModel):
    """One document's knowledge base and which structurer made it; `notes` says why Bedrock was not used when it
    was configured (a malformed answer, throttling that outlasted the retries)."""

    knowledge_base: KnowledgeBase
    structurer: Structurer
    notes: list[str] = []


def merged(documents: Iterable[KnowledgeBase]) -> KnowledgeBase:
    """The business's documents as one knowledge base, in upload order: an item a later document states again
    (the same service, question, policy or days) replaces the earlier one, so a new price list wins."""
    documents = list(documents)

    def kind[I: Item](name: str, key: Callable[[I], Hashable]) -> list[I]:
        items: dict[Hashable, I] = {}
        for document in documents:
            for item in getattr(document, name):
                items.pop(key(item), None)
                items[key(item)] = item
        return list(items.values())

    return KnowledgeBase(
        facts=kind("facts", lambda fact: (_key(fact.name), _key(fact.value))),
        services=kind("services", lambda service: _key(service.name)),
        opening_hours=kind("opening_hours", lambda hours: (tuple(hours.days), hours.opens)),
        faqs=kind("faqs", lambda faq: _key(faq.question)),
        policies=kind("policies", lambda policy: _key(policy.title)),
        sections=kind("sections", lambda section: (_key(section.title), _key(section.text))),
    )


def _key(text: str) -> str:
    return " ".join(text.casefold().split())
