"""Facts that cross services (shared.facts): the owner publishes each change in its own
transaction, delivery retries until the keeper takes it, a keeper that missed changes
catches up with no one lifting a finger, the same fact twice has one effect, and only
the owner may change a copy."""
from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone

import httpx
import pytest
import sqlalchemy as sa
import time_machine
from sqlmodel import select

from shared import tokens
from tests.support.fixtures import ADMIN, LiveServer, gql, sign_in

SOON = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=21)
RETRY = timedelta(seconds=11)  # past the first pause before a delivery is tried again


@contextmanager
def bookings_down(stack):
    """The bookings service stops answering, then starts again at the same address."""
    app, port = stack.bookings.app, stack.bookings.server.server_port
    stack.bookings.stop()
    try:
        yield
    finally:
        stack.bookings = LiveServer(app, port)


def job(module: str, name: str):
    """A job as the component's scheduler runs it (declared in its scheduler.JOBS)."""
    import importlib

    return next(j for j in importlib.import_module(module).JOBS if j.name == name)


def bookings_db():
    from services.bookings.db import database

    return database().session()


def session_titles() -> list[str]:
    from services.bookings.sessions.models import CourseSession

    with bookings_db() as db:
        return list(db.exec(select(CourseSession.course_title).order_by(CourseSession.id)).all())


def waiting_facts(module: str) -> list:
    import importlib

    facts = importlib.import_module(module).FACTS
    with facts.database().session() as db:
        return list(db.exec(select(facts.model).where(facts.model.delivered_at.is_(None))).all())


def schedule_session(service_call, course_id: int) -> dict:
    response = service_call("bookings", "POST", "/sessions", json={
        "course_id": course_id, "starts_at": SOON.isoformat(), "ends_at": (SOON + timedelta(hours=2)).isoformat(),
        "venue": "Hall", "capacity": 10})
    assert response.status_code == 201, response.text
    return response.json()


def rename_course(course_id: int, title: str) -> None:
    from services.catalogue.courses.schemas import CourseIn
    from services.catalogue.courses.service import save_course
    from services.catalogue.db import database
    from tests.support.fixtures import course_data

    with database().session() as db:
        save_course(db, ADMIN, CourseIn(**course_data(title=title)), course_id)


def test_a_course_listing_reaches_bookings_when_the_course_is_saved(stack, make_course, service_call):
    course = make_course(title="Phonics refresher", subject="Phonics", phases=["EYFS", "KS1"])
    session = schedule_session(service_call, course["id"])  # bookings knows the course by itself
    assert (session["course_title"], session["course_subject"], session["course_phases"]) == (
        "Phonics refresher", "Phonics", ["EYFS", "KS1"])
    rename_course(course["id"], "Phonics for learning partners")
    assert session_titles() == ["Phonics for learning partners"]
    assert waiting_facts("services.catalogue.facts") == []


def listed_price(course_id: int) -> int | None:
    from services.bookings.copies.models import CourseListing

    with bookings_db() as db:
        return db.get(CourseListing, course_id).external_price_pence


def reprice_course(course_id: int, pence: int) -> None:
    from services.catalogue.courses.schemas import CourseIn
    from services.catalogue.courses.service import save_course
    from services.catalogue.db import database
    from tests.support.fixtures import course_data

    with database().session() as db:
        save_course(db, ADMIN, CourseIn(**course_data(title="Phonics for schools", visibility="PUBLIC",
                                                      external_price_pence=pence)), course_id)


def test_a_courses_price_for_other_schools_follows_it_into_bookings(stack, make_course):
    """Orders price their lines from bookings' copy: the price travels with the listing,
    and a change missed while bookings was down converges."""
    course = make_course(title="Phonics for schools", visibility="PUBLIC", external_price_pence=9500)
    assert listed_price(course["id"]) == 9500
    reprice_course(course["id"], 12000)
    assert listed_price(course["id"]) == 12000
    with bookings_down(stack):
        reprice_course(course["id"], 8000)
    assert listed_price(course["id"]) == 12000  # back, and not yet told
    with time_machine.travel(datetime.now(timezone.utc) + RETRY):
        assert job("services.catalogue.scheduler", "deliver_facts")() == 1
    assert listed_price(course["id"]) == 8000
    assert waiting_facts("services.catalogue.facts") == []


