"""HTTP for the copies: PUT by the fact's owner alone (a token signed with its own
key, shared.facts), applied only when newer than what is held."""
from __future__ import annotations

from collections.abc import Callable

from flask import request
from flask_openapi3 import APIBlueprint, Tag
from sqlmodel import Session

from services.bookings.copies import service
from services.bookings.copies.models import FACTS, SCHOOL_DAYS
from services.bookings.copies.schemas import (
    CourseListingFact,
    OrganisationFact,
    OrganisationPath,
    SchoolLeadersFact,
    SchoolPath,
)
from services.bookings.sessions.schemas import CourseIdPath
from services.bookings.sessions.service import follow_listing
from shared.db import request_session
from shared.facts import KEEPER_BLUEPRINT, Applied
from shared.school_days import SchoolDaysFact, YearPath
from shared.web import SECURITY, current_identity

bp = APIBlueprint(KEEPER_BLUEPRINT, __name__, abp_security=SECURITY, abp_tags=[Tag(
    name="copies", description="Facts other services own, delivered by them (not by the gateway).")])


def _keep(publisher: str, version: int, apply: Callable[[Session], object]) -> dict:
    """`apply` the fact delivered here, if `publisher` sent it and it is newer than the
    copy's; says whether it was."""
    return FACTS.keep(request_session(), current_identity(), publisher, request.path, version, apply)


@bp.put("/copies/course-listings/<int:course_id>", responses={200: Applied})
def put_course_listing(path: CourseIdPath, body: CourseListingFact):
    """The catalogue: a course's listing, followed by its sessions."""
    return _keep("catalogue", body.version,
                 lambda db: follow_listing(db, service.keep_course_listing(db, path.course_id, body)))


@bp.put("/copies/school-days/<label>", responses={200: Applied})
def put_school_days(path: YearPath, body: SchoolDaysFact):
    """Networks: the school days of an academic year (timing approval reminders)."""
    return _keep("networks", body.version, lambda db: SCHOOL_DAYS.keep(db, path.label, body.school_days))


@bp.put("/copies/school-leaders/<int:school_id>", responses={200: Applied})
def put_school_leaders(path: SchoolPath, body: SchoolLeadersFact):
    """The gateway: a school's leaders (who approve its staff's bookings)."""
    return _keep("gateway", body.version, lambda db: service.keep_school_leaders(db, path.school_id, body.leaders))


@bp.put("/copies/organisations/<int:organisation_id>", responses={200: Applied})
def put_organisation(path: OrganisationPath, body: OrganisationFact):
    """The gateway: a school outside the trust (its name, address and billing email, for invoices)."""
    return _keep("gateway", body.version, lambda db: service.keep_organisation(db, path.organisation_id, body))
