"""The admins' people page, where roles are granted and revoked."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from gateway.graph.view import execute_here
from gateway.web.filters import label
from gateway.web.forms import FormErrors, submit
from gateway.web.pages import admins_only

bp = Blueprint("people", __name__, template_folder="templates")

ROLES = ["STAFF", "SCHOOL_LEADER", "NETWORK_LEAD", "SIP", "LL_ADMIN", "EXTERNAL_BOOKER", "GOVERNOR"]
PEOPLE_PAGE = 25
PEOPLE = """query($search: String, $first: Int, $after: String) {
  people(search: $search, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor }
    edges { node { id name email school { name } roles { id role school { name } network { name } } } } }
  schools { id name } networks { id name } }"""


@bp.app_template_filter("grant_label")
def grant_label(grant: dict) -> str:
    """A role as people say it: "Network lead · Maths network"."""
    scope = (grant.get("school") or {}).get("name") or (grant.get("network") or {}).get("name")
    return label(grant["role"]) + (f" · {scope}" if scope else "")


@bp.route("/admin/people", methods=["GET", "POST"])
def people():
    """Admins find people (a page at a time) and grant or revoke their roles; a
    role is only removed once the admin has confirmed it."""
    if (refused := admins_only()) is not None:
        return refused
    form = request.form
    search = request.values.get("q", "").strip()
    after = request.values.get("after", "")[:200] or None
    variables = {"search": search or None, "first": PEOPLE_PAGE, "after": after}
    message, confirm, row, status = None, None, None, 200
    errors = FormErrors([])
    if request.method == "POST":
        action, person_id = form.get("action"), form.get("personId", "")[:12]
        if action == "grant":
            row = person_id
            fields = {"role": f"role-{row}", "schoolId": f"school-{row}", "networkId": f"network-{row}"}
            errors = FormErrors(fields.values(), name_of=lambda path: fields.get(path[0]) if path else None)
            payload = submit("""mutation($p: ID!, $r: Role!, $s: ID, $n: ID) { grantRole(personId: $p, role: $r,
                schoolId: $s, networkId: $n) { person { name } userErrors { field message } } }""",
                             {"p": person_id, "r": form.get("role") if form.get("role") in ROLES else "STAFF",
                              "s": form.get("schoolId") or None, "n": form.get("networkId") or None}, errors)
            if payload is not None:
                message = f"Role granted to {payload['person']['name']}."
        elif action == "revoke" and form.get("confirmed") == "yes":
            payload = submit("mutation($g: ID!) { revokeRole(grantId: $g) { person { name } "
                             "userErrors { message } } }", {"g": form.get("grantId", "")[:12]}, errors)
            if payload is not None:
                message = f"Role removed from {payload['person']['name']}."
        elif action == "revoke":
            confirm = {"grantId": form.get("grantId", "")[:12], "personId": person_id}
        else:
            abort(400)
        status = 422 if errors else 200
    data = execute_here(PEOPLE, variables).get("data") or {}
    found = data.get("people") or {"edges": [], "totalCount": 0, "pageInfo": {"hasNextPage": False}}
    listed = [e["node"] for e in found["edges"]]
    if confirm:  # what is about to be removed, said in words, from the list on show
        for person in listed:
            for grant in person["roles"]:
                if grant["id"] == confirm["grantId"]:
                    confirm.update(person=person, grant=grant)
        if "grant" not in confirm:
            confirm = None
            errors.add(None, "That role has already been removed.")
    return render_template("people/people.html", people=listed, found=found, schools=data.get("schools") or [],
                           networks=data.get("networks") or [], roles=ROLES, q=search, after=after,
                           message=message, errors=errors, row=row, confirm=confirm, form=form), status