def test_a_copy_converges_after_its_keeper_was_down(stack, make_course, service_call):
    course = make_course(title="Phonics refresher")
    schedule_session(service_call, course["id"])
    with bookings_down(stack):
        rename_course(course["id"], "Phonics for learning partners")  # saved; its delivery fails
        [waiting] = waiting_facts("services.catalogue.facts")
        assert waiting.attempts == 1 and waiting.last_error.startswith("unreachable")
        assert session_titles() == ["Phonics refresher"]
        with time_machine.travel(datetime.now(timezone.utc) + RETRY):
            assert job("services.catalogue.scheduler", "deliver_facts")() == 0  # still away: tried again later
        [waiting] = waiting_facts("services.catalogue.facts")
        assert waiting.attempts == 2
    assert session_titles() == ["Phonics refresher"]  # back, and not yet told
    with time_machine.travel(datetime.now(timezone.utc) + timedelta(minutes=1)):  # past the second, longer pause
        assert job("services.catalogue.scheduler", "deliver_facts")() == 1
    assert session_titles() == ["Phonics for learning partners"]
    assert waiting_facts("services.catalogue.facts") == []


def test_the_same_fact_twice_has_one_effect_and_an_old_one_none(stack, make_course, service_call):
    from services.catalogue.facts import FACTS

    course = make_course(title="Phonics refresher")
    schedule_session(service_call, course["id"])
    with FACTS.database().session() as db:
        [first] = db.exec(select(FACTS.model)).all()
    rename_course(course["id"], "Phonics for learning partners")
    assert session_titles() == ["Phonics for learning partners"]
    # the first delivery comes again (a retry whose answer was lost): nothing changes
    assert FACTS._put(first) is None
    assert session_titles() == ["Phonics for learning partners"]
    with bookings_db() as db:
        versions = db.exec(sa.text("SELECT version FROM fact_received")).scalars().all()
    assert len(versions) == 1 and versions[0] > first.id
    # and the latest delivered twice at once applies once: both answer, one applied
    with FACTS.database().session() as db:
        latest = db.exec(select(FACTS.model).order_by(FACTS.model.id.desc())).first()
    token = tokens.sign(tokens.service_identity("catalogue"), "bookings", stack.settings.private_key_pem("catalogue"))
    body = {**json.loads(latest.fact), "version": latest.id}
    answers = [httpx.put(f"{stack.bookings.url}{latest.path}", json=body,
                         headers={"Authorization": f"Bearer {token}"}).json() for _ in range(2)]
    assert answers == [{"applied": False}, {"applied": False}]  # it had landed already


def test_delivered_facts_are_let_go_after_a_week(stack, make_course):
    from services.catalogue.facts import FACTS

    make_course(title="Phonics refresher")
    with time_machine.travel(datetime.now(timezone.utc) + timedelta(days=6)):
        make_course(title="Fractions")
    with FACTS.database().session() as db:
        assert len(db.exec(select(FACTS.model)).all()) == 2
    with time_machine.travel(datetime.now(timezone.utc) + timedelta(days=8)):
        job("services.catalogue.scheduler", "deliver_facts")()
    with FACTS.database().session() as db:
        assert [json.loads(f.fact)["title"] for f in db.exec(select(FACTS.model)).all()] == ["Fractions"]


def test_delivering_the_same_fact_at_the_same_moment_applies_it_once(stack, deliver_fact):
    from concurrent.futures import ThreadPoolExecutor

    token = tokens.sign(tokens.service_identity("gateway"), "bookings", stack.settings.private_key_pem())
    body = {"leaders": [{"person_id": 7, "name": "Helen Head", "email": "head@a.test"}], "version": 10 ** 6}

    def put(_):
        return httpx.put(f"{stack.bookings.url}/copies/school-leaders/3", json=body,
                         headers={"Authorization": f"Bearer {token}"}, timeout=30).json()

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(put, range(8)))
    assert sorted(a["applied"] for a in answers) == [False] * 7 + [True]
    with bookings_db() as db:
        assert db.exec(sa.text("SELECT email FROM school_leader WHERE school_id = 3")).scalars().all() == [
            "head@a.test"]


def test_a_lost_copy_is_rebuilt_by_the_reconciliation(stack, make_course):
    from services.bookings.copies.models import CourseListing

    courses = [make_course(title=f"Course {n}") for n in range(3)]
    with bookings_db() as db:  # a copy restored from an old backup: the listings are gone
        db.execute(sa.delete(CourseListing))
        db.execute(sa.text("DELETE FROM fact_received"))
    assert job("services.catalogue.scheduler", "reconcile_facts")() == 3
    with bookings_db() as db:
        titles = db.exec(select(CourseListing.title).order_by(CourseListing.course_id)).all()
    assert titles == [c["title"] for c in courses]
    assert job("services.catalogue.scheduler", "reconcile_facts").at_start  # and when the scheduler starts


