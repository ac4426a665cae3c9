"""Card payments through Stripe: PaymentIntents and Refunds (stripe_api.py), and the
webhook events the gateway hands over once their signature checks out (events.py),
each recorded once by its event id."""
