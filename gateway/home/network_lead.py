"""The home page's network_lead section."""
from __future__ import annotations

from gateway.home.sections import Viewer


def section(viewer: Viewer) -> dict | None:
    return None
