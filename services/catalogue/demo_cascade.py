"""The demo's cascaded programme, by the ids the other components' demo data give
their rows on an empty database: White Rose Maths in Year 1 (course 1 here), its
trust-wide day (bookings' demo session 1), followed up by the maths network (networks'
network 1; it has no meetings seeded yet), for the trust's 26 primary schools (the
gateway's schools 1-26).  Saltmarsh Primary (school 1, MEDIUM band), joined by St
Aidan's (school 2, LOW), runs a sprint led by its head, Hannah Head (person 3): its first
session was held last week with the demo SIP, Sam Improvement (person 5), who recorded
a QA note; two more are planned.  The other schools have not started.  (Only demo
people with fixed ids lead or attend: the gateway numbers its generated staff as it
seeds them.)  The sprint's band is not given here: it is its riskiest school's,
MEDIUM, once the gateway's reconciliation has delivered the schools' bands."""
from __future__ import annotations

PROGRAMME = {
    "title": "White Rose Maths: mastery in Year 1", "source_course_id": 1, "source_session_ids": [1],
    "network_id": 1, "follow_up_meeting_ids": [], "school_scope": "PHASE", "school_phase": "PRIMARY",
    "school_ids": list(range(1, 27)),
}
SPRINT = {
    "school_id": 1, "partner_school_ids": [2],
    "lead_id": 3, "lead_name": "Hannah Head", "lead_email": "head@lighthouse.test",
}
# (school days from today: negative for one already held, topic, minutes)
SESSIONS = [
    (-5, "Mastery in Year 1: what we took from the trust day", 90),
    (8, "Concrete, pictorial, abstract: the number sense blocks", 60),
    (18, "Reasoning: stem sentences across the school", 60),
]
STAFF_AT_FIRST_SESSION = 14
SIP = {"subject": "5", "name": "Sam Improvement", "email": "sip@lighthouse.test", "school_id": 1}
QA_NOTE = {
    "judgement": "DEVELOPING",
    "strengths": "Clear modelling with counters and ten frames; staff tried the stem sentences straight away.",
    "development_points": "Teachers moved to the abstract too soon; reasoning questions were few.",
    "next_session_plan": "Concrete, pictorial, abstract with time to plan a lesson together; the head observes "
                         "one lesson in each class before the third session.",
}
