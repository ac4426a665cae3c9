"""The course catalogue in the GraphQL API, stored by the catalogue service:
`courses`, `course`, `courseSubjects` and `saveCourse`, and courses by id for the
fields of other features that name one (`Session.course`)."""
from __future__ import annotations

import graphene

from gateway.graph.compose import named
from gateway.graph.ids import parse_slug
from gateway.graph.loaders import ids_param, loads
from gateway.graph.mutations import Refused, an_id, mutation, mutations
from gateway.graph.shapes import connection, input_of, page, page_args, payload
from gateway.graph.values import enum_value, moment


def _names(*names: str) -> list[tuple[str, str]]:
    return [(n, n) for n in names]


Phase = named(graphene.Enum("Phase", _names("EYFS", "KS1", "KS2", "KS3", "KS4", "KS5")))
Audience = graphene.Enum("Audience", _names(
    "TEACHER", "LEARNING_PARTNER", "SUPPORT_STAFF", "SUBJECT_LEAD", "HEADTEACHER", "ECT", "GOVERNOR", "SUPPLY"))
Visibility = named(graphene.Enum("Visibility", _names("TRUST", "PUBLIC")))
DeliveryMode = graphene.Enum("DeliveryMode", _names("IN_PERSON", "ONLINE", "HYBRID"))
CourseStatus = graphene.Enum("CourseStatus", _names("DRAFT", "PUBLISHED", "ARCHIVED"))


@loads("course")
def _courses(ctx, ids: list[int]) -> dict:
    return {c["id"]: c for c in ctx.read("catalogue", "GET", "/courses", params={"ids": ids_param(ids)})["items"]}


@named
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

    @staticmethod
    def resolve_updated_at(course, info):
        return moment(course["updated_at"])


CourseConnection = connection(Course)


# Less what the catalogue gives a course; the id is the one to change (none for a new one).
CourseInput = input_of(Course, "CourseInput", leave_out=("id", "slug", "updated_at"), id=graphene.ID())

CoursePayload = payload("Course", course=graphene.Field(Course))


class CatalogueQuery(graphene.ObjectType):
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
    def resolve_courses(root, info, first=20, after=None, **filters):
        params = page_args(first, after)
        for key, value in filters.items():
            if value is not None and value != "":
                params[key] = enum_value(value)
        answer = info.context.read("catalogue", "GET", "/courses", params=params)
        info.context.remember("course", answer["items"])
        return page(answer)

    @staticmethod
    def resolve_course(root, info, slug):
        if parse_slug(slug) is None:
            return None
        return info.context.one("catalogue", f"/courses/by-slug/{slug}", remember="course")

    @staticmethod
    def resolve_course_subjects(root, info):
        return info.context.read("catalogue", "GET", "/courses/subjects")["subjects"]


@mutation(CoursePayload, "course", input=CourseInput(required=True))
def save_course(root, info, input):
    ctx = info.context
    if not ctx.identity.is_admin:
        raise Refused("Only Lighthouse Learning admins can edit the catalogue.")
    body = {k: v for k, v in dict(input).items() if k != "id"}
    body["phases"] = [enum_value(p) for p in body["phases"]]
    body["audiences"] = [enum_value(a) for a in body["audiences"]]
    for key in ("delivery_mode", "visibility", "status"):
        body[key] = enum_value(body[key])
    course_id = an_id(input.get("id"), "id", "course", optional=True)
    method, path = ("PUT", f"/courses/{course_id}") if course_id else ("POST", "/courses")
    return ctx.call("catalogue", method, path, json=body)


CatalogueMutation = mutations("CatalogueMutation", save_course)
