"""N+1 guard: every list the catalogue answers costs the same SQL statements for 10
courses as for 100 (tests/support/counting.py), and every GET route is either such a
list, with its count here, or says why it is not one."""
from __future__ import annotations

import pytest

from services.catalogue.courses.schemas import CourseIn
from services.catalogue.courses.service import save_course
from services.catalogue.db import database
from tests.support.counting import Ask, ListRead, assert_constant_queries, uncovered_routes
from tests.support.fixtures import ADMIN, course_data


def courses(n: int, **overrides) -> list[int]:
    """n published trust courses, each of its own subject, in one unit of work."""
    with database().session() as db:
        return [save_course(db, ADMIN, CourseIn(**course_data(
            title=f"Fractions {i:03d}", subject=f"Subject {i:03d}", phases=["KS1", "KS2"],
            audiences=["TEACHER", "ECT"], **overrides))).id for i in range(n)]


def items(response) -> int:
    return len(response.json()["items"])


def _page(n: int) -> Ask:
    courses(n)
    return Ask("/courses", ADMIN, items, params={"first": 100})


def _batch(n: int) -> Ask:
    return Ask("/courses", ADMIN, items, params={"ids": ",".join(map(str, courses(n)))})


def _search(n: int) -> Ask:
    courses(n)
    return Ask("/courses", ADMIN, items, params={"first": 100, "search": "fractions"})


def _subjects(n: int) -> Ask:
    courses(n)
    return Ask("/courses/subjects", ADMIN, lambda r: len(r.json()["subjects"]))


# route, what is asked, statements (count, page; phases and audiences selectin-loaded)
CASES = [
    ListRead("GET /courses", "a page", _page, 4),
    ListRead("GET /courses", "a batch read by ids", _batch, 4),
    ListRead("GET /courses", "a full-text search", _search, 4),
    ListRead("GET /courses/subjects", "the subjects", _subjects, 1),
]

NOT_LISTS = {
    "GET /courses/<int:course_id>": "one course",
    "GET /courses/by-slug/<slug>": "one course",
    "GET /videos/uploads/<upload_id>": "one upload",
    "GET /media/videos/<int:video_id>/<kind>": "one video's file",
}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_a_list_costs_the_same_statements_for_10_courses_as_for_100(case, service_call):
    assert_constant_queries("catalogue", case, service_call)


def test_every_list_the_catalogue_answers_has_a_count(stack):
    from services.catalogue.tests.test_cascade_query_counts import CASCADE_CASES, CASCADE_NOT_LISTS
    from services.catalogue.tests.test_video_query_counts import MINE, VIDEO_CASES, VIDEO_NOT_LISTS

    assert uncovered_routes(stack.catalogue.app, [*CASES, *VIDEO_CASES, MINE, *CASCADE_CASES],
                            {**NOT_LISTS, **VIDEO_NOT_LISTS, **CASCADE_NOT_LISTS}) == []
