"""The payment's rules on plain data: the stored Checkout Session, when it may still be paid, and the idempotency
key that makes Stripe answer one session however often, and however concurrently, it is asked for."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

# What marks a Checkout Session as an Agents subscription in its metadata: Live's Stripe webhook forwards only
# these to the bus (live.tips.subscriptions reads the same two names; a unit test checks they agree).
PURPOSE_KEY = "colmena_purpose"
AGENTS_SUBSCRIPTION = "agents_subscription"
ONBOARDING_KEY = "onboarding_id"


class PaymentStatus(StrEnum):
    OPEN = "open"  # a session to pay at
    PAID = "paid"


@dataclass(frozen=True)
class CheckoutSession:
    """What Stripe answered: the session, the page to pay on, and when it stops taking payment (epoch s)."""

    session_id: str
    url: str | None
    expires_at: int | None


@dataclass(frozen=True)
class Payment:
    """The onboarding's PAYMENT item. `attempt` numbers the sessions asked for (a new one only once the last
    expired), so each attempt has its own idempotency key."""

    onboarding_id: str
    checkout_session_id: str
    status: PaymentStatus
    attempt: int
    created_at: str
    url: str | None = None
    expires_at: int | None = None
    paid_at: str | None = None
    paid_announced: bool = False


def idempotency_key(onboarding_id: str, attempt: int) -> str:
    """Stripe's Idempotency-Key for the onboarding's `attempt`-th session: every call of one attempt, at once
    or retried, gets Stripe's first answer (Stripe keeps keys 24 hours, as long as a session lives)."""
    return f"colmena-agents-checkout-{onboarding_id}-{attempt}"


def still_payable(payment: Payment, now_epoch: int) -> bool:
    """An open session that has not expired. Only an expired one is replaced: replacing one that can still be
    paid could let the owner pay two subscriptions."""
    return payment.status is PaymentStatus.OPEN and (payment.expires_at is None or now_epoch < payment.expires_at)


def next_attempt(current: Payment | None) -> int:
    return 1 if current is None else current.attempt + 1
