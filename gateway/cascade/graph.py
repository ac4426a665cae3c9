"""The cascade feature's root fields and the fields it adds to other features' types,
in the order the published schema lists them; each is resolved in the module it comes
from."""
from __future__ import annotations

from gateway.cascade.bands import SchoolSupportBand, set_risk_band
from gateway.cascade.coverage import SchoolCascade
from gateway.cascade.notes import record_qa_note
from gateway.cascade.programmes import MeetingProgramme, ProgrammeQuery, save_programme
from gateway.cascade.sprints import (
    SprintQuery,
    give_up_sprint_session,
    plan_sprint,
    record_sprint_session,
    take_on_sprint_session,
)
from gateway.graph.compose import merged
from gateway.graph.mutations import mutations

CascadeQuery = merged("CascadeQuery", [ProgrammeQuery, SprintQuery])
CascadeMutation = mutations("CascadeMutation", save_programme, plan_sprint, record_sprint_session,
                            take_on_sprint_session, give_up_sprint_session, record_qa_note, set_risk_band)
CascadeExtensions = [SchoolSupportBand, SchoolCascade, MeetingProgramme]
