"""The cascade feature's root fields and the fields it adds to other features' types,
in the order the published schema lists them; each is resolved in the module it comes
from."""
from __future__ import annotations

import graphene

from gateway.cascade.bands import SchoolSupportBand, set_risk_band
from gateway.graph.mutations import mutations


class CascadeQuery(graphene.ObjectType):
    """Programmes and sprints come next."""


CascadeMutation = mutations("CascadeMutation", set_risk_band)
CascadeExtensions = [SchoolSupportBand]
