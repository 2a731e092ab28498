"""The tips' domain events, published on the project bus as `colmena.live` (the ledger records them; the push
function tells the session's sockets), and the `tip.received` frame the sockets get.

    tip.completed  {tip_id, session_id, payment_intent_id, tipper_id, dj_id, amount, currency, completed_at}
    tip.refunded   {tip_id, session_id, payment_intent_id, tipper_id, dj_id, amount, currency, refunded_at}

`amount` is an integer in the currency's smallest unit (cents), `currency` lowercase ISO 4217. Ids are
deterministic (the type and the tip), so a completion applied again publishes the same id and consumers drop
the duplicate."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from colmena.events import DomainEvent, deterministic_event_id
from live.models import MessageType
from live.tips.rules import Tip, tip_message_id, tip_text

COMPLETED = "tip.completed"
REFUNDED = "tip.refunded"
# What the push function sends the session's sockets for a tip.completed.
RECEIVED_FRAME = "tip.received"


def _data(tip: Tip) -> dict[str, Any]:
    return {
        "tip_id": tip.tip_id,
        "session_id": tip.session_id,
        "payment_intent_id": tip.payment_intent_id,
        "tipper_id": tip.tipper_id,
        "dj_id": tip.dj_id,
        "amount": tip.amount,
        "currency": tip.currency,
    }


def tip_completed(tip: Tip) -> DomainEvent:
    assert tip.completed_at is not None
    data = {**_data(tip), "completed_at": tip.completed_at}
    return DomainEvent(COMPLETED, deterministic_event_id(COMPLETED, tip.tip_id), tip.completed_at, data)


def tip_refunded(tip: Tip) -> DomainEvent:
    assert tip.refunded_at is not None
    data = {**_data(tip), "refunded_at": tip.refunded_at}
    return DomainEvent(REFUNDED, deterministic_event_id(REFUNDED, tip.tip_id), tip.refunded_at, data)


def tip_received_frame(data: Mapping[str, Any]) -> dict[str, Any]:
    """The frame a session's sockets receive for a tip.completed (its `data` as published): the tip, without
    its PaymentIntent, and the tip_notification chat message it posted, as GET .../messages lists it."""
    message = {
        "message_id": tip_message_id(data["tip_id"]),
        "session_id": data["session_id"],
        "type": str(MessageType.TIP_NOTIFICATION),
        "text": tip_text(int(data["amount"]), data["currency"]),
        "user_id": data["tipper_id"],
        "created_at": data["completed_at"],
    }
    tip = {name: data[name] for name in ("tip_id", "session_id", "tipper_id", "dj_id", "amount", "currency")}
    return {
        "type": RECEIVED_FRAME,
        "session_id": data["session_id"],
        "data": {**tip, "completed_at": data["completed_at"], "message": message},
    }
