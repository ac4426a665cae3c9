"""Card payments as the gateway sees them: Stripe's webhook (webhook.py)."""
