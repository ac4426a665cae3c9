"""The home page's governor section: governor CPD (courses for the GOVERNOR
audience) with their dates to come, and where to book each.  Three calls whatever
the number of courses or sessions: the courses, their sessions, my places on them."""
from __future__ import annotations

from gateway.backends import BackendError, BackendUnavailable
from gateway.home.sections import Viewer
from gateway.home.staff import place_of

MOST = 12  # dates listed


def section(viewer: Viewer) -> dict | None:
    try:
        courses = viewer.call("catalogue", "/courses", audience="GOVERNOR", first=100)["items"]
        by_id = {c["id"]: c for c in courses}
        if not courses:
            return {"sessions": [], "problem": None}
        ids = ",".join(str(i) for i in sorted(by_id)[:100])
        sessions = [s for s in viewer.call("bookings", "/sessions", course_ids=ids, upcoming="true")["items"]
                    if s["status"] == "SCHEDULED"]
        sessions = sorted(sessions, key=lambda s: s["starts_at"])[:MOST]
        mine = {}
        if sessions:
            booked = viewer.call("bookings", "/bookings/mine",
                                 session_ids=",".join(str(s["id"]) for s in sessions))["items"]
            mine = {b["session_id"]: place_of(b) for b in booked}
    except (BackendError, BackendUnavailable):
        return {"sessions": [], "problem": "Governor CPD cannot be shown just now. Try again in a minute."}
    for s in sessions:
        s["course"] = by_id.get(s["course_id"])
        s["mine"] = mine.get(s["id"])
    return {"sessions": sessions, "problem": None}
