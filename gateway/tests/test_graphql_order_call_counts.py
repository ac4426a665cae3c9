"""N+1 guard for the GraphQL lists of vouchers and of orders from schools outside the
trust (test_graphql_call_counts.py says what it guards and walks the schema for
cases): every voucher with its courses, a voucher's uses, an organisation's orders and
an order's lines — each costs the same calls for 10 items as for 100."""
from __future__ import annotations

import pytest
from sqlmodel import col, select

from gateway.tests.graph_counts import BOOKINGS, CATALOGUE, admin, organisations, people, signed_in
from services.bookings.tests.test_bookings_query_counts import sessions
from services.catalogue.tests.test_catalogue_query_counts import courses
from services.networks.tests.test_networks_query_counts import WHEN
from tests.support.counting import GraphAsk, GraphRead, assert_constant_graph_costs

# ---------- vouchers (admins only) ----------


def vouchers(course_ids: list[int | None], uses_by: list[int] = ()) -> list[int]:
    """A voucher for each course id (None: every course); the first used once by an
    order of each organisation in `uses_by`."""
    from services.bookings.db import database as bookings_database
    from services.bookings.orders.models import Order
    from services.bookings.vouchers.models import Voucher, VoucherUse

    with bookings_database().session() as db:
        made = [Voucher(code=f"CODE-{i:03d}", percent_off=10, max_uses=1000, uses=len(uses_by) if i == 0 else 0,
                        course_ids=None if c is None else [c], valid_from=WHEN.date(), valid_until=WHEN.date(),
                        created_by_id=1, created_by_name="Admin") for i, c in enumerate(course_ids)]
        orders = [Order(organisation_id=o, status="INVOICED", payment_method="INVOICE", total_pence=90,
                        discount_pence=10, created_by_id=1, created_by_name="Bursar") for o in uses_by]
        db.add_all(made + orders)
        db.flush()
        db.add_all([VoucherUse(voucher_id=made[0].id, order_id=o.id, organisation_id=o.organisation_id,
                               discount_pence=10) for o in orders])
        return [v.id for v in made]


def _vouchers(app, n: int) -> GraphAsk:
    client = admin(app)
    vouchers(courses(n, visibility="PUBLIC", external_price_pence=5000))
    return GraphAsk(client, "{ vouchers(first: 100) { edges { node { code courses { title } } } } }",
                    lambda data: sum(len(e["node"]["courses"]) for e in data["vouchers"]["edges"]))


def _voucher_uses(app, n: int) -> GraphAsk:
    client = admin(app)
    (voucher,) = vouchers([None], uses_by=organisations(n))
    return GraphAsk(client, """query($id: ID!) { voucher(id: $id) { used { orderId discountPence
        organisation { name } } } }""", lambda data: len(data["voucher"]["used"]), {"id": str(voucher)})


# ---------- orders of schools outside the trust ----------


def bought(org: int, lines_per_order: list[int]) -> list[int]:
    """Orders of `org` (in bookings' tables): one per item, with that many lines, each
    on a session (and course) of its own and naming two attendees."""
    from services.bookings.db import database as bookings_database
    from services.bookings.orders.models import Order, OrderAttendee, OrderLine
    from services.bookings.sessions.models import CourseSession

    made_sessions = sessions(sum(lines_per_order), course_id=courses(sum(lines_per_order)))
    with bookings_database().session() as db:
        # on sale to schools outside the trust, as any session a school bought is
        for row in db.exec(select(CourseSession).where(col(CourseSession.id).in_(made_sessions))).all():
            row.course_visibility, row.course_published = "PUBLIC", True
            db.add(row)
    made_sessions = iter(made_sessions)
    with bookings_database().session() as db:
        made = [Order(organisation_id=org, status="INVOICED", payment_method="INVOICE", total_pence=100,
                      created_by_id=501, created_by_name="Bursar") for _ in lines_per_order]
        db.add_all(made)
        db.flush()
        lines = [OrderLine(order_id=o.id, session_id=next(made_sessions), unit_price_pence=50, quantity=2)
                 for o, n in zip(made, lines_per_order) for _ in range(n)]
        db.add_all(lines)
        db.flush()
        db.add_all([OrderAttendee(line_id=ln.id, name=f"A{i}", email=f"a{i}@s.test") for ln in lines for i in range(2)])
        return [o.id for o in made]


ORDER_READ = """id status totalPence organisation { name } refunds { amountPence reason }
    lines { quantity bookings { id } session { startsAt course { title } } attendees { name email } }"""


def _organisation_orders(app, n: int) -> GraphAsk:
    (org,) = organisations(1)
    people(1, "booker", None, lambda _: [("external_booker", None, None)], organisation_id=org)
    bought(org, [1] * n)
    return GraphAsk(signed_in(app, "booker000@trust.test"), "{ myOrganisation { name orders { " + ORDER_READ
                    + " } } }", lambda data: len(data["myOrganisation"]["orders"]))


def _order_lines(app, n: int) -> GraphAsk:
    (org,) = organisations(1)
    (order,) = bought(org, [n])
    return GraphAsk(admin(app), "query($id: ID!) { order(id: $id) { " + ORDER_READ + " } }",
                    lambda data: len(data["order"]["lines"]), {"id": str(order)})


ORDER_CASES = [
    # the sign-in's session with me and my grants; the organisation (its orders' one read with it)
    GraphRead(("Organisation.orders",), "my organisation's orders, each on its own session", _organisation_orders, (
        f"{BOOKINGS} /orders", f"{BOOKINGS} /sessions", f"{CATALOGUE} /courses"), 2),
    GraphRead(("Order.lines",), "an order's lines, each on its own session, for an admin", _order_lines, (
        f"{BOOKINGS} /orders/<id>", f"{BOOKINGS} /sessions", f"{CATALOGUE} /courses"), 2),
    GraphRead(("Query.vouchers", "Voucher.courses"), "every voucher with its courses, for an admin", _vouchers, (
        f"{BOOKINGS} /vouchers", f"{CATALOGUE} /courses"), 1),
    GraphRead(("Voucher.used",), "a voucher's uses and their schools, for an admin", _voucher_uses, (
        f"{BOOKINGS} /vouchers/<id>",), 2),  # the organisations
]

ORDER_NOT_COUNTED = {
    "OrderLine.attendees": "a line's attendees, in the same answer as its order: nothing is read per item",
    "OrderLine.bookings": "always empty: an order's places are attendees, not bookings (gateway/orders/graph.py)",
    "Order.refunds": "an order's refunds, in the same answer as the order: nothing is read per item",
}


@pytest.mark.parametrize("case", ORDER_CASES, ids=lambda c: c.id)
def test_a_list_field_costs_the_same_calls_for_10_items_as_for_100(gateway_app, case):
    assert_constant_graph_costs(gateway_app, case)
