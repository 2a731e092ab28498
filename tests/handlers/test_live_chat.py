"""Live's chat, driven with the sample events against moto and the seeded records."""

from __future__ import annotations

import json
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

from tests.live_seed import BO, CY, seed_live
from tools.handlers import LambdaContext, sample_event
from tools.template import ROOT

EVENTS = ROOT / "events" / "live_chat"


@pytest.fixture
def api(load_handler: Callable[[str], ModuleType], dynamodb: Any, published: Any) -> ModuleType:
    seed_live(dynamodb)
    return load_handler("LiveChatFunction")


def call(api: ModuleType, event_file: str, user: str | None = None, **overrides: Any) -> tuple[int, dict[str, Any]]:
    event = sample_event(EVENTS / event_file, **overrides)
    if user is not None:
        event["requestContext"]["authorizer"]["claims"]["sub"] = user
    response = api.lambda_handler(event, LambdaContext())
    return response["statusCode"], json.loads(response["body"])


def say(api: ModuleType, text: str) -> tuple[int, dict[str, Any]]:
    return call(api, "post_message.json", body=json.dumps({"text": text}))


def test_a_participant_posts_a_trimmed_message_and_everyone_is_told(api: ModuleType, published: Any) -> None:
    status, message = call(api, "post_message.json")

    assert status == 201
    assert (message["text"], message["type"], message["user_id"]) == ("This one is a classic!", "text", BO)
    [event] = [event for event in published() if event["detail-type"] == "chat.message"]
    assert event["detail"]["data"]["message_id"] == message["message_id"]


@pytest.mark.parametrize("text", ["", "   ", "x" * 501, " " + "y" * 501 + " "])
def test_a_message_empty_or_over_500_characters_after_trimming_is_refused(api: ModuleType, text: str) -> None:
    status, answer = say(api, text)

    assert status == 422
    assert answer["error"]["fields"][0]["field"] == "text"


def test_500_characters_with_spaces_around_them_are_accepted(api: ModuleType) -> None:
    status, message = say(api, "  " + "z" * 500 + "  ")

    assert status == 201
    assert len(message["text"]) == 500


def test_someone_who_has_not_joined_cannot_chat_or_read_the_chat(api: ModuleType) -> None:
    assert call(api, "post_message.json", user=CY)[0] == 403
    assert call(api, "get_messages.json", user=CY)[0] == 403


def test_the_chat_reads_newest_first_page_by_page(api: ModuleType) -> None:
    for n in range(5):
        say(api, f"message {n}")
    parameters = {"limit": "2"}

    texts: list[str] = []
    while True:
        status, page = call(
            api,
            "get_messages.json",
            queryStringParameters=parameters,
            multiValueQueryStringParameters={name: [value] for name, value in parameters.items()},
        )
        assert status == 200
        texts += [message["text"] for message in page["messages"]]
        if page["next_cursor"] is None:
            break
        parameters = {**parameters, "cursor": page["next_cursor"]}

    assert texts == [f"message {n}" for n in reversed(range(5))]


def test_a_message_to_a_missing_session_is_a_404(api: ModuleType) -> None:
    missing = "00000000-0000-4000-8000-00000000dead"
    status, _ = call(
        api, "post_message.json", pathParameters={"session_id": missing}, path=f"/sessions/{missing}/messages"
    )

    assert status == 404
