"""Networks over HTTP.  A network's name and subject are open to every signed caller;
members, meetings and minutes (later) are not."""
from __future__ import annotations

from flask_openapi3 import APIBlueprint, Tag
from sqlmodel import func, select

from services.networks.networks import members
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
from shared.errors import NotFound
from shared.paging import decode_cursor, page_of
from shared.web import SECURITY, current_identity

bp = APIBlueprint("networks", __name__, abp_tags=[Tag(name="networks")], abp_security=SECURITY)


def out(n: Network) -> dict:
    return NetworkOut.model_validate(n, from_attributes=True).model_dump(mode="json")


@bp.get("/networks", responses={200: NetworkPage})
def list_networks(query: NetworkQuery):
    db = request_session()
    where = []
    if query.ids:
        where.append(Network.id.in_([int(i) for i in query.ids.split(",")]))
    offset = 0 if query.ids else decode_cursor(query.after)
    limit = 100 if query.ids else query.first
    total = db.exec(select(func.count()).select_from(Network).where(*where)).one()
    rows = db.exec(select(Network).where(*where).order_by(Network.name, Network.id).offset(offset).limit(limit)).all()
    return page_of([out(n) for n in rows], total, offset)


@bp.get("/networks/<int:network_id>", responses={200: NetworkOut})
def get_network(path: NetworkIdPath):
    network = request_session().get(Network, path.network_id)
    if network is None:
        raise NotFound("There is no such network.")
    return out(network)


def member_out(m) -> dict:
    return MembershipOut.model_validate(m, from_attributes=True).model_dump(mode="json")


@bp.get("/networks/<int:network_id>/members", responses={200: MembershipList})
def list_members(path: NetworkIdPath):
    """Its leads, members and admins see the members; anyone else an empty list."""
    db = request_session()
    members.network_or_404(db, path.network_id)
    return {"items": [member_out(m) for m in members.members_of(db, current_identity(), [path.network_id])]}


@bp.get("/memberships", responses={200: MembershipList})
def memberships(query: MembershipQuery):
    """Members of several networks at once (a batch read), as the caller may see them."""
    ids = [int(i) for i in query.network_ids.split(",")]
    return {"items": [member_out(m) for m in members.members_of(request_session(), current_identity(), ids)]}


@bp.get("/memberships/mine", responses={200: MembershipList})
def my_memberships():
    return {"items": [member_out(m) for m in members.my_memberships(request_session(), current_identity())]}


@bp.post("/networks/<int:network_id>/members", responses={201: MembershipOut})
def add_member(path: NetworkIdPath, body: MemberIn):
    """The network's leads and admins."""
    member = members.add_member(request_session(), current_identity(), path.network_id, body.person_id, body.name,
                                body.email, body.school_id, body.role)
    return member_out(member), 201


@bp.delete("/networks/<int:network_id>/members/<int:person_id>", responses={204: None})
def remove_member(path: MemberPath):
    """The network's leads and admins."""
    members.remove_member(request_session(), current_identity(), path.network_id, path.person_id)
    return "", 204
