"""The academic calendar: each year's terms with their half terms, and the days schools are closed."""
from datetime import date

import sqlalchemy as sa
from sqlmodel import Field

from services.networks.db import NetworksModel
from shared.db import text_enum
from shared.vocabulary import ClosureKind, TermName


class Term(NetworksModel, table=True):
    """One term of an academic year, with its half term."""

    __tablename__ = "term"
    __table_args__ = (
        sa.UniqueConstraint("academic_year", "name"),
        sa.CheckConstraint("ends_on > starts_on", name="ends_after_start"),
        sa.CheckConstraint("half_term_starts_on >= starts_on AND half_term_ends_on <= ends_on "
                           "AND half_term_ends_on >= half_term_starts_on", name="half_term_inside"),
    )

    id: int | None = Field(default=None, primary_key=True)
    academic_year: str = Field(sa_column=sa.Column(sa.String(7), nullable=False, index=True))
    name: TermName = Field(sa_column=sa.Column(text_enum(TermName, "name"), nullable=False))
    starts_on: date = Field(sa_column=sa.Column(sa.Date, nullable=False))
    ends_on: date = Field(sa_column=sa.Column(sa.Date, nullable=False))
    half_term_starts_on: date = Field(sa_column=sa.Column(sa.Date, nullable=False))
    half_term_ends_on: date = Field(sa_column=sa.Column(sa.Date, nullable=False))


class Closure(NetworksModel, table=True):
    """A weekday in term when schools are shut: an INSET day or a bank holiday."""

    __tablename__ = "closure"
    __table_args__ = (sa.UniqueConstraint("term_id", "on_date"),)

    id: int | None = Field(default=None, primary_key=True)
    term_id: int = Field(sa_column=sa.Column(sa.ForeignKey("term.id", ondelete="CASCADE"), nullable=False, index=True))
    on_date: date = Field(sa_column=sa.Column(sa.Date, nullable=False))
    kind: ClosureKind = Field(sa_column=sa.Column(text_enum(ClosureKind, "kind"), nullable=False))
    note: str | None = Field(default=None, sa_column=sa.Column(sa.String(120)))
