"""The copies the catalogue keeps, and the versions it has applied (shared.facts.Keeper)."""
from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Field

from services.catalogue.db import CatalogueModel
from shared.db import text_enum
from shared.facts import Keeper
from shared.school_days import SchoolDays
from shared.vocabulary import RiskBand

FACTS = Keeper.on(CatalogueModel)
SCHOOL_DAYS = SchoolDays.on(CatalogueModel)


class SchoolBand(CatalogueModel, table=True):
    """A trust school's risk band as the central team set it in the gateway; a school
    with no row is one the copy has no band for."""

    __tablename__ = "school_band"

    school_id: int = Field(sa_column=sa.Column(sa.Integer, primary_key=True, autoincrement=False))
    band: RiskBand = Field(sa_column=sa.Column(text_enum(RiskBand, "band"), nullable=False))
