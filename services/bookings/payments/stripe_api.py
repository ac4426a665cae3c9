"""Bookings' one way to Stripe: the official library, pointed at localstripe outside
production (shared.settings.stripe_api_url) and at Stripe itself in production.

Every call that moves money carries an idempotency key derived from what it is for
(`order-12-intent`), so a call retried after a lost answer never charges or refunds
twice.  What can go wrong reaches callers as two exceptions: `PaymentsUnavailable`
(Stripe could not be asked; the API answers 503 and the booker tries again) and
`CardDeclined` (Stripe said no, in words the booker can act on).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

import stripe

from shared.errors import ApiError, Conflict
from shared.settings import Settings

log = logging.getLogger(__name__)
CURRENCY = "gbp"


class PaymentsUnavailable(ApiError):
    """Stripe could not be reached, or refused us (a key or a limit of ours): nothing was
    charged, and nothing about why is shown to the booker."""

    status, code = 503, "payments_unavailable"

    def __init__(self):
        super().__init__("Card payments are not available just now; try again in a few minutes.")


class CardDeclined(Conflict):
    """Stripe declined the card: its own sentence for the cardholder, which names no
    card detail."""

    def __init__(self, stripe_message: str | None):
        reason = (stripe_message or "Your card was declined.").rstrip(".")
        super().__init__(f"{reason}. Try another card, or ask your bank why it was refused.", code="card_declined")


@dataclass(frozen=True)
class Intent:
    id: str
    status: str
    amount_pence: int
    client_secret: str  # handed to Stripe.js on the card page (card.py keeps it with the order)
    order_id: int | None
    # Stripe's sentence for the last attempt that failed (a declined card), if any.
    last_error: str | None = None


@dataclass(frozen=True)
class RefundMade:
    id: str
    status: str
    amount_pence: int


def intent_key(order_id: int) -> str:
    """The idempotency key of an order's PaymentIntent: one intent per order, however
    often starting to pay is retried."""
    return f"order-{order_id}-intent"


class StripePayments:
    def __init__(self, settings: Settings):
        base = settings.stripe_api_url
        self.client = stripe.StripeClient(
            settings.stripe_secret_key,
            base_addresses={"api": base} if base else None,
            # The library's own retries reuse the idempotency key, so they are safe; its
            # default 80-second wait would leave the booker staring at a spinner.
            max_network_retries=1,
            http_client=stripe.RequestsClient(timeout=settings.stripe_timeout_seconds),
        )

    def create_payment_intent(self, order_id: int, amount_pence: int, idempotency_key: str | None = None) -> Intent:
        """A PaymentIntent for `amount_pence` in GBP, carrying the order id in its metadata
        (so a webhook or the reconciliation finds the order).  The same key gives the same
        intent at Stripe."""
        if not isinstance(amount_pence, int) or amount_pence <= 0:
            raise ValueError("a PaymentIntent is for a whole, positive number of pence")
        intent = self._call(self.client.v1.payment_intents.create,
                            params={"amount": amount_pence, "currency": CURRENCY,
                                    "metadata": {"order_id": str(order_id)}},
                            options={"idempotency_key": idempotency_key or intent_key(order_id)})
        return _intent(intent)

    def retrieve_payment_intent(self, payment_intent_id: str) -> Intent:
        """Where Stripe says an intent stands (the reconciliation asks this)."""
        return _intent(self._call(self.client.v1.payment_intents.retrieve, payment_intent_id))

    def cancel_payment_intent(self, payment_intent_id: str) -> Intent:
        """Cancel an intent nobody should pay any more (its order was cancelled).  Stripe
        refuses one that has succeeded meanwhile (stripe.InvalidRequestError): that
        payment is then refunded when its webhook arrives (card.settle)."""
        return _intent(self._call(self.client.v1.payment_intents.cancel, payment_intent_id))

    def refund(self, payment_intent_id: str, amount_pence: int, idempotency_key: str) -> RefundMade:
        """Give back `amount_pence` of what the intent took.  The key says what the refund
        is for (`order-12-refund-3`): the same key never refunds twice."""
        if not isinstance(amount_pence, int) or amount_pence <= 0:
            raise ValueError("a refund is a whole, positive number of pence")
        refund = self._call(self.client.v1.refunds.create,
                            params={"payment_intent": payment_intent_id, "amount": amount_pence},
                            options={"idempotency_key": idempotency_key})
        return RefundMade(id=refund.id, status=refund.status, amount_pence=refund.amount)

    @staticmethod
    def _call(method, *args, **kwargs):
        try:
            return method(*args, **kwargs)
        except stripe.CardError as exc:
            raise CardDeclined(exc.user_message) from None
        except (stripe.APIConnectionError, stripe.RateLimitError, stripe.AuthenticationError,
                stripe.PermissionError, stripe.APIError) as exc:
            # Logged for us with Stripe's request id; the booker gets the one sentence.
            log.warning("Stripe unavailable: %s (%s, request %s)", type(exc).__name__, exc.user_message,
                        exc.request_id)
            raise PaymentsUnavailable() from None


def _intent(intent) -> Intent:
    order_id = intent.metadata["order_id"] if "order_id" in intent.metadata else None
    error = intent["last_payment_error"] if "last_payment_error" in intent else None
    return Intent(id=intent.id, status=intent.status, amount_pence=intent.amount,
                  client_secret=intent.client_secret,
                  order_id=int(order_id) if order_id and order_id.isdigit() else None,
                  last_error=(error["message"] if error and "message" in error else None))


_CLIENTS: dict[tuple, StripePayments] = {}


def payments_for(settings: Settings) -> StripePayments:
    """One client (and its connection pool) per process and Stripe account."""
    key = (settings.stripe_api_url, settings.stripe_secret_key, settings.stripe_timeout_seconds)
    if key not in _CLIENTS:
        _CLIENTS[key] = StripePayments(settings)
    return _CLIENTS[key]
