"""The Bedrock structurer: Amazon Bedrock's Converse API with one tool whose input schema is `KnowledgeBase`'s JSON
schema, and `toolChoice` forcing the model to answer by calling it, so its answer is the model's own structured
output, validated by the same pydantic model that stores it.

Throttling is retried here, with exponential backoff and full jitter, rather than by botocore (whose retries the
client turns off): the loop stops when the function's time runs short, and botocore's Stubber, which answers before
botocore's retry handler runs, can test it. An answer that is not a valid call of the tool, or a Bedrock that keeps
refusing, ends in the local structurer, and the result says so."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from botocore.exceptions import BotoCoreError, ClientError
from pydantic import ValidationError

from agents.knowledge.extract import Extraction, Page
from agents.knowledge.models import KnowledgeBase, Structured, Structurer, merged
from agents.knowledge.rules import structure as structure_locally

TOOL = "record_knowledge_base"
RETRIED = frozenset({"ThrottlingException", "ServiceUnavailableException", "ModelNotReadyException"})
SYSTEM = (
    "You turn a small business's document into the knowledge base its phone receptionist answers from. Call the "
    f"{TOOL} tool once with every fact, service (with its price and currency as written), opening hours (24-hour "
    "HH:MM), frequently asked question, policy and other useful section the text states. Give each item the page "
    "it is on, from the '--- page N ---' markers. Never invent anything the text does not say; leave out what is "
    "not there. Keep the document's language."
)


class ConverseClient(Protocol):
    def converse(self, **request: Any) -> Mapping[str, Any]: ...


class MalformedAnswer(Exception):
    """Bedrock answered, but not with a valid call of the tool."""


@dataclass
class BedrockStructurer:
    client: ConverseClient
    model_id: str
    max_attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 8.0
    max_characters_per_call: int = 60_000
    max_tokens: int = 8_000
    sleep: Callable[[float], None] = time.sleep
    # How long the function may still run, in seconds: a retry that would outlast it is not waited for.
    remaining_seconds: Callable[[], float] = lambda: float("inf")

    def structure(self, extraction: Extraction, document_id: str) -> Structured:
        try:
            parts = [self._structure(chunk) for chunk in _chunks(extraction.pages, self.max_characters_per_call)]
        except MalformedAnswer as error:
            note = f"Bedrock's answer was not a valid knowledge base ({error}); the local structurer was used"
        except (ClientError, BotoCoreError) as error:
            note = f"Bedrock could not be used ({_reason(error)}); the local structurer was used"
        else:
            return Structured(knowledge_base=merged(parts).from_document(document_id), structurer=Structurer.BEDROCK)
        return Structured(
            knowledge_base=structure_locally(extraction, document_id), structurer=Structurer.LOCAL, notes=[note]
        )

    def request(self, pages: Sequence[Page]) -> dict[str, Any]:
        text = "\n\n".join(f"--- page {page.number} ---\n{page.text}" for page in pages)
        return {
            "modelId": self.model_id,
            "system": [{"text": SYSTEM}],
            "messages": [{"role": "user", "content": [{"text": text}]}],
            "toolConfig": {
                "tools": [
                    {
                        "toolSpec": {
                            "name": TOOL,
                            "description": "Records the business's knowledge base as read from the document.",
                            "inputSchema": {"json": KnowledgeBase.model_json_schema()},
                        }
                    }
                ],
                "toolChoice": {"tool": {"name": TOOL}},
            },
            "inferenceConfig": {"maxTokens": self.max_tokens, "temperature": 0.0},
        }

    def _structure(self, pages: Sequence[Page]) -> KnowledgeBase:
        answer = self._converse(self.request(pages))
        blocks = answer.get("output", {}).get("message", {}).get("content", [])
        calls = [block["toolUse"] for block in blocks if isinstance(block, dict) and "toolUse" in block]
        call = next((call for call in calls if call.get("name") == TOOL), None)
        if call is None:
            raise MalformedAnswer(f"no call of {TOOL}; stop reason {answer.get('stopReason')!r}")
        numbers = {page.number for page in pages}
        try:
            knowledge = KnowledgeBase.model_validate(_with_sources(call.get("input"), min(numbers)))
        except ValidationError as error:
            raise MalformedAnswer(f"{error.error_count()} invalid fields, first {_first_error(error)}") from error
        return _on_known_pages(knowledge, numbers)

    def _converse(self, request: dict[str, Any]) -> Mapping[str, Any]:
        for attempt in range(1, self.max_attempts + 1):
            try:
                return self.client.converse(**request)
            except ClientError as error:
                delay = random.uniform(0, min(self.max_delay, self.base_delay * 2**attempt))  # noqa: S311
                if (
                    error.response.get("Error", {}).get("Code") not in RETRIED
                    or attempt == self.max_attempts
                    or delay >= self.remaining_seconds()
                ):
                    raise
                self.sleep(delay)
        raise AssertionError("unreachable: the last attempt returns or raises")


def _chunks(pages: Sequence[Page], limit: int) -> Iterator[list[Page]]:
    """Whole pages, as many as fit in one request (a page longer than that alone)."""
    chunk: list[Page] = []
    size = 0
    for page in pages:
        if chunk and size + len(page.text) > limit:
            yield chunk
            chunk, size = [], 0
        chunk.append(page)
        size += len(page.text)
    if chunk:
        yield chunk


def _with_sources(answer: object, page: int) -> object:
    """The model names no document (the processor sets it) and may forget a page: those are filled in before
    validation, so that only what the model was asked for can make its answer invalid."""
    if isinstance(answer, str):  # some models send the tool's input as a JSON string
        try:
            answer = json.loads(answer)
        except json.JSONDecodeError as error:
            raise MalformedAnswer("the tool's input is not JSON") from error
    if not isinstance(answer, dict):
        return answer
    return {
        kind: [{"page": page, **item, "document_id": "-"} if isinstance(item, dict) else item for item in items]
        if isinstance(items, list)
        else items
        for kind, items in answer.items()
    }


def _on_known_pages(knowledge: KnowledgeBase, numbers: set[int]) -> KnowledgeBase:
    """An item the model put on a page the request did not have is put on the request's first page."""
    first = min(numbers)
    dumped = knowledge.model_dump()
    for items in dumped.values():
        for item in items:
            if item["page"] not in numbers:
                item["page"] = first
    return KnowledgeBase.model_validate(dumped)


def _first_error(error: ValidationError) -> str:
    first = error.errors()[0]
    return f"{'.'.join(str(part) for part in first['loc'])}: {first['msg']}"


def _reason(error: ClientError | BotoCoreError) -> str:
    if isinstance(error, ClientError):
        details = error.response.get("Error", {})
        return f"{details.get('Code')}: {details.get('Message')}"
    return str(error)
