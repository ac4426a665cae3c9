"""N+1 guard for the GraphQL API: every list field, read with the fields below its items
(those read by id through the loaders included), costs the same calls to the services,
and the same statements on the gateway's own database, for 10 items as for 100
(tests/support/counting.py).  Each feature's cases are beside it, in
test_graphql_{network,booking,people,order,cascade,video}_call_counts.py, with what
they share in graph_counts.py.  The test here walks the schema: a list field no case
grows fails it until it has one, or a reason (here, or beside its feature's cases) why
it needs none.

The items are made straight in each component's tables, as the services' own query
counts make theirs (their helpers are used there), with gateway people to match."""
from __future__ import annotations

from gateway.tests.test_graphql_booking_call_counts import BOOKING_CASES
from gateway.tests.test_graphql_cascade_call_counts import CASCADE_CASES, CASCADE_NOT_COUNTED
from gateway.tests.test_graphql_network_call_counts import NETWORK_CASES, NETWORK_NOT_COUNTED
from gateway.tests.test_graphql_order_call_counts import ORDER_CASES, ORDER_NOT_COUNTED
from gateway.tests.test_graphql_people_call_counts import PEOPLE_CASES
from gateway.tests.test_graphql_video_call_counts import CONTINUE, VIDEO_CASES, VIDEO_NOT_COUNTED
from tests.support.counting import uncovered_list_fields

CASES = [*NETWORK_CASES, *BOOKING_CASES, *PEOPLE_CASES, *ORDER_CASES, *CASCADE_CASES, *VIDEO_CASES, CONTINUE]

# lists no case grows, and why; a feature's own are beside its cases
NOT_COUNTED = {
    r"\w+Payload\.userErrors": "a mutation's refusals, made from the one answer it had: nothing is read per item",
    r"\w+Connection\.edges": "the page of the field that answers the connection (Query.sessions, Query.people, "
                             "Query.courses): counted there",
    "AuditEntry.changes": "an entry's changed fields, in the same answer as the entry: nothing is read per item",
    **NETWORK_NOT_COUNTED,
    **ORDER_NOT_COUNTED,
    **CASCADE_NOT_COUNTED,
    **VIDEO_NOT_COUNTED,
}


def test_every_list_field_has_a_count():
    from gateway.schema import schema

    assert uncovered_list_fields(schema.graphql_schema, CASES, NOT_COUNTED) == []
