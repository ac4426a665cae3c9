"""Queries and mutations on people, roles and the catalogue."""
from __future__ import annotations

import logging

import graphene
from graphql import GraphQLError
from sqlmodel import func, or_, select

from gateway.backends import BackendError, BackendUnavailable
from gateway.graph.bookings import forget_cached_leaders
from gateway.graph.errors import as_graphql_error
from gateway.graph.ids import parse_id, parse_slug
from gateway.graph.payloads import called, no_such, refused
from gateway.graph.types import (
    Audience,
    Course,
    CourseConnection,
    CourseInput,
    CoursePayload,
    CourseStatus,
    DeliveryMode,
    PageInfo,
    Person,
    Phase,
    Role,
    School,
    UserError,
    Visibility,
    _connection,
    _page_args,
    _school,
    enum_value,
)
from gateway.identity import service as identity_service
from gateway.identity.models import Person as PersonRow
from gateway.identity.models import School as SchoolRow
from shared.errors import ApiError
from shared.paging import decode_cursor, page_of

log = logging.getLogger(__name__)


class CatalogueQuery(graphene.ObjectType):
    me = graphene.Field(Person, description="Who is signed in; null for a visitor.")
    schools = graphene.List(graphene.NonNull(School), required=True)
    school = graphene.Field(School, id=graphene.ID(required=True))
    people = graphene.Field(lambda: PersonConnection, required=True, search=graphene.String(),
                            first=graphene.Int(default_value=50), after=graphene.String(),
                            description="Admins only: people matching a name or email, by name, a page at a time.")
    courses = graphene.Field(
        CourseConnection, required=True,
        search=graphene.String(), subject=graphene.String(), phase=Phase(), audience=Audience(),
        visibility=Visibility(), delivery_mode=DeliveryMode(), status=CourseStatus(),
        first=graphene.Int(default_value=20), after=graphene.String(),
    )
    course = graphene.Field(Course, slug=graphene.String(required=True))
    course_subjects = graphene.List(graphene.NonNull(graphene.String), required=True,
                                    description="Subjects of the courses you can see, for filters.")

    @staticmethod
    def resolve_me(root, info):
        return info.context.person

    @staticmethod
    def resolve_schools(root, info):
        rows = info.context.db.exec(select(SchoolRow).order_by(SchoolRow.name)).all()
        info.context.cache["schools_in_view"] = [s.id for s in rows]
        info.context.cache["schools_by_id"] = {s.id: s for s in rows}
        return rows

    @staticmethod
    def resolve_school(root, info, id):
        school_id = parse_id(id)
        return _school(info.context, school_id) if school_id else None

    @staticmethod
    def resolve_people(root, info, search=None, first=50, after=None):
        ctx = info.context
        if not ctx.identity.is_admin:
            raise GraphQLError("Only Lighthouse Learning admins can list people.")
        params = _page_args(first, after)
        try:
            offset = decode_cursor(after)
        except ApiError as exc:
            raise GraphQLError(exc.message) from None
        matching = select(PersonRow)
        if search and search.strip():
            # the search is words people type, not a pattern: % and _ match themselves
            text = search.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            like = f"%{text}%"
            matching = matching.where(or_(func.lower(PersonRow.name).like(like, escape="\\"),
                                          PersonRow.email.like(like, escape="\\")))
        total = ctx.db.exec(select(func.count()).select_from(matching.subquery())).one()
        rows = ctx.db.exec(matching.order_by(PersonRow.name, PersonRow.id).offset(offset).limit(params["first"])).all()
        return _connection(page_of(list(rows), total, offset))

    @staticmethod
    def resolve_courses(root, info, first=20, after=None, **filters):
        params = _page_args(first, after)
        for key, value in filters.items():
            if value is not None and value != "":
                params[key] = enum_value(value)
        try:
            page = info.context.call("catalogue", "GET", "/courses", params=params)
            info.context.cache["courses_in_view"] = [c["id"] for c in page["items"]]
            return _connection(page)
        except (BackendUnavailable, BackendError) as exc:
            raise as_graphql_error(exc) from exc

    @staticmethod
    def resolve_course(root, info, slug):
        if parse_slug(slug) is None:
            return None
        try:
            course = info.context.call("catalogue", "GET", f"/courses/by-slug/{slug}")
            info.context.cache.setdefault("courses_in_view", []).append(course["id"])
            return course
        except BackendError as exc:
            if exc.status in (404, 422):
                return None
            raise as_graphql_error(exc) from exc
        except BackendUnavailable as exc:
            raise as_graphql_error(exc) from exc

    @staticmethod
    def resolve_course_subjects(root, info):
        try:
            return info.context.call("catalogue", "GET", "/courses/subjects")["subjects"]
        except (BackendUnavailable, BackendError) as exc:
            raise as_graphql_error(exc) from exc


