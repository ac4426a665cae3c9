"""The home page's section for SIPs: "My schools" — the schools they support, highest
risk first, each with what is due from them: sessions flagged for the central team to
take on, the ones they attend, QA notes due on first sessions held, and band reviews
that have come round.  Read through GraphQL, so it shows what the API would; a fixed
number of calls however many schools and programmes (the coverage's loaders)."""
from __future__ import annotations

from gateway.graph.ids import parse_id
from gateway.graph.view import execute_here
from gateway.home.sections import Viewer

ORDER = {"HIGH": 0, "MEDIUM": 1, "LOW": 2}
QUERY = """{ schools { id name supportBand { band reviewOn reviewDue }
    cascades { programme { id title } stage firstSessionHeldOn qaRecorded sprintId hostSchool { id } } }
  centralSessions { id topic scheduledAt centralAttendee { id }
    sprint { school { id } programme { id title } } } }"""


def section(viewer: Viewer) -> dict | None:
    mine = {parse_id(s["id"]) for s in viewer.scopes("SIP", "school")}
    if not mine:
        return {"schools": [], "problem": None}
    result = execute_here(QUERY)
    data = result.get("data") or {}
    if not data.get("schools"):
        return {"schools": [], "problem": "Your schools cannot be shown just now. Try again in a minute."}
    me = str(viewer.me["id"])
    sessions = data.get("centralSessions") or []
    schools = []
    for school in data["schools"]:
        if parse_id(school["id"]) not in mine or school["supportBand"] is None:
            continue
        flagged = [s for s in sessions if s["sprint"]["school"]["id"] == school["id"]]
        schools.append({
            **school,
            "take_on": [s for s in flagged if s["centralAttendee"] is None],
            "attending": [s for s in flagged if (s["centralAttendee"] or {}).get("id") == me],
            "qa_due": [c for c in school["cascades"] if c["firstSessionHeldOn"] and not c["qaRecorded"]],
        })
    schools.sort(key=lambda s: (ORDER[s["supportBand"]["band"]], s["name"].lower()))
    return {"schools": schools, "problem": None}
