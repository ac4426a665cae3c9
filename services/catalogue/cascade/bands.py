"""A school's risk band reaching its sprints.  The gateway owns the bands and delivers
each change to the catalogue's copy (copies/); a sprint is supported as its riskiest
school needs, so when one of its schools' bands changes, its band is worked out again
and its sessions still to come are flagged as the new band says (sprints.follow_band),
with an entry in the sprint's history saying why its flags changed."""
from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, select

from services.catalogue.cascade.history import log
from services.catalogue.cascade.models import ProgrammeSchool, Sprint, SprintSchool
from services.catalogue.cascade.sprints import follow_band, label, schools_of, sessions_of
from services.catalogue.copies.models import SchoolBand
from services.catalogue.copies.service import riskiest_band
from shared.audit import plain
from shared.clock import utcnow
from shared.tokens import Identity
from shared.vocabulary import RiskBand, SprintStatus


def keep_school_band(db: Session, identity: Identity, school_id: int, band: RiskBand | None) -> int:
    """The school's band as the gateway now has it, and every sprint not yet complete
    that the school hosts or has joined re-banded (a complete sprint keeps the band it
    ran under).  Returns how many sprints changed band."""
    was = db.exec(select(SchoolBand.band).where(SchoolBand.school_id == school_id)).first()
    db.execute(sa.delete(SchoolBand).where(SchoolBand.school_id == school_id))
    if band is not None:
        db.add(SchoolBand(school_id=school_id, band=band))
    db.flush()
    _hold_places(db, school_id)
    sprints = db.exec(select(Sprint).where(
        Sprint.id.in_(select(SprintSchool.sprint_id).where(SprintSchool.school_id == school_id)),
        Sprint.status != SprintStatus.COMPLETE).order_by(Sprint.id).with_for_update()).all()
    if not sprints:
        return 0
    ids = [s.id for s in sprints]
    schools, sessions = schools_of(db, ids), sessions_of(db, ids)
    changed = 0
    now = utcnow()
    for sprint in sprints:
        new = riskiest_band(db, schools[sprint.id])
        if new == sprint.school_risk_band:
            continue
        rows = [s for s, _ in sessions[sprint.id]]
        before = {s.id: s.flagged_for_central for s in rows}
        old, sprint.school_risk_band = sprint.school_risk_band, new
        follow_band(sprint, rows)
        for s in rows:
            if s.flagged_for_central != before[s.id]:
                s.updated_at = now
        sprint.updated_at = now
        changes = {f"school_{school_id}_band": [plain(was), plain(band)], "school_risk_band": [plain(old), plain(new)]}
        flagged = [[s.sequence for s in rows if before[s.id]], [s.sequence for s in rows if s.flagged_for_central]]
        if flagged[0] != flagged[1]:
            changes["sessions_flagged_for_central"] = flagged
        log(db, identity, "sprint.band_changed", ("sprint", sprint.id), changes,
            parent=("programme", sprint.programme_id), label=label(sprint))
        changed += 1
    db.flush()
    return changed


def _hold_places(db: Session, school_id: int) -> None:
    """The school's places in its programmes, locked before its sprints — the order a
    plan takes them in (sprints._hold_places; adding a school to a sprint locks its place
    too, by the foreign key): a plan in flight, whose new sprint this transaction could
    not see yet, is waited for and then re-banded here; a plan after this reads the new
    band."""
    db.exec(select(ProgrammeSchool.programme_id).where(ProgrammeSchool.school_id == school_id)
            .order_by(ProgrammeSchool.programme_id).with_for_update()).all()
