"""Service tokens: only the gateway's key, only the right audience, only EdDSA, briefly."""
from __future__ import annotations

from datetime import timedelta

import jwt
import pytest
import time_machine

from shared import tokens
from shared.clock import utcnow
from shared.settings import get_settings

TEACHER = tokens.Identity(subject="42", name="Tara", email="t@x.test", school_id=3,
                          grants=(tokens.Grant("staff", school_id=3), tokens.Grant("network_lead", network_id=1)))


@pytest.fixture(scope="module")
def keys():
    settings = get_settings()
    return settings.private_key_pem(), settings.public_key_pem()


def test_round_trip_keeps_who_and_what(keys):
    private, public = keys
    identity = tokens.verify(tokens.sign(TEACHER, "catalogue", private), "catalogue", public)
    assert identity == TEACHER
    assert identity.is_trust_member and not identity.is_admin
    assert identity.schools_for("staff") == {3} and identity.networks_for("network_lead") == {1}


def test_a_token_for_another_service_is_refused(keys):
    private, public = keys
    with pytest.raises(tokens.TokenError):
        tokens.verify(tokens.sign(TEACHER, "bookings", private), "catalogue", public)


def test_an_expired_token_is_refused(keys):
    private, public = keys
    token = tokens.sign(TEACHER, "catalogue", private, ttl_seconds=60)
    with time_machine.travel(utcnow() + timedelta(minutes=2)):
        with pytest.raises(tokens.TokenError):
            tokens.verify(token, "catalogue", public)


def test_other_algorithms_and_other_keys_are_refused(keys):
    _, public = keys
    claims = {"sub": "1", "aud": "catalogue", "iss": tokens.ISSUER, "iat": utcnow(),
              "exp": utcnow() + timedelta(minutes=1), "grants": [{"role": "ll_admin"}]}
    unsigned = jwt.encode(claims, None, algorithm="none")
    # the classic confusion: an HMAC token keyed with the public key itself
    hmac = _hs256(claims, public.encode())
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    stranger = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    forged = jwt.encode(claims, stranger, algorithm="EdDSA")
    for token in (unsigned, hmac, forged, "", "a.b.c"):
        with pytest.raises(tokens.TokenError):
            tokens.verify(token, "catalogue", public)


def _hs256(claims: dict, secret: bytes) -> str:
    """Made by hand: PyJWT itself refuses to use a public key as an HMAC secret."""
    import base64
    import hashlib
    import hmac
    import json

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    body = {**claims, "iat": int(claims["iat"].timestamp()), "exp": int(claims["exp"].timestamp())}
    signing_input = b64(b'{"alg":"HS256","typ":"JWT"}') + "." + b64(json.dumps(body).encode())
    return signing_input + "." + b64(hmac.new(secret, signing_input.encode(), hashlib.sha256).digest())


def test_unknown_roles_in_a_token_grant_nothing(keys):
    private, public = keys
    sneaky = tokens.Identity(subject="5", grants=(tokens.Grant("superuser"), tokens.Grant("staff", school_id=1)))
    assert tokens.verify(tokens.sign(sneaky, "catalogue", private), "catalogue", public).roles == {"staff"}
