"""The networks service's application factory."""
from __future__ import annotations

from services.networks.audit import OBJECT_TYPES, PHRASES, AuditEntry
from services.networks.db import database
from services.networks.meetings.api import bp as meetings_bp
from services.networks.networks.api import bp as networks_bp
from services.networks.terms.api import bp as terms_bp
from shared.audit import history_api
from shared.settings import Settings, get_settings
from shared.web import create_service_app


def create_app(settings: Settings | None = None):
    settings = settings or get_settings()
    return create_service_app("networks", settings, database(settings),
                              [networks_bp, meetings_bp, terms_bp, history_api(AuditEntry, OBJECT_TYPES, PHRASES)],
                              title="Lighthouse Learning networks")
