"""HTTP for dashboards: thin — parse, call the read, shape."""
from __future__ import annotations

from flask_openapi3 import APIBlueprint, Tag

from services.bookings.admin_dashboard import service
from services.bookings.admin_dashboard.schemas import AdminDashboard, AdminDashboardQuery
from shared.db import request_session
from shared.web import SECURITY, current_identity

bp = APIBlueprint("admin_dashboard", __name__, abp_tags=[Tag(name="admin dashboard")], abp_security=SECURITY)


@bp.get("/dashboards/admin", responses={200: AdminDashboard})
def admin_dashboard(query: AdminDashboardQuery):
    """Admins only: the admin home's figures, in a fixed number of queries."""
    ids = [int(i) for i in query.governor_course_ids.split(",")] if query.governor_course_ids else []
    found = service.admin_dashboard(request_session(), current_identity(), ids)
    return AdminDashboard(**found).model_dump(mode="json")
