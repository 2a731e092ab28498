"""The local model behind the emulator's Bedrock Converse: OpenAI's chat-completions wire format, answering a
forced function call with the knowledge base it reads in the pages of the user's message."""

from __future__ import annotations

import json
from typing import Any

import pytest

from agents.knowledge.bedrock import TOOL
from agents.knowledge.models import KnowledgeBase
from tools.local_model import MODEL_ID
from tools.local_model.server import completion


def request(**overrides: Any) -> dict[str, Any]:
    """A request as MiniStack forwards the processor's Converse: its tool as a function, the choice forcing it."""
    return {
        "model": MODEL_ID,
        "messages": [
            {"role": "system", "content": "You turn a small business's document into ..."},
            {"role": "user", "content": "--- page 1 ---\nCorte 25,00 €\n\n--- page 2 ---\nL-V 9:00-14:00"},
        ],
        "tools": [{"type": "function", "function": {"name": TOOL, "parameters": KnowledgeBase.model_json_schema()}}],
        "tool_choice": {"type": "function", "function": {"name": TOOL}},
        **overrides,
    }


def test_a_forced_function_is_called_with_the_knowledge_base_of_the_pages() -> None:
    answer = completion(request())

    [choice] = answer["choices"]
    [call] = choice["message"]["tool_calls"]
    arguments = json.loads(call["function"]["arguments"])
    assert (choice["finish_reason"], call["function"]["name"]) == ("tool_calls", TOOL)
    assert [(s["name"], s["price"], s["page"]) for s in arguments["services"]] == [("Corte", "25.00", 1)]
    assert [(h["opens"], h["page"]) for h in arguments["opening_hours"]] == [("09:00", 2)]
    assert "document_id" not in arguments["services"][0]


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"tool_choice": "auto"}, "forces one function"),
        ({"tool_choice": {"type": "function", "function": {"name": "other"}}}, "not among the request's tools"),
        ({"messages": [{"role": "user", "content": "hola"}]}, "no '--- page N ---' markers"),
    ],
)
def test_a_request_it_cannot_answer_with_a_call_is_refused_with_the_reason(
    overrides: dict[str, Any], reason: str
) -> None:
    with pytest.raises(ValueError, match=reason):
        completion(request(**overrides))
