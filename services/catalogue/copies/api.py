"""HTTP for the copies: PUT by the fact's owner alone (a token signed with its own
key, shared.facts), applied only when newer than what is held."""
from __future__ import annotations

from collections.abc import Callable

from flask import request
from flask_openapi3 import APIBlueprint, Tag
from sqlmodel import Session

from services.catalogue.cascade.bands import keep_school_band
from services.catalogue.copies.models import FACTS, SCHOOL_DAYS
from services.catalogue.copies.schemas import SchoolBandFact, SchoolPath
from shared.db import request_session
from shared.facts import KEEPER_BLUEPRINT, Applied
from shared.school_days import SchoolDaysFact, YearPath
from shared.web import SECURITY, current_identity

bp = APIBlueprint(KEEPER_BLUEPRINT, __name__, abp_security=SECURITY, abp_tags=[Tag(
    name="copies", description="Facts other services own, delivered by them (not by the gateway's people).")])


def _keep(publisher: str, version: int, apply: Callable[[Session], object]) -> dict:
    return FACTS.keep(request_session(), current_identity(), publisher, request.path, version, apply)


@bp.put("/copies/school-days/<label>", responses={200: Applied})
def put_school_days(path: YearPath, body: SchoolDaysFact):
    """Networks: the school days of an academic year (sprint dates, QA-note reminders)."""
    return _keep("networks", body.version, lambda db: SCHOOL_DAYS.keep(db, path.label, body.school_days))


@bp.put("/copies/school-bands/<int:school_id>", responses={200: Applied})
def put_school_band(path: SchoolPath, body: SchoolBandFact):
    """The gateway: a school's risk band; the sprints it is in follow it."""
    return _keep("gateway", body.version,
                 lambda db: keep_school_band(db, current_identity(), path.school_id, body.band))
