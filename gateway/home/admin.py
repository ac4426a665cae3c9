"""The home page's admin section: how the programme is running this week — each
session's places booked (a chart and its table), registers still to take, sessions
under-filled in the next fortnight, recent feedback by course, and the trust
strategy's KPI, governor CPD attendance this academic year against last.

Three backend calls whatever the numbers: the catalogue's governor courses, bookings'
admin dashboard (GET /dashboards/admin, the figures), and the rated courses' pages."""
from __future__ import annotations

from datetime import date, datetime

from flask import url_for

from gateway.backends import BackendError, BackendUnavailable
from gateway.home.sections import Viewer
from gateway.web import charts
from gateway.web.filters import current_academic_year
from shared.clock import LONDON

# Governor CPD is the attended places at sessions of courses whose audience includes
# governors, not places taken by people who hold the governor role: the KPI follows the
# trust's governor programme, roles live in the gateway and change (a governor appointed
# in March would rewrite last year's figure), and a governor who also teaches is at a
# phonics course as a teacher.  The catalogue says which courses those are.
GOVERNOR_AUDIENCE = "GOVERNOR"
MOST_GOVERNOR_COURSES = 100  # what one catalogue page (and the dashboard's id list) holds


def quick_links() -> list[dict]:
    # Worded as tasks, and apart from the header's "People", "Calendar" and "Approvals":
    # two links of one name going to one place would be read out as two destinations.
    return [{"text": "Add a course", "href": url_for("catalogue.new_course")},
            {"text": "Give someone a role", "href": url_for("people.people")},
            {"text": "Term dates and INSET days",
             "href": url_for("networks.academic_year_page", label=current_academic_year())},
            {"text": "Bookings waiting for approval", "href": url_for("bookings.approvals")},
            {"text": "Orders from other schools", "href": url_for("admin_orders.admin_orders")},
            {"text": "Income by term", "href": url_for("income.income_page")},
            {"text": "Vouchers", "href": url_for("vouchers.vouchers")},
            {"text": "Cascaded CPD: programmes and coverage maps", "href": url_for("cascade.programmes")}]


def section(viewer: Viewer) -> dict | None:
    if not viewer.has("LL_ADMIN"):
        return None
    try:
        governor = viewer.call("catalogue", "/courses", audience=GOVERNOR_AUDIENCE, first=MOST_GOVERNOR_COURSES)
        ids = ",".join(str(c["id"]) for c in governor["items"])
        board = viewer.call("bookings", "/dashboards/admin", **({"governor_course_ids": ids} if ids else {}))
        rated = ",".join(str(f["course_id"]) for f in board["feedback"])
        slugs = {c["id"]: c["slug"] for c in viewer.call("catalogue", "/courses", ids=rated)["items"]} if rated else {}
    except (BackendError, BackendUnavailable):
        # The rest of the home page still shows; this section says it could not.
        return {"unavailable": True, "links": quick_links()}
    week = [_with_fill(s) for s in board["this_week"]]
    for rating in board["feedback"]:
        rating["slug"] = slugs.get(rating["course_id"])
    return {
        "unavailable": False, "links": quick_links(),
        "week_starts_on": _day(board["week_starts_on"]), "this_week": week,
        "week_chart": _week_chart(week) if week else None,
        "registers": board["registers_to_take"],
        "under_filled": [_with_fill(s) for s in board["under_filled"]],
        "under_filled_percent": round(board["under_filled_below"] * 100), "under_filled_days": board["under_filled_days"],
        "feedback": board["feedback"], "feedback_days": board["feedback_days"],
        "governor": _governor(board["governor_cpd"], governor["total"]),
    }


def _day(iso: str) -> str:
    return date.fromisoformat(iso).strftime("%-d %B %Y")


def _with_fill(session: dict) -> dict:
    return {**session, "fill": round(100 * session["booked"] / session["capacity"]) if session["capacity"] else 0}


def _short(session: dict) -> str:
    starts = datetime.fromisoformat(session["starts_at"]).astimezone(LONDON)
    return f"{session['course_title']}, {starts:%a %-d %b %H:%M}"


def _week_chart(week: list[dict]) -> charts.Picture:
    return charts.bars("Places booked this week, as a share of each session's places",
                       [_short(s) for s in week], {"Booked": [s["fill"] for s in week]},
                       unit="%", horizontal=True, max_value=100, category_name="Session")


def _governor(kpi: dict, courses: int) -> dict:
    this, last = kpi["attended"], kpi["attended_last_year"]
    change = this - last
    months = [date.fromisoformat(m["month"] + "-01") for m in kpi["by_month"]]
    same_day = date.fromisoformat(kpi["same_point_last_year"]).strftime("%-d %B")
    last_name, this_name = f"{kpi['last_academic_year']} to {same_day}", f"{kpi['academic_year']} so far"
    picture = charts.bars(
        "Governor CPD places attended, month by month", [f"{m:%b}" for m in months],
        {last_name: [m["last_year"] for m in kpi["by_month"]], this_name: [m["this_year"] for m in kpi["by_month"]]},
        summary=f"Governor CPD places attended: {this} in {this_name}, against {last} in {last_name}.",
        category_name="Month", whole=True,
        marks={last_name: kpi["last_academic_year"], this_name: kpi["academic_year"]})
    return {**kpi, "change": change, "percent": round(100 * change / last) if last else None,
            "same_day": same_day, "chart": picture, "courses": courses,
            "courses_beyond": max(0, courses - MOST_GOVERNOR_COURSES)}
