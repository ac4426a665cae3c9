"""Schools outside the trust that buy places: registering one, and its bookers.

A person belongs to at most one organisation (person.organisation_id), and the
service token carries it (identity_for), so the bookings service can scope orders by
organisation.  A trust school can never register as outside: its URN is refused.
"""
from __future__ import annotations

import re

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from gateway.identity.facts import publish_organisation
from gateway.identity.models import AuditEntry, Organisation, Person, Role, RoleGrant, School
from shared import audit, tokens
from shared.errors import Conflict, Forbidden, Invalid, NotFound, field_error

URN = re.compile(r"\d{6}")
# Enough to catch what people mistype (no @, a space, no dot in the domain); the
# address is proved only by mail reaching it.
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")


def _text(value: str | None) -> str:
    return (value or "").strip()


def _may_book_for_an_organisation(actor: tokens.Identity, person: Person) -> str | None:
    """Why `person` cannot be an outside school's booker, or None if they can."""
    if person.school_id is not None or any(g.role.value in tokens.TRUST_ROLES for g in person.grants):
        return (f"{person.name} works for the trust: the trust's staff book their places free through their "
                "school, so they cannot book for an outside school." if actor.person_id != person.id else
                "You are signed in as one of the trust's staff: the trust's schools book their places free, "
                "so you cannot register a school from outside the trust. Sign in with your other school's "
                "account to do that.")
    return None


def check_details(name, urn, billing_email, address) -> tuple[dict, list[dict]]:
    """The details as they will be stored, and what is wrong with them, field by field."""
    values = {"name": _text(name), "urn": _text(urn).replace(" ", ""), "billing_email": _text(billing_email).lower(),
              "address": _text(address).replace("\r\n", "\n")}
    problems = []
    if not values["name"]:
        problems.append(field_error("name", "Enter your school's name."))
    elif len(values["name"]) > 160:
        problems.append(field_error("name", "Enter a name of 160 characters or fewer."))
    if not values["urn"]:
        problems.append(field_error("urn", "Enter your school's URN (unique reference number)."))
    elif not URN.fullmatch(values["urn"]):
        problems.append(field_error("urn", "Enter the URN as six digits, for example 123456. You can find it on "
                                           "Get Information about Schools."))
    if not values["billing_email"]:
        problems.append(field_error("billingEmail", "Enter the email address invoices and receipts go to."))
    elif len(values["billing_email"]) > 254 or not EMAIL.fullmatch(values["billing_email"]):
        problems.append(field_error("billingEmail", "Enter the billing email address in the correct format, "
                                                    "like accounts@school.org.uk."))
    if not values["address"]:
        problems.append(field_error("address", "Enter your school's address, as it goes on an invoice."))
    elif len(values["address"]) > 500:
        problems.append(field_error("address", "Enter an address of 500 characters or fewer."))
    return values, problems


def _taken(urn: str) -> Conflict:
    return Conflict("That school is registered already.", [field_error(
        "urn", f"A school with URN {urn} is registered already. Ask one of its bookers to add you as a colleague.")])


def _lock_person(db: Session, person_id: int | None) -> Person:
    """The acting person's row, locked (on SQLite: the write lock taken) before any
    decision rests on it, so that two clicks of one button decide one after the other."""
    person = db.exec(select(Person).where(Person.id == person_id).with_for_update()).first() \
        if person_id is not None else None
    if person is None:
        raise Forbidden("Sign in to register your school.")
    return person


