"""GraphQL types for people, places and the catalogue, with their resolvers.

Resolvers never call a service once per item of a list: lists come from one list or
batch call (`?ids=`), and per-request caches keep repeated lookups to one round trip.
"""
from __future__ import annotations

import graphene
from graphql import GraphQLError
from sqlmodel import col, select

from gateway.identity.models import Organisation as OrganisationRow
from gateway.identity.models import Person as PersonRow
from gateway.identity.models import School as SchoolRow
from shared.paging import MAX_PAGE

# ---------- enums ----------


class Role(graphene.Enum):
    STAFF = "staff"
    SCHOOL_LEADER = "school_leader"
    NETWORK_LEAD = "network_lead"
    SIP = "sip"
    LL_ADMIN = "ll_admin"
    EXTERNAL_BOOKER = "external_booker"
    GOVERNOR = "governor"


def _names(*names: str) -> list[tuple[str, str]]:
    return [(n, n) for n in names]


SchoolPhase = graphene.Enum("SchoolPhase", _names("PRIMARY", "SECONDARY", "ALL_THROUGH"))
RiskBand = graphene.Enum("RiskBand", _names("LOW", "MEDIUM", "HIGH"))
Phase = graphene.Enum("Phase", _names("EYFS", "KS1", "KS2", "KS3", "KS4", "KS5"))
Audience = graphene.Enum("Audience", _names(
    "TEACHER", "LEARNING_PARTNER", "SUPPORT_STAFF", "SUBJECT_LEAD", "HEADTEACHER", "ECT", "GOVERNOR", "SUPPLY"))
Visibility = graphene.Enum("Visibility", _names("TRUST", "PUBLIC"))
DeliveryMode = graphene.Enum("DeliveryMode", _names("IN_PERSON", "ONLINE", "HYBRID"))
CourseStatus = graphene.Enum("CourseStatus", _names("DRAFT", "PUBLISHED", "ARCHIVED"))


def enum_value(value):
    """Graphene hands enum inputs over as members; the services want their values."""
    return getattr(value, "value", value)


# ---------- people and places ----------


def _may_see_people_of(identity, school_id: int | None) -> bool:
    """Admins see everyone; a school's leaders and its SIPs see that school's staff."""
    if identity.is_admin:
        return True
    if school_id is None:
        return False
    return school_id in identity.schools_for("school_leader") or school_id in identity.schools_for("sip")


class PageInfo(graphene.ObjectType):
    has_next_page = graphene.Boolean(required=True)
    end_cursor = graphene.String()


class UserError(graphene.ObjectType):
    field = graphene.List(graphene.NonNull(graphene.String))
    message = graphene.String(required=True)


class RoleGrant(graphene.ObjectType):
    id = graphene.ID(required=True)
    role = graphene.Field(Role, required=True)
    school_id = graphene.ID()
    network_id = graphene.ID()
    school = graphene.Field(lambda: School)
    network = graphene.Field(lambda: _networks_type("Network"), description="The network a network lead leads.")

    @staticmethod
    def resolve_role(grant, info):
        return grant.role.value

    @staticmethod
    def resolve_network(grant, info):
        from gateway.graph.networks import all_networks

        return all_networks(info.context).get(grant.network_id) if grant.network_id else None

    @staticmethod
    def resolve_school(grant, info):
        return _school(info.context, grant.school_id) if grant.school_id else None


class School(graphene.ObjectType):
    id = graphene.ID(required=True)
    name = graphene.String(required=True)
    urn = graphene.String(required=True)
    phase = graphene.Field(SchoolPhase, required=True)
    pupil_count = graphene.Int()
    risk_band = graphene.Field(RiskBand, required=True)
    staff = graphene.List(graphene.NonNull(lambda: Person), required=True,
                          description="Visible to admins and to the school's leaders and SIPs; empty otherwise.")

    @staticmethod
    def resolve_phase(school, info):
        return school.phase.value

    @staticmethod
    def resolve_risk_band(school, info):
        return school.risk_band.value

    @staticmethod
    def resolve_staff(school, info):
        ctx = info.context
        if not _may_see_people_of(ctx.identity, school.id):
            return []
        # One query for every school of the list being resolved, not one per school.
        by_school = ctx.cache.get("staff_by_school")
        if by_school is None or school.id not in by_school:
            wanted = set(ctx.cache.get("schools_in_view") or ()) | {school.id}
            rows = ctx.db.exec(select(PersonRow).where(col(PersonRow.school_id).in_(wanted))
                               .order_by(PersonRow.name)).all()
            by_school = {sid: [] for sid in wanted}
            for p in rows:
                by_school[p.school_id].append(p)
            ctx.cache["staff_by_school"] = by_school
        return by_school[school.id]


class Organisation(graphene.ObjectType):
    id = graphene.ID(required=True)
    name = graphene.String(required=True)
    urn = graphene.String()
    billing_email = graphene.String(required=True)


