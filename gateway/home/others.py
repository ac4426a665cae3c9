"""The home page's section for SIPs and external bookers: what they can do here
today, linked.  An external booker is sent to register their school until they book
for one, then to its page.  The rest comes with later work (the cascade for SIPs,
payments for external bookers); until then this says so plainly.  No calls."""
from __future__ import annotations

from gateway.home.sections import Viewer


def section(viewer: Viewer) -> dict | None:
    return {"sip": viewer.has("SIP"), "external": viewer.has("EXTERNAL_BOOKER"),
            "sip_schools": [s["name"] for s in viewer.scopes("SIP", "school")],
            "organisation": viewer.me.get("organisation")}
