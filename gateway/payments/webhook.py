"""Stripe's webhook: POST /stripe/webhook.

The signature is checked on the raw body, as Stripe signed it, with the endpoint's
secret and a 300-second tolerance, so a replayed or forged event is refused (400) before
anything reads it.  A genuine event goes to bookings, which owns orders and payments
and records each event id once; the gateway keeps nothing.  Stripe retries whatever
does not get a 2xx, so a bookings outage answers 503 and the event comes again.

No cookie and no CSRF token: Stripe is not a browser, its signature is the credential.
"""
from __future__ import annotations

import logging

import stripe
from flask import Blueprint, current_app, jsonify, request

from gateway.backends import BackendError, BackendUnavailable
from shared import tokens
from shared.logs import current_request_id

log = logging.getLogger(__name__)
bp = Blueprint("stripe_webhook", __name__)

TOLERANCE_SECONDS = 300
GATEWAY_ITSELF = tokens.service_identity(tokens.GATEWAY)


@bp.post("/stripe/webhook")
def stripe_webhook():
    settings = current_app.extensions["lighthouse_settings"]
    payload = request.get_data(cache=False)
    signature = request.headers.get("Stripe-Signature", "")
    try:
        event = stripe.Webhook.construct_event(payload, signature, settings.stripe_webhook_secret,
                                               tolerance=TOLERANCE_SECONDS)
    except stripe.SignatureVerificationError:
        log.warning("Stripe webhook refused: bad or old signature")
        return jsonify(message="The signature is missing, wrong or more than 5 minutes old."), 400
    except ValueError:
        return jsonify(message="The body is not a Stripe event."), 400
    try:
        answer = current_app.extensions["lighthouse_backends"].call(
            "bookings", "POST", "/payments/events", identity=GATEWAY_ITSELF, request_id=current_request_id(),
            json=event.to_dict())
    except BackendUnavailable:
        return jsonify(message="Not recorded; Stripe will send it again."), 503
    except BackendError as exc:
        log.error("Stripe event %s refused by bookings (%s): %s", event["id"], exc.status, exc.message)
        if exc.status in (401, 403):  # our keys are wrong, not the event: let Stripe retry
            return jsonify(message="Not recorded; Stripe will send it again."), 503
        # Signed by Stripe yet a shape bookings does not take: a retry would be refused
        # the same, so it is logged for us and acknowledged.
        return jsonify(message="Refused.", recorded=False), 200
    return jsonify(received=True, recorded=answer["recorded"]), 200
