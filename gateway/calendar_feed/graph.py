"""The calendar feed in the GraphQL API: `Person.calendarFeedUrl` and
`resetCalendarFeed`.  The feed's secret is the gateway's own (gateway/identity)."""
from __future__ import annotations

import graphene
from graphql import GraphQLError

from gateway.graph.compose import Extension
from gateway.graph.mutations import mutation, mutations
from gateway.graph.values import public_url
from gateway.identity.service import calendar_token, reset_calendar_token


class PersonCalendarFeed(Extension):
    extends = "Person"
    calendar_feed_url = graphene.String(required=True, description="Only for yourself: a private address of "
                                                                     "your bookings that calendars can subscribe to.")

    @staticmethod
    def resolve_calendar_feed_url(person, info):
        ctx = info.context
        if ctx.identity.person_id != person.id:
            raise GraphQLError("Only the person themselves can see their calendar feed address.")
        return public_url(f"/calendar/{calendar_token(ctx.db, person)}.ics")


@mutation(graphene.String)
def reset_calendar_feed(root, info):
    """A new private calendar address for the signed-in person; the old one stops
    working at once (for a link shared by mistake)."""
    ctx = info.context
    if ctx.person is None:
        raise GraphQLError("Sign in to manage your calendar feed.")
    return public_url(f"/calendar/{reset_calendar_token(ctx.db, ctx.person)}.ics")


CalendarFeedMutation = mutations("CalendarFeedMutation", reset_calendar_feed)
