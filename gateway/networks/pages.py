"""Networks' pages: the trust's networks, a network (leads, members, the schools it
does not reach yet, attendance by school) and the admins' academic calendar."""
from __future__ import annotations

import re
from datetime import date, datetime

from flask import Blueprint, abort, g, render_template, request
from sqlmodel import func, select

from gateway.graph.history import HISTORY
from gateway.graph.view import execute_here
from gateway.identity.models import Person as PersonRow
from gateway.networks.attendance import Seat, by_school, chart, joined_since, missed_two
from gateway.web.forms import FormErrors, done, said, submit
from gateway.web.pages import admins_only, found, sign_in_first
from shared.clock import LONDON, academic_year_of, utcnow
from shared.db import request_session

bp = Blueprint("networks", __name__, template_folder="templates")


@bp.app_template_filter("network_day")
def network_day(value: str | None) -> str:
    """A date from the API (2027-02-05) as people read it: Fri 5 Feb 2027."""
    return date.fromisoformat(value).strftime("%a %-d %b %Y") if value else ""


@bp.get("/networks")
def networks_list():
    result = execute_here("{ networks { id name subject meetingsPerYear leads { name } } myNetworks { id } }")
    data = result.get("data") or {}
    mine = {n["id"] for n in data.get("myNetworks") or []}
    return render_template("networks/networks.html", networks=data.get("networks") or [], mine=mine,
                           errors=[e["message"] for e in result.get("errors", [])])


@bp.route("/networks/<int:network_id>", methods=["GET", "POST"])
def network_page(network_id: int):
    """A network: its leads, members and the schools it does not reach yet; its leads
    (and admins) add and remove members here."""
    message = said()
    errors, status = FormErrors(["email", "role"]), 200
    if request.method == "POST":
        if (visitor := sign_in_first()) is not None:
            return visitor
        if request.form.get("action") == "remove":
            submit("""mutation($n: ID!, $p: ID!) { removeNetworkMember(networkId: $n, personId: $p) {
                network { id } userErrors { message } } }""",
                   {"n": str(network_id), "p": request.form.get("personId", "")[:12]}, errors)
            outcome = "Member removed."
        else:
            email = request.form.get("email", "").strip().lower()
            person = request_session().exec(select(PersonRow).where(func.lower(PersonRow.email) == email)).first() \
                if email else None
            role = request.form.get("role") if request.form.get("role") in ("LEAD", "MEMBER", "GUEST") else "MEMBER"
            if not email:
                errors.add("email", "Enter the email address of the person to add.")
            elif person is None:
                errors.add("email", f"Nobody with the email {email} has signed in yet; check the address.")
            else:
                submit("""mutation($n: ID!, $p: ID!, $r: MembershipRole!) { addNetworkMember(networkId: $n,
                    personId: $p, role: $r) { network { id } userErrors { field message } } }""",
                       {"n": str(network_id), "p": str(person.id), "r": role}, errors)
                outcome = f"{person.name} added."
        if not errors:
            return done(outcome)
        status = 409
    year = academic_year_of(utcnow().astimezone(LONDON).date())
    network = found(execute_here("""query($id: ID!, $y: String) { network(id: $id) { id name subject meetingsPerYear
        leads { id name school { name } } members { role joinedAt person { id name } school { id name } }
        schoolsWithoutMember { id name }
        meetings(academicYear: $y) { id title term startsAt status venue attendees { id school { id } } }
        openActions { id description dueOn owner { name } } %s } }""" % (HISTORY if g.identity.is_admin else ""),
                                 {"id": str(network_id), "y": year}),
                    "network", "Networks unavailable")
    identity = g.identity
    may_change = identity.is_admin or network_id in identity.networks_for("network_lead")
    attendance = _attendance_by_school(network)
    return render_template("networks/network.html", network=network, may_change=may_change, message=message,
                           errors=errors, form=request.form, roles=["MEMBER", "LEAD", "GUEST"], year=year,
                           attendance=attendance, chart=chart(attendance, year, network["name"]),
                           joined_since=joined_since(attendance), missed_two=missed_two(attendance),
                           today=utcnow().astimezone(LONDON).date().isoformat()), status