def test_school_days_follow_a_corrected_calendar_into_bookings(stack, client, make_person):
    from gateway.tests.test_graphql_proposals import seed_calendar
    from services.bookings.copies.models import SchoolDay
    from services.networks.db import database as networks_db
    from services.networks.terms.service import school_days

    seed_calendar()

    def copied(label: str) -> list[date]:
        with bookings_db() as db:
            return list(db.exec(select(SchoolDay.on_date).where(SchoolDay.academic_year == label)
                                .order_by(SchoolDay.on_date)).all())

    def owned(start: date, end: date) -> list[date]:
        with networks_db().session() as db:
            return school_days(db, start, end)

    assert copied("2026-27") == owned(date(2026, 9, 1), date(2027, 7, 21)) and len(copied("2026-27")) > 180
    make_person("admin@trust.test", "Alex Admin", roles=[("ll_admin",)])
    sign_in(client, "admin@trust.test")
    save = """mutation($l: String!, $t: [TermInput!]!) { saveAcademicYear(label: $l, terms: $t) { userErrors { message } } }"""
    terms = [
        {"name": "AUTUMN", "startsOn": "2027-09-02", "endsOn": "2027-12-17", "halfTermStartsOn": "2027-10-25",
         "halfTermEndsOn": "2027-10-29", "insetDays": ["2027-09-02", "2027-09-03"]},
        {"name": "SPRING", "startsOn": "2028-01-04", "endsOn": "2028-03-31", "halfTermStartsOn": "2028-02-14",
         "halfTermEndsOn": "2028-02-18", "insetDays": []},
        {"name": "SUMMER", "startsOn": "2028-04-18", "endsOn": "2028-07-19", "halfTermStartsOn": "2028-05-29",
         "halfTermEndsOn": "2028-06-02", "insetDays": []},
    ]
    with bookings_down(stack):
        assert gql(client, save, {"l": "2027-28", "t": terms})["data"]["saveAcademicYear"]["userErrors"] == []
        assert date(2027, 9, 3) in copied("2027-28")  # bookings has not heard yet
    with time_machine.travel(datetime.now(timezone.utc) + RETRY):
        assert job("services.networks.scheduler", "deliver_facts")() == 1
    assert date(2027, 9, 3) not in copied("2027-28") and date(2027, 9, 6) in copied("2027-28")
    assert copied("2027-28") == owned(date(2027, 9, 1), date(2028, 7, 31))


def test_school_leaders_follow_their_grants_into_bookings(stack, client, make_person, make_school, smtp_server,
                                                          schedule):
    from services.bookings.copies.models import SchoolLeader

    school = make_school()
    make_person("admin@trust.test", "Alex Admin", roles=[("ll_admin",)])
    head = make_person("head@a.test", "Helen Head", school_id=school)
    make_person("t1@a.test", "Tara One", roles=[("staff", school)], school_id=school)

    def leaders() -> list[str]:
        with bookings_db() as db:
            return list(db.exec(select(SchoolLeader.email).where(SchoolLeader.school_id == school)).all())

    sign_in(client, "admin@trust.test")
    grant = """mutation($p: ID!, $s: ID) { grantRole(personId: $p, role: SCHOOL_LEADER, schoolId: $s) {
               person { roles { id role } } userErrors { message } } }"""
    with bookings_down(stack):
        granted = gql(client, grant, {"p": str(head), "s": str(school)})["data"]["grantRole"]
        assert granted["userErrors"] == []
        [grant_id] = [r["id"] for r in granted["person"]["roles"] if r["role"] == "SCHOOL_LEADER"]
    assert leaders() == []
    with time_machine.travel(datetime.now(timezone.utc) + RETRY):
        assert job("gateway.scheduler", "deliver_facts")() == 1
    assert leaders() == ["head@a.test"]
    # a booking needing approval now asks the head, though the gateway never said so with it
    sid = schedule("POST", "/sessions", json={
        "course_title": "NPQ SEND day 1", "starts_at": SOON.isoformat(),
        "ends_at": (SOON + timedelta(hours=6)).isoformat(), "venue": "Hall", "capacity": 5,
        "requires_approval": True}).json()["id"]
    teacher = client.application.test_client()
    sign_in(teacher, "t1@a.test")
    book = "mutation($s: ID!) { bookSession(sessionId: $s) { booking { status } userErrors { message } } }"
    assert gql(teacher, book, {"s": str(sid)})["data"]["bookSession"]["booking"]["status"] == "PENDING_APPROVAL"
    from services.bookings.messages import OutboxMessage

    with bookings_db() as db:
        asked = db.exec(select(OutboxMessage.subject).where(OutboxMessage.recipient == "head@a.test")).all()
    assert asked == ["Approval needed: Tara One, NPQ SEND day 1"]
    revoke = "mutation($g: ID!) { revokeRole(grantId: $g) { userErrors { message } } }"
    assert gql(client, revoke, {"g": grant_id})["data"]["revokeRole"]["userErrors"] == []
    assert leaders() == []


