"""A school's page for those who follow its cascade — admins, its SIPs and its leaders:
its risk band with the reason, review date and every change (the central team changes
it here), and its stage in every programme it takes part in."""
from __future__ import annotations

from datetime import date

from flask import abort, render_template, request

from gateway.cascade.pages import STATES, bp
from gateway.cascade.stages import STAGE_NAMES, STAGES
from gateway.graph.view import execute_here
from gateway.web.forms import FormErrors, done, said, submit
from gateway.web.pages import found, sign_in_first

BANDS = {"HIGH": "High: the most central support", "MEDIUM": "Medium", "LOW": "Low: the least central support"}
PAGE = """query($id: ID!) { school(id: $id) { id name phase pupilCount
  supportBand { band reason reviewOn reviewDue setByName setAt canChange
    history(first: 100) { at actorName summary changes { field before after } } }
  cascades { programme { id title } stage attendedSource sessionsPlanned firstSessionHeldOn sprintId
    hostSchool { id name } steps { stage state } } } }"""
SET = """mutation($s: ID!, $b: RiskBand!, $r: String!, $d: Date!) { setRiskBand(schoolId: $s, band: $b, reason: $r,
  reviewOn: $d) { school { id } userErrors { field message } } }"""


@bp.route("/schools/<int:school_id>", methods=["GET", "POST"])
def school_page(school_id: int):
    if (visitor := sign_in_first()) is not None:
        return visitor
    errors, status = FormErrors(["band", "reason", "reviewOn"]), 200
    if request.method == "POST":
        band = request.form.get("band", "")
        if band not in BANDS:
            errors.add("band", "Choose the school's band: high, medium or low.")
        try:
            review_on = date.fromisoformat(request.form.get("reviewOn", "").strip()).isoformat()
        except ValueError:
            errors.add("reviewOn", "Enter the review date as a date, for example 2027-03-01.")
            review_on = "2999-01-01"  # a stand-in: the rest is still checked (forms.submit)
        if submit(SET, {"s": str(school_id), "b": band if band in BANDS else "LOW", "r": request.form.get("reason", ""),
                        "d": review_on}, errors) is not None:
            return done("The risk band was saved.")
        status = 422
    school = found(execute_here(PAGE, {"id": str(school_id)}), "school", "Schools unavailable")
    if school["supportBand"] is None:
        abort(404)  # the page is the central team's and the school's leaders'
    for row in school["cascades"]:
        row["cells"] = [{"stage": s["stage"], "state": s["state"], "symbol": STATES[s["state"]][0],
                         "word": STATES[s["state"]][1]} for s in row["steps"]]
    shown = request.form if errors else {"band": school["supportBand"]["band"],
                                         "reason": school["supportBand"]["reason"] or "",
                                         "reviewOn": school["supportBand"]["reviewOn"] or ""}
    return render_template("cascade/school.html", school=school, band=school["supportBand"], bands=BANDS,
                           shown=shown, errors=errors, stages=STAGES, stage_names=STAGE_NAMES, states=STATES,
                           message=said()), status
