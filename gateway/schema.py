"""The GraphQL API's schema, assembled from the features (each folder of gateway/ with
a graph module): their root fields, and the fields they add to one another's types.

Resolvers never call a service once per item of a list: lists come from one list or
batch call (`?ids=`), through each request's loaders (gateway/graph/loaders.py).
"""
from __future__ import annotations

from graphql import print_schema

from gateway.calendar_feed.graph import CalendarFeedMutation, PersonCalendarFeed
from gateway.cascade.graph import CascadeExtensions, CascadeMutation, CascadeQuery
from gateway.catalogue.graph import CatalogueMutation, CatalogueQuery
from gateway.graph.compose import schema as compose
from gateway.networks.graph import NetworksMutation, NetworksQuery
from gateway.networks.network import RoleGrantNetwork
from gateway.orders.graph import BookingOrder, OrdersMutation, OrdersQuery, OrganisationOrders
from gateway.organisations.graph import OrganisationsMutation, OrganisationsQuery
from gateway.people.graph import PeopleMutation, PeopleQuery
from gateway.sessions.graph import SessionsMutation, SessionsQuery
from gateway.sessions.types import CourseSessions, PersonCpdRecord
from gateway.videos.graph import CourseVideos, VideosMutation, VideosQuery
from gateway.vouchers.graph import VouchersMutation, VouchersQuery

# In the order of the published schema (gateway/schema.graphql), which prints them so.
schema = compose(
    query=[NetworksQuery, SessionsQuery, PeopleQuery, OrganisationsQuery, OrdersQuery, CatalogueQuery, VouchersQuery,
           VideosQuery, CascadeQuery],
    mutation=[NetworksMutation, SessionsMutation, CalendarFeedMutation, CatalogueMutation, PeopleMutation,
              OrganisationsMutation, OrdersMutation, VouchersMutation, VideosMutation, CascadeMutation],
    extensions=[CourseSessions, PersonCpdRecord, PersonCalendarFeed, RoleGrantNetwork, OrganisationOrders, BookingOrder,
                CourseVideos, *CascadeExtensions],
)


def sdl() -> str:
    return print_schema(schema.graphql_schema) + "\n"
