"""What the gateway tells the services that keep copies of its facts (shared.facts):
each school's leaders, to bookings, which asks them to approve their staff's bookings
and reminds them of those left waiting.  Published whenever a leader is granted or
loses the role."""
from __future__ import annotations

from sqlmodel import Session, select

from gateway.db import database
from gateway.identity.models import GatewayModel, Person, Role, RoleGrant, School
from shared.facts import Publisher

FACTS = Publisher("gateway", GatewayModel, database)


def publish_school_leaders(db: Session, school_id: int) -> None:
    """The school's leaders as they now stand, to bookings (in the granting transaction)."""
    leaders = db.exec(select(Person).join(RoleGrant, RoleGrant.person_id == Person.id)
                      .where(RoleGrant.role == Role.SCHOOL_LEADER, RoleGrant.school_id == school_id)
                      .order_by(Person.id)).all()
    FACTS.publish(db, "bookings", f"/copies/school-leaders/{school_id}", {"leaders": [
        {"person_id": p.id, "name": p.name or p.email, "email": p.email} for p in leaders]})


def republish_school_leaders(db: Session) -> int:
    """Every school's leaders again (the reconciliation)."""
    schools = db.exec(select(School.id).order_by(School.id)).all()
    for school_id in schools:
        publish_school_leaders(db, school_id)
    return len(schools)

