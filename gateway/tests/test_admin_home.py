"""The admin's home section: the programme's week as an admin sees it on the home page
(fill rates, registers to take, under-filled sessions, feedback, governor CPD this
year against last), at a fixed moment — Wednesday 17 March 2027 at noon — and never
for anybody else; a constant number of backend calls however many bookings there are."""
from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from services.bookings.tests.test_admin_dashboard import NOW, at, places, session
from shared.vocabulary import BookingStatus, SessionStatus
from tests.support.counting import count_backend_calls
from tests.support.fixtures import sign_in
from tests.support.html import Page

ATTENDED, NO_SHOW = BookingStatus.ATTENDED, BookingStatus.NO_SHOW


@pytest.fixture
def wednesday():
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def programme(make_school, make_person, make_course):
    school = make_school(name="Ashby Primary")
    make_person("admin@trust.test", "Alex Admin", roles=[("ll_admin",)])
    make_person("t@a.test", "Tara Teacher", roles=[("staff", school)], school_id=school)
    make_person("head@a.test", "Hana Head", roles=[("staff", school), ("school_leader", school)], school_id=school)
    make_person("gov@a.test", "Gwen Governor", roles=[("governor", school)], school_id=school)
    make_person("lead@a.test", "Mo Lead", roles=[("network_lead", None, 1)])
    governors = make_course(title="Governor induction", audiences=["GOVERNOR"], subject="Governance")
    finance = make_course(title="Governor finance", audiences=["GOVERNOR", "HEADTEACHER"], subject="Governance")
    phonics = make_course(title="Phonics refresher", audiences=["TEACHER"], subject="Phonics")
    return {"governors": governors, "finance": finance, "phonics": phonics}


def home(client) -> Page:
    response = client.get("/")
    assert response.status_code == 200
    return Page(response.get_data(as_text=True))


def rows(page: Page, heading_id: str) -> list[str]:
    """The body rows of the first listing table after a heading (not a chart's own), as read aloud."""
    after = page.html[page.html.index(f'id="{heading_id}"'):]
    after = after[after.index('<table class="govuk-table ll-table--stack"'):]
    table = Page(after[:after.index("</table>") + 8])
    return [r.words for r in table.all(lambda e: e.tag == "tr" and "govuk-table__row" in e.attrs.get("class", ""))][1:]


def section_text(page: Page, heading_id: str) -> str:
    """What a reader meets from a subsection's heading up to the next one."""
    html = page.html[page.html.rindex("<h3", 0, page.html.index(f'id="{heading_id}"')):]
    following = html.find('<h3 class="govuk-heading-m"', 1)
    return Page(html[:following] if following > 0 else html).text()


def test_the_admin_sees_the_weeks_sessions_registers_under_filled_feedback_and_governor_cpd(
        gateway_app, programme, wednesday):
    gov, finance, phonics = programme["governors"]["id"], programme["finance"]["id"], programme["phonics"]["id"]
    tuesday = session(at(2027, 3, 16), course_id=phonics, title="Phonics refresher", booked=3)
    session(at(2027, 3, 19), course_id=gov, title="Governor induction", capacity=20, booked=16)
    session(at(2027, 3, 18), course_id=phonics, title="Cancelled Thursday", status=SessionStatus.CANCELLED)
    monday = session(at(2027, 3, 22), course_id=phonics, title="Phonics next Monday", booked=2)
    places(session(at(2027, 2, 1), course_id=phonics, title="Phonics refresher",
                   register_taken_at=at(2027, 2, 1, 18), status=SessionStatus.COMPLETED),
           [ATTENDED, ATTENDED], feedback_rating=4, feedback_at=at(2027, 2, 3))
    # governor CPD: 3 + 2 attended this year, 1 + 1 by 17 March last year (and 5 after it)
    places(session(at(2026, 10, 10), course_id=gov, title="Governor induction"), [ATTENDED] * 3 + [NO_SHOW])
    places(session(at(2027, 2, 1), course_id=finance), [ATTENDED] * 2)
    places(session(at(2025, 11, 5), course_id=gov), [ATTENDED])
    places(session(at(2026, 3, 10), course_id=finance), [ATTENDED])
    places(session(at(2026, 4, 20), course_id=gov), [ATTENDED] * 5)

    admin = gateway_app.test_client()
    sign_in(admin, "admin@trust.test")
    page = home(admin)

    assert page.by_id("home-admin").words == "Running the programme"
    links = {a.words: a.attrs["href"] for a in page.all(lambda e: e.tag == "a")}
    assert links["Add a course"] == "/admin/courses/new"
    assert links["Give someone a role"] == "/admin/people"
    assert links["Term dates and INSET days"] == "/admin/academic-years/2026-27"
    assert links["Bookings waiting for approval"] == "/approvals"

    week = section_text(page, "home-admin-week")
    assert "The week beginning Monday 15 March 2027" in week
    assert rows(page, "home-admin-week") == [
        "Phonics refresher Tue 16 Mar 2027, 15:30 3 of 10 30%",
        "Governor induction Fri 19 Mar 2027, 15:30 16 of 20 80%"]
    [picture] = page.all(lambda e: e.tag == "img" and "Places booked this week" in e.attrs.get("alt", ""))
    assert "Phonics refresher, Tue 16 Mar 15:30 Booked 30%" in picture.attrs["alt"]
    assert "Cancelled Thursday" not in week

    registers = section_text(page, "home-admin-registers")
    assert "Take the register for Phonics refresher, Tue 16 Mar 2027, 15:30" in registers
    assert f"/sessions/{tuesday}/register" in links.values()
    # the governor sessions of last autumn were never marked either: they are to take too
    assert "Governor induction, Sat 10 Oct 2026" in registers

    assert rows(page, "home-admin-under-filled") == ["Phonics next Monday Mon 22 Mar 2027, 15:30 2 of 10 20%"]
    assert f"/sessions/{monday}" in links.values()

    assert rows(page, "home-admin-feedback") == ["Phonics refresher 2 4.0 out of 5"]
    assert f"/courses/{programme['phonics']['slug']}" in links.values()

    governors = section_text(page, "home-admin-governors")
    assert "2026-27 so far 5" in governors
    assert "2025-26 to 17 March 2" in governors
    assert "Change Up 3 (+150%)" in governors
    [kpi] = page.all(lambda e: e.tag == "img" and "Governor CPD" in e.attrs.get("alt", ""))
    assert kpi.attrs["alt"] == ("Governor CPD places attended: 5 in 2026-27 so far, against 2 in 2025-26 to 17 March.")
    figures = page.all(lambda e: "ll-card" in e.attrs.get("class", "").split())
    assert [f.words for f in figures][2].startswith("Governor CPD 5 places attended in 2026-27: up 3 on 2")


