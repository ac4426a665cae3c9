"""Demo courses and films for the embedded default; loaded once, into an empty catalogue."""
from __future__ import annotations

from sqlmodel import select

from services.catalogue.courses.models import Course
from services.catalogue.courses.schemas import CourseIn
from services.catalogue.courses.service import save_course
from services.catalogue.db import database
from services.catalogue.demo_courses import COURSES
from services.catalogue.demo_videos import seed_videos
from shared.tokens import Grant, Identity
from shared.vocabulary import Role

SEEDER = Identity(subject="service:seed", name="Demo data", grants=(Grant(Role.LL_ADMIN),))


def seed() -> bool:
    with database().session() as db:
        if db.exec(select(Course.id).limit(1)).first() is not None:
            return False
        for course in COURSES:
            save_course(db, SEEDER, CourseIn(**course))
        db.flush()
        seed_videos(db)
        return True
