"""Proposals for a network's year: the ranking (fewest clashes first, the earlier on a
tie, two weeks apart, so many a term) and the endpoint that answers it with the
members' trust CPD sent along."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from services.networks.db import database
from services.networks.meetings.proposals import Commitment, rank
from services.networks.tests.test_membership import member, who
from services.networks.tests.test_networks_api import add
from shared import tokens
from shared.clock import LONDON


def slot(term: str, day: str, clashes: int = 0) -> dict:
    starts = datetime.fromisoformat(f"{day}T16:00").replace(tzinfo=LONDON)
    return {"term": term, "starts_at": starts, "ends_at": starts + timedelta(minutes=90),
            "clashes": [{"person_id": 100 + i, "with": "English network: Autumn"} for i in range(clashes)]}


def busy(person_id: int, day: str, at: str, minutes: int, title: str = "Team Teach") -> Commitment:
    starts = datetime.fromisoformat(f"{day}T{at}").replace(tzinfo=LONDON)
    return Commitment(person_id, starts, starts + timedelta(minutes=minutes), title)


def test_fewest_clashes_first_then_the_earlier_two_weeks_apart_each_term():
    slots = [slot("AUTUMN", "2027-09-08", clashes=1), slot("AUTUMN", "2027-09-15"), slot("AUTUMN", "2027-09-22"),
             slot("AUTUMN", "2027-10-06"), slot("SPRING", "2028-01-05", clashes=2), slot("SPRING", "2028-01-12", 1),
             slot("SPRING", "2028-01-19")]
    picked = rank(slots, [], per_term=2)
    # Autumn: 15 Sep (free, earliest), 22 Sep within a fortnight of it, so 6 Oct.  Spring:
    # 19 Jan is free; 12 Jan (one clash) is within a fortnight, so 5 Jan (two).
    assert [(p["term"], p["starts_at"].date().isoformat()) for p in picked] == [
        ("AUTUMN", "2027-09-15"), ("AUTUMN", "2027-10-06"), ("SPRING", "2028-01-05"), ("SPRING", "2028-01-19")]


def test_trust_cpd_clashes_where_the_times_overlap_on_that_day():
    slots = [slot("AUTUMN", "2027-09-08"), slot("AUTUMN", "2027-09-22")]
    commitments = [busy(1, "2027-09-08", "15:30", 90, "Team Teach Level 1"),  # overlaps 16:00–17:30
                   busy(2, "2027-09-22", "14:00", 120),  # ends as the meeting starts: no clash
                   busy(3, "2027-09-23", "16:00", 60)]  # another day
    [first, second] = rank(slots, commitments, per_term=2)
    assert first["clashes"] == [{"person_id": 1, "with": "Trust CPD: Team Teach Level 1"}]
    assert second["clashes"] == []
    assert rank(slots, commitments, per_term=1)[0]["starts_at"].day == 22


def test_the_endpoint_ranks_with_the_commitments_sent_and_refuses_as_candidates_do(service_call):
    from services.networks.terms.seed import seed_calendar

    with database().session() as db:
        seed_calendar(db)
    (maths,) = add("Maths network")
    lead = who(50, tokens.Grant("network_lead", network_id=maths))
    for pid in (1, 2):
        service_call("networks", "POST", f"/networks/{maths}/members", lead, json=member(pid, school=pid))
    pattern = {"academic_year": "2027-28", "weekdays": [3], "start_time": "16:00", "duration_minutes": 90,
               "per_term": 1}
    # Person 1 is on trust CPD on Wednesday 8 September 2027, 15:30–17:00 UK time (1 Sep is an INSET day)
    start = datetime(2027, 9, 8, 14, 30, tzinfo=timezone.utc)
    cpd = {"person_id": 1, "starts_at": start.isoformat(), "ends_at": (start + timedelta(minutes=90)).isoformat(),
           "title": "Team Teach Level 1"}
    answer = service_call("networks", "POST", f"/networks/{maths}/proposals", lead,
                          json={**pattern, "commitments": [cpd]})
    assert answer.status_code == 200, answer.text
    assert [(p["term"], p["starts_at"][:16], p["clashes"]) for p in answer.json()["proposals"]] == [
        ("AUTUMN", "2027-09-15T16:00", []), ("SPRING", "2028-01-05T16:00", []), ("SUMMER", "2028-04-19T16:00", [])]

    member_only = service_call("networks", "POST", f"/networks/{maths}/proposals", who(1),
                               json={**pattern, "commitments": []})
    assert member_only.status_code == 403 and "leads" in member_only.json()["message"]
    unknown = service_call("networks", "POST", f"/networks/{maths}/proposals", lead,
                           json={**pattern, "academic_year": "2031-32", "commitments": []})
    assert unknown.status_code == 404 and "no calendar for that year" in unknown.json()["message"]
    too_many = service_call("networks", "POST", f"/networks/{maths}/proposals", lead,
                            json={**pattern, "per_term": 7, "commitments": []})
    assert too_many.status_code == 422
