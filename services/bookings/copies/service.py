"""Keeping the copies (each applied whole, in the delivery's transaction) and reading
them for the decisions bookings makes by itself."""
from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, select

from services.bookings.copies.models import BuyingOrganisation, CourseListing, SchoolLeader
from services.bookings.copies.schemas import CourseListingFact, LeaderIn, OrganisationFact
from shared.clock import utcnow


def keep_course_listing(db: Session, course_id: int, fact: CourseListingFact) -> CourseListing:
    """The course's listing as the catalogue now has it (its sessions then follow it:
    sessions.service.follow_listing)."""
    values = {"title": fact.title, "subject": fact.subject, "phases": phases_column(fact.phases),
              "visibility": fact.visibility.value, "published": fact.published,
              "external_price_pence": fact.external_price_pence, "updated_at": utcnow()}
    listing = db.get(CourseListing, course_id) or CourseListing(course_id=course_id)
    for key, value in values.items():
        setattr(listing, key, value)
    db.add(listing)
    db.flush()
    return listing


def phases_column(phases: list[str] | None) -> str | None:
    """",KS1,KS2,": the delimiters let one LIKE find a phase without matching part of another."""
    return f",{','.join(phases)}," if phases else None


def course_listing(db: Session, course_id: int) -> CourseListing | None:
    return db.get(CourseListing, course_id)


def keep_school_leaders(db: Session, school_id: int, leaders: list[LeaderIn]) -> None:
    """A school's leaders, replacing whom the copy had."""
    db.execute(sa.delete(SchoolLeader).where(SchoolLeader.school_id == school_id))
    if leaders:
        db.execute(sa.insert(SchoolLeader), [{"school_id": school_id, "person_id": p.person_id, "name": p.name,
                                              "email": p.email} for p in {p.person_id: p for p in leaders}.values()])


def leader_emails(db: Session, school_id: int | None) -> list[str]:
    """Who decides on a booking of this school's staff."""
    if school_id is None:
        return []
    return list(db.exec(select(SchoolLeader.email).where(SchoolLeader.school_id == school_id)
                        .order_by(SchoolLeader.person_id)).all())


def keep_organisation(db: Session, organisation_id: int, fact: OrganisationFact) -> None:
    """A school outside the trust as the gateway now has it (whom invoices address)."""
    row = db.get(BuyingOrganisation, organisation_id) or BuyingOrganisation(organisation_id=organisation_id)
    row.name, row.address, row.billing_email = fact.name, fact.address, fact.billing_email
    db.add(row)
    db.flush()
