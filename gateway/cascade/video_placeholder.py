"""A stand-in for the video library's `Video` type, so that `SprintSession.videos` can
be in the schema before the library's gateway part (issue 15) is: the contract has the
field, and a session's clips are kept by the catalogue already.  Nothing resolves to it
— the field answers [] until a feature registers the "video" loader.

When the library's `Video` (@named) lands, delete this module and its import in
gateway/cascade/graph.py; SprintSession.videos then reads clips through its loader."""
from __future__ import annotations

import graphene

from gateway.graph.compose import named


@named
class Video(graphene.ObjectType):
    """A clip from the video library (its fields come with the library)."""

    id = graphene.ID(required=True)
    title = graphene.String(required=True)