def _sync_listing(ctx, course: dict) -> None:
    """Copy the course's visibility and publication onto its sessions, so the bookings
    service keeps deciding who sees them.  The course is saved either way; a missed
    copy is logged (a reconciliation job is on the bookings issue's list)."""
    try:
        ctx.call("bookings", "PUT", f"/courses/{course['id']}/listing",
                 json={"visibility": course["visibility"], "published": course["status"] == "PUBLISHED",
                       "title": course["title"], "subject": course["subject"], "phases": course["phases"]})
    except (BackendError, BackendUnavailable):
        log.warning("sessions of course %s keep their old listing", course["id"], exc_info=True)


class SaveCourse(graphene.Mutation):
    class Arguments:
        input = CourseInput(required=True)

    Output = CoursePayload

    @staticmethod
    def mutate(root, info, input):
        ctx = info.context
        if not ctx.identity.is_admin:
            return refused("course", "Only Lighthouse Learning admins can edit the catalogue.")
        body = {k: v for k, v in dict(input).items() if k != "id"}
        body["phases"] = [enum_value(p) for p in body["phases"]]
        body["audiences"] = [enum_value(a) for a in body["audiences"]]
        for key in ("delivery_mode", "visibility", "status"):
            body[key] = enum_value(body[key])
        course_id = parse_id(input["id"]) if input.get("id") else None
        if input.get("id") and course_id is None:
            return no_such("course", "id", "course")
        method, path = ("PUT", f"/courses/{course_id}") if course_id else ("POST", "/courses")
        payload = called(ctx, "course", "catalogue", method, path, json=body)
        if payload["course"] is not None:
            _sync_listing(ctx, payload["course"])
        return payload


class PersonEdge(graphene.ObjectType):
    node = graphene.Field(Person, required=True)
    cursor = graphene.String(required=True)


class PersonConnection(graphene.ObjectType):
    edges = graphene.List(graphene.NonNull(PersonEdge), required=True)
    page_info = graphene.Field(PageInfo, required=True)
    total_count = graphene.Int(required=True)


class PersonPayload(graphene.ObjectType):
    person = graphene.Field(Person)
    user_errors = graphene.List(graphene.NonNull(UserError), required=True)


class GrantRole(graphene.Mutation):
    """Admins grant a role, scoped to a school or a network where the role needs one."""

    class Arguments:
        person_id = graphene.ID(required=True)
        role = Role(required=True)
        school_id = graphene.ID()
        network_id = graphene.ID()

    Output = PersonPayload

    @staticmethod
    def mutate(root, info, person_id, role, school_id=None, network_id=None):
        ctx = info.context
        ids = [parse_id(x) if x is not None else None for x in (person_id, school_id, network_id)]
        if any(x is not None and i is None for x, i in zip((person_id, school_id, network_id), ids)):
            return refused("person", "Ids must be numbers we gave out.")
        from gateway.graph.networks import all_networks

        try:
            grant = identity_service.grant_role(ctx.db, ctx.identity, ids[0], enum_value(role), ids[1], ids[2],
                                                network_exists=lambda n: n in all_networks(ctx))
            forget_cached_leaders()
        except ApiError as exc:
            return {"person": None, "user_errors": exc.field_errors or [{"field": None, "message": exc.message}]}
        except GraphQLError as exc:  # the networks service could not say which networks there are
            return refused("person", exc.message, "networkId")
        return {"person": grant.person, "user_errors": []}


class RevokeRole(graphene.Mutation):
    class Arguments:
        grant_id = graphene.ID(required=True)

    Output = PersonPayload

    @staticmethod
    def mutate(root, info, grant_id):
        ctx = info.context
        if parse_id(grant_id) is None:
            return no_such("person", "grantId", "role grant")
        try:
            person = identity_service.revoke_role(ctx.db, ctx.identity, parse_id(grant_id))
            forget_cached_leaders()
        except ApiError as exc:
            return {"person": None, "user_errors": [{"field": None, "message": exc.message}]}
        return {"person": person, "user_errors": []}


class CatalogueMutation(graphene.ObjectType):
    save_course = SaveCourse.Field(required=True)
    grant_role = GrantRole.Field(required=True)
    revoke_role = RevokeRole.Field(required=True)
