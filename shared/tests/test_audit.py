"""The audit trail's helpers: what changed, said as before → after for the fields that
changed only, in values an entry can keep."""
from __future__ import annotations

import enum
from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace

from shared.audit import created, diff, plain, removed, snapshot, summary


class Colour(str, enum.Enum):
    RED = "RED"


def test_diff_names_the_changed_fields_only():
    before = {"status": "CONFIRMED", "capacity": 3, "venue": "Hall", "note": None}
    after = {"status": "CANCELLED", "capacity": 3, "venue": "Hall", "note": "Snow"}
    assert diff(before, after) == {"status": ["CONFIRMED", "CANCELLED"], "note": [None, "Snow"]}
    assert diff(before, before) == {}
    assert diff({"a": 1}, {"b": 2}) == {"a": [1, None], "b": [None, 2]}


def test_values_are_kept_plain():
    summer = datetime(2027, 6, 1, 16, 0, tzinfo=timezone(timedelta(hours=1)))
    assert plain(summer) == "2027-06-01T15:00:00+00:00"  # the same moment, in UTC
    assert plain(date(2027, 6, 1)) == "2027-06-01"
    assert plain(Colour.RED) == "RED"
    assert plain([Colour.RED, {"on": date(2027, 1, 4)}]) == ["RED", {"on": "2027-01-04"}]
    # the same moment written with another offset has not changed
    assert diff({"at": summer}, {"at": summer.astimezone(timezone.utc)}) == {}


def test_snapshot_created_and_removed():
    row = SimpleNamespace(status=Colour.RED, venue=None, capacity=0)
    assert snapshot(row, ("status", "venue")) == {"status": "RED", "venue": None}
    assert snapshot({"a": date(2027, 1, 4)}, ["a"]) == {"a": "2027-01-04"}
    assert created({"status": "RED", "venue": None, "capacity": 0, "tags": []}) == {
        "status": [None, "RED"], "capacity": [None, 0]}
    assert removed({"role": "MEMBER", "school_id": None}) == {"role": ["MEMBER", None]}


def test_summary_reads_the_actions_phrase():
    phrases = {"booking.cancelled": "{label}'s booking cancelled"}
    entry = {"action": "booking.cancelled", "object_label": "Tara", "object_type": "booking", "object_id": "3"}
    assert summary(entry, phrases) == "Tara's booking cancelled"
    assert summary({**entry, "object_label": None}, phrases) == "booking 3's booking cancelled"
    assert summary({**entry, "action": "booking.teleported"}, phrases) == "booking.teleported"
