"""Vouchers in the GraphQL API (admins only; the bookings service refuses anyone else
too): `vouchers`, `voucher(id)` with its uses, and `createVoucher`.  Beyond the
contract, which leaves the admin's side of vouchers to us."""
from __future__ import annotations

import graphene
from graphql import GraphQLError

from gateway.graph.compose import named, ref
from gateway.graph.loaders import loaded
from gateway.graph.mutations import Refused, mutation, mutations
from gateway.graph.shapes import connection, page, page_args, payload
from gateway.graph.values import day, moment, parsed


@parsed(moment, "used_at", "given_back_at")
class VoucherUse(graphene.ObjectType):
    id = graphene.ID(required=True)
    order_id = graphene.ID(required=True)
    organisation = graphene.Field(ref("Organisation"), description="Null when the organisation is no more.")
    discount_pence = graphene.Int(required=True, description="What it took off the order.")
    used_at = graphene.DateTime(required=True)
    given_back_at = graphene.DateTime(description="When the order was cancelled or lapsed and the use came back.")

    resolve_organisation = loaded("organisation", "organisation_id", among="voucher use")


@named
@parsed(day, "valid_from", "valid_until")
@parsed(moment, "created_at")
class Voucher(graphene.ObjectType):
    id = graphene.ID(required=True)
    code = graphene.String(required=True)
    percent_off = graphene.Int(description="1 to 100; null for an amount off.")
    amount_off_pence = graphene.Int(description="Null for a percentage off.")
    courses = graphene.List(graphene.NonNull(ref("Course")), description="The courses it is for; null for all.")
    max_uses = graphene.Int(required=True)
    uses = graphene.Int(required=True, description="Uses standing (a cancelled or lapsed order gives its back).")
    valid_from = graphene.Date(required=True)
    valid_until = graphene.Date(required=True, description="The last day it can be used (London time).")
    discount_given_pence = graphene.Int(required=True)
    created_at = graphene.DateTime(required=True)
    used = graphene.List(graphene.NonNull(VoucherUse), required=True,
                         description="Every use, newest first: only on `voucher(id)`.")

    @staticmethod
    def resolve_courses(voucher, info):
        if voucher["course_ids"] is None:
            return None
        loader = info.context.loader("course")
        wanted = {c for v in info.context.in_view("voucher") for c in (v["course_ids"] or [])}
        loader.expect(wanted)
        # a course no longer shown (archived) is left out rather than failing the list
        return [c for c in loader.load_many(voucher["course_ids"]) if c is not None]

    @staticmethod
    def resolve_used(voucher, info):
        if "used" not in voucher:
            raise GraphQLError("A voucher's uses are read one voucher at a time: ask for voucher(id).")
        return info.context.remember("voucher use", voucher["used"])


VoucherConnection = connection(Voucher)


class VoucherInput(graphene.InputObjectType):
    code = graphene.String(required=True)
    percent_off = graphene.Int()
    amount_off_pence = graphene.Int()
    course_ids = graphene.List(graphene.NonNull(graphene.ID), description="Leave out for every course.")
    max_uses = graphene.Int(required=True)
    valid_from = graphene.Date(required=True)
    valid_until = graphene.Date(required=True)


VoucherPayload = payload("Voucher", voucher=graphene.Field(Voucher))


def _admins_only(info) -> None:
    if not info.context.identity.is_admin:
        raise GraphQLError("Only Lighthouse Learning admins see vouchers.")


class VouchersQuery(graphene.ObjectType):
    vouchers = graphene.Field(VoucherConnection, required=True, first=graphene.Int(default_value=20),
                              after=graphene.String(), description="Admins: every voucher, newest first.")
    voucher = graphene.Field(Voucher, id=graphene.ID(required=True), description="Admins: a voucher with its uses.")

    @staticmethod
    def resolve_vouchers(root, info, first=20, after=None):
        _admins_only(info)
        answer = info.context.read("bookings", "GET", "/vouchers", params=page_args(first, after))
        info.context.remember("voucher", answer["items"])
        return page(answer)

    @staticmethod
    def resolve_voucher(root, info, id):
        from gateway.graph.ids import parse_id

        _admins_only(info)
        voucher_id = parse_id(id)
        return info.context.one("bookings", f"/vouchers/{voucher_id}", remember="voucher") if voucher_id else None


@mutation(VoucherPayload, "voucher", remember="voucher", input=VoucherInput(required=True))
def create_voucher(root, info, input):
    """Admins make a voucher code for schools outside the trust."""
    ctx = info.context
    if not ctx.identity.is_admin:
        raise Refused("Only Lighthouse Learning admins make vouchers.")
    body = dict(input)
    for key in ("valid_from", "valid_until"):
        body[key] = body[key].isoformat()
    if body.get("course_ids") is not None:
        try:
            body["course_ids"] = [int(c) for c in body["course_ids"]]
        except ValueError:
            raise Refused("Choose courses from the list.", "courseIds") from None
    return ctx.call("bookings", "POST", "/vouchers", json={k: v for k, v in body.items() if v is not None})


VouchersMutation = mutations("VouchersMutation", create_voucher)
