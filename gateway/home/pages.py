"""The home page.  Each role's section is a module of this package with a `section`
function (Viewer → a dict for its template, or None when it has nothing to show) and a
template home/_<name>.html; SECTIONS says which roles see which, in the page's order."""
from __future__ import annotations

from flask import Blueprint, g, render_template

from gateway.graph.view import execute_here, make_context
from gateway.home import admin, governor, leader, network_lead, others, sip, staff
from gateway.home.sections import Viewer

bp = Blueprint("home", __name__, template_folder="templates")

ME = """{ me { id name email jobTitle school { id name } organisation { name }
              roles { role school { id name } network { id name } } } }"""

# (name, roles that show it, module): the first role a person holds decides nothing;
# every section whose roles they hold is shown, in this order.
SECTIONS = [
    ("staff", {"STAFF"}, staff),
    ("leader", {"SCHOOL_LEADER"}, leader),
    ("network_lead", {"NETWORK_LEAD"}, network_lead),
    ("admin", {"LL_ADMIN"}, admin),
    ("sip", {"SIP"}, sip),
    ("governor", {"GOVERNOR"}, governor),
    ("others", {"EXTERNAL_BOOKER"}, others),
]


@bp.get("/")
def home():
    if g.get("person") is None:
        return render_template("home/visitor.html")
    result = execute_here(ME)
    me = (result.get("data") or {}).get("me")
    if me is None:
        return render_template("home/visitor.html")
    viewer = Viewer(me=me, ctx=make_context())
    held = {grant["role"] for grant in me["roles"]}
    sections = []
    for name, roles, module in SECTIONS:
        if held & roles and (data := module.section(viewer)) is not None:
            sections.append((f"home/_{name}.html", data))
    g.backend_calls = getattr(g, "backend_calls", []) + viewer.ctx.backend_calls
    return render_template("home/home.html", me=me, sections=sections)
