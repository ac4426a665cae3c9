"""Identity operations: who signed in, what they may do, and sign-in sessions."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Callable

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager
from sqlmodel import Session, select

from gateway.identity.facts import publish_school_leaders
from gateway.identity.models import LoginSession, OidcIdentity, Person, Role, RoleGrant, School
from shared import tokens
from shared.clock import as_utc, utcnow
from shared.errors import Conflict, Forbidden, Invalid, NotFound, field_error

IDLE_TIMEOUT = timedelta(minutes=30)
ABSOLUTE_TIMEOUT = timedelta(hours=12)
# Writing last_seen on every request would turn every page view into a write.
TOUCH_EVERY = timedelta(minutes=1)


class SignInRefused(Exception):
    """The provider vouched for someone we cannot accept; the message says why."""


def person_from_claims(db: Session, issuer: str, claims: dict,
                       trusted_domains: frozenset[str] = frozenset()) -> Person:
    """The person a verified ID token (with its UserInfo) speaks for.

    A provider account seen before signs in as the same person.  Otherwise its email
    finds the trust's person with that address, or makes a new account with no roles
    (an admin grants them) — but only an email the provider vouches for: it says
    `email_verified`, or it is set up as answering for the address's domain
    (`trusted_domains`).  Anyone can put any address on an account at some providers,
    and the first sign-in with it would otherwise take over that person's account (or
    make one an admin then grants roles to).  Never merges two people.
    """
    subject = str(claims.get("sub") or "")
    email = str(claims.get("email") or "").strip().lower()
    if not subject:
        raise SignInRefused("The sign-in provider did not say who you are.")
    link = db.exec(select(OidcIdentity).where(OidcIdentity.issuer == issuer, OidcIdentity.subject == subject)).first()
    if link is not None:
        person = db.get(Person, link.person_id)
    else:
        if not email or "@" not in email:
            raise SignInRefused("Your sign-in provider did not share an email address, so we cannot tell who you are. "
                                "Ask whoever runs it to share your email address with Lighthouse Learning, "
                                "or sign in with your school or trust account.")
        _refuse_unless_vouched_for(claims.get("email_verified"), email, trusted_domains)
        person = db.exec(select(Person).where(Person.email == email)).first()
        if person is None:
            name = str(claims.get("name") or "").strip() or email.split("@")[0].replace(".", " ").title()
            person = Person(email=email, name=name[:160])
            db.add(person)
            db.flush()
        db.add(OidcIdentity(issuer=issuer, subject=subject, person_id=person.id))
    person.last_login_at = utcnow()
    db.flush()
    return person


def _refuse_unless_vouched_for(verified, email: str, trusted_domains: frozenset[str]) -> None:
    # Some providers send the claim as text ("true") in UserInfo.
    verified = verified.strip().lower() == "true" if isinstance(verified, str) else verified
    if verified is False:
        raise SignInRefused(f"Your sign-in provider has not yet confirmed that {email} is your address. "
                            "Confirm it with them (look for their confirmation email), then sign in again.")
    if verified is not True and email.rpartition("@")[2] not in trusted_domains:
        raise SignInRefused(f"Your sign-in provider did not confirm that {email} is your address, so we cannot "
                            "use it to find your account. Sign in with your school or trust account instead, or "
                            "ask a Lighthouse Learning admin to set this provider up for your email domain.")


def identity_for(person: Person | None) -> tokens.Identity:
    if person is None:
        return tokens.ANONYMOUS_IDENTITY
    return tokens.Identity(
        subject=str(person.id),
        name=person.name,
        email=person.email,
        school_id=person.school_id,
        organisation_id=person.organisation_id,
        grants=tuple(
            tokens.Grant(role=g.role.value, school_id=g.school_id, network_id=g.network_id)
            for g in person.grants
        ),
    )


def _hash(session_id: str) -> str:
    # The database keeps a hash, so a leaked table cannot be replayed as cookies.
    return hashlib.sha256(session_id.encode()).hexdigest()


def start_session(db: Session, person: Person) -> str:
    token = secrets.token_urlsafe(32)
    db.add(LoginSession(id=_hash(token), person_id=person.id))
    db.flush()
    return token


# The session, its person and their grants in one round trip.  This runs before every
# request, so the statement is built once: SQLAlchemy then also reuses its cache key.
_RESUME = (select(LoginSession, Person)
           .join(Person, Person.id == LoginSession.person_id)
           .outerjoin(RoleGrant, RoleGrant.person_id == Person.id)
           .options(contains_eager(Person.grants))
           .where(LoginSession.id == sa.bindparam("session_hash")))


def resume_session(db: Session, token: str | None, reader: Session | None = None) -> Person | None:
    """The person behind a session cookie, or None if it has ended or timed out
    (idle 30 minutes, or 12 hours since sign-in, whichever comes first).

    The lookup may go through `reader` (see Database.lone_read), so that most requests
    pay one round trip for it; the person then comes back detached.  The session row is
    written, through `db`, only when it ends or is touched (once a minute)."""
    if not token:
        return None
    session_hash = _hash(token)
    found = (reader or db).exec(_RESUME, params={"session_hash": session_hash}).unique().first()
    now = utcnow()
    if found is None or found[0].ended_at is not None:
        return None
    row, person = found
    if now - as_utc(row.last_seen_at) > IDLE_TIMEOUT or now - as_utc(row.created_at) > ABSOLUTE_TIMEOUT:
        _update_login_session(db, session_hash, ended_at=now)
        return None
    if now - as_utc(row.last_seen_at) > TOUCH_EVERY:
        _update_login_session(db, session_hash, last_seen_at=now)
    return person


def _update_login_session(db: Session, session_hash: str, **values) -> None:
    db.execute(sa.update(LoginSession).where(LoginSession.id == session_hash).values(**values))


def end_session(db: Session, token: str | None) -> None:
    if token and (row := db.get(LoginSession, _hash(token))) is not None and row.ended_at is None:
        row.ended_at = utcnow()


SCHOOL_SCOPED = {"staff", "school_leader", "sip", "governor"}


def grant_role(db: Session, actor: tokens.Identity, person_id: int, role: str,
               school_id: int | None = None, network_id: int | None = None,
               network_exists: Callable[[int], bool] = lambda _: False) -> RoleGrant:
    """Admins grant roles, scoped as the role needs, to schools and networks that
    exist (`network_exists` asks the networks service, which owns them); granting what
    is held already answers with the existing grant."""
    if not actor.is_admin:
        raise Forbidden("Only Lighthouse Learning admins can grant roles.")
    person = db.get(Person, person_id)
    if person is None:
        raise NotFound("There is no such person.")
    if role not in tokens.ROLES:
        raise Invalid("Unknown role.", [field_error("role", f"Choose one of {', '.join(tokens.ROLES)}.")])
    if role in SCHOOL_SCOPED and (school_id is None or db.get(School, school_id) is None):
        raise Invalid("This role needs a school.", [field_error("schoolId", "Choose one of the trust's schools.")])
    if role == "network_lead" and network_id is None:
        raise Invalid("This role needs a network.", [field_error("networkId", "Choose the network they lead.")])
    if role == "network_lead" and not network_exists(network_id):
        raise Invalid("There is no such network.", [field_error("networkId", "There is no such network; choose "
                                                                          "one of the trust's networks.")])
    if role not in SCHOOL_SCOPED:
        school_id = None
    if role != "network_lead":
        network_id = None
    for grant in person.grants:
        if (grant.role.value, grant.school_id, grant.network_id) == (role, school_id, network_id):
            return grant
    grant = RoleGrant(person_id=person.id, role=Role(role), school_id=school_id, network_id=network_id,
                      granted_by_id=actor.person_id)
    person.grants.append(grant)
    db.flush()
    if grant.role == Role.SCHOOL_LEADER:
        publish_school_leaders(db, school_id)
    return grant


def revoke_role(db: Session, actor: tokens.Identity, grant_id: int) -> Person:
    if not actor.is_admin:
        raise Forbidden("Only Lighthouse Learning admins can revoke roles.")
    grant = db.get(RoleGrant, grant_id)
    if grant is None:
        raise NotFound("There is no such role grant.")
    if grant.person_id == actor.person_id and grant.role.value == "ll_admin":
        raise Conflict("You cannot remove your own admin role; ask another admin.")
    person = db.get(Person, grant.person_id)
    person.grants.remove(grant)
    db.flush()
    if grant.role == Role.SCHOOL_LEADER:
        publish_school_leaders(db, grant.school_id)
    return person


def calendar_token(db: Session, person: Person) -> str:
    """The person's calendar feed secret, made the first time they look for it."""
    if person.calendar_token is None:
        return reset_calendar_token(db, person)
    return person.calendar_token


def reset_calendar_token(db: Session, person: Person) -> str:
    person = db.merge(person)  # the signed-in person may have been loaded detached (resume_session)
    person.calendar_token = secrets.token_urlsafe(24)
    db.add(person)
    db.flush()
    return person.calendar_token


def person_for_calendar(db: Session, token: str) -> Person | None:
    if not token or len(token) > 64:
        return None
    return db.exec(select(Person).where(Person.calendar_token == token)).first()
