"""The Agents context's domain events on the project's bus: published with this source, so rules (and the
functions' `events:PutEvents` grants) can tell them from every other context's."""

from __future__ import annotations

SOURCE = "colmena.agents"

# The processor's verdict on an onboarding's documents: the merged knowledge base is ready, or is not.
KNOWLEDGE_BASE_READY = "knowledge_base.ready"
KNOWLEDGE_BASE_FAILED = "knowledge_base.failed"

# The subscription is paid: its Checkout Session completed (agents.payment).
ONBOARDING_PAID = "onboarding.paid"

# The agent's deployment ended: live with its number, or failed with a reason the owner can read.
AGENT_DEPLOYED = "agent.deployed"
AGENT_DEPLOYMENT_FAILED = "agent.deployment_failed"
