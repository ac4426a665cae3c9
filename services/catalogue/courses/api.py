"""HTTP for courses: thin — parse, call the domain operation, shape the answer."""
from __future__ import annotations

from flask_openapi3 import APIBlueprint, Tag

from services.catalogue.courses import service
from services.catalogue.courses.models import Course
from services.catalogue.courses.schemas import (
    CourseIdPath,
    CourseIn,
    CourseOut,
    CoursePage,
    CourseQuery,
    CourseSlugPath,
    ErrorOut,
    SubjectList,
)
from shared.db import request_session
from shared.paging import decode_cursor, page_of
from shared.web import SECURITY, current_identity

bp = APIBlueprint("courses", __name__, abp_tags=[Tag(name="courses")], abp_security=SECURITY)
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def out(course: Course) -> dict:
    return CourseOut.model_validate(course, from_attributes=True).model_dump(mode="json")


@bp.get("/courses", responses={200: CoursePage, **ERRORS})
def list_courses(query: CourseQuery):
    """Courses the caller may see; `search` is full text over title, summary and description."""
    offset = 0 if query.ids else decode_cursor(query.after)
    rows, total = service.list_courses(request_session(), current_identity(), query, offset)
    return page_of([out(c) for c in rows], total, offset)


@bp.get("/courses/subjects", responses={200: SubjectList, **ERRORS})
def list_subjects():
    """The subjects of the courses the caller may see."""
    return {"subjects": service.subjects(request_session(), current_identity())}


@bp.get("/courses/<int:course_id>", responses={200: CourseOut, **ERRORS})
def get_course(path: CourseIdPath):
    return out(service.get_course(request_session(), current_identity(), course_id=path.course_id))


@bp.get("/courses/by-slug/<slug>", responses={200: CourseOut, **ERRORS})
def get_course_by_slug(path: CourseSlugPath):
    return out(service.get_course(request_session(), current_identity(), slug=path.slug))


@bp.post("/courses", responses={201: CourseOut, **ERRORS})
def create_course(body: CourseIn):
    """Admins only."""
    return out(service.save_course(request_session(), current_identity(), body)), 201


@bp.put("/courses/<int:course_id>", responses={200: CourseOut, **ERRORS})
def update_course(path: CourseIdPath, body: CourseIn):
    """Admins only; the slug stays as it was."""
    return out(service.save_course(request_session(), current_identity(), body, path.course_id))
