"""Who may do what in the cascade, decided here and nowhere else (the gateway's pages
and GraphQL only ever see what these rules let through).

- Programmes: any member of the trust reads them; admins alone make and change them.
- A sprint, its sessions and their QA notes are read by the central team for the
  sprint's schools (SIPs of the host or a partner school), those schools' leaders and
  admins — nobody else, not even that it exists (a 404, never a 403 that would say so).
- A sprint is planned, completed and its sessions recorded by its host school's
  leaders (and admins); a session may also be recorded, and taken on, by a SIP of one
  of its schools.
- QA notes are written by a SIP of one of the sprint's schools, or an admin.
- Staff, governors, network leads and external bookers see no sprint and no note.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import select

from services.catalogue.cascade.models import SprintSchool
from shared.tokens import Identity
from shared.vocabulary import Role


def central_schools(identity: Identity) -> frozenset[int]:
    return identity.schools_for(Role.SIP)


def led_schools(identity: Identity) -> frozenset[int]:
    return identity.schools_for(Role.SCHOOL_LEADER)


def seen_schools(identity: Identity) -> frozenset[int] | None:
    """The schools whose sprints and notes this identity reads; None for every school (admins)."""
    if identity.is_admin:
        return None
    return central_schools(identity) | led_schools(identity)


def sees(identity: Identity, school_ids) -> bool:
    seen = seen_schools(identity)
    return seen is None or bool(seen & set(school_ids))


def sprint_visible(identity: Identity, sprint_id_column):
    """A WHERE clause: the sprint (by its id column) is one this identity may read."""
    seen = seen_schools(identity)
    if seen is None:
        return sa.true()
    if not seen:
        return sa.false()
    return sprint_id_column.in_(select(SprintSchool.sprint_id).where(SprintSchool.school_id.in_(sorted(seen))))


def may_plan(identity: Identity, host_school_id: int) -> bool:
    return identity.is_admin or host_school_id in led_schools(identity)


def may_record(identity: Identity, host_school_id: int, school_ids) -> bool:
    return may_plan(identity, host_school_id) or bool(central_schools(identity) & set(school_ids))


def is_central_for(identity: Identity, school_ids) -> bool:
    """A SIP of one of these schools, or an admin: attends sessions and writes notes."""
    return identity.is_admin or bool(central_schools(identity) & set(school_ids))
