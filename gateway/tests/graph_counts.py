"""What the GraphQL N+1 guard's cases share (test_graphql_*_call_counts.py; the guard
itself is described in test_graphql_call_counts.py): people, schools and
organisations made straight in the gateway's tables, a client signed in as one of
them, and the names of the services' reads and of history entries as the cases
expect them."""
from __future__ import annotations

import itertools

from sqlmodel import col, select

from gateway.db import database as gateway_database
from gateway.identity.models import Organisation, Person, Role, RoleGrant, School
from tests.support.fixtures import sign_in

NETWORKS, BOOKINGS, CATALOGUE = "networks GET", "bookings GET", "catalogue GET"
ONE_NETWORK = f"{NETWORKS} /networks/<id>"
ADMIN_EMAIL = "admin@trust.test"


# ---------- people and schools, in the gateway's tables ----------


def rows(made: list) -> list[int]:
    with gateway_database().session() as db:
        db.add_all(made)
        db.flush()
        return [r.id for r in made]


_URNS = itertools.count(900000)


def schools(n: int) -> list[int]:
    return rows([School(name=f"School {i:03d}", urn=str(next(_URNS)), phase="PRIMARY", risk_band="LOW")
                 for i in range(n)])


def people(n: int, prefix: str, school_id: int | None = None, roles=lambda i: [], **values) -> list[int]:
    """n people (`prefix`000@trust.test, …), `roles(i)` each: (role, school, network)."""
    return rows([Person(email=f"{prefix}{i:03d}@trust.test", name=f"{prefix.title()} {i:03d}",
                        school_id=school_id, grants=[RoleGrant(role=Role(r), school_id=s, network_id=nw)
                                                     for r, s, nw in roles(i)], **values)
                 for i in range(n)])


def person(email: str, *roles: tuple, school_id: int | None = None) -> int:
    return rows([Person(email=email, name=email.split("@")[0].title(), school_id=school_id,
                        grants=[RoleGrant(role=Role(r), school_id=s, network_id=nw) for r, s, nw in roles])])[0]


def signed_in(app, email: str):
    client = app.test_client()
    sign_in(client, email)
    return client


def admin(app):
    person(ADMIN_EMAIL, ("ll_admin", None, None))
    return signed_in(app, ADMIN_EMAIL)


PERSON = "name email jobTitle school { name } roles { role school { name } network { name } }"


# ---------- sessions and courses, people by email, organisations ----------


def slug(course_id: int) -> str:
    return f"fractions-{course_id - 1:03d}"


def staff_of(school: int, n: int, prefix: str = "staff") -> list[int]:
    return people(n, prefix, school, lambda i: [("staff", school, None)])


def people_ids(*emails: str) -> list[int]:
    with gateway_database().session() as db:
        return list(db.exec(select(Person.id).where(col(Person.email).in_(emails))).all())


def organisations(n: int) -> list[int]:
    return rows([Organisation(name=f"Outside school {i:03d}", billing_email=f"bursar{i:03d}@outside.test",
                              address="1 High Street") for i in range(n)])


# ---------- histories (admins only) ----------

ENTRY = "at actorName actorId action summary objectType objectId changes { field before after }"


def entries(data) -> int:
    """How many history entries an answer holds, wherever they hang."""
    if isinstance(data, dict):
        return sum(len(v) if k == "history" else entries(v) for k, v in data.items() if v is not None)
    return sum(entries(v) for v in data) if isinstance(data, list) else 0
