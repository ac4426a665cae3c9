"""The networks feature's root fields, in the order the published schema lists them;
each is resolved in the module it comes from: network.py (networks and members),
meeting.py (meetings, minutes, actions), proposals.py (planning the year),
academic_year.py (the calendar)."""
from __future__ import annotations

from gateway.graph.compose import merged
from gateway.graph.mutations import mutations
from gateway.networks.academic_year import AcademicYearQuery, save_academic_year
from gateway.networks.meeting import (
    MeetingQuery,
    cancel_meeting,
    complete_action,
    record_minutes,
    rsvp,
    schedule_meeting,
)
from gateway.networks.network import NetworkQuery, add_network_member, remove_network_member
from gateway.networks.proposals import propose_meetings

NetworksQuery = merged("NetworksQuery", [NetworkQuery, MeetingQuery, AcademicYearQuery])
NetworksMutation = mutations("NetworksMutation", save_academic_year, schedule_meeting, propose_meetings, rsvp,
                             cancel_meeting, record_minutes, complete_action, add_network_member,
                             remove_network_member)