class Person(graphene.ObjectType):
    id = graphene.ID(required=True)
    name = graphene.String(required=True)
    email = graphene.String(description="Null where the viewer may not see it.")
    job_title = graphene.String()
    school = graphene.Field(School)
    organisation = graphene.Field(Organisation)
    roles = graphene.List(graphene.NonNull(RoleGrant), required=True)
    cpd_record = graphene.Field(lambda: _bookings_type("CpdRecord"), required=True,
                                academic_year=graphene.String(description="For example 2026-27; now when left out."))
    calendar_feed_url = graphene.String(required=True, description="Only for yourself: a private address of "
                                                                     "your bookings that calendars can subscribe to.")

    @staticmethod
    def resolve_cpd_record(person, info, academic_year=None):
        """The service shows the person themselves, their school's leaders and admins
        the record; anyone else gets an empty one."""
        from gateway.graph.bookings import cpd_record

        return cpd_record(info.context, person.id, academic_year)

    @staticmethod
    def resolve_calendar_feed_url(person, info):
        from gateway.graph.bookings import _public
        from gateway.identity.service import calendar_token

        ctx = info.context
        if ctx.identity.person_id != person.id:
            raise GraphQLError("Only the person themselves can see their calendar feed address.")
        return _public(f"/calendar/{calendar_token(ctx.db, person)}.ics")

    @staticmethod
    def resolve_email(person, info):
        identity = info.context.identity
        if identity.person_id == person.id or _may_see_people_of(identity, person.school_id):
            return person.email
        return None

    @staticmethod
    def resolve_school(person, info):
        return _school(info.context, person.school_id) if person.school_id else None

    @staticmethod
    def resolve_organisation(person, info):
        identity = info.context.identity
        if person.organisation_id is None:
            return None
        if identity.person_id != person.id and not identity.is_admin:
            return None
        return info.context.db.get(OrganisationRow, person.organisation_id)

    @staticmethod
    def resolve_roles(person, info):
        identity = info.context.identity
        if identity.person_id == person.id or _may_see_people_of(identity, person.school_id):
            return person.grants
        return []


def _school(ctx, school_id: int):
    schools = ctx.cache.get("schools_by_id")
    if schools is None:
        schools = {s.id: s for s in ctx.db.exec(select(SchoolRow)).all()}
        ctx.cache["schools_by_id"] = schools
    return schools.get(school_id)


# ---------- catalogue ----------


class Course(graphene.ObjectType):
    id = graphene.ID(required=True)
    slug = graphene.String(required=True)
    title = graphene.String(required=True)
    summary = graphene.String(required=True)
    description = graphene.String(required=True)
    subject = graphene.String(required=True)
    phases = graphene.List(graphene.NonNull(Phase), required=True)
    audiences = graphene.List(graphene.NonNull(Audience), required=True)
    provider = graphene.String(required=True)
    delivery_mode = graphene.Field(DeliveryMode, required=True)
    duration_minutes = graphene.Int(required=True)
    visibility = graphene.Field(Visibility, required=True)
    status = graphene.Field(CourseStatus, required=True)
    external_price_pence = graphene.Int()
    updated_at = graphene.DateTime(description="Null for a course seen only as a session of yours keeps it.")
    sessions = graphene.List(graphene.NonNull(lambda: _session_type()), required=True,
                             upcoming=graphene.Boolean(default_value=True))
    feedback = graphene.Field(lambda: _bookings_type("CourseFeedback"),
                              description="Admins: attendees' ratings and comments; null for everyone else.")

    @staticmethod
    def resolve_feedback(course, info):
        from gateway.graph.bookings import course_feedback

        return course_feedback(info.context, course["id"])

    @staticmethod
    def resolve_sessions(course, info, upcoming=True):
        from gateway.graph.bookings import sessions_for_course

        return sessions_for_course(info.context, course["id"], upcoming)

    @staticmethod
    def resolve_updated_at(course, info):
        from datetime import datetime

        return datetime.fromisoformat(course["updated_at"]) if course["updated_at"] else None


def _bookings_type(name: str):
    from gateway.graph import bookings

    return getattr(bookings, name)


def _networks_type(name: str):
    from gateway.graph import networks

    return getattr(networks, name)


def _session_type():
    from gateway.graph.bookings import Session

    return Session


class CourseEdge(graphene.ObjectType):
    node = graphene.Field(Course, required=True)
    cursor = graphene.String(required=True)


class CourseConnection(graphene.ObjectType):
    edges = graphene.List(graphene.NonNull(CourseEdge), required=True)
    page_info = graphene.Field(PageInfo, required=True)
    total_count = graphene.Int(required=True)


class CourseInput(graphene.InputObjectType):
    id = graphene.ID()
    title = graphene.String(required=True)
    summary = graphene.String(required=True)
    description = graphene.String(required=True)
    subject = graphene.String(required=True)
    phases = graphene.List(graphene.NonNull(Phase), required=True)
    audiences = graphene.List(graphene.NonNull(Audience), required=True)
    provider = graphene.String(required=True)
    delivery_mode = graphene.Field(DeliveryMode, required=True)
    duration_minutes = graphene.Int(required=True)
    visibility = graphene.Field(Visibility, required=True)
    status = graphene.Field(CourseStatus, required=True)
    external_price_pence = graphene.Int()


class CoursePayload(graphene.ObjectType):
    course = graphene.Field(Course)
    user_errors = graphene.List(graphene.NonNull(UserError), required=True)


def _page_args(first: int | None, after: str | None) -> dict:
    if first is None:
        first = 20
    if not 0 <= first <= MAX_PAGE:
        raise GraphQLError(f"`first` must be between 0 and {MAX_PAGE}; ask for the next page with `after`.")
    params = {"first": first}
    if after:
        params["after"] = after
    return params


def _connection(page: dict) -> dict:
    return {
        "edges": [{"node": n, "cursor": c} for n, c in zip(page["items"], page["cursors"])],
        "page_info": {"has_next_page": page["has_next"], "end_cursor": page["end_cursor"]},
        "total_count": page["total"],
    }


# ---------- root ----------
