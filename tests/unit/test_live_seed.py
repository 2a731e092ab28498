"""events/seed.json's Live records are what the repository itself stores: each reads back and writes out
as the same item, so the seed cannot drift from the item shapes."""

from __future__ import annotations

from typing import Any

import pytest

from live import repository
from live.tips import repository as tip_repository
from tests.live_seed import seeded_items

WRITERS: dict[str, Any] = {
    "SESSION": lambda item: repository._session_item(repository._session(item)),
    "SONG#": lambda item: repository._song_item(repository._song(item)),
    "MSG#": lambda item: repository._message_item(repository._message(item)),
    "PAYOUT": lambda item: {
        **tip_repository._payout_item(tip_repository._payout(item)),
        "updated_at": item["updated_at"],
    },
    "TIP": lambda item: tip_repository._tip_item(tip_repository._tip(item)),
}
# The pointers beside tips and payouts: which user an account is, which tip a PaymentIntent pays.
POINTERS = {"ACCOUNT": {"pk", "sk", "account_id", "user_id"}, "PI": {"pk", "sk", "payment_intent_id", "tip_id"}}
# What the item writers leave to later writes: counters and activity, set by joins, songs and votes.
LATER_FIELDS = {"song_count", "last_activity_at"}


@pytest.mark.parametrize("item", seeded_items(), ids=lambda item: f"{item['pk']}/{item['sk']}")
def test_every_seeded_live_item_is_one_the_repository_writes(item: dict[str, Any]) -> None:
    kind = next((prefix for prefix in WRITERS if item["sk"].startswith(prefix)), None)
    if item["sk"] in POINTERS:
        assert set(item) == POINTERS[item["sk"]]
        return
    if kind is None:
        assert item["sk"].startswith("PARTICIPANT#")
        assert set(item) == {"pk", "sk", "user_id", "joined_at"}
        return

    rewritten = {name: value for name, value in WRITERS[kind](item).items() if value is not None}

    assert {k: v for k, v in rewritten.items() if k not in LATER_FIELDS} == {
        k: v for k, v in item.items() if k not in LATER_FIELDS
    }
