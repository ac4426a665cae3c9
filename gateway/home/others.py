"""The home page's section for external bookers: what they can do here today, linked.
An external booker is sent to register their school until they book for one, then to
its page.  (SIPs have a section of their own: sip.py.)  No calls."""
from __future__ import annotations

from gateway.home.sections import Viewer


def section(viewer: Viewer) -> dict | None:
    return {"external": viewer.has("EXTERNAL_BOOKER"), "organisation": viewer.me.get("organisation")}
