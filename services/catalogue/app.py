"""The catalogue service's application factory."""
from __future__ import annotations

from services.catalogue.courses.api import bp as courses_bp
from services.catalogue.db import database
from services.catalogue.videos.media_api import bp as video_media_bp
from shared.settings import Settings, get_settings
from shared.web import create_service_app


def create_app(settings: Settings | None = None):
    settings = settings or get_settings()
    return create_service_app(
        "catalogue", settings, database(settings), [courses_bp, video_media_bp], title="Lighthouse Learning catalogue"
    )
