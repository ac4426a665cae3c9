"""Planning a network's year: the school days that fit the lead's pattern (candidates),
each with the members already in a meeting then (this network's or another's), and the
best of them for each term (proposals), ranked once the members' trust CPD is added.

Trust CPD bookings are the bookings service's: the gateway reads them (for the member
ids and the span the candidates give) and sends them with the request for proposals,
since services do not call one another."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlmodel import Session, select

from services.networks.meetings.models import Meeting, MeetingStatus
from services.networks.networks.models import Membership, Network
from services.networks.networks.service import may_change, network_or_404
from services.networks.terms.service import academic_year, check_label, school_days
from shared.clock import LONDON, as_utc, utcnow
from shared.errors import Forbidden, Invalid, field_error
from shared.tokens import Identity


def candidates(db: Session, identity: Identity, network_id: int, label: str, weekdays: list[int], start: time,
               minutes: int) -> dict:
    network = network_or_404(db, network_id)
    if not may_change(identity, network_id):
        raise Forbidden("Only this network's leads and Lighthouse Learning admins plan its year.")
    first = check_label(label)
    terms = academic_year(db, label)
    if not 1 <= minutes <= 600:
        raise Invalid("A meeting lasts between 1 minute and 10 hours.", [field_error("duration_minutes", "1–600.")])
    members = db.exec(select(Membership).where(Membership.network_id == network_id)).all()
    member_ids = {m.person_id for m in members}
    slots = []
    # Only days still to come: a date that has passed cannot be scheduled.
    tomorrow = utcnow().astimezone(LONDON).date() + timedelta(days=1)
    for day in school_days(db, max(tomorrow, terms[0][0].starts_on), terms[-1][0].ends_on):
        if day.isoweekday() in weekdays:
            starts = datetime.combine(day, start, LONDON)
            term = next(t.name.value for t, _ in terms if t.starts_on <= day <= t.ends_on)
            slots.append((term, starts, starts + timedelta(minutes=minutes)))
    # The members' other networks, then those networks' meetings this year: two queries
    # whose rows grow with meetings and memberships, not with their product.
    shared = db.exec(select(Membership.network_id, Membership.person_id)
                     .where(Membership.person_id.in_(member_ids), Membership.network_id != network_id)).all()
    people_in: dict[int, list[int]] = {}
    for nid, pid in shared:
        people_in.setdefault(nid, []).append(pid)
    # The network's own meetings clash for every member, as the others' do for theirs.
    people_in[network_id] = sorted(member_ids)
    others = db.exec(select(Meeting, Network.name).join(Network, Network.id == Meeting.network_id)
                     .where(Meeting.network_id.in_(list(people_in)), Meeting.status == MeetingStatus.SCHEDULED,
                            Meeting.starts_at < datetime(first + 1, 9, 1, tzinfo=LONDON),
                            Meeting.ends_at > datetime(first, 8, 1, tzinfo=LONDON))).all()
    # Bucketed by day, so each candidate is compared with that day's meetings only.
    by_day: dict = {}
    for m, name in others:
        starts_at, ends_at = as_utc(m.starts_at), as_utc(m.ends_at)
        by_day.setdefault(starts_at.astimezone(LONDON).date(), []).append(
            (starts_at, ends_at, name, m.title, people_in[m.network_id], m.network_id == network_id))
    out = []
    for term, starts, ends in slots:
        # Another network's meeting clashes where the times overlap; this network's own
        # on the same day at any time (nobody means to meet twice in a day).
        clashes = [{"person_id": pid, "with": f"{name}: {title}"}
                   for s, e, name, title, pids, own in by_day.get(starts.date(), ()) if own or (s < ends and e > starts)
                   for pid in pids]
        out.append({"term": term, "starts_at": starts, "ends_at": ends, "clashes": clashes})
    return {"network": network.name, "member_ids": sorted(member_ids), "candidates": out}


@dataclass(frozen=True)
class Commitment:
    """A member booked on trust CPD, as the bookings service tells it."""

    person_id: int
    starts_at: datetime
    ends_at: datetime
    title: str


def proposals(db: Session, identity: Identity, network_id: int, label: str, weekdays: list[int], start: time,
              minutes: int, per_term: int, commitments: list[Commitment]) -> list[dict]:
    """The best `per_term` dates in each term for the pattern, soonest first: refused as
    `candidates` refuses (only the network's leads and admins, a year with a calendar)."""
    found = candidates(db, identity, network_id, label, weekdays, start, minutes)
    return rank(found["candidates"], commitments, per_term)


def rank(slots: list[dict], commitments: list[Commitment], per_term: int) -> list[dict]:
    """Each term's `per_term` candidates with the fewest clashes (the earlier on a tie),
    at least two weeks apart, with the clashes with trust CPD added to each.

    The commitments are bucketed by day, so each candidate is compared with that day's
    only: the work grows with commitments plus candidates, not with their product."""
    by_day: dict = {}
    for c in commitments:
        by_day.setdefault(c.starts_at.astimezone(LONDON).date(), []).append(c)
    slots = [{**s, "clashes": s["clashes"] + [
        {"person_id": c.person_id, "with": f"Trust CPD: {c.title}"}
        for c in by_day.get(s["starts_at"].astimezone(LONDON).date(), ())
        if c.starts_at < s["ends_at"] and c.ends_at > s["starts_at"]]} for s in slots]
    chosen = []
    for term in ("AUTUMN", "SPRING", "SUMMER"):
        ranked = sorted((s for s in slots if s["term"] == term), key=lambda s: (len(s["clashes"]), s["starts_at"]))
        picked: list[dict] = []
        for slot in ranked:
            if all(abs((slot["starts_at"] - p["starts_at"]).days) >= 14 for p in picked):
                picked.append(slot)
            if len(picked) == per_term:
                break
        chosen += picked
    return sorted(chosen, key=lambda s: s["starts_at"])
