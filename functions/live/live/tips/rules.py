"""Tips and DJ payouts: their plain data and rules, as plain functions (no event, no boto3, no Stripe, no
clock).

A tip moves only forward, through one order: pending < failed < completed < refunded. Stripe's events say
where a tip has got to at least (`payment_intent.payment_failed`: failed; `payment_intent.succeeded`:
completed; `charge.refunded`: refunded, which implies completed), so the state a tip ends in is the furthest
any event said, whatever order they came in. Failed sits below completed because Stripe lets a PaymentIntent
whose attempt failed be confirmed again with another card; a success is final, so a failure that arrives
after it changes nothing. docs/decisions.md says why."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from colmena.currencies import CIRCULATING_CURRENCIES
from colmena.errors import Conflict, Forbidden, InvalidInput
from live.logic import require_live
from live.models import Session


class TipStatus(StrEnum):
    PENDING = "pending"
    FAILED = "failed"
    COMPLETED = "completed"
    REFUNDED = "refunded"


# How far along each status is: a tip never moves to a lower rank.
RANK = {TipStatus.PENDING: 0, TipStatus.FAILED: 1, TipStatus.COMPLETED: 2, TipStatus.REFUNDED: 3}

# Fixed namespace of tip ids derived from a client's Idempotency-Key: changing it would turn every retried
# request into a new tip.
TIP_ID_NAMESPACE = uuid.UUID("0b7c2f55-8a3e-4d61-9f0a-6c1e2d3b4a59")

# Currencies whose smallest unit is the whole unit (Stripe's zero-decimal list, those in circulation).
ZERO_DECIMAL = frozenset("BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF".split())
THREE_DECIMAL = frozenset({"BHD", "JOD", "KWD", "OMR", "TND"})


@dataclass(frozen=True)
class Tip:
    tip_id: str
    session_id: str
    tipper_id: str
    dj_id: str
    destination: str  # the DJ's connected account
    amount: int  # in the currency's smallest unit (cents)
    currency: str  # lowercase ISO 4217, as Stripe writes it
    application_fee_amount: int
    idempotency_key: str
    status: TipStatus
    created_at: str
    updated_at: str
    payment_intent_id: str | None = None
    client_secret: str | None = None
    failure_reason: str | None = None
    completed_at: str | None = None
    refunded_at: str | None = None
    # Set once the completion (chat message, push, tip.completed) and the refund (tip.refunded) were announced.
    completion_announced: bool = False
    refund_announced: bool = False

    def same_request(self, session_id: str, amount: int, currency: str) -> bool:
        return (self.session_id, self.amount, self.currency) == (session_id, amount, currency)


@dataclass(frozen=True)
class Payout:
    """A DJ's Stripe Connect account, as Colmena knows it: claimed before the account exists, then its id,
    then payable once Stripe says the account may take charges."""

    user_id: str
    email: str | None
    created_at: str
    account_id: str | None = None
    payable: bool = False
    # The Stripe `created` time (epoch seconds) of the newest account.updated applied; older ones are ignored.
    account_updated_at: int = 0
    # The account's country (ISO 3166 alpha-2), as Stripe's account.updated gives it: where the DJ is paid out.
    country: str | None = None


@dataclass(frozen=True)
class TipRules:
    """From configuration: the bounds of a tip's amount (in the smallest unit) and the platform's fee."""

    minimum: int
    maximum: int
    fee_percent: Decimal


def steps(current: TipStatus, reached: TipStatus) -> list[TipStatus]:
    """The statuses a tip passes through when an event says it has reached `reached`: none when it is that
    far already or further; completed first when a refund arrives before the success it implies."""
    if RANK[reached] <= RANK[current]:
        return []
    if reached is TipStatus.REFUNDED and RANK[current] < RANK[TipStatus.COMPLETED]:
        return [TipStatus.COMPLETED, TipStatus.REFUNDED]
    return [reached]


def final_status(reached: list[TipStatus]) -> TipStatus:
    """Where a pending tip ends after events saying it reached each of `reached`, in that order."""
    status = TipStatus.PENDING
    for target in reached:
        for step in steps(status, target):
            status = step
    return status


def tip_id_for(tipper_id: str, idempotency_key: str) -> str:
    """The same tip for the same tipper's key, so a retried request finds the tip its first attempt made; the
    tipper is part of it, so two users' keys never meet."""
    return str(uuid.uuid5(TIP_ID_NAMESPACE, f"{tipper_id}|{idempotency_key}"))


