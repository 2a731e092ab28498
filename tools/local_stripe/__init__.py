"""A local Stripe for the local stack and the tests: the Connect, PaymentIntent and refund routes Colmena
uses, in Stripe's wire format, with signed, retried webhook deliveries (see README.md, "The local Stripe")."""

from tools.local_stripe.server import DEFAULT_PORT, LocalStripe
from tools.local_stripe.webhooks import Endpoint, Retry

__all__ = ["DEFAULT_PORT", "Endpoint", "LocalStripe", "Retry"]
