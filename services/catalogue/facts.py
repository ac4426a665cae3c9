"""What the catalogue tells the services that keep copies of its facts (shared.facts):
each course's listing — title, subject, phases, who may see it, its price for other
schools — to bookings, whose sessions are named, filtered, shown and sold by it."""
from __future__ import annotations

from sqlmodel import Session, select

from services.catalogue.courses.models import Course
from services.catalogue.db import CatalogueModel, database
from shared.facts import Publisher
from shared.vocabulary import CourseStatus

FACTS = Publisher("catalogue", CatalogueModel, database)


def publish_listing(db: Session, course: Course) -> None:
    """The course's listing as it now stands, to bookings (in the saving transaction)."""
    FACTS.publish(db, "bookings", f"/copies/course-listings/{course.id}", {
        "title": course.title, "subject": course.subject, "phases": [p.value for p in course.phases],
        "visibility": course.visibility.value, "published": course.status == CourseStatus.PUBLISHED,
        "external_price_pence": course.external_price_pence})


def republish(db: Session) -> int:
    """Every course's listing again (the reconciliation)."""
    courses = db.exec(select(Course).order_by(Course.id)).all()
    for course in courses:
        publish_listing(db, course)
    return len(courses)
