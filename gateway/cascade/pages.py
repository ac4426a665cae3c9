"""The cascade's pages: the programmes, and a programme's coverage map — each school
against each link of the chain, read in a second — with its CSV and XLSX downloads.
The programme form (programme_form.py), a school's sprint (sprint_pages.py), QA notes
(note_pages.py) and the school page (school_pages.py) add their routes to this
blueprint.  Every page reads through GraphQL, so it shows only what the API would."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, g, render_template, request
from slugify import slugify

from gateway.cascade.stages import STAGE_NAMES, STAGES
from gateway.graph.view import execute_here
from gateway.web.exports import download
from gateway.web.forms import said
from gateway.web.pages import found, sign_in_first
from shared.clock import LONDON, utcnow

bp = Blueprint("cascade", __name__, template_folder="templates")

ORDERS = {"RISK": "Risk band, highest first", "STAGE": "Furthest behind first", "SCHOOL": "School name"}
# What each link's cell says, beside its colour: a symbol (for a glance) and words.
STATES = {"DONE": ("✓", "Done"), "GAP": ("✗", "Gap"), "TO_DO": ("○", "Not yet"), "NOT_PART": ("–", "Not part")}

PROGRAMMES = """{ programmes { id title createdAt sourceCourse { title } network { name } schools { id }
  coverage { stage } } }"""
COVERAGE = """query($id: ID!, $order: CoverageOrder) { programme(id: $id) { id title scope phase
  sourceCourse { title slug } sourceSessions { id startsAt } network { id name }
  followUpMeetings { id title startsAt } schools { id }
  coverage(orderBy: $order) { school { id name supportBand { band reviewDue } } stage attendedSource
    attendedFollowUp sprintId sessionsPlanned sessionsHeld firstSessionHeldOn qaRecorded gaps
    hostSchool { id name } steps { stage state } } } }"""


def central() -> bool:
    """Admins and SIPs: the people the risk order is for (they see bands)."""
    return g.identity.is_admin or g.identity.has_role("sip")


@bp.get("/programmes")
def programmes():
    if (visitor := sign_in_first()) is not None:
        return visitor
    result = execute_here(PROGRAMMES)
    listed = (result.get("data") or {}).get("programmes") or []
    for p in listed:
        p["recorded"] = sum(1 for c in p["coverage"] if c["stage"] in ("QA_RECORDED", "COMPLETE"))
    return render_template("cascade/programmes.html", programmes=listed, message=said(),
                           problem=result["errors"][0]["message"] if result.get("errors") else None)


def _order() -> str:
    chosen = request.args.get("order", "")
    return chosen if chosen in ORDERS else ("RISK" if central() else "SCHOOL")


def coverage_map(programme_id: int, order: str) -> dict:
    """The programme with its coverage as the map shows it: each school's cells, and the
    counts per link (the map's text summary)."""
    programme = found(execute_here(COVERAGE, {"id": str(programme_id), "order": order}), "programme",
                      "Programmes unavailable")
    rows = programme["coverage"]
    for row in rows:
        row["cells"] = [_cell(row, step) for step in row["steps"]]
    counts = {s: sum(1 for r in rows for step in r["steps"] if step["stage"] == s and step["state"] == "DONE")
              for s in STAGES}
    part = {s: any(step["stage"] == s and step["state"] != "NOT_PART" for r in rows for step in r["steps"])
            for s in STAGES}
    behind = [r["school"]["name"] for r in rows if (r["school"]["supportBand"] or {}).get("band") == "HIGH"
              and (r["gaps"] or r["stage"] in ("NOT_STARTED", "SOURCE_ATTENDED", "NETWORK_FOLLOW_UP"))]
    return {"programme": programme, "rows": rows, "counts": counts, "part": part, "behind": behind,
            "bands": any(r["school"]["supportBand"] for r in rows)}


def _cell(row: dict, step: dict) -> dict:
    """One school's link as its cell says it: the state's symbol and word, and what
    was done where there is something to say (how many came, when)."""
    symbol, word = STATES[step["state"]]
    detail = ""
    if step["state"] == "DONE":
        detail = {"SOURCE_ATTENDED": f"{row['attendedSource']} staff",
                  "SPRINT_PLANNED": f"{row['sessionsPlanned']} session{'s' if row['sessionsPlanned'] != 1 else ''}",
                  "FIRST_SESSION_HELD": _day(row["firstSessionHeldOn"])}.get(step["stage"], "")
    return {"stage": step["stage"], "state": step["state"], "symbol": symbol, "word": word, "detail": detail}


def _day(value: str | None) -> str:
    return date.fromisoformat(value).strftime("%-d %b %Y") if value else ""


@bp.get("/programmes/<int:programme_id>")
def programme_page(programme_id: int):
    """A programme's coverage map: where each school has got to, the riskiest gaps first."""
    if (visitor := sign_in_first()) is not None:
        return visitor
    order = _order()
    return render_template("cascade/coverage.html", order=order, orders=ORDERS, stages=STAGES,
                           stage_names=STAGE_NAMES, states=STATES, message=said(),
                           **coverage_map(programme_id, order))


HEADER = ["School", "Risk band", "Stage", "Source session: staff who came", "Network follow-up", "Sprint sessions",
          "Sessions held", "First session held", "QA recorded", "Complete", "Gaps"]


def _export(programme_id: int, kind: str):
    if (visitor := sign_in_first()) is not None:
        return visitor
    page = coverage_map(programme_id, _order())
    rows = []
    for r in page["rows"]:
        states = {c["stage"]: c["state"] for c in r["cells"]}
        follow_up = {"DONE": "Yes", "NOT_PART": "No follow-up meeting"}.get(states["NETWORK_FOLLOW_UP"], "No")
        rows.append([r["school"]["name"], (r["school"]["supportBand"] or {}).get("band", "").capitalize(),
                     STAGE_NAMES[r["stage"]], r["attendedSource"], follow_up, r["sessionsPlanned"], r["sessionsHeld"],
                     _iso_day(r["firstSessionHeldOn"]), "Yes" if r["qaRecorded"] else "No",
                     "Yes" if states["COMPLETE"] == "DONE" else "No", r["gaps"]])
    widths = [30, 12, 26, 14, 22, 10, 10, 16, 12, 10, 8]
    header = list(HEADER)
    if not page["bands"]:  # nobody the viewer may see the band of: no column for it
        header, widths, rows = header[:1] + header[2:], widths[:1] + widths[2:], [r[:1] + r[2:] for r in rows]
    stem = f"{slugify(page['programme']['title'])[:60]}-coverage-{utcnow().astimezone(LONDON).date().isoformat()}"
    return download(kind, stem, header, rows, title="Coverage", widths=widths)


def _iso_day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


@bp.get("/programmes/<int:programme_id>/coverage.csv")
def coverage_csv(programme_id: int):
    return _export(programme_id, "csv")


@bp.get("/programmes/<int:programme_id>/coverage.xlsx")
def coverage_xlsx(programme_id: int):
    return _export(programme_id, "xlsx")
