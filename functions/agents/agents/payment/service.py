"""The payment's two use cases, on plain records and the ports they need: the owner asks for the session to pay
at; Stripe says a session completed and the onboarding is marked paid, once."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from agents.events import ONBOARDING_PAID
from agents.logic import require_step
from agents.models import OnboardingRecord, Step
from agents.payment.repository import PaymentRepository
from agents.payment.rules import CheckoutSession, Payment, PaymentStatus, next_attempt, still_payable
from colmena.errors import NotFound
from colmena.events import DomainEvent, EventPublisher, deterministic_event_id


class Checkout(Protocol):
    def create_session(self, onboarding_id: str, attempt: int) -> CheckoutSession: ...


def complete_payment(record: OnboardingRecord, payments: PaymentRepository, checkout: Checkout, now: str) -> Payment:
    """The session the owner pays the subscription at, created once: the stored one while it can be paid (or the
    paid one), else a new one. StepOutOfOrder (409) before the agent is deployed."""
    require_step(record, Step.PAYMENT)
    onboarding_id = record.onboarding.onboarding_id
    current = payments.payment(onboarding_id)
    if current is not None and (current.status is PaymentStatus.PAID or still_payable(current, _epoch(now))):
        return current
    attempt = next_attempt(current)
    session = checkout.create_session(onboarding_id, attempt)
    return payments.open_session(
        Payment(
            onboarding_id=onboarding_id,
            checkout_session_id=session.session_id,
            status=PaymentStatus.OPEN,
            attempt=attempt,
            created_at=now,
            url=session.url,
            expires_at=session.expires_at,
        )
    )


def mark_paid(
    payments: PaymentRepository, publisher: EventPublisher, onboarding_id: str, session_id: str, paid_at: str, now: str
) -> bool:
    """The onboarding paid, once, and `onboarding.paid` published until it is marked told (a delivery that stopped
    between the two is finished by the next, with the same event id). True when this call marked it paid.
    NotFound for an onboarding that does not exist: money Colmena cannot place, kept for a person to look at."""
    payer = payments.payer(onboarding_id)
    if payer is None:
        raise NotFound(f"a Checkout Session {session_id} completed for no onboarding {onboarding_id}")
    marked = payments.mark_paid(onboarding_id, session_id, paid_at, now)
    payment = payments.payment(onboarding_id)
    assert payment is not None  # mark_paid wrote it, now or before
    if not payment.paid_announced:
        publisher.publish(
            DomainEvent(
                ONBOARDING_PAID,
                deterministic_event_id(ONBOARDING_PAID, onboarding_id),
                payment.paid_at or paid_at,
                {
                    "onboarding_id": onboarding_id,
                    "owner_id": payer.owner_id,
                    "checkout_session_id": payment.checkout_session_id,
                },
            )
        )
        payments.mark_announced(onboarding_id)
    return marked


def _epoch(timestamp: str) -> int:
    return int(datetime.fromisoformat(timestamp).timestamp())
