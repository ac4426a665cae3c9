"""Service tokens: the gateway signs a short-lived JWT for each call, a service verifies it.

Ed25519 (EdDSA) keys: the gateway alone holds the private key, the services only the
public one, so a compromised service cannot mint tokens for another.  The audience is
the one service the token is made for; the algorithm list is fixed, never read from
the token.

A service that publishes facts other services keep copies of (shared.facts) signs its
deliveries with a key pair of its own, under its own issuer ("lighthouse-catalogue"):
the keeper checks each issuer with that issuer's public key, and such a token speaks
for the publishing service alone, never for a person.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache
from typing import Any

import jwt

from shared.clock import utcnow
from shared.vocabulary import Role

ALGORITHMS = ["EdDSA"]
GATEWAY = "gateway"
ISSUER = "lighthouse-gateway"
ANONYMOUS = "anonymous"

ROLES = tuple(role.value for role in Role)
# Every role but external_booker belongs to the trust and may see TRUST-visible things.
TRUST_ROLES = frozenset(ROLES) - {Role.EXTERNAL_BOOKER.value}


class TokenError(Exception):
    """The token is missing, malformed, expired, or made for someone else."""


@dataclass(frozen=True)
class Grant:
    role: str
    school_id: int | None = None
    network_id: int | None = None

    def as_claim(self) -> dict[str, Any]:
        return {"role": self.role, "school_id": self.school_id, "network_id": self.network_id}


@dataclass(frozen=True)
class Identity:
    """Who is acting, as the gateway vouches for them."""

    subject: str
    name: str = ""
    email: str | None = None
    school_id: int | None = None
    organisation_id: int | None = None
    grants: tuple[Grant, ...] = field(default_factory=tuple)
    # The component whose key signed the token: the gateway (speaking for a person, or
    # for itself as "service:gateway"), or a service delivering the facts it publishes.
    issuer: str = GATEWAY

    @property
    def is_anonymous(self) -> bool:
        return self.subject == ANONYMOUS

    @property
    def person_id(self) -> int | None:
        return None if self.is_anonymous or self.subject.startswith("service:") else int(self.subject)

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(g.role for g in self.grants)

    def has_role(self, role: str) -> bool:
        return role in self.roles

    @property
    def is_admin(self) -> bool:
        return self.has_role(Role.LL_ADMIN)

    @property
    def is_trust_member(self) -> bool:
        return bool(self.roles & TRUST_ROLES)

    def schools_for(self, role: str) -> frozenset[int]:
        return frozenset(g.school_id for g in self.grants if g.role == role and g.school_id is not None)

    def networks_for(self, role: str) -> frozenset[int]:
        return frozenset(g.network_id for g in self.grants if g.role == role and g.network_id is not None)


ANONYMOUS_IDENTITY = Identity(subject=ANONYMOUS, name="Visitor")


@lru_cache(maxsize=8)
def _key(pem: str, private: bool):
    """A PEM parsed once per process: every call to every service signs or verifies."""
    from cryptography.hazmat.primitives import serialization

    data = pem.encode()
    return serialization.load_pem_private_key(data, None) if private else serialization.load_pem_public_key(data)


def issuer_of(component: str) -> str:
    return f"lighthouse-{component}"


def service_identity(component: str) -> Identity:
    """A component acting for itself (delivering the facts it publishes), no person's rights."""
    return Identity(subject=f"service:{component}", name=component, issuer=component)


def sign(identity: Identity, audience: str, private_key_pem: str, ttl_seconds: int = 60) -> str:
    now = utcnow()
    claims = {
        "iss": issuer_of(identity.issuer),
        "aud": audience,
        "sub": identity.subject,
        "iat": now,
        "nbf": now - timedelta(seconds=5),
        "exp": now + timedelta(seconds=ttl_seconds),
        "jti": uuid.uuid4().hex,
        "name": identity.name,
        "email": identity.email,
        "school_id": identity.school_id,
        "organisation_id": identity.organisation_id,
        "grants": [g.as_claim() for g in identity.grants],
    }
    return jwt.encode(claims, _key(private_key_pem, True), algorithm="EdDSA")


def verify(token: str, audience: str, public_key_pem: str, issuer: str = GATEWAY) -> Identity:
    """The identity in a token `issuer` signed for `audience`, or TokenError."""
    try:
        claims = jwt.decode(
            token,
            _key(public_key_pem, False),
            algorithms=ALGORITHMS,
            audience=audience,
            issuer=issuer_of(issuer),
            leeway=5,
            options={"require": ["exp", "iat", "aud", "iss", "sub"]},
        )
        grants = tuple(
            Grant(role=g["role"], school_id=g.get("school_id"), network_id=g.get("network_id"))
            for g in claims.get("grants") or ()
            if g.get("role") in ROLES
        )
        return Identity(
            subject=str(claims["sub"]),
            name=claims.get("name") or "",
            email=claims.get("email"),
            school_id=claims.get("school_id"),
            organisation_id=claims.get("organisation_id"),
            grants=grants if issuer == GATEWAY else (),
            issuer=issuer,
        )
    except (jwt.PyJWTError, KeyError, TypeError, ValueError) as exc:
        raise TokenError(str(exc)) from exc


def verify_any(token: str, audience: str, public_keys: dict[str, str]) -> Identity:
    """The identity in a token made for `audience` by any of the issuers whose public
    keys are given (component -> PEM, the gateway's first); each issuer's token is
    checked with that issuer's key alone (verify checks `iss`).  Tried in turn rather
    than by reading the issuer first: almost every token is the gateway's, and the
    unverified read would cost each request a third of a verification."""
    error: TokenError | None = None
    for issuer, key in public_keys.items():
        try:
            return verify(token, audience, key, issuer)
        except TokenError as exc:
            error = error or exc
    raise error or TokenError("no key to check the token with")
