"""The reckoning of a school's stage in a cascade (gateway/cascade/stages.py), which the
API, the coverage map, its exports and the school page all show."""
from __future__ import annotations

from datetime import date

from gateway.cascade import stages
from gateway.cascade.stages import Facts

NOTHING = Facts(attended_source=0, attended_follow_up=False, sessions_planned=0, first_session_held_on=None,
                qa_recorded=False, complete=False)


def facts(**done) -> Facts:
    return Facts(**{**NOTHING.__dict__, **done})


def test_the_furthest_link_reached_is_the_stage_and_what_was_skipped_a_gap():
    assert stages.stage(NOTHING) == "NOT_STARTED" and stages.gaps(NOTHING) == 0
    assert [s for _, s in stages.steps(NOTHING)] == ["TO_DO"] * 6
    on_track = facts(attended_source=3, attended_follow_up=True, sessions_planned=2)
    assert stages.stage(on_track) == "SPRINT_PLANNED" and stages.gaps(on_track) == 0
    skipped = facts(sessions_planned=2, first_session_held_on=date(2026, 10, 5))
    assert stages.stage(skipped) == "FIRST_SESSION_HELD"
    assert [s for _, s in stages.steps(skipped)] == ["GAP", "GAP", "DONE", "DONE", "TO_DO", "TO_DO"]
    assert stages.progress(skipped) == 2 and stages.gaps(skipped) == 2
    assert stages.stage(facts(complete=True, qa_recorded=True, sessions_planned=1, attended_source=1)) == "COMPLETE"


def test_a_programme_without_follow_up_meetings_marks_nobody_down_for_them():
    without = facts(attended_source=2, attended_follow_up=None, sessions_planned=1)
    assert [s for _, s in stages.steps(without)] == ["DONE", "NOT_PART", "DONE", "TO_DO", "TO_DO", "TO_DO"]
    assert stages.gaps(without) == 0


def test_the_risk_order_puts_high_risk_schools_with_least_done_first():
    schools = [("Ashby", "LOW", NOTHING), ("Brook", "HIGH", facts(attended_source=1)), ("Cedar", "HIGH", NOTHING),
               ("Dale", None, NOTHING), ("Eden", "HIGH", facts(sessions_planned=1))]
    ranked = sorted(schools, key=lambda s: stages.by_risk(s[1], s[2], s[0]))
    # high first; among them nothing done, then one done with a gap before it, then one done cleanly
    assert [name for name, _, _ in ranked] == ["Cedar", "Eden", "Brook", "Ashby", "Dale"]
    assert [name for name, _, f in sorted(schools, key=lambda s: stages.by_stage(s[2], s[0]))][:3] == [
        "Ashby", "Cedar", "Dale"]
