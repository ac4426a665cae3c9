"""The catalogue service's application factory."""
from __future__ import annotations

from services.catalogue.audit import AuditEntry
from services.catalogue.cascade import history as cascade_history
from services.catalogue.cascade.api import bp as cascade_bp
from services.catalogue.copies.api import bp as copies_bp
from services.catalogue.courses.api import bp as courses_bp
from services.catalogue.db import database
from services.catalogue.videos.api import OBJECT_TYPES, PHRASES
from services.catalogue.videos.api import bp as videos_bp
from services.catalogue.videos.media_api import bp as video_media_bp
from shared.audit import history_api
from shared.settings import Settings, get_settings
from shared.web import create_service_app


def create_app(settings: Settings | None = None):
    settings = settings or get_settings()
    # one audit trail, so one history route for the videos' objects and the cascade's
    history = history_api(AuditEntry, (*OBJECT_TYPES, *cascade_history.OBJECT_TYPES),
                          {**PHRASES, **cascade_history.PHRASES})
    blueprints = [courses_bp, video_media_bp, videos_bp, cascade_bp, copies_bp, history]
    return create_service_app("catalogue", settings, database(settings), blueprints,
                              title="Lighthouse Learning catalogue")
