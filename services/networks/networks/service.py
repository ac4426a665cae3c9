"""Subject networks and who is in them.  A network's name and subject are open to every
signed caller; only its leads (the network_lead role for it) and admins change who is
in it; its members and leads see who else is."""
from __future__ import annotations

from sqlmodel import Session, func, select

from services.networks.audit import log_action
from services.networks.networks.models import Membership, Network
from shared.audit import created, removed, snapshot
from shared.errors import Conflict, Forbidden, NotFound
from shared.tokens import Identity
from shared.vocabulary import MembershipRole, Role

# What a membership's audit entries record of it (its name is the entry's label).
MEMBER_FIELDS = ("person_id", "email", "school_id", "role")


def list_networks(db: Session, ids: list[int] | None, offset: int, limit: int) -> tuple[list[Network], int]:
    """Networks by name, a page at a time, or those with these ids (a batch read)."""
    where = [] if ids is None else [Network.id.in_(ids)]
    total = db.exec(select(func.count()).select_from(Network).where(*where)).one()
    rows = db.exec(select(Network).where(*where).order_by(Network.name, Network.id).offset(offset).limit(limit)).all()
    return list(rows), total


def network_or_404(db: Session, network_id: int) -> Network:
    network = db.get(Network, network_id)
    if network is None:
        raise NotFound("There is no such network.")
    return network


def may_change(identity: Identity, network_id: int) -> bool:
    return identity.is_admin or network_id in identity.networks_for(Role.NETWORK_LEAD)


def visible_network_ids(db: Session, identity: Identity, network_ids: list[int]) -> set[int]:
    """Of these networks, those whose members this caller may see."""
    if identity.is_admin:
        return set(network_ids)
    led = identity.networks_for(Role.NETWORK_LEAD)
    mine = set()
    if identity.person_id is not None:
        mine = set(db.exec(select(Membership.network_id).where(Membership.person_id == identity.person_id,
                                                               Membership.network_id.in_(network_ids))).all())
    return {n for n in network_ids if n in led or n in mine}


def members_of(db: Session, identity: Identity, network_ids: list[int]) -> list[Membership]:
    visible = visible_network_ids(db, identity, network_ids)
    if not visible:
        return []
    return list(db.exec(select(Membership).where(Membership.network_id.in_(visible))
                        .order_by(Membership.network_id, Membership.name, Membership.id)).all())


def add_member(db: Session, identity: Identity, network_id: int, person_id: int, name: str, email: str,
               school_id: int | None, role: MembershipRole) -> Membership:
    network = network_or_404(db, network_id)
    if not may_change(identity, network_id):
        raise Forbidden("Only this network's leads and Lighthouse Learning admins can change its members.")
    existing = db.exec(select(Membership).where(Membership.network_id == network_id,
                                                Membership.person_id == person_id)).first()
    if existing is not None:
        raise Conflict(f"{existing.name} is already a member of the {network.name}.")
    member = Membership(network_id=network_id, person_id=person_id, name=name, email=email, school_id=school_id,
                        role=role, added_by_id=identity.person_id)
    db.add(member)
    db.flush()
    _log_member(db, identity, "member.added", member, created(snapshot(member, MEMBER_FIELDS)))
    return member


def remove_member(db: Session, identity: Identity, network_id: int, person_id: int) -> None:
    network = network_or_404(db, network_id)
    if not may_change(identity, network_id):
        raise Forbidden("Only this network's leads and Lighthouse Learning admins can change its members.")
    member = db.exec(select(Membership).where(Membership.network_id == network_id,
                                              Membership.person_id == person_id)).first()
    if member is None:
        raise NotFound(f"That person is not a member of the {network.name}.")
    _log_member(db, identity, "member.removed", member, removed(snapshot(member, MEMBER_FIELDS)))
    db.delete(member)
    db.flush()


def _log_member(db: Session, identity: Identity, action: str, member: Membership, changes: dict) -> None:
    log_action(db, identity, action, ("membership", member.id), changes, parent=("network", member.network_id),
               label=member.name)


def my_memberships(db: Session, identity: Identity) -> list[Membership]:
    if identity.person_id is None:
        return []
    return list(db.exec(select(Membership).where(Membership.person_id == identity.person_id)
                        .order_by(Membership.network_id)).all())
