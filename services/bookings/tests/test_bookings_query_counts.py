"""N+1 guard: every list the bookings service answers costs the same SQL statements
for 10 items as for 100 (tests/support/counting.py), and every GET route is either
such a list, with its count here, or says why it is not one.

The items are made straight in the tables, and in the states that cost something to
answer: places on the waiting list (their positions), sessions the caller holds a
place on (the online link), with somebody waiting (the queue's length)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import select

from services.bookings.bookings.models import Booking
from services.bookings.db import database
from services.bookings.sessions.models import CourseSession
from shared import tokens
from shared.vocabulary import BookingStatus
from tests.support.counting import Ask, ListRead, assert_constant_queries, uncovered_routes
from tests.support.fixtures import ADMIN

SOON = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=14)
# Sessions of the 2025-26 academic year, for a CPD record: the autumn term of 2025.
LAST_YEAR = datetime(2025, 10, 1, 15, 30, tzinfo=timezone.utc)
SCHOOL = 1
STAFF = tokens.Identity(subject="7", name="Tara Teacher", email="p7@trust.test", school_id=SCHOOL,
                        grants=(tokens.Grant("staff", school_id=SCHOOL),))
LEADER = tokens.Identity(subject="9", name="Hana Head", email="p9@trust.test", school_id=SCHOOL, grants=(
    tokens.Grant("staff", school_id=SCHOOL), tokens.Grant("school_leader", school_id=SCHOOL)))
LEAD = tokens.Identity(subject="50", name="Mo Lead", grants=(tokens.Grant("network_lead", network_id=1),))


def sessions(n: int, start: datetime = SOON, course_id: int | list[int] | None = 1) -> list[int]:
    """n sessions a day apart: of course `course_id`, or each of its own course (of
    these, or 1, 2, 3…)."""
    course_ids = course_id if isinstance(course_id, list) else [course_id or 1 + i for i in range(n)]
    with database().session() as db:
        rows = [CourseSession(
            course_id=course_ids[i], course_title=f"Phonics {i:03d}", course_subject="English",
            course_phases=",KS1,", starts_at=start + timedelta(days=i), ends_at=start + timedelta(days=i, hours=2),
            venue="Saltmarsh Primary", online_url="https://meet.test/phonics", capacity=1000, requires_approval=True,
            booking_closes_at=start + timedelta(days=i - 1), cancellation_deadline=start + timedelta(days=i - 2))
            for i in range(n)]
        db.add_all(rows)
        db.flush()
        return [r.id for r in rows]


def bookings(rows: list[tuple[int, int, BookingStatus]], school_id: int = SCHOOL, **values) -> list[int]:
    """(session id, person id, status) each, booked through `school_id`."""
    with database().session() as db:
        made = [Booking(session_id=s, person_id=p, attendee_name=f"Person {p}", attendee_email=f"p{p}@trust.test",
                        school_id=school_id, booked_by_id=p, status=status, **values) for s, p, status in rows]
        db.add_all(made)
        db.flush()
        return [b.id for b in made]


def places(session_ids: list[int], person_id: int = 7) -> None:
    """On each session, somebody waiting and then `person_id`: half of them with a
    confirmed place, the other half second in the queue."""
    bookings([(s, 1000 + i, BookingStatus.WAITLISTED) for i, s in enumerate(session_ids)])
    bookings([(s, person_id, BookingStatus.CONFIRMED if i % 2 else BookingStatus.WAITLISTED)
              for i, s in enumerate(session_ids)])


def items(response) -> int:
    return len(response.json()["items"])


def mine(response) -> int:
    return sum(b["person_id"] == 7 for b in response.json()["items"])


def ids(numbers) -> str:
    return ",".join(map(str, numbers))


def _sessions_page(n: int) -> Ask:
    places(sessions(n))
    return Ask("/sessions", STAFF, items, params={"first": 100})


def _sessions_batch(n: int) -> Ask:
    made = sessions(n)
    places(made)
    return Ask("/sessions", STAFF, items, params={"ids": ids(made)})


def _sessions_of_courses(n: int) -> Ask:
    places(sessions(n, course_id=None))
    return Ask("/sessions", STAFF, items, params={"course_ids": ids(range(1, n + 1)), "upcoming": "true"})


def _my_bookings(n: int) -> Ask:
    places(sessions(n))
    return Ask("/bookings/mine", STAFF, items, params={"upcoming": "true"})


def _my_bookings_on_sessions(n: int) -> Ask:
    made = sessions(n)
    places(made)
    return Ask("/bookings/mine", STAFF, items, params={"session_ids": ids(made)})


def _session_bookings(n: int) -> Ask:
    (session,) = sessions(1)
    bookings([(session, 100 + i, BookingStatus.CONFIRMED if i % 2 else BookingStatus.WAITLISTED) for i in range(n)])
    return Ask(f"/sessions/{session}/bookings", ADMIN, items)


def _bookings_by_session(n: int) -> Ask:
    made = sessions(n)
    places(made)
    return Ask("/bookings/by-session", LEADER, mine, params={"session_ids": ids(made)})


def _school_bookings(n: int) -> Ask:
    places(sessions(n))
    return Ask("/bookings/school", LEADER, mine, params={"school_id": SCHOOL})


def _school_bookings_narrowed(n: int) -> Ask:
    places(sessions(n))
    span = {"from": SOON.date().isoformat(), "to": (SOON + timedelta(days=n)).date().isoformat()}
    return Ask("/bookings/school", LEADER, items, params={
        "school_id": SCHOOL, "upcoming": "false", "person_id": 7, "subject": "english", **span})


def _awaiting_approval(n: int) -> Ask:
    bookings([(s, 7, BookingStatus.PENDING_APPROVAL) for s in sessions(n)])
    return Ask("/bookings/awaiting-approval", LEADER, items)


def _my_calendar(n: int) -> Ask:
    bookings([(s, 7, BookingStatus.CONFIRMED) for s in sessions(n)])
    return Ask("/bookings/mine/calendar", STAFF, lambda r: r.text.count("BEGIN:VEVENT"))


def _course_feedback(n: int) -> Ask:
    bookings([(s, 7, BookingStatus.ATTENDED) for s in sessions(n, LAST_YEAR)], feedback_rating=4,
             feedback_comment="Useful", feedback_at=LAST_YEAR + timedelta(days=120))
    return Ask("/courses/1/feedback", ADMIN, items)


def _courses_feedback(n: int) -> Ask:
    bookings([(s, 7, BookingStatus.ATTENDED) for s in sessions(n, LAST_YEAR, course_id=None)], feedback_rating=4,
             feedback_comment="Useful", feedback_at=LAST_YEAR + timedelta(days=120))
    return Ask("/courses/feedback", ADMIN, lambda r: sum(len(f["items"]) for f in r.json()["items"]),
               params={"course_ids": ids(range(1, n + 1))})


def _cpd_record(n: int) -> Ask:
    bookings([(s, 7, BookingStatus.ATTENDED) for s in sessions(n, LAST_YEAR)])
    return Ask("/cpd-record", STAFF, lambda r: len(r.json()["entries"]),
               params={"person_id": 7, "academic_year": "2025-26"})


def _cpd_records(n: int) -> Ask:
    """n people's records, each of one session attended through the leader's school."""
    made = sessions(n, LAST_YEAR)
    bookings([(s, 100 + i, BookingStatus.ATTENDED) for i, s in enumerate(made)])
    return Ask("/cpd-records", LEADER, lambda r: sum(len(p["entries"]) for p in r.json()["items"]),
               params={"person_ids": ids(range(100, 100 + n)), "academic_year": "2025-26"})


def _school_hours(n: int) -> Ask:
    """n staff of the leader's school, each with a session attended in one of two terms."""
    made = sessions(n, LAST_YEAR)
    bookings([(s, 100 + i, BookingStatus.ATTENDED) for i, s in enumerate(made)])
    return Ask("/cpd-hours", LEADER, items, params={"school_id": SCHOOL, "bounds": "2025-09-01,2026-01-05,2026-09-01"})