def register_organisation(db: Session, actor: tokens.Identity, *, name: str, urn: str | None, billing_email: str,
                          address: str, needs_purchase_order: bool = False) -> Organisation:
    """The signed-in person registers their school and becomes its first booker.

    Never registers a trust school's URN, never one URN twice (the database's unique
    constraint decides between two registering at once), never puts a person in a
    second organisation; a refusal writes nothing."""
    person = _lock_person(db, actor.person_id)
    if (why := _may_book_for_an_organisation(actor, person)) is not None:
        raise Forbidden(why)
    if person.organisation_id is not None:
        current = db.get(Organisation, person.organisation_id)
        raise Conflict(f"You already book for {current.name}; one person books for one school.")
    values, problems = check_details(name, urn, billing_email, address)
    if problems:
        raise Invalid("Some details are missing or wrong.", problems)
    if db.exec(select(School.id).where(School.urn == values["urn"])).first() is not None:
        raise Conflict("A trust school cannot register as an outside school.", [field_error(
            "urn", f"URN {values['urn']} belongs to one of the trust's schools. The trust's schools book their "
                   "places free; only schools outside the trust register here.")])
    if db.exec(select(Organisation.id).where(Organisation.urn == values["urn"])).first() is not None:
        raise _taken(values["urn"])
    organisation = Organisation(**values, needs_purchase_order=bool(needs_purchase_order))
    try:
        with db.begin_nested():  # someone else registering the same URN this very moment
            db.add(organisation)
            db.flush()
    except IntegrityError:
        raise _taken(values["urn"]) from None
    audit.log_action(db, AuditEntry, actor, "organisation.registered", ("organisation", organisation.id),
                     audit.created({**values, "needs_purchase_order": organisation.needs_purchase_order}),
                     label=organisation.name)
    publish_organisation(db, organisation)
    _make_booker(db, actor, person, organisation)
    return organisation


def _make_booker(db: Session, actor: tokens.Identity, person: Person, organisation: Organisation) -> None:
    person.organisation_id = organisation.id
    if not any(g.role == Role.EXTERNAL_BOOKER for g in person.grants):
        person.grants.append(RoleGrant(person_id=person.id, role=Role.EXTERNAL_BOOKER,
                                       granted_by_id=actor.person_id))
    db.add(person)
    db.flush()
    audit.log_action(db, AuditEntry, actor, "organisation.booker_added", ("person", person.id),
                     {"organisation_id": [None, organisation.id]}, parent=("organisation", organisation.id),
                     label=person.name)


def may_manage(actor: tokens.Identity, organisation_id: int) -> bool:
    """An organisation's own bookers and the trust's admins."""
    return actor.is_admin or (actor.organisation_id == organisation_id and actor.has_role("external_booker"))


def add_booker(db: Session, actor: tokens.Identity, organisation_id: int | None, *, email: str,
               name: str | None = None) -> Person:
    """A booker of an organisation (or an admin) makes someone else one of its bookers,
    by email: the person with that address, or a new account for them (they sign in
    with it later).  Never takes anyone from another organisation, nor trust staff."""
    organisation_id = organisation_id if organisation_id is not None else actor.organisation_id
    if organisation_id is None or not may_manage(actor, organisation_id):
        raise Forbidden("Only your school's own bookers can add bookers to it.")
    # The organisation's row is locked first: adding is decided one at a time.
    organisation = db.exec(select(Organisation).where(Organisation.id == organisation_id).with_for_update()).first()
    if organisation is None:
        raise NotFound("There is no such organisation.")
    email, name = _text(email).lower(), _text(name)
    problems = []
    if not email:
        problems.append(field_error("email", "Enter your colleague's email address."))
    elif len(email) > 254 or not EMAIL.fullmatch(email):
        problems.append(field_error("email", "Enter the email address in the correct format, like name@school.org.uk."))
    if len(name) > 160:
        problems.append(field_error("name", "Enter a name of 160 characters or fewer."))
    if problems:
        raise Invalid("Some details are missing or wrong.", problems)
    person = db.exec(select(Person).where(Person.email == email)).first()
    if person is None:
        if not name:
            raise Invalid("We need their name.", [field_error(
                "name", f"Enter your colleague's name: nobody with {email} has signed in here before.")])
        person = Person(email=email, name=name)
        db.add(person)
        db.flush()
    if (why := _may_book_for_an_organisation(actor, person)) is not None:
        raise Conflict(why, [field_error("email", why)])
    if person.organisation_id == organisation.id:
        raise Conflict("They are a booker already.", [field_error(
            "email", f"{person.name} already books for {organisation.name}.")])
    if person.organisation_id is not None:
        raise Conflict("They book for another school.", [field_error(
            "email", f"{person.name} books for another school already; one person books for one school.")])
    _make_booker(db, actor, person, organisation)
    return person


def bookers_of(db: Session, organisation_ids: list[int]) -> dict[int, list[Person]]:
    """Each organisation's bookers, by name, in one query."""
    found: dict[int, list[Person]] = {}
    for person in db.exec(select(Person).where(sa.and_(Person.organisation_id.in_(organisation_ids)))
                          .order_by(Person.name, Person.id)).all():
        found.setdefault(person.organisation_id, []).append(person)
    return found