def _attendance_by_school(network: dict) -> list[dict]:
    """The network page's attendance (see attendance.by_school), from its GraphQL answer."""
    seats = [Seat(m["school"]["id"], m["school"]["name"], datetime.fromisoformat(m["joinedAt"]))
             for m in network.get("members") or [] if m["school"]]
    held = [(datetime.fromisoformat(m["startsAt"]), {(p["school"] or {}).get("id") for p in m["attendees"]})
            for m in network.get("meetings") or [] if m["status"] == "HELD"]
    return by_school(seats, held)


TERMS = ("AUTUMN", "SPRING", "SUMMER")
TERM_DATES = {"startsOn": "starts", "endsOn": "ends", "halfTermStartsOn": "breaks for half term",
              "halfTermEndsOn": "comes back from half term"}


def _term_field(path) -> str | None:
    """`["terms", "1", "startsOn"]` (the API's) → "SPRING-startsOn" (the form's)."""
    if len(path) >= 3 and path[0] == "terms" and str(path[1]).isdigit() and int(path[1]) < len(TERMS):
        return f"{TERMS[int(path[1])]}-{'inset' if path[2] == 'closures' else path[2]}"
    return None


@bp.route("/admin/academic-years/<label>", methods=["GET", "POST"])
def academic_year_page(label: str):
    """Admins check and correct a year's term dates; meetings are planned inside them."""
    if (refused := admins_only()) is not None:
        return refused
    if not re.fullmatch(r"\d{4}-\d{2}", label):
        abort(404)
    message = said()
    errors = FormErrors([f"{name}-{key}" for name in TERMS for key in (*TERM_DATES, "inset")],
                        name_of=_term_field)
    status = 200
    if request.method == "POST":
        terms = []
        for name in TERMS:
            term = {"name": name}
            for key, words in TERM_DATES.items():
                try:
                    term[key] = date.fromisoformat(request.form.get(f"{name}-{key}", "").strip()).isoformat()
                except ValueError:
                    errors.add(f"{name}-{key}", f"{name.capitalize()} term: enter the date it {words} as, "
                                                "for example, 2027-01-04.")
            try:
                term["insetDays"] = [date.fromisoformat(d.strip()).isoformat()
                                     for d in request.form.get(f"{name}-inset", "").split(",") if d.strip()]
            except ValueError:
                errors.add(f"{name}-inset", f"{name.capitalize()} term: enter the INSET days as dates separated "
                                            "by commas, for example 2027-01-04, 2027-02-22.")
            terms.append(term)
        # Every date must be read before the calendar can be checked as a whole.
        if not errors and submit("""mutation($l: String!, $t: [TermInput!]!) { saveAcademicYear(label: $l,
                terms: $t) { academicYear { label } userErrors { field message } } }""",
                                 {"l": label, "t": terms}, errors) is not None:
            return done("Calendar saved.")
        status = 422
    result = execute_here("""query($l: String!) { academicYear(label: $l) { label terms { name startsOn endsOn
        halfTermStartsOn halfTermEndsOn closureDetails { on kind note } } %s } }""" % HISTORY, {"l": label})
    year = (result.get("data") or {}).get("academicYear")
    raw = {t["name"]: t for t in (year or {}).get("terms", [])}
    if errors:  # show what was typed, not what is stored, so nothing typed is lost
        for name in TERMS:
            kept = raw.get(name, {}).get("closureDetails", [])
            raw[name] = {k: request.form.get(f"{name}-{k}", "") for k in
                         ("startsOn", "endsOn", "halfTermStartsOn", "halfTermEndsOn")}
            raw[name]["closureDetails"] = [c for c in kept if c["kind"] == "BANK_HOLIDAY"]
            raw[name]["insetText"] = request.form.get(f"{name}-inset", "")
    return render_template("networks/academic_year.html", label=label, year=year, raw=raw, message=message,
                           errors=errors), status
