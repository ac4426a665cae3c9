"""Networks over HTTP: thin — parse, call the domain operation, shape."""
from __future__ import annotations

from flask_openapi3 import APIBlueprint, Tag

from services.networks.networks import service
from services.networks.networks.models import Network
from services.networks.networks.schemas import (
    MemberIn,
    MemberPath,
    MembershipList,
    MembershipOut,
    MembershipQuery,
    NetworkIdPath,
    NetworkOut,
    NetworkPage,
    NetworkQuery,
)
from shared.db import request_session
from shared.paging import decode_cursor, page_of
from shared.web import SECURITY, current_identity

bp = APIBlueprint("networks", __name__, abp_tags=[Tag(name="networks")], abp_security=SECURITY)


def out(n: Network) -> dict:
    return NetworkOut.model_validate(n, from_attributes=True).model_dump(mode="json")


@bp.get("/networks", responses={200: NetworkPage})
def list_networks(query: NetworkQuery):
    ids = [int(i) for i in query.ids.split(",")] if query.ids else None
    offset = 0 if query.ids else decode_cursor(query.after)
    rows, total = service.list_networks(request_session(), ids, offset, 100 if query.ids else query.first)
    return page_of([out(n) for n in rows], total, offset)


@bp.get("/networks/<int:network_id>", responses={200: NetworkOut})
def get_network(path: NetworkIdPath):
    return out(service.network_or_404(request_session(), path.network_id))


def member_out(m) -> dict:
    return MembershipOut.model_validate(m, from_attributes=True).model_dump(mode="json")


@bp.get("/networks/<int:network_id>/members", responses={200: MembershipList})
def list_members(path: NetworkIdPath):
    """Its leads, members and admins see the members; anyone else an empty list."""
    db = request_session()
    service.network_or_404(db, path.network_id)
    return {"items": [member_out(m) for m in service.members_of(db, current_identity(), [path.network_id])]}


@bp.get("/memberships", responses={200: MembershipList})
def memberships(query: MembershipQuery):
    """Members of several networks at once (a batch read), as the caller may see them."""
    ids = [int(i) for i in query.network_ids.split(",")]
    return {"items": [member_out(m) for m in service.members_of(request_session(), current_identity(), ids)]}


@bp.get("/memberships/mine", responses={200: MembershipList})
def my_memberships():
    return {"items": [member_out(m) for m in service.my_memberships(request_session(), current_identity())]}


@bp.post("/networks/<int:network_id>/members", responses={201: MembershipOut})
def add_member(path: NetworkIdPath, body: MemberIn):
    """The network's leads and admins."""
    member = service.add_member(request_session(), current_identity(), path.network_id, body.person_id, body.name,
                                body.email, body.school_id, body.role)
    return member_out(member), 201


@bp.delete("/networks/<int:network_id>/members/<int:person_id>", responses={204: None})
def remove_member(path: MemberPath):
    """The network's leads and admins."""
    service.remove_member(request_session(), current_identity(), path.network_id, path.person_id)
    return "", 204
