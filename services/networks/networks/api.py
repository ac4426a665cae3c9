"""Networks over HTTP.  A network's name and subject are open to every signed caller;
members, meetings and minutes (later) are not."""
from __future__ import annotations

from flask_openapi3 import APIBlueprint, Tag
from sqlmodel import func, select

from services.networks.networks.models import Network
from services.networks.networks.schemas import NetworkIdPath, NetworkOut, NetworkPage, NetworkQuery
from shared.db import request_session
from shared.errors import NotFound
from shared.paging import decode_cursor, page_of
from shared.web import SECURITY

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
