"""Tips: Stripe Connect for DJs, tips as PaymentIntents, Stripe's signed events. Only `stripe_gateway` imports
`stripe`, and only inside the calls that reach Stripe."""
