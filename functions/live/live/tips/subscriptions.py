"""Stripe's `checkout.session.completed` for an Agents subscription, handed on to the bus: Live's webhook is
Colmena's one Stripe endpoint (it verifies the signature and applies each event id once), but the subscription
is the Agents context's. So the webhook does not touch the Agents table; it publishes

    subscription.checkout_completed  {onboarding_id, checkout_session_id, completed_at}

as `colmena.live`, for the session whose metadata marks it (agents.payment.rules writes the same two names; a
unit test checks they agree), and the Agents context marks the onboarding paid. The event id is the session's,
so a delivery applied again publishes the same id. Any other Checkout Session is acknowledged and ignored."""

from __future__ import annotations

from typing import Any

from colmena.errors import InvalidPayload
from colmena.events import DomainEvent, EventPublisher, deterministic_event_id

CHECKOUT_COMPLETED = "checkout.session.completed"
SUBSCRIPTION_CHECKOUT_COMPLETED = "subscription.checkout_completed"
PURPOSE_KEY = "colmena_purpose"
AGENTS_SUBSCRIPTION = "agents_subscription"


def checkout_completed(publisher: EventPublisher, event: dict[str, Any], session: dict[str, Any], at: str) -> str:
    """Publishes the completed Agents subscription's session; `at` is when Stripe says it completed."""
    metadata = session.get("metadata")
    if not isinstance(metadata, dict) or metadata.get(PURPOSE_KEY) != AGENTS_SUBSCRIPTION:
        return "ignored: a Checkout Session that is not an Agents subscription"
    onboarding_id, session_id = metadata.get("onboarding_id"), session.get("id")
    if not isinstance(onboarding_id, str) or not onboarding_id or not isinstance(session_id, str):
        raise InvalidPayload(f"the {event['type']} event's session names no onboarding_id in its metadata")
    if session.get("payment_status") not in ("paid", "no_payment_required"):
        # Stripe completes a session paid by a delayed method before the money arrives; none is offered here.
        return f"ignored: Checkout Session {session_id} completed unpaid"
    publisher.publish(
        DomainEvent(
            SUBSCRIPTION_CHECKOUT_COMPLETED,
            deterministic_event_id(SUBSCRIPTION_CHECKOUT_COMPLETED, session_id),
            at,
            {"onboarding_id": onboarding_id, "checkout_session_id": session_id, "completed_at": at},
        )
    )
    return f"subscription {session_id} of onboarding {onboarding_id} handed to the bus"
