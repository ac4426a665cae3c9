"""Demo data for the embedded default: the courses and films, loaded once into an empty
catalogue, and the cascaded programme of demo_cascade.py, loaded once through the same
domain operations as anyone's (so the demo is held to every rule)."""
from __future__ import annotations

from datetime import datetime, time, timedelta

import sqlalchemy as sa
from sqlmodel import select

from services.catalogue import demo_cascade as demo
from services.catalogue.cascade.models import Programme, SprintSession
from services.catalogue.cascade.notes import record_note
from services.catalogue.cascade.programmes import save_programme
from services.catalogue.cascade.schemas import ProgrammeIn, QaNoteIn, SessionRecordIn, SprintPlanIn
from services.catalogue.cascade.sessions import record_session, take_on
from services.catalogue.cascade.sprints import plan_sprint
from services.catalogue.courses.models import Course
from services.catalogue.courses.schemas import CourseIn
from services.catalogue.courses.service import save_course
from services.catalogue.db import database
from services.catalogue.demo_courses import COURSES
from services.catalogue.demo_videos import seed_videos
from shared.clock import LONDON, utcnow
from shared.tokens import Grant, Identity
from shared.vocabulary import Role, SprintSessionStatus

SEEDER = Identity(subject="service:seed", name="Demo data", grants=(Grant(Role.LL_ADMIN),))


def seed() -> bool:
    with database().session() as db:
        loaded = db.exec(select(Course.id).limit(1)).first() is None
        if loaded:
            for course in COURSES:
                save_course(db, SEEDER, CourseIn(**course))
            db.flush()
            seed_videos(db)
    seed_cascade()
    return loaded


def _school_day(weekdays: int) -> datetime:
    """`weekdays` weekdays from today (back, when negative), at 15:45 London time."""
    day, step = utcnow().astimezone(LONDON).date(), 1 if weekdays > 0 else -1
    for _ in range(abs(weekdays)):
        day += timedelta(days=step)
        while day.weekday() >= 5:
            day += timedelta(days=step)
    return datetime.combine(day, time(15, 45), LONDON)


def seed_cascade() -> bool:
    """The demo programme, its sprint and QA note; a catalogue that has a programme, or
    lacks the course, is left alone."""
    with database().session() as db:
        if db.exec(select(Programme.id).limit(1)).first() is not None \
                or db.get(Course, demo.PROGRAMME["source_course_id"]) is None:
            return False
        programme = save_programme(db, SEEDER, ProgrammeIn(**demo.PROGRAMME))
        # Planned as still to come (the rule for any plan), then the first moved to when it was held.
        sessions = [{"topic": topic, "scheduled_at": _school_day(max(days, 1)), "duration_minutes": minutes}
                    for days, topic, minutes in demo.SESSIONS]
        sprint, _ = plan_sprint(db, SEEDER, programme.id, demo.SPRINT["school_id"], SprintPlanIn(
            **{k: v for k, v in demo.SPRINT.items() if k != "school_id"}, sessions=sessions))
        first = db.exec(select(SprintSession).where(SprintSession.sprint_id == sprint.id,
                                                    SprintSession.sequence == 1)).one()
        sip = Identity(subject=demo.SIP["subject"], name=demo.SIP["name"], email=demo.SIP["email"],
                       grants=(Grant(Role.SIP, school_id=demo.SIP["school_id"]),))
        take_on(db, sip, first.id)
        db.execute(sa.update(SprintSession).where(SprintSession.id == first.id).values(
            scheduled_at=_school_day(demo.SESSIONS[0][0])))
        db.expire_all()
        record_session(db, SEEDER, first.id, SessionRecordIn(status=SprintSessionStatus.HELD,
                                                             staff_attending=demo.STAFF_AT_FIRST_SESSION))
        record_note(db, sip, first.id, QaNoteIn(**demo.QA_NOTE))
        return True
