"""Live's chat, driven with the sample events against moto and the seeded records."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

from tests.live_api import bus_refusing, caller
from tests.live_seed import ANA, BO, CY, LIVE, NO_VOTING, seed_live

call = caller("live_chat")
OTHER = NO_VOTING  # a session Bo is not in


@pytest.fixture
def api(load_handler: Callable[[str], ModuleType], dynamodb: Any, published: Any) -> ModuleType:
    seed_live(dynamodb)
    return load_handler("LiveChatFunction")


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
        status, page = call(api, "get_messages.json", query=parameters)
        assert status == 200
        texts += [message["text"] for message in page["messages"]]
        if page["next_cursor"] is None:
            break
        parameters = {**parameters, "cursor": page["next_cursor"]}

    assert texts == [f"message {n}" for n in reversed(range(5))]


def messages_after(api: ModuleType, key: Any) -> tuple[int, dict[str, Any]]:
    cursor = base64.urlsafe_b64encode(json.dumps(key).encode()).decode()
    return call(api, "get_messages.json", query={"cursor": cursor})


@pytest.mark.parametrize(
    "key",
    [
        {"pk": f"SESSION#{OTHER}", "sk": "MSG#2026-11-25T10:00:00.000+00:00#0a1b"},  # another session's chat
        {"pk": f"SESSION#{LIVE}", "sk": "SONG#x"},
        {"pk": f"SESSION#{LIVE}", "sk": "MSG#soon#0a1b"},
        {"pk": f"SESSION#{LIVE}", "sk": "MSG#2026-11-25T10:00:00.000+00:00#a#b"},
        {"pk": f"SESSION#{LIVE}"},
        {"pk": f"SESSION#{LIVE}", "sk": ["MSG#"]},
    ],
)
def test_a_chat_cursor_that_is_not_a_message_key_of_this_session_is_a_400(api: ModuleType, key: Any) -> None:
    status, answer = messages_after(api, key)

    assert status == 400
    assert answer["error"]["fields"][0]["field"] == "cursor"


def test_a_message_to_a_missing_session_is_a_404(api: ModuleType) -> None:
    missing = "00000000-0000-4000-8000-00000000dead"
    status, _ = call(
        api, "post_message.json", pathParameters={"session_id": missing}, path=f"/sessions/{missing}/messages"
    )

    assert status == 404


def with_key(key: str, text: str = "This one is a classic!") -> dict[str, Any]:
    """The sample post's overrides to send it with an Idempotency-Key header."""
    return {"headers": {"Idempotency-Key": key}, "body": json.dumps({"text": text})}


def chat_events(published: Any) -> list[dict[str, Any]]:
    return [event for event in published() if event["detail-type"] == "chat.message"]


def test_a_retry_with_the_same_key_answers_the_first_message_and_posts_nothing_again(
    api: ModuleType, published: Any
) -> None:
    first_status, first = call(api, "post_message.json", **with_key("retry-1"))

    status, again = call(api, "post_message.json", **with_key("retry-1"))

    assert (first_status, status) == (201, 201)
    assert again == first
    texts = [message["text"] for message in call(api, "get_messages.json")[1]["messages"]]
    assert texts.count("This one is a classic!") == 1
    assert [event["detail"]["data"]["message_id"] for event in chat_events(published)] == [first["message_id"]]


def test_the_same_key_with_another_text_is_refused_naming_the_header(api: ModuleType) -> None:
    call(api, "post_message.json", **with_key("retry-2"))

    status, answer = call(api, "post_message.json", **with_key("retry-2", text="something else"))

    assert status == 422
    assert answer["error"]["fields"][0]["field"] == "idempotency-key"
    texts = [message["text"] for message in call(api, "get_messages.json")[1]["messages"]]
    assert "something else" not in texts


def test_a_retry_whose_first_attempt_failed_to_publish_publishes_the_message_once(
    api: ModuleType, published: Any
) -> None:
    with bus_refusing(api.publisher):
        assert call(api, "post_message.json", **with_key("retry-3"))[0] == 503

    status, message = call(api, "post_message.json", **with_key("retry-3"))
    call(api, "post_message.json", **with_key("retry-3"))

    assert status == 201
    assert [event["detail"]["data"]["message_id"] for event in chat_events(published)] == [message["message_id"]]


def test_without_a_key_two_equal_posts_are_two_messages(api: ModuleType) -> None:
    _, first = call(api, "post_message.json")

    _, second = call(api, "post_message.json")

    assert first["message_id"] != second["message_id"]


def test_one_key_sent_by_two_users_is_two_messages(api: ModuleType) -> None:
    _, mine = call(api, "post_message.json", **with_key("shared"))

    _, theirs = call(api, "post_message.json", user=ANA, **with_key("shared"))

    assert mine["message_id"] != theirs["message_id"]


@pytest.mark.parametrize("key", ["", "has space", "x" * 256, "ñ"])
def test_a_key_that_is_not_printable_ascii_of_1_to_255_characters_is_refused(api: ModuleType, key: str) -> None:
    status, answer = call(api, "post_message.json", **with_key(key))

    assert status == 422
    assert answer["error"]["fields"][0]["field"] == "idempotency-key"
