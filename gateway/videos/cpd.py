"""The videos in a person's CPD record, for the record the gateway puts together.

Where the minutes live: the catalogue keeps who watched what and when a video's minutes
counted (services/catalogue/videos/progress.py), bookings keeps attended sessions.
Neither keeps a copy of the other's: a person's record is the two read side by side
here — `Person.cpdRecord` (gateway/sessions/types.py) and the hours by term
(gateway/home/hours.py) each add what this kind reads to what bookings answers.  A copy
in bookings would need an outbox, a keeper and reconciliation to say nothing new.
"""
from __future__ import annotations

from datetime import datetime

from gateway.graph.loaders import ids_param, loads
from shared.clock import LONDON

KIND = "Video watched"


@loads("videos in cpd record", missing=lambda: {"minutes": 0, "entries": []})
def _video_records(ctx, person_ids: list[int], academic_year: str | None) -> dict:
    """Each person's counted videos in the year, as CpdEntry shapes (one call per 100
    people).  The catalogue answers one's own record, or anyone's to an admin; anyone
    else's is empty."""
    params = {"person_ids": ids_param(person_ids)}
    if academic_year:
        params["academic_year"] = academic_year
    items = ctx.read("catalogue", "GET", "/videos/cpd-records", params=params)["items"]
    return {r["person_id"]: {"minutes": r["minutes"], "entries": [{
        "title": e["title"], "date": datetime.fromisoformat(e["counted_at"]).astimezone(LONDON).date(),
        "minutes": e["minutes"], "kind": KIND, "certificate_url": None} for e in r["entries"]]} for r in items}
