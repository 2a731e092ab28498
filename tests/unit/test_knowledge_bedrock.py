"""The Bedrock structurer against botocore's Stubber: the Converse request it sends, throttling retried with
backoff, and an answer that is not a valid call of the tool falling back to the local structurer, saying so."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from agents.knowledge.bedrock import TOOL, BedrockStructurer
from agents.knowledge.detect import DocumentKind
from agents.knowledge.extract import Extraction, Page
from agents.knowledge.models import KnowledgeBase, Structurer

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
EXTRACTION = Extraction(DocumentKind.PDF, (Page(1, "Corte de pelo 25,00 €"), Page(2, "L-V 9:00-14:00")))


def answer(content: list[dict[str, Any]], stop_reason: str = "tool_use") -> dict[str, Any]:
    return {
        "output": {"message": {"role": "assistant", "content": content}},
        "stopReason": stop_reason,
        "usage": {"inputTokens": 10, "outputTokens": 10, "totalTokens": 20},
        "metrics": {"latencyMs": 5},
    }


def tool_call(arguments: Any) -> dict[str, Any]:
    return {"toolUse": {"toolUseId": "tooluse_1", "name": TOOL, "input": arguments}}


SERVICE_AND_HOURS = {
    "services": [{"name": "Corte de pelo", "price": "25.00", "currency": "EUR", "page": 1}],
    "opening_hours": [{"days": ["monday", "friday"], "opens": "09:00", "closes": "14:00", "page": 2}],
}


@pytest.fixture
def bedrock() -> Iterator[tuple[Any, Stubber]]:
    client = boto3.client("bedrock-runtime", region_name="us-east-1")
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def structurer(client: Any, slept: list[float] | None = None) -> BedrockStructurer:
    naps = slept if slept is not None else []
    return BedrockStructurer(client, MODEL, sleep=naps.append)


def test_the_request_forces_the_tool_whose_input_schema_is_the_knowledge_base_model(
    bedrock: tuple[Any, Stubber],
) -> None:
    client, stubber = bedrock
    expected = structurer(client).request(EXTRACTION.pages)
    stubber.add_response("converse", answer([tool_call(SERVICE_AND_HOURS)]), expected)

    structurer(client).structure(EXTRACTION, "doc-1")

    tool = expected["toolConfig"]["tools"][0]["toolSpec"]
    assert tool["inputSchema"]["json"] == KnowledgeBase.model_json_schema()
    assert expected["toolConfig"]["toolChoice"] == {"tool": {"name": TOOL}}
    assert "--- page 2 ---\nL-V 9:00-14:00" in expected["messages"][0]["content"][0]["text"]


def test_a_valid_tool_call_is_the_knowledge_base_with_each_item_on_the_processed_document(
    bedrock: tuple[Any, Stubber],
) -> None:
    client, stubber = bedrock
    stubber.add_response("converse", answer([{"text": "Here it is."}, tool_call(SERVICE_AND_HOURS)]))

    result = structurer(client).structure(EXTRACTION, "doc-1")

    assert result.structurer is Structurer.BEDROCK
    assert [(s.name, str(s.price), s.document_id, s.page) for s in result.knowledge_base.services] == [
        ("Corte de pelo", "25.00", "doc-1", 1)
    ]
    assert [(h.opens, h.page) for h in result.knowledge_base.opening_hours] == [("09:00", 2)]


def test_throttling_is_retried_with_growing_jittered_delays_until_bedrock_answers(
    bedrock: tuple[Any, Stubber],
) -> None:
    client, stubber = bedrock
    for _ in range(3):
        stubber.add_client_error("converse", "ThrottlingException", "Too many requests", 429)
    stubber.add_response("converse", answer([tool_call(SERVICE_AND_HOURS)]))
    slept: list[float] = []

    result = structurer(client, slept).structure(EXTRACTION, "doc-1")

    assert result.structurer is Structurer.BEDROCK
    assert len(slept) == 3
    assert all(0 <= delay <= 0.5 * 2**attempt for attempt, delay in enumerate(slept, start=1))


def test_throttling_that_outlasts_the_retries_falls_back_to_the_local_structurer_and_says_so(
    bedrock: tuple[Any, Stubber],
) -> None:
    client, stubber = bedrock
    for _ in range(5):
        stubber.add_client_error("converse", "ThrottlingException", "Too many requests", 429)

    result = structurer(client).structure(EXTRACTION, "doc-1")

    assert result.structurer is Structurer.LOCAL
    assert result.notes == [
        "Bedrock could not be used (ThrottlingException: Too many requests); the local structurer was used"
    ]
    assert [s.name for s in result.knowledge_base.services] == ["Corte de pelo"]


def test_a_refusal_other_than_throttling_is_not_retried(bedrock: tuple[Any, Stubber]) -> None:
    client, stubber = bedrock
    stubber.add_client_error("converse", "AccessDeniedException", "not allowed to use the model", 403)
    slept: list[float] = []

    result = structurer(client, slept).structure(EXTRACTION, "doc-1")

    assert (result.structurer, slept) == (Structurer.LOCAL, [])


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ([{"text": "I cannot help with that."}], "no call of record_knowledge_base"),
        ([tool_call({"services": [{"name": "Corte", "price": "gratis"}]})], "services.0.price"),
        ([tool_call("not json")], "the tool's input is not JSON"),
        ([tool_call({"menu": []})], "menu: Extra inputs are not permitted"),
    ],
    ids=["text only", "invalid price", "input not JSON", "unknown field"],
)
def test_a_malformed_answer_falls_back_to_the_local_structurer_and_says_why(
    bedrock: tuple[Any, Stubber], content: list[dict[str, Any]], reason: str
) -> None:
    client, stubber = bedrock
    stubber.add_response("converse", answer(content))

    result = structurer(client).structure(EXTRACTION, "doc-1")

    assert result.structurer is Structurer.LOCAL
    assert reason in result.notes[0]
    assert result.notes[0].endswith("; the local structurer was used")
    assert [h.days for h in result.knowledge_base.opening_hours]


def test_a_long_document_is_sent_in_several_requests_of_whole_pages(bedrock: tuple[Any, Stubber]) -> None:
    client, stubber = bedrock
    pages = tuple(Page(number, "x" * 400) for number in range(1, 6))
    small = BedrockStructurer(client, MODEL, max_characters_per_call=1000, sleep=lambda _: None)
    for chunk in (pages[:2], pages[2:4], pages[4:]):
        stubber.add_response("converse", answer([tool_call({})]), small.request(chunk))

    result = small.structure(Extraction(DocumentKind.TEXT, pages), "doc-1")

    assert result.structurer is Structurer.BEDROCK


def test_an_item_on_a_page_the_request_did_not_have_is_put_on_its_first_page(bedrock: tuple[Any, Stubber]) -> None:
    client, stubber = bedrock
    stubber.add_response("converse", answer([tool_call({"faqs": [{"question": "¿Cita?", "answer": "Sí", "page": 9}]})]))

    result = structurer(client).structure(EXTRACTION, "doc-1")

    assert [faq.page for faq in result.knowledge_base.faqs] == [1]