def _my_hours(n: int) -> Ask:
    """One person's hours, from n sessions attended: one item however many."""
    bookings([(s, 7, BookingStatus.ATTENDED) for s in sessions(n, LAST_YEAR)])
    return Ask("/cpd-hours", STAFF, lambda r: r.json()["items"][0]["sessions"][0],
               params={"person_id": 7, "bounds": "2025-09-01,2026-09-01"})


def _commitments(n: int) -> Ask:
    bookings([(s, 100 + i, BookingStatus.CONFIRMED) for i, s in enumerate(sessions(n))])
    span = {"from": SOON.isoformat(), "to": (SOON + timedelta(days=n)).isoformat()}
    return Ask("/bookings/commitments", LEAD, items, method="POST",
               json={"person_ids": list(range(100, 100 + n)), **span})


def _admin_dashboard(n: int) -> Ask:
    """n places attended and rated on n governor-course sessions begun in the last hours:
    each is this week's, a register to take, recent feedback and governor CPD at once."""
    now = datetime.now(timezone.utc)
    made = sessions(n, now - timedelta(hours=n // 2 + 1), course_id=1)
    with database().session() as db:  # half an hour apart, all started
        for i, row in enumerate(db.exec(select(CourseSession).where(CourseSession.id.in_(made))).all()):
            row.starts_at = now - timedelta(minutes=30 * (i + 1))
            row.ends_at = row.starts_at + timedelta(hours=2)
    bookings([(s, 7, BookingStatus.ATTENDED) for s in made], feedback_rating=4, feedback_at=now)
    return Ask("/dashboards/admin", ADMIN, lambda r: r.json()["governor_cpd"]["attended"],
               params={"governor_course_ids": "1"})


def _attendance_by_school(n: int) -> Ask:
    """n source sessions of a cascade, each attended by two of a school of its own."""
    made = sessions(n, LAST_YEAR)
    for i, s in enumerate(made):
        bookings([(s, 100 + i, BookingStatus.ATTENDED), (s, 200 + i, BookingStatus.ATTENDED)], school_id=10 + i)
    return Ask("/attendance/by-school", ADMIN, items, params={"session_ids": ids(made)})


def logged(rows: list[tuple[str, int, tuple | None]]) -> None:
    """An audit entry for each (object type, id, parent)."""
    from services.bookings.audit import AuditEntry
    from shared.audit import log_action

    with database().session() as db:
        for kind, object_id, parent in rows:
            log_action(db, AuditEntry, ADMIN, f"{kind}.changed", (kind, object_id), {"status": ["A", "B"]},
                       parent=parent)


def _history(n: int) -> Ask:
    [session] = sessions(1)
    logged([("session", session, None)] * (n // 2) + [("booking", i, ("session", session)) for i in range(n - n // 2)])
    return Ask(f"/history/session/{session}", ADMIN, items, params={"first": 100})


def _histories(n: int) -> Ask:
    made = sessions(n, course_id=None)
    logged([("booking", i, ("session", s)) for i, s in enumerate(made)])
    return Ask("/history/session", ADMIN, items, params={"ids": ids(made)})


def orders(n: int, organisation_id: int = 7) -> None:
    """n orders of one organisation, each of a line with two attendees and a credit note."""
    from services.bookings.invoices.models import CreditNote
    from services.bookings.orders.models import Order, OrderAttendee, OrderLine

    [session] = sessions(1)
    with database().session() as db:
        made = [Order(organisation_id=organisation_id, status="INVOICED", payment_method="INVOICE", total_pence=100,
                      created_by_id=501, created_by_name="Bursar") for _ in range(n)]
        db.add_all(made)
        db.flush()
        lines = [OrderLine(order_id=o.id, session_id=session, unit_price_pence=50, quantity=2) for o in made]
        db.add_all(lines)
        db.flush()
        db.add_all([OrderAttendee(line_id=ln.id, name=f"A{i}", email=f"a{i}@s.test") for ln in lines for i in range(2)])
        db.add_all([CreditNote(number=i + 1, order_id=o.id, amount_pence=10, reason="Goodwill")
                    for i, o in enumerate(made)])


BURSAR = tokens.Identity(subject="501", name="Bella Bursar", organisation_id=7,
                         grants=(tokens.Grant("external_booker"),))


def _orders(n: int) -> Ask:
    orders(n)
    return Ask("/orders", BURSAR, items, params={"first": 100})


def _card_orders(n: int) -> Ask:
    """n paid card orders, each with its intent and two refunds."""
    import sqlalchemy as sa

    from services.bookings.orders.models import Order
    from services.bookings.payments.models import CardPayment, OrderRefund

    orders(n)
    with database().session() as db:
        ids = db.exec(sa.select(Order.id)).scalars().all()
        db.execute(sa.update(Order).values(payment_method="CARD", status="PARTIALLY_REFUNDED"))
        db.add_all([CardPayment(order_id=i, payment_intent_id=f"pi_{i}", client_secret=f"pi_{i}_secret",
                                paid_pence=100, refunded_pence=20) for i in ids])
        db.flush()
        db.add_all([OrderRefund(order_id=i, amount_pence=10, reason="Goodwill", idempotency_key=f"k{k}",
                                stripe_refund_id=f"re_{i}_{k}") for i in ids for k in range(2)])
    return Ask("/orders", BURSAR, items, params={"first": 100})


def _all_orders(n: int) -> Ask:
    orders(n)
    return Ask("/orders", ADMIN, items, params={"first": 100, "organisation_id": 7})


def _vouchers(n: int) -> Ask:
    """n vouchers, each used by an order."""
    from services.bookings.orders.models import Order
    from services.bookings.vouchers.models import Voucher, VoucherUse

    with database().session() as db:
        made = [Voucher(code=f"CODE-{i:03d}", percent_off=10, max_uses=5, uses=1, valid_from=SOON.date(),
                        valid_until=SOON.date(), created_by_id=1, created_by_name="Admin") for i in range(n)]
        bought = [Order(organisation_id=7, status="INVOICED", payment_method="INVOICE", total_pence=90,
                        discount_pence=10, created_by_id=501, created_by_name="Bursar") for _ in range(n)]
        db.add_all(made + bought)
        db.flush()
        db.add_all([VoucherUse(voucher_id=v.id, order_id=o.id, organisation_id=7, discount_pence=10)
                    for v, o in zip(made, bought)])
    return Ask("/vouchers", ADMIN, items, params={"first": 100})


# route, what is asked, statements
CASES = [
    # count, page, the queues' lengths, the caller's confirmed places
    ListRead("GET /sessions", "a page, for trust staff", _sessions_page, 4),
    ListRead("GET /sessions", "a batch read by ids", _sessions_batch, 4),
    ListRead("GET /sessions", "the sessions of several courses", _sessions_of_courses, 4),
    # the bookings, and the waiting-list positions of those that wait
    ListRead("GET /bookings/mine", "my bookings", _my_bookings, 2),
    ListRead("GET /bookings/mine", "my bookings on these sessions", _my_bookings_on_sessions, 2),
    ListRead("GET /sessions/<int:session_id>/bookings", "a session's bookings, for admins", _session_bookings, 2),
    ListRead("GET /bookings/by-session", "the bookings of several sessions, for a leader", _bookings_by_session, 2),
    ListRead("GET /bookings/school", "a school's bookings", _school_bookings, 2),
    ListRead("GET /bookings/school", "narrowed by person, subject and days (My school)", _school_bookings_narrowed, 2),
    ListRead("GET /bookings/awaiting-approval", "a leader's decisions to make", _awaiting_approval, 1),
    ListRead("GET /bookings/mine/calendar", "my calendar feed", _my_calendar, 1),
    # the count and average, the latest comments
    ListRead("GET /courses/<int:course_id>/feedback", "a course's feedback", _course_feedback, 2),
    ListRead("GET /courses/feedback", "several courses' feedback", _courses_feedback, 2),
    ListRead("GET /cpd-record", "a year's CPD record", _cpd_record, 1),
    ListRead("GET /cpd-records", "several people's records, for their school's leader", _cpd_records, 1),
    ListRead("GET /cpd-hours", "a school's staff's hours by term, for its leader", _school_hours, 1),
    ListRead("GET /cpd-hours", "a person's own hours, from many sessions", _my_hours, 1),
    ListRead("GET /attendance/by-school", "who from each school came to a cascade's sessions, for admins",
             _attendance_by_school, 1),
    ListRead("POST /bookings/commitments", "members' trust CPD (a read sent as POST)", _commitments, 1),
    ListRead("GET /history/<object_type>/<object_id>", "a session's history with its bookings'", _history, 1),
    ListRead("GET /history/<object_type>", "several sessions' histories", _histories, 1),
    # count, orders, their lines, the lines' attendees, the attendees' bookings, their credit notes
    ListRead("GET /orders", "an organisation's orders, for its booker", _orders, 6),
    ListRead("GET /orders", "an organisation's orders, for admins", _all_orders, 6),
    # … and for card orders, their payments and refunds
    ListRead("GET /orders", "an organisation's card orders with their refunds", _card_orders, 8),
    # count, vouchers, what their uses took off
    ListRead("GET /vouchers", "every voucher, for admins", _vouchers, 3),
    # this week, registers to take, under-filled, feedback, governor CPD
    ListRead("GET /dashboards/admin", "the admin home's figures", _admin_dashboard, 5),
]

NOT_LISTS = {
    "GET /sessions/<int:session_id>": "one session",
    "GET /sessions/<int:session_id>/calendar": "one session's calendar entry",
    "GET /bookings/<int:booking_id>": "one booking",
    "GET /bookings/<int:booking_id>/calendar": "one booking's calendar entry",
    "GET /bookings/<int:booking_id>/certificate": "one certificate",
    "GET /orders/<int:order_id>": "one order",
    "GET /income": "a few figures per period, summed from five queries however many orders",
    "GET /orders/<int:order_id>/invoice.pdf": "one document",
    "GET /orders/<int:order_id>/credit-notes/<number>.pdf": "one document",
    "GET /orders/<int:order_id>/receipt.pdf": "one document (its order's refunds, in one query)",
    "GET /vouchers/<int:voucher_id>": "one voucher (its uses are bounded by its max_uses, in one query)",
}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_a_list_costs_the_same_statements_for_10_items_as_for_100(case, service_call):
    assert_constant_queries("bookings", case, service_call)


def test_every_list_the_bookings_service_answers_has_a_count(stack):
    assert uncovered_routes(stack.bookings.app, CASES, NOT_LISTS) == []