def test_an_empty_programme_says_so(gateway_app, make_person, wednesday):
    make_person("admin@trust.test", "Alex Admin", roles=[("ll_admin",)])
    admin = gateway_app.test_client()
    sign_in(admin, "admin@trust.test")
    text = home(admin).text()
    for sentence in ("No sessions this week.", "Every register is taken.",
                     "No session in the next 14 days is below 50% booked.", "No feedback in the last 90 days.",
                     "No course in the catalogue is for governors yet", "Change No change"):
        assert sentence in text


@pytest.mark.parametrize("email", ["t@a.test", "head@a.test", "gov@a.test", "lead@a.test"])
def test_nobody_but_an_admin_gets_the_section(gateway_app, programme, email):
    session(NOW, course_id=programme["phonics"]["id"], title="Phonics refresher", booked=1)
    client = gateway_app.test_client()
    sign_in(client, email)
    with count_backend_calls(gateway_app) as calls:
        page = home(client)
    assert page.by_id("home-admin") is None
    assert "Registers to take" not in page.html and "Governor CPD attendance" not in page.html
    assert ("bookings", "GET", "/dashboards/admin") not in calls


def test_the_section_says_when_the_services_cannot_answer(gateway_app, make_person, monkeypatch):
    from gateway.backends import BackendUnavailable

    make_person("admin@trust.test", "Alex Admin", roles=[("ll_admin",)])
    admin = gateway_app.test_client()
    sign_in(admin, "admin@trust.test")
    backends = gateway_app.extensions["lighthouse_backends"]

    def away(service, method, path, **kwargs):
        raise BackendUnavailable(service)

    monkeypatch.setattr(backends, "fetch", away)
    page = home(admin)
    assert "cannot be shown just now" in page.text()
    assert {a.words for a in page.all(lambda e: e.tag == "a")} >= {"Add a course", "Bookings waiting for approval"}


def _bookings_grown(made: int, n: int, course_ids: list[int]) -> None:
    """From `made` to n attended and rated places, five to a session, the sessions
    taking turns among the courses: more places, sessions and rated courses at once."""
    for i in range(made // 5, n // 5):
        places(session(at(2026, 10, 1) + timedelta(days=i), course_id=course_ids[i % 3]), [ATTENDED] * 5,
               feedback_rating=5, feedback_at=NOW - timedelta(days=3))


def course_ids_governors(i: int) -> bool:
    return i % 3 != 2  # the phonics course takes every third session


def test_backend_calls_stay_the_same_as_bookings_grow(gateway_app, programme, wednesday):
    ids = [programme[k]["id"] for k in ("governors", "finance", "phonics")]
    admin = gateway_app.test_client()
    sign_in(admin, "admin@trust.test")
    seen, made = {}, 0
    for n in (10, 100):
        _bookings_grown(made, n, ids)
        made = n
        with count_backend_calls(gateway_app) as calls:
            page = home(admin)
        seen[n] = calls
        assert page.by_id("home-admin-governors") is not None
        attended = sum(5 for i in range(n // 5) if course_ids_governors(i))
        assert f"2026-27 so far {attended}" in section_text(page, "home-admin-governors")
    assert seen[10] == seen[100] == [("catalogue", "GET", "/courses"), ("bookings", "GET", "/dashboards/admin"),
                                     ("catalogue", "GET", "/courses")]