@pytest.mark.parametrize("path, fact", [
    ("/copies/course-listings/1", {"title": "Forged", "visibility": "PUBLIC", "published": True}),
    ("/copies/school-days/2026-27", {"school_days": []}),
    ("/copies/school-leaders/1", {"leaders": [{"person_id": 1, "name": "Mallory", "email": "m@evil.test"}]}),
    ("/copies/organisations/1", {"name": "Forged", "address": "Nowhere", "billing_email": "m@evil.test"}),
])
def test_only_the_owner_of_a_fact_changes_its_copy(stack, deliver_fact, path, fact):
    owner = {"course-listings": "catalogue", "school-days": "networks", "school-leaders": "gateway",
             "organisations": "gateway"}[path.split("/")[2]]
    impostors = [tokens.service_identity(p) for p in ("gateway", "catalogue", "networks") if p != owner]
    impostors += [ADMIN, tokens.Identity(subject="5", name="Staff", school_id=1, grants=(tokens.Grant("staff", 1),))]
    for who in impostors:
        refused = deliver_fact(owner, "bookings", path, who, **fact)
        assert refused.status_code == 403, (who, refused.text)
        assert "it is not changed here" in refused.json()["message"]
    with bookings_db() as db:
        assert db.exec(sa.text("SELECT count(*) FROM fact_received")).scalar() == 0


def test_a_publishers_token_opens_its_copies_and_nothing_else(stack):
    catalogue = tokens.sign(tokens.service_identity("catalogue"), "bookings", stack.settings.private_key_pem("catalogue"))
    headers = {"Authorization": f"Bearer {catalogue}"}
    for method, path in (("GET", "/sessions"), ("POST", "/sessions"), ("GET", "/bookings/mine")):
        answer = httpx.request(method, stack.bookings.url + path, headers=headers, json={})
        assert answer.status_code == 401, (path, answer.text)
    # and a token claiming to be the catalogue's, signed with another key, opens nothing
    forged = tokens.sign(tokens.service_identity("catalogue"), "bookings", stack.settings.private_key_pem("networks"))
    answer = httpx.put(stack.bookings.url + "/copies/course-listings/1", headers={"Authorization": f"Bearer {forged}"},
                       json={"title": "Forged", "visibility": "PUBLIC", "published": True, "version": 1})
    assert answer.status_code == 401
    # the catalogue's own token does not open the catalogue itself either: it speaks for no person
    itself = tokens.sign(tokens.service_identity("catalogue"), "catalogue", stack.settings.private_key_pem("catalogue"))
    assert httpx.get(stack.catalogue.url + "/courses", headers={"Authorization": f"Bearer {itself}"}).status_code == 401


def test_a_change_only_checked_publishes_nothing(stack, service_call, schedule):
    from services.catalogue.facts import FACTS
    from tests.support.fixtures import course_data

    checked = service_call("catalogue", "POST", "/courses", json=course_data(), headers={"X-LL-Check-Only": "1"})
    assert checked.status_code == 201  # it would have been saved, and was not
    with FACTS.database().session() as db:
        assert db.exec(select(FACTS.model)).all() == []
    # nor does the listing of a course that never was reach bookings
    refused = service_call("bookings", "POST", "/sessions", json={
        "course_id": checked.json()["id"], "starts_at": SOON.isoformat(),
        "ends_at": (SOON + timedelta(hours=2)).isoformat(), "venue": "Hall", "capacity": 10})
    assert refused.status_code == 422 and refused.json()["fieldErrors"][0]["field"] == ["course_id"]
