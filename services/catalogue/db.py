"""The catalogue's own tables and database."""
from __future__ import annotations

from pathlib import Path

from shared.db import component_database, declarative_base

CatalogueModel = declarative_base("CatalogueModel")
VERSION_TABLE = "alembic_version_catalogue"
MIGRATIONS = Path(__file__).parent / "migrations"
database = component_database("catalogue")


def metadata():
    import services.catalogue.audit  # noqa: F401  (the audit trail)
    import services.catalogue.cascade.models  # noqa: F401  (programmes, sprints, QA notes)
    import services.catalogue.copies.models  # noqa: F401  (school days, schools' bands)
    import services.catalogue.courses.models  # noqa: F401  (registers the tables)
    import services.catalogue.facts  # noqa: F401  (the fact outbox)
    import services.catalogue.messages  # noqa: F401  (the email outbox)
    import services.catalogue.videos.models  # noqa: F401

    return CatalogueModel.metadata

# Kept by the migrations, not the models: full-text search (see 0001_courses).
UNMODELLED = ("search_vector", "ix_course_search_vector", "course_fts", "ix_video_search_vector", "video_fts")
