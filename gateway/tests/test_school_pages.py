"""My school's page and exports cost the same backend calls for a few bookings as for
many: everything hanging off the list is read for the whole list at once."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from shared import tokens
from tests.support.counting import count_backend_calls
from tests.support.fixtures import sign_in


def _bookings(n, school, make_person, make_course, service_call):
    """n bookings of the school's staff: n people, on sessions of two courses."""
    courses = [make_course(title=f"Course {i}", subject=subject)["id"] for i, subject in enumerate(("Maths", "RE"))]
    start = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=10)
    sessions = [service_call("bookings", "POST", "/sessions", json={
        "course_id": courses[i % 2], "starts_at": (start + timedelta(days=i)).isoformat(),
        "ends_at": (start + timedelta(days=i, hours=2)).isoformat(), "venue": "Hall", "capacity": 100}).json()["id"]
        for i in range(4)]
    for i in range(n):
        email = f"staff{n}-{i}@lighthouse.test"
        pid = make_person(email, f"Staff {n}-{i:02d}", roles=[("staff", school)], school_id=school)
        who = tokens.Identity(subject=str(pid), name=f"Staff {i}", email=email, school_id=school,
                              grants=(tokens.Grant("staff", school_id=school),))
        answer = service_call("bookings", "POST", f"/sessions/{sessions[i % 4]}/bookings", who, json={})
        assert answer.status_code == 201, answer.text


def test_my_school_costs_the_same_calls_for_3_bookings_as_for_12(client, make_school, make_person, make_course,
                                                                 service_call):
    school = make_school(name="Saltmarsh Primary")
    make_person("head@lighthouse.test", "Hannah Head", roles=[("staff", school), ("school_leader", school)],
                school_id=school)
    sign_in(client, "head@lighthouse.test")
    seen = {}
    for n in (3, 12):
        _bookings(n, school, make_person, make_course, service_call)
        costs = []
        for path in ("/school-bookings", "/school-bookings?subject=Maths&status=CONFIRMED",
                     "/school-bookings.csv", "/school-bookings.xlsx"):
            with count_backend_calls(client.application) as calls:
                answer = client.get(path)
            assert answer.status_code == 200, answer.get_data(as_text=True)[:500]
            costs.append(sorted(calls))
        seen[n] = costs
        page = client.get("/school-bookings?from=").get_data(as_text=True)
        assert page.count('data-label="Status"') >= n  # the bookings made so far, all of them shown
    assert seen[3] == seen[12]
    assert ("bookings", "GET", "/bookings/school") in seen[12][0]
