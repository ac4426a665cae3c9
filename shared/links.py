"""Signed links in emails: a person answers straight from their inbox without signing
in.  The link names one person, one thing and one answer, and expires; it is checked
with the same secret that wrote it: LL_LINK_SECRET, held by the services that send
such mail and by the gateway that reads the answers, and used for nothing else (the
gateway's cookie secret never leaves the gateway)."""
from __future__ import annotations

from itsdangerous import BadSignature, URLSafeTimedSerializer

RSVP_DAYS = 120


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt="lighthouse-rsvp")


def rsvp_token(secret: str, meeting_id: int, person_id: int, response: str) -> str:
    return _serializer(secret).dumps([meeting_id, person_id, response])


def read_rsvp_token(secret: str, token: str) -> tuple[int, int, str] | None:
    """(meeting, person, response), or None for a link that was altered or is too old."""
    try:
        meeting_id, person_id, response = _serializer(secret).loads(token, max_age=RSVP_DAYS * 86400)
    except (BadSignature, ValueError, TypeError):
        return None
    return int(meeting_id), int(person_id), str(response)
