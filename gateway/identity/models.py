"""The gateway's own tables: people, schools, external organisations, role grants,
sign-in links with identity providers, and sign-in sessions."""
import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, Relationship

from shared.audit import audit_model
from shared.clock import utcnow
from shared.db import declarative_base, text_enum, utc_column
from shared.tokens import ROLES

# The gateway's own tables, all of them here (gateway/db.py hands them to Alembic).
GatewayModel = declarative_base("GatewayModel")


class SchoolPhase(str, enum.Enum):
    PRIMARY = "PRIMARY"
    SECONDARY = "SECONDARY"
    ALL_THROUGH = "ALL_THROUGH"


class RiskBand(str, enum.Enum):
    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"


Role = enum.Enum("Role", {r.upper(): r for r in ROLES}, type=str)


class School(GatewayModel, table=True):
    """A school of the trust."""

    __tablename__ = "school"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=sa.Column(sa.String(160), nullable=False))
    urn: str = Field(sa_column=sa.Column(sa.String(12), nullable=False, unique=True))
    phase: SchoolPhase = Field(sa_column=sa.Column(text_enum(SchoolPhase, "phase"), nullable=False))
    pupil_count: int | None = None
    # How much central support the school gets in cascaded CPD (gateway/identity/risk.py):
    # the central team's judgement, with why and when to look at it again; who set it and
    # when is its audit trail.  Never shown to the school's staff, its governors or anyone
    # outside the trust.
    risk_band: RiskBand = Field(sa_column=sa.Column(text_enum(RiskBand, "risk_band"), nullable=False))
    risk_reason: str | None = Field(default=None, sa_column=sa.Column(sa.String(500), nullable=True))
    risk_review_on: date | None = Field(default=None, sa_column=sa.Column(sa.Date, nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())


class Organisation(GatewayModel, table=True):
    """A school or body outside the trust that buys places."""

    __tablename__ = "organisation"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=sa.Column(sa.String(160), nullable=False))
    urn: str | None = Field(default=None, sa_column=sa.Column(sa.String(12), nullable=True, unique=True))
    billing_email: str = Field(sa_column=sa.Column(sa.String(254), nullable=False))
    address: str = Field(sa_column=sa.Column(sa.String(500), nullable=False))
    # Some schools' finance offices pay no invoice without their own order number on it.
    needs_purchase_order: bool = Field(default=False, sa_column=sa.Column(
        sa.Boolean, nullable=False, server_default=sa.false()))
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())


class Person(GatewayModel, table=True):
    """Someone who can sign in; matched to sign-ins by email (stored lower-case)."""

    __tablename__ = "person"
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(sa_column=sa.Column(sa.String(254), nullable=False, unique=True))
    name: str = Field(sa_column=sa.Column(sa.String(160), nullable=False))
    job_title: str | None = Field(default=None, sa_column=sa.Column(sa.String(120), nullable=True))
    school_id: int | None = Field(default=None, sa_column=sa.Column(
        sa.ForeignKey("school.id", ondelete="SET NULL"), nullable=True, index=True))
    organisation_id: int | None = Field(default=None, sa_column=sa.Column(
        sa.ForeignKey("organisation.id", ondelete="SET NULL"), nullable=True, index=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    last_login_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    # The secret in the person's calendar feed address.  Kept as it is (not hashed) so
    # My CPD can show the address again; it only ever reads the feed, and a new one
    # replaces it the moment the person resets it.
    calendar_token: str | None = Field(default=None, sa_column=sa.Column(sa.String(64), nullable=True, unique=True))

    grants: list["RoleGrant"] = Relationship(
        back_populates="person",
        sa_relationship_kwargs={"cascade": "all, delete-orphan", "lazy": "selectin",
                                "foreign_keys": "RoleGrant.person_id"},
    )


class RoleGrant(GatewayModel, table=True):
    """A role, scoped where it needs to be: a school (staff, school_leader, governor,
    sip — one row a school), a network (network_lead), or nothing (ll_admin)."""

    __tablename__ = "role_grant"
    __table_args__ = (
        sa.CheckConstraint(
            "(role <> 'network_lead' OR network_id IS NOT NULL) AND "
            "(role NOT IN ('staff', 'school_leader', 'sip', 'governor') OR school_id IS NOT NULL)",
            name="scope_present",
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(sa_column=sa.Column(sa.ForeignKey("person.id", ondelete="CASCADE"), nullable=False, index=True))
    role: Role = Field(sa_column=sa.Column(text_enum(Role, "role"), nullable=False))
    school_id: int | None = Field(default=None, sa_column=sa.Column(sa.ForeignKey("school.id", ondelete="CASCADE"), nullable=True))
    # A network belongs to the networks service: an id, never a foreign key.
    network_id: int | None = None
    granted_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    granted_by_id: int | None = Field(default=None, sa_column=sa.Column(sa.ForeignKey("person.id", ondelete="SET NULL"), nullable=True))

    person: Person = Relationship(back_populates="grants", sa_relationship_kwargs={"foreign_keys": "RoleGrant.person_id"})


class OidcIdentity(GatewayModel, table=True):
    """Which provider account signs in as which person, once the email matched."""

    __tablename__ = "oidc_identity"
    __table_args__ = (sa.UniqueConstraint("issuer", "subject"),)
    id: int | None = Field(default=None, primary_key=True)
    issuer: str = Field(sa_column=sa.Column(sa.String(300), nullable=False))
    subject: str = Field(sa_column=sa.Column(sa.String(255), nullable=False))
    person_id: int = Field(sa_column=sa.Column(sa.ForeignKey("person.id", ondelete="CASCADE"), nullable=False, index=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())


class LoginSession(GatewayModel, table=True):
    """A signed-in browser.  The cookie carries only the random id; signing out (or an
    idle or absolute timeout) ends the row, so a copied cookie stops working too."""

    __tablename__ = "login_session"
    id: str = Field(sa_column=sa.Column(sa.String(64), primary_key=True))
    person_id: int = Field(sa_column=sa.Column(sa.ForeignKey("person.id", ondelete="CASCADE"), nullable=False, index=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    last_seen_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    ended_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


# Who registered an organisation and who added whom to it, and every change of a
# school's risk band (shared/audit.py).
AuditEntry = audit_model(GatewayModel)
