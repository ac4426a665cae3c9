"""Demo data for the embedded default: the trust's 30 schools, their staff, three
external schools and the demo accounts the README lists.  Runs once: a database that
already has schools is left alone."""
from __future__ import annotations

import hashlib
import re

from sqlmodel import Session, select

from gateway import demo_data
from gateway.db import database
from gateway.identity.models import Organisation, Person, Role, RoleGrant, School

MATHS_NETWORK_ID = 1  # the networks service seeds the maths network with this id
GOVERNORS_NETWORK_ID = 10  # and the governors network with this one
GOVERNORS_PER_SCHOOL = 2  # besides the demo governor and the governors network's lead

# (email, name, job title, grants as (role, school index or None, network id or None))
DEMO_ACCOUNTS = [
    ("ll.admin@lighthouse.test", "Alex Admin", "Lighthouse Learning administrator", [("ll_admin", None, None)], 0),
    ("teacher@lighthouse.test", "Tara Teacher", "Year 4 class teacher", [("staff", 0, None)], 0),
    ("head@lighthouse.test", "Hannah Head", "Headteacher", [("staff", 0, None), ("school_leader", 0, None)], 0),
    ("maths.lead@lighthouse.test", "Malik Mathslead", "Maths lead", [("staff", 1, None), ("network_lead", None, MATHS_NETWORK_ID)], 1),
    ("sip@lighthouse.test", "Sam Improvement", "School improvement partner",
     [("sip", 0, None), ("sip", 1, None), ("sip", 2, None), ("sip", 3, None), ("sip", 4, None)], None),
    ("governor@lighthouse.test", "Gwen Governor", "Chair of governors", [("governor", 0, None)], 0),
    ("governors.lead@lighthouse.test", "Gareth Govlead", "Vice-chair of governors; leads the governors network",
     [("governor", 1, None), ("network_lead", None, GOVERNORS_NETWORK_ID)], 1),
    ("bursar@external.test", "Bella Bursar", "School business manager", [("external_booker", None, None)], None),
]


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _pick(seq: list[str], *key) -> str:
    digest = hashlib.sha256("|".join(map(str, key)).encode()).digest()
    return seq[int.from_bytes(digest[:4], "big") % len(seq)]


def seed(db: Session | None = None) -> bool:
    """Load the demo data unless there are schools already; True if it loaded."""
    if db is None:
        with database().session() as session:
            return seed(session)
    if db.exec(select(School.id).limit(1)).first() is not None:
        return False
    schools = [School(name=s["name"], urn=s["urn"], phase=s["phase"], pupil_count=s["pupil_count"],
                      risk_band=s["risk_band"]) for s in demo_data.SCHOOLS]
    db.add_all(schools)
    orgs = [Organisation(name=o["name"], urn=o["urn"], billing_email=o["billing_email"], address=o["address"])
            for o in demo_data.EXTERNAL_ORGANISATIONS]
    db.add_all(orgs)
    db.flush()

    seen: set[str] = set()
    for email, name, title, grants, school_index in DEMO_ACCOUNTS:
        person = Person(email=email, name=name, job_title=title,
                        school_id=schools[school_index].id if school_index is not None else None,
                        organisation_id=orgs[0].id if email.endswith("@external.test") else None)
        person.grants = [RoleGrant(role=Role(role), school_id=schools[i].id if i is not None else None,
                                   network_id=network) for role, i, network in grants]
        db.add(person)
        seen.add(email)

    mix = demo_data.STAFF_ROLES_MIX
    for index, (spec, school) in enumerate(zip(demo_data.SCHOOLS, schools)):
        domain = f"{_slug(spec['name'])}.lighthouse.test"
        teachers = spec["teachers"]
        partners = round(teachers * mix.get("learning_partner_per_teacher", 0.6))
        support = max(mix.get("support_staff_min", 2), teachers // 4)
        jobs = (["Headteacher"] + ["Teacher"] * (teachers - 1) + ["Learning partner"] * partners
                + ["Support staff"] * support)
        for n, job in enumerate(jobs):
            first = _pick(demo_data.FIRST_NAMES, index, n, "first")
            last = _pick(demo_data.LAST_NAMES, index, n, "last")
            email = f"{first}.{last}".lower().replace("'", "").replace(" ", "-") + f"@{domain}"
            if email in seen:
                email = email.replace("@", f"{n}@")
            seen.add(email)
            person = Person(email=email, name=f"{first} {last}", job_title=job, school_id=school.id)
            person.grants = [RoleGrant(role=Role.STAFF, school_id=school.id)]
            if job == "Headteacher":
                person.grants.append(RoleGrant(role=Role.SCHOOL_LEADER, school_id=school.id))
            db.add(person)
        for n in range(GOVERNORS_PER_SCHOOL):
            first = _pick(demo_data.FIRST_NAMES, index, n, "governor first")
            last = _pick(demo_data.LAST_NAMES, index, n, "governor last")
            email = f"governor{n + 1}@{domain}"
            person = Person(email=email, name=f"{first} {last}", job_title="Governor", school_id=school.id)
            person.grants = [RoleGrant(role=Role.GOVERNOR, school_id=school.id)]
            db.add(person)
    db.flush()
    return True


def seed_network_members(backends=None) -> int:
    """Demo only, once the services run: the maths network's roster — its lead, Tara
    Teacher and a teacher from each of the next seven schools — and the governors
    network's — its lead, Gwen Governor and a governor of each of the next seven
    schools — added over HTTP like any lead's change (the networks service owns
    memberships).  A network that already has members is skipped; returns how many
    were added."""
    return (_seed_roster(backends, MATHS_NETWORK_ID, "maths.lead@lighthouse.test", "teacher@lighthouse.test",
                         "Teacher")
            + _seed_roster(backends, GOVERNORS_NETWORK_ID, "governors.lead@lighthouse.test",
                           "governor@lighthouse.test", "Governor"))


def _seed_roster(backends, network_id: int, lead_email: str, member_email: str, job: str) -> int:
    from gateway.backends import BackendError, Backends
    from shared import tokens
    from shared.settings import get_settings

    backends = backends or Backends(get_settings())
    admin = tokens.Identity(subject="service:demo-seed", name="Demo data", grants=(tokens.Grant("ll_admin"),))
    path = f"/networks/{network_id}/members"
    if backends.call("networks", "GET", path, identity=admin)["items"]:
        return 0
    with database().session() as db:
        lead = db.exec(select(Person).where(Person.email == lead_email)).first()
        member = db.exec(select(Person).where(Person.email == member_email)).first()
        others = []
        for school in db.exec(select(School).order_by(School.id).offset(2).limit(7)).all():
            first = db.exec(select(Person).where(Person.school_id == school.id, Person.job_title == job)
                            .order_by(Person.id)).first()
            if first is not None:
                others.append(first)
    added = 0
    for person, role in [(lead, "LEAD"), (member, "MEMBER")] + [(p, "MEMBER") for p in others]:
        if person is None:
            continue
        try:
            backends.call("networks", "POST", path, identity=admin, json={
                "person_id": person.id, "name": person.name, "email": person.email,
                "school_id": person.school_id, "role": role})
            added += 1
        except BackendError:  # already there (a second run racing the first): fine
            pass
    return added
