"""The subscription's payment: a Stripe Checkout Session for the monthly subscription, created once per
onboarding (complete-payment), and the onboarding marked paid once its session completed (payment events)."""
