"""The gateway's GraphQL schema: the public contract, as far as it is delivered.

Resolvers never call a service once per item of a list: lists come from one list or
batch call (`?ids=`), and per-request caches keep repeated lookups to one round trip.
"""
from __future__ import annotations

import graphene

from gateway.graph.bookings import BookingsMutation, BookingsQuery
from gateway.graph.catalogue import CatalogueMutation, CatalogueQuery
from gateway.graph.networks import NetworksMutation, NetworksQuery


class Query(CatalogueQuery, BookingsQuery, NetworksQuery):
    pass


class Mutation(CatalogueMutation, BookingsMutation, NetworksMutation):
    pass


schema = graphene.Schema(query=Query, mutation=Mutation)


def sdl() -> str:
    from graphql import print_schema

    return print_schema(schema.graphql_schema) + "\n"
