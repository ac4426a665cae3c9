"""Where a school has got to in a programme's cascade, worked out from what the three
services say of it: one reckoning for the API (SchoolCascadeStatus), the coverage map,
its exports and the school page, so they never disagree.

The chain, in order: someone from the school attended the trust-wide source session →
someone attended the network's follow-up meeting → the school planned its sprint → it
held the sprint's first session → the central team recorded a quality-assurance note
→ the sprint is complete.  A school's stage is the furthest link it has reached; a
link before that which it skipped is a gap (a sprint planned though nobody came to the
source session).  A programme without follow-up meetings has no follow-up link, and
nobody is marked down for it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

STAGES = ("SOURCE_ATTENDED", "NETWORK_FOLLOW_UP", "SPRINT_PLANNED", "FIRST_SESSION_HELD", "QA_RECORDED",
          "COMPLETE")
NOT_STARTED = "NOT_STARTED"
# What each link is called on the pages and in the exports.
STAGE_NAMES = {"NOT_STARTED": "Not started", "SOURCE_ATTENDED": "Source session attended",
               "NETWORK_FOLLOW_UP": "Network follow-up attended", "SPRINT_PLANNED": "Sprint planned",
               "FIRST_SESSION_HELD": "First session held", "QA_RECORDED": "QA recorded", "COMPLETE": "Complete"}
# A link's state, as a word: the pages colour it, but the word (and its symbol) says it.
DONE, GAP, TO_DO, NOT_PART = "DONE", "GAP", "TO_DO", "NOT_PART"
BAND_ORDER = {"HIGH": 0, "MEDIUM": 1, "LOW": 2}


@dataclass(frozen=True)
class Facts:
    """What the services say of one school in one programme."""

    attended_source: int  # distinct staff of the school who attended a source session
    attended_follow_up: bool | None  # None: the programme has no follow-up meetings
    sessions_planned: int
    first_session_held_on: date | None
    qa_recorded: bool
    complete: bool


def reached(facts: Facts) -> dict[str, bool | None]:
    """Each link: reached, not reached, or None where the programme has no such link."""
    return {"SOURCE_ATTENDED": facts.attended_source > 0, "NETWORK_FOLLOW_UP": facts.attended_follow_up,
            "SPRINT_PLANNED": facts.sessions_planned > 0, "FIRST_SESSION_HELD": facts.first_session_held_on is not None,
            "QA_RECORDED": facts.qa_recorded, "COMPLETE": facts.complete}


def stage(facts: Facts) -> str:
    """The furthest link reached (NOT_STARTED when none is)."""
    done = reached(facts)
    return next((s for s in reversed(STAGES) if done[s]), NOT_STARTED)


def steps(facts: Facts) -> list[tuple[str, str]]:
    """Each link with its state: DONE, a GAP (skipped, with a later link reached),
    TO_DO (not reached yet), or NOT_PART of this programme."""
    done = reached(facts)
    furthest = STAGES.index(stage(facts)) if stage(facts) != NOT_STARTED else -1
    return [(s, NOT_PART if done[s] is None else DONE if done[s] else GAP if i < furthest else TO_DO)
            for i, s in enumerate(STAGES)]


def gaps(facts: Facts) -> int:
    return sum(1 for _, state in steps(facts) if state == GAP)


def progress(facts: Facts) -> int:
    """How many of the links the school has done."""
    return sum(1 for _, state in steps(facts) if state == DONE)


def by_risk(band: str | None, facts: Facts, name: str) -> tuple:
    """The order that shows where support should go first: high-risk schools before
    medium and low (a band the viewer may not see last), and in each band those with
    least done, then most gaps, first."""
    return BAND_ORDER.get(band or "", 3), progress(facts), -gaps(facts), name.lower()


def by_stage(facts: Facts, name: str) -> tuple:
    """Furthest behind first, whatever the band."""
    return progress(facts), -gaps(facts), name.lower()
