"""Schools' risk bands: how much central support each school gets in cascaded CPD
(high, medium, low), why, and when to look at it again.  The central team sets them;
every change is one entry in the gateway's audit trail (who, when, before → after),
which is also where "set by whom, when" is read from, and a new band goes to the
catalogue's copy in the same transaction (identity/facts.py).

Who sees a band is decided here and nowhere else: admins, the school's own SIPs and its
own leaders — the people who see the rest of its cascade (the catalogue's rule).  Its
staff, its governors, other schools' leaders and SIPs, and anyone outside the trust
never do.
"""
from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from gateway.identity.facts import publish_school_band
from gateway.identity.models import AuditEntry, RiskBand, School
from shared import audit, tokens
from shared.clock import as_utc
from shared.errors import Forbidden, Invalid, NotFound, field_error

ACTION = "school.risk_band_set"
FIELDS = ("risk_band", "risk_reason", "risk_review_on")
MAX_REASON = 500
# A band looked at less than once in two years is not being looked at.
LONGEST_REVIEW = timedelta(days=731)


def may_see_band(identity: tokens.Identity, school_id: int | None) -> bool:
    """Admins, and the school's own SIPs and leaders."""
    if identity.is_admin:
        return True
    return school_id is not None and school_id in identity.schools_for("sip") | identity.schools_for("school_leader")


def may_set_band(identity: tokens.Identity, school_id: int) -> bool:
    """Admins, and the school's own SIPs."""
    return identity.is_admin or school_id in identity.schools_for("sip")


def set_risk_band(db: Session, actor: tokens.Identity, school_id: int, band: str, reason: str,
                  review_on: date | None, *, today: date) -> School:
    """Set a school's band with the reason and a review date after `today` (at most two
    years on); the change and who made it are in the audit trail in the same
    transaction.  Setting what is there already changes nothing and writes nothing.
    Refused whole — every problem at once — when anything is wrong."""
    school = db.get(School, school_id)
    if school is None:
        raise NotFound("There is no such school.")
    if not may_set_band(actor, school_id):
        raise Forbidden("Only Lighthouse Learning admins and the school's own SIPs can set its risk band.")
    problems = []
    if band not in RiskBand.__members__:
        problems.append(field_error("band", "Choose high, medium or low."))
    reason = (reason or "").strip()
    if not reason:
        problems.append(field_error("reason", "Say why the school is in this band, so the team can review it."))
    elif len(reason) > MAX_REASON:
        problems.append(field_error("reason", f"Use {MAX_REASON} characters or fewer; you used {len(reason):,}."))
    if review_on is None:
        problems.append(field_error("reviewOn", "Enter the date to review the band."))
    elif review_on <= today:
        problems.append(field_error("reviewOn", "The review date must be in the future."))
    elif review_on > today + LONGEST_REVIEW:
        problems.append(field_error("reviewOn", "Review the band within two years; choose an earlier date."))
    if problems:
        raise Invalid("The risk band was not changed; see the field errors.", problems)
    before = audit.snapshot(school, FIELDS)
    school.risk_band, school.risk_reason, school.risk_review_on = RiskBand(band), reason, review_on
    db.add(school)
    db.flush()
    if before["risk_band"] != audit.plain(school.risk_band):
        publish_school_band(db, school)  # the catalogue re-flags the school's sprints by it
    audit.log_action(db, AuditEntry, actor, ACTION, ("school", school.id),
                     audit.diff(before, audit.snapshot(school, FIELDS)), label=school.name)
    return school


def band_histories(db: Session, school_ids: list[int], first: int) -> dict[int, list[dict]]:
    """Each school's newest `first` band changes, newest first, as the services answer
    an object's history (shared/audit.py `AuditEntryOut`, less `for_id`): one query for
    every school.  The caller has checked who may see them (`may_see_band`)."""
    if not school_ids or first <= 0:
        return {}
    t = AuditEntry.__table__
    ranked = (sa.select(t, sa.func.row_number().over(partition_by=t.c.object_id, order_by=t.c.id.desc()).label("n"))
              .where(t.c.object_type == "school", t.c.action == ACTION,
                     t.c.object_id.in_([str(i) for i in school_ids]))
              .subquery())
    rows = db.execute(sa.select(ranked).where(ranked.c.n <= first).order_by(ranked.c.id.desc())).mappings().all()
    found: dict[int, list[dict]] = {}
    for row in rows:
        found.setdefault(int(row["object_id"]), []).append({
            **{k: row[k] for k in ("id", "actor_id", "actor_name", "action", "object_type", "object_id")},
            "at": as_utc(row["at"]).isoformat(),
            "summary": f"{row['object_label']}'s risk band set",
            "changes": [{"field": name, "before": b, "after": a} for name, (b, a) in row["changes"].items()]})
    return found
