"""The CPD team's list of every school's orders (the orders themselves are on the
order pages, gateway/orders/pages.py)."""
from __future__ import annotations

from flask import Blueprint, g, render_template, request
from sqlmodel import col, select

from gateway.backends import BackendError, BackendUnavailable
from gateway.graph.view import make_context
from gateway.identity.models import Organisation
from gateway.web.pages import admins_only
from shared.db import request_session

bp = Blueprint("admin_orders", __name__, template_folder="templates")

# The states an admin looks for orders in: money expected first.
ADMIN_STATUSES = ["INVOICED", "AWAITING_PAYMENT", "PAID", "PARTIALLY_REFUNDED", "REFUNDED", "CANCELLED", "EXPIRED"]
ADMIN_PAGE = 25


@bp.get("/admin/orders")
def admin_orders():
    """Every school's orders for the CPD team, newest first, narrowed by status: where
    an admin finds the invoice whose payment arrived, or the order to refund.  Two
    calls whatever the page holds: bookings' list, then the schools' names here."""
    if (refused := admins_only()) is not None:
        return refused
    status = request.args.get("status") if request.args.get("status") in ADMIN_STATUSES else ""
    after = request.args.get("after", "")[:40] or None
    ctx = make_context()
    try:
        listed = ctx.call("bookings", "GET", "/orders", params={"status": status or None, "first": ADMIN_PAGE,
                                                                "after": after})
    except (BackendError, BackendUnavailable):
        return render_template("error.html", title="Orders cannot be shown just now",
                               message="The booking service is not answering. Try again in a few minutes."), 503
    finally:
        g.backend_calls = g.get("backend_calls", []) + ctx.backend_calls
    ids = {o["organisation_id"] for o in listed["items"]}
    names = {o.id: o.name for o in request_session().exec(
        select(Organisation).where(col(Organisation.id).in_(ids))).all()} if ids else {}
    return render_template("orders/admin_orders.html", orders=listed["items"], total=listed["total"], names=names,
                           statuses=ADMIN_STATUSES, status=status, after=after,
                           next_after=listed["end_cursor"] if listed["has_next"] else None)