def stripe_idempotency_key(tip_id: str) -> str:
    """What the PaymentIntent is created with: the tip's own id, so every retry of one tip asks Stripe for one
    PaymentIntent."""
    return f"tip-{tip_id}"


def connect_idempotency_key(user_id: str) -> str:
    return f"connect-{user_id}"


def require_tippable(session: Session, tipper_id: str) -> None:
    """Raises unless `tipper_id` may tip the session now: its tips are on, it is live, and the tipper is not
    its DJ."""
    if session.dj_id == tipper_id:
        raise Forbidden("a DJ cannot tip their own session")
    if not session.tips_enabled:
        raise Conflict("tips are disabled in this session")
    require_live(session, "tip")


def require_payable(payout: Payout | None) -> str:
    """The DJ's connected account, if it may take payments now."""
    if payout is None or payout.account_id is None:
        raise Conflict("the DJ has not connected a Stripe account yet: tips cannot reach them")
    if not payout.payable:
        raise Conflict("the DJ's Stripe account cannot take payments yet (onboarding is not finished)")
    return payout.account_id


def require_offered(country: str | None, offered: bool) -> None:
    """Tips reach DJs only in the countries the `tips` feature flag offers them in (AppConfig)."""
    if not offered:
        raise Forbidden(f"tips are not offered yet to DJs paid out in {country or 'an unknown country'}")


def currency_code(text: str) -> str:
    """The currency as Stripe writes it (lowercase), if it is one in circulation."""
    code = text.strip().upper()
    if code not in CIRCULATING_CURRENCIES:
        raise ValueError(f"{text!r} is not an ISO 4217 currency in circulation")
    return code.lower()


def require_amount(amount: int, rules: TipRules) -> None:
    if not rules.minimum <= amount <= rules.maximum:
        raise InvalidInput(
            f"a tip is {rules.minimum} to {rules.maximum} in the currency's smallest unit (cents); {amount} given",
            field="amount",
        )


def application_fee(amount: int, fee_percent: Decimal) -> int:
    """The platform's share, rounded half up to the smallest unit, and always less than the tip."""
    fee = int((Decimal(amount) * fee_percent / 100).to_integral_value(rounding=ROUND_HALF_UP))
    return min(fee, amount - 1)


def tip_text(amount: int, currency: str) -> str:
    """The tip_notification chat message."""
    code = currency.upper()
    places = 0 if code in ZERO_DECIMAL else 3 if code in THREE_DECIMAL else 2
    value = Decimal(amount).scaleb(-places)
    return f"Tipped {value:.{places}f} {code}"


def tip_message_id(tip_id: str) -> str:
    """The id of a tip's chat message: one message per tip, however often its completion is applied."""
    return str(uuid.uuid5(TIP_ID_NAMESPACE, f"tip_notification|{tip_id}"))


def fee_percent(text: str) -> Decimal:
    """APPLICATION_FEE_PERCENT: a percentage from 0 up to, not including, 100."""
    try:
        value = Decimal(text)
    except ArithmeticError as error:
        raise ValueError(f"APPLICATION_FEE_PERCENT must be a number, not {text!r}") from error
    if not value.is_finite() or not 0 <= value < 100:
        raise ValueError(f"APPLICATION_FEE_PERCENT must be at least 0 and below 100, not {text!r}")
    return value
