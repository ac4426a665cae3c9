"""What the gateway tells the services that keep copies of its facts (shared.facts):
each school's leaders, to bookings, which asks them to approve their staff's bookings
and reminds them of those left waiting (published whenever a leader is granted or
loses the role); each organisation outside the trust, to bookings, which addresses
its invoices and credit notes to it (published when it is registered); and each
school's risk band, to the catalogue, which flags the sessions of its sprints for the
central team by it (published whenever the central team changes it: risk.py)."""
from __future__ import annotations

from sqlmodel import Session, select

from gateway.db import database
from gateway.identity.models import GatewayModel, Organisation, Person, RiskBand, Role, RoleGrant, School
from shared.facts import Publisher

FACTS = Publisher("gateway", GatewayModel, database)


def publish_school_leaders(db: Session, school_id: int) -> None:
    """The school's leaders as they now stand, to bookings (in the granting transaction)."""
    leaders = db.exec(select(Person).join(RoleGrant, RoleGrant.person_id == Person.id)
                      .where(RoleGrant.role == Role.SCHOOL_LEADER, RoleGrant.school_id == school_id)
                      .order_by(Person.id)).all()
    FACTS.publish(db, "bookings", f"/copies/school-leaders/{school_id}", {"leaders": [
        {"person_id": p.id, "name": p.name or p.email, "email": p.email} for p in leaders]})


def publish_organisation(db: Session, organisation: Organisation) -> None:
    """An organisation's invoicing details as they now stand, to bookings."""
    FACTS.publish(db, "bookings", f"/copies/organisations/{organisation.id}", {
        "name": organisation.name, "address": organisation.address, "billing_email": organisation.billing_email})


def publish_school_band(db: Session, school: School) -> None:
    """The school's risk band as it now stands, to the catalogue (in the setting transaction)."""
    band = RiskBand(school.risk_band).value if school.risk_band else None
    FACTS.publish(db, "catalogue", f"/copies/school-bands/{school.id}", {"band": band})


def republish(db: Session) -> int:
    """Every school's leaders and band, and every organisation, again (the reconciliation)."""
    schools = db.exec(select(School).order_by(School.id)).all()
    for school in schools:
        publish_school_leaders(db, school.id)
        publish_school_band(db, school)
    organisations = db.exec(select(Organisation).order_by(Organisation.id)).all()
    for organisation in organisations:
        publish_organisation(db, organisation)
    return 2 * len(schools) + len(organisations)
