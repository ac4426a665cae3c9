"""The bookings service's application factory."""
from __future__ import annotations

from services.bookings.admin_dashboard.api import bp as admin_dashboard_bp
from services.bookings.approvals.api import bp as approvals_bp
from services.bookings.attendance.api import bp as attendance_bp
from services.bookings.audit import OBJECT_TYPES, PHRASES, AuditEntry
from services.bookings.bookings.api import bp as bookings_bp
from services.bookings.copies.api import bp as copies_bp
from services.bookings.db import database
from services.bookings.invoices.api import bp as invoices_bp
from services.bookings.messages import TEMPLATES
from services.bookings.orders.api import bp as orders_bp
from services.bookings.payments.api import bp as payments_bp
from services.bookings.sessions.api import bp as sessions_bp
from services.bookings.vouchers.api import bp as vouchers_bp
from services.bookings.waiting_list.api import bp as waiting_list_bp
from shared.audit import history_api
from shared.settings import Settings, get_settings
from shared.web import create_service_app


def create_app(settings: Settings | None = None):
    settings = settings or get_settings()
    # Compiled here, before gunicorn forks its workers (--preload): otherwise the first
    # booking of a rush compiles its message while it holds the session's lock.
    TEMPLATES.load_all()
    return create_service_app("bookings", settings, database(settings),
                              [sessions_bp, bookings_bp, waiting_list_bp, approvals_bp, attendance_bp, copies_bp,
                               admin_dashboard_bp, orders_bp, payments_bp, invoices_bp, vouchers_bp,
                               history_api(AuditEntry, OBJECT_TYPES, PHRASES)],
                              title="Lighthouse Learning bookings")
