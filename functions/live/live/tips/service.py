"""The tips' use cases: a DJ connects to Stripe, a listener tips, and Stripe's events move tips and payouts
forward. Each reads what it needs, applies the rules in `live.tips.rules`, and writes conditionally
(`live.tips.repository`), so retries, concurrent requests and redelivered events have the effect of one.

Never a charge without a stored tip: the tip is stored pending before Stripe hears of it, and Stripe's
PaymentIntent is created under the tip's own idempotency key, so a retry asks Stripe for the same one. Never a
stored tip left pointing at nothing: if Stripe's call fails, the tip is marked failed with the reason, and the
same request again may still complete it."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from colmena.errors import Busy, ColmenaError, Conflict, InvalidPayload
from colmena.events import EventPublisher
from colmena.repository import ConditionFailed, Contended
from live.logic import activity_stale_before, found
from live.models import Message, MessageType
from live.repository import LiveRepository
from live.tips.events import tip_completed, tip_refunded
from live.tips.repository import TipRepository
from live.tips.rules import (
    RANK,
    Payout,
    Tip,
    TipRules,
    TipStatus,
    application_fee,
    require_amount,
    require_offered,
    require_payable,
    require_tippable,
    steps,
    tip_id_for,
    tip_message_id,
    tip_text,
)
from live.tips.subscriptions import CHECKOUT_COMPLETED, checkout_completed

# A tip is moved by one delivery at a time in practice; a few more reads cover two events racing.
MAX_ATTEMPTS = 8


class Stripe(Protocol):
    """What the use cases ask of Stripe (live.tips.stripe_gateway.StripeGateway; a fake in tests)."""

    def create_express_account(self, user_id: str, email: str | None) -> str: ...
    def onboarding_link(self, account_id: str, return_url: str, refresh_url: str) -> str: ...
    def create_payment_intent(self, tip: Tip) -> tuple[str, str]: ...


# ---------------------------------------------------------------- Connect


@dataclass(frozen=True)
class Connection:
    payout: Payout
    url: str


def connect(
    tips: TipRepository,
    stripe: Stripe,
    user_id: str,
    email: str | None,
    urls: tuple[str, str],
    now: str,
) -> Connection:
    """The caller's Express account, created once, and a fresh onboarding link. The payout record is claimed
    before Stripe is called and the account is created under the user's idempotency key with the parameters
    the claim stored, so a retry or a concurrent call answers the same account."""
    payout = tips.get_payout(user_id)
    if payout is None:
        with suppress(ConditionFailed):  # claimed by a call at the same moment: carry on with its claim
            tips.claim_payout(Payout(user_id=user_id, email=email, created_at=now))
        payout = found(tips.get_payout(user_id), f"the payout record of {user_id}")
    if payout.account_id is None:
        account_id = stripe.create_express_account(user_id, payout.email)
        try:
            payout = tips.set_account(user_id, account_id, now)
        except ConditionFailed as error:
            raise Conflict("another Stripe account is already connected for this user") from error
    assert payout.account_id is not None
    return_url, refresh_url = urls
    return Connection(payout, stripe.onboarding_link(payout.account_id, return_url, refresh_url))


# ---------------------------------------------------------------- tips


@dataclass(frozen=True)
class TipRequest:
    session_id: str
    tipper_id: str
    amount: int
    currency: str
    idempotency_key: str | None


# Whether tips are offered to DJs paid out in a country (the `tips` feature flag; a fixed answer in tests).
TipsOffered = Callable[[str | None], bool]


def create_tip(
    live: LiveRepository,
    tips: TipRepository,
    stripe: Stripe,
    rules: TipRules,
    offered: TipsOffered,
    request: TipRequest,
    now: str,
) -> Tip:
    """The tip with its PaymentIntent. The same Idempotency-Key (the same tipper's) answers the same tip; the
    same key with another session, amount or currency is a 409."""
    tip_id = tip_id_for(request.tipper_id, request.idempotency_key) if request.idempotency_key else str(uuid.uuid4())
    tip = tips.get_tip(tip_id)
    if tip is None:
        tip = _new_tip(live, tips, rules, offered, request, tip_id, now)
        try:
            tips.create_tip(tip)
        except ConditionFailed:
            tip = found(tips.get_tip(tip_id), f"tip {tip_id}")  # the same request, a moment earlier
    if not tip.same_request(request.session_id, request.amount, request.currency):
        raise Conflict(
            "this Idempotency-Key was used for another tip (another session, amount or currency): use a new key"
        )
    if tip.payment_intent_id is not None:
        return tip
    if tip.status is TipStatus.FAILED:
        # Its PaymentIntent was never created: the rules are judged again before Stripe is asked again.
        _judge(live, tips, rules, offered, request)
    return _with_payment_intent(tips, stripe, tip, now)


def _judge(
    live: LiveRepository, tips: TipRepository, rules: TipRules, offered: TipsOffered, request: TipRequest
) -> tuple[str, str]:
    """The DJ and their account, if the tipper may tip the session this amount now."""
    session = found(live.get_session(request.session_id), f"session {request.session_id}")
    require_tippable(session, request.tipper_id)
    require_amount(request.amount, rules)
    payout = tips.get_payout(session.dj_id)
    account_id = require_payable(payout)
    assert payout is not None
    # Last: the flag is the one check that may read AppConfig, and only a tip otherwise allowed needs it.
    require_offered(payout.country, offered(payout.country))
    return session.dj_id, account_id


def _new_tip(
    live: LiveRepository,
    tips: TipRepository,
    rules: TipRules,
    offered: TipsOffered,
    request: TipRequest,
    tip_id: str,
    now: str,
) -> Tip:
    dj_id, destination = _judge(live, tips, rules, offered, request)
    return Tip(
        tip_id=tip_id,
        session_id=request.session_id,
        tipper_id=request.tipper_id,
        dj_id=dj_id,
        destination=destination,
        amount=request.amount,
        currency=request.currency,
        application_fee_amount=application_fee(request.amount, rules.fee_percent),
        idempotency_key=request.idempotency_key or tip_id,
        status=TipStatus.PENDING,
        created_at=now,
        updated_at=now,
    )


def _with_payment_intent(tips: TipRepository, stripe: Stripe, tip: Tip, now: str) -> Tip:
    try:
        payment_intent_id, client_secret = stripe.create_payment_intent(tip)
    except Exception as error:
        reason = f"{error.code}: {error.message}" if isinstance(error, ColmenaError) else "unexpected error"
        with suppress(ConditionFailed):  # a concurrent retry attached the PaymentIntent meanwhile
            tips.fail_before_payment_intent(tip, reason, now)
        raise
    try:
        return tips.attach_payment_intent(tip, payment_intent_id, client_secret, now)
    except (ConditionFailed, Contended):
        attached = found(tips.get_tip(tip.tip_id), f"tip {tip.tip_id}")
        if attached.payment_intent_id == payment_intent_id:
            return attached  # the same request at the same moment attached it
        raise


# ---------------------------------------------------------------- Stripe's events

# What each event type says a tip has reached.
REACHED = {
    "payment_intent.succeeded": TipStatus.COMPLETED,
    "payment_intent.payment_failed": TipStatus.FAILED,
    "charge.refunded": TipStatus.REFUNDED,
}
ACCOUNT_UPDATED = "account.updated"


def apply_stripe_event(
    live: LiveRepository, tips: TipRepository, publisher: EventPublisher, event: dict[str, Any], now: str
) -> str:
    """Applies one verified Stripe event; returns what it did, in a few words. Unknown types, and events
    about objects Colmena does not know, change nothing."""
    kind = str(event["type"])
    if kind == ACCOUNT_UPDATED:
        return _account_updated(tips, event, now)
    if kind == CHECKOUT_COMPLETED:
        return checkout_completed(publisher, event, _object(event), stripe_time(event))
    reached = REACHED.get(kind)
    if reached is None:
        return f"ignored: Colmena does not handle {kind}"
    payment = _object(event)
    if reached is TipStatus.REFUNDED and not _fully_refunded(payment):
        return "ignored: a partial refund leaves the tip as it is"
    payment_intent_id = payment.get("id") if kind.startswith("payment_intent.") else payment.get("payment_intent")
    tip = tips.tip_of_payment_intent(payment_intent_id) if isinstance(payment_intent_id, str) else None
    if tip is None:
        return "ignored: no tip has this PaymentIntent"
    reason = _failure_reason(payment) if reached is TipStatus.FAILED else None
    tip = _advance(tips, tip, reached, stripe_time(event), now, reason)
    tip = _announce(live, tips, publisher, tip, now)
    return f"tip {tip.tip_id} {tip.status}"


def _advance(tips: TipRepository, tip: Tip, reached: TipStatus, at: str, now: str, reason: str | None) -> Tip:
    """The tip moved as far as `reached`, step by step, each step conditional on the status read: an event
    behind the tip's status changes nothing."""
    for _ in range(MAX_ATTEMPTS):
        plan = steps(tip.status, reached)
        if not plan:
            return tip
        try:
            tip = tips.move_tip(tip, plan[0], at, now, reason if plan[0] is TipStatus.FAILED else None)
        except (ConditionFailed, Contended):
            tip = found(tips.get_tip(tip.tip_id), f"tip {tip.tip_id}")
    raise Busy("the tip is being changed by several deliveries at once; Stripe will deliver the event again")


def _announce(live: LiveRepository, tips: TipRepository, publisher: EventPublisher, tip: Tip, now: str) -> Tip:
    """What a completed tip, and a refunded one, tell the rest of Colmena, until it is marked told: a
    delivery that stopped halfway is finished by the next, without a second chat message (its id and time
    come from the tip) and with the same event ids."""
    if RANK[tip.status] >= RANK[TipStatus.COMPLETED] and not tip.completion_announced:
        assert tip.completed_at is not None
        message = Message(
            tip.session_id,
            tip_message_id(tip.tip_id),
            MessageType.TIP_NOTIFICATION,
            tip_text(tip.amount, tip.currency),
            tip.completed_at,
            tip.tipper_id,
        )
        with suppress(ConditionFailed):  # posted by a delivery that stopped before marking the tip told
            live.add_message(message)
        # A tip is activity, so the cleanup does not end a session being tipped (recorded at most once a minute).
        with suppress(ConditionFailed, Contended):
            live.record_activity(tip.session_id, now, activity_stale_before(now))
        publisher.publish(tip_completed(tip))
        tip = tips.mark_announced(tip, "completion_announced")
    if tip.status is TipStatus.REFUNDED and not tip.refund_announced:
        publisher.publish(tip_refunded(tip))
        tip = tips.mark_announced(tip, "refund_announced")
    return tip


def _account_updated(tips: TipRepository, event: dict[str, Any], now: str) -> str:
    account = _object(event)
    account_id = account.get("id")
    payout = tips.payout_of_account(account_id) if isinstance(account_id, str) else None
    if payout is None:
        return "ignored: no DJ has this account"
    payable = account.get("charges_enabled") is True
    country = account.get("country")
    try:
        tips.apply_account_update(payout, payable, country if isinstance(country, str) else None, _created(event), now)
    except ConditionFailed:
        return "ignored: a newer account.updated was applied already"
    return f"dj {payout.user_id} {'payable' if payable else 'not payable'}"


# ---------------------------------------------------------------- reading Stripe's event objects


def _object(event: dict[str, Any]) -> dict[str, Any]:
    data = event.get("data")
    payload = data.get("object") if isinstance(data, dict) else None
    if not isinstance(payload, dict):
        raise InvalidPayload(f"the {event['type']} event has no data.object")
    return payload


def _created(event: dict[str, Any]) -> int:
    created = event.get("created")
    if not isinstance(created, int) or isinstance(created, bool) or created < 0:
        raise InvalidPayload("the event has no `created` time (epoch seconds)")
    return created


def stripe_time(event: dict[str, Any]) -> str:
    """When Stripe says the event happened, in the stored format."""
    return datetime.fromtimestamp(_created(event), UTC).isoformat(timespec="milliseconds")


def _fully_refunded(charge: dict[str, Any]) -> bool:
    if charge.get("refunded") is True:
        return True
    amount, refunded = charge.get("amount"), charge.get("amount_refunded")
    return isinstance(amount, int) and isinstance(refunded, int) and 0 < amount <= refunded


def _failure_reason(payment_intent: dict[str, Any]) -> str:
    error = payment_intent.get("last_payment_error")
    if isinstance(error, dict):
        code, message = error.get("code") or error.get("decline_code"), error.get("message")
        return ": ".join(str(part) for part in (code, message) if part) or "the payment failed"
    return "the payment failed"
