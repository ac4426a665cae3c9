"""Domain operations on courses.  Each takes the acting identity explicitly."""
from __future__ import annotations

import sqlalchemy as sa
from slugify import slugify
from sqlmodel import Session, func, select

from services.catalogue.courses.models import Course, CourseAudience, CoursePhase
from services.catalogue.courses.schemas import CourseIn, CourseQuery
from services.catalogue.facts import publish_listing
from services.catalogue.search import full_text, search_terms
from shared.clock import utcnow
from shared.errors import Forbidden, NotFound
from shared.tokens import Identity
from shared.vocabulary import CourseStatus, Visibility


def _visible_to(identity: Identity):
    """Who sees what: admins everything, trust people published TRUST and PUBLIC
    courses, everybody else (visitors, external schools) published PUBLIC ones."""
    if identity.is_admin:
        return sa.true()
    published = Course.status == CourseStatus.PUBLISHED
    if identity.is_trust_member:
        return published
    return sa.and_(published, Course.visibility == Visibility.PUBLIC)


def list_courses(db: Session, identity: Identity, q: CourseQuery, offset: int) -> tuple[list[Course], int]:
    """A page of the courses this identity may see, matching the filters, best first."""
    where = [_visible_to(identity)]
    order = [Course.title.asc(), Course.id.asc()]
    stmt = select(Course)
    count = select(func.count()).select_from(Course)
    if q.ids:
        where.append(Course.id.in_([int(i) for i in q.ids.split(",")]))
    if q.search and (terms := search_terms(q.search)):
        hits, hit_id, rank = full_text(db, Course, terms)
        stmt = stmt.join(hits, hit_id == Course.id)
        count = count.join(hits, hit_id == Course.id)
        order.insert(0, rank)
    if q.subject:
        where.append(func.lower(Course.subject) == q.subject.strip().lower())
    if q.phase:
        where.append(Course.id.in_(select(CoursePhase.course_id).where(CoursePhase.phase == q.phase)))
    if q.audience:
        where.append(Course.id.in_(select(CourseAudience.course_id).where(CourseAudience.audience == q.audience)))
    if q.delivery_mode:
        where.append(Course.delivery_mode == q.delivery_mode)
    if q.visibility:
        where.append(Course.visibility == q.visibility)
    if q.status and identity.is_admin:
        where.append(Course.status == q.status)
    total = db.exec(count.where(*where)).one()
    limit = 100 if q.ids else q.first
    rows = db.exec(stmt.where(*where).order_by(*order).offset(offset).limit(limit)).all()
    return list(rows), total


def subjects(db: Session, identity: Identity) -> list[str]:
    """The subjects of the courses this identity may see, for the catalogue's filter."""
    rows = db.exec(select(Course.subject).where(_visible_to(identity)).distinct().order_by(Course.subject))
    return list(rows)


def get_course(db: Session, identity: Identity, *, course_id: int | None = None, slug: str | None = None) -> Course:
    """The course, if this identity may see it; NotFound otherwise (never a hint that
    a draft exists)."""
    cond = Course.id == course_id if course_id is not None else Course.slug == slug
    course = db.exec(select(Course).where(cond, _visible_to(identity))).first()
    if course is None:
        raise NotFound("There is no such course, or it is not open to you.")
    return course


def _unique_slug(db: Session, title: str, exclude_id: int | None) -> str:
    base = slugify(title, max_length=100, word_boundary=True) or "course"
    taken = set(
        db.exec(
            select(Course.slug).where(
                sa.or_(Course.slug == base, Course.slug.like(f"{base}-%")),
                Course.id != (exclude_id or 0),
            )
        ).all()
    )
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def save_course(db: Session, identity: Identity, data: CourseIn, course_id: int | None = None) -> Course:
    """Create or update a course.  Admins only.  The slug is made from the title once
    and then kept, so links people have shared keep working.  Its listing goes to the
    services keeping a copy once the change commits (catalogue.facts)."""
    if not identity.is_admin:
        raise Forbidden("Only Lighthouse Learning admins can edit the catalogue.")
    if course_id is None:
        course = Course(slug=_unique_slug(db, data.title, None), **_scalars(data))
        db.add(course)
    else:
        course = db.get(Course, course_id)
        if course is None:
            raise NotFound("There is no such course.")
        for key, value in _scalars(data).items():
            setattr(course, key, value)
        course.updated_at = utcnow()
    _sync(course.phase_rows, data.phases, lambda p: CoursePhase(phase=p), "phase")
    _sync(course.audience_rows, data.audiences, lambda a: CourseAudience(audience=a), "audience")
    db.flush()
    db.refresh(course)
    publish_listing(db, course)
    return course


def _scalars(data: CourseIn) -> dict:
    return data.model_dump(exclude={"phases", "audiences"})


def _sync(rows: list, wanted: list, make, attr: str) -> None:
    have = {getattr(r, attr) for r in rows}
    for row in [r for r in rows if getattr(r, attr) not in wanted]:
        rows.remove(row)
    for value in wanted:
        if value not in have:
            rows.append(make(value))
