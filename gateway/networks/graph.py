"""The networks feature's root fields, in the order the published schema lists them;
each is resolved in the module it comes from: network.py (networks and members),
meeting.py (meetings, minutes, actions), proposals.py (planning the year),
academic_year.py (the calendar)."""
from __future__ import annotations

import graphene

from gateway.graph.compose import merged
from gateway.networks.academic_year import AcademicYearQuery, SaveAcademicYear
from gateway.networks.meeting import (
    CancelMeeting,
    CompleteAction,
    MeetingQuery,
    RecordMinutes,
    RsvpMutation,
    ScheduleMeeting,
)
from gateway.networks.network import AddNetworkMember, NetworkQuery, RemoveNetworkMember
from gateway.networks.proposals import ProposeMeetings

NetworksQuery = merged("NetworksQuery", [NetworkQuery, MeetingQuery, AcademicYearQuery])


class NetworksMutation(graphene.ObjectType):
    save_academic_year = SaveAcademicYear.Field(required=True)
    schedule_meeting = ScheduleMeeting.Field(required=True)
    propose_meetings = ProposeMeetings.Field(required=True)
    rsvp = RsvpMutation.Field(required=True)
    cancel_meeting = CancelMeeting.Field(required=True)
    record_minutes = RecordMinutes.Field(required=True)
    complete_action = CompleteAction.Field(required=True)
    add_network_member = AddNetworkMember.Field(required=True)
    remove_network_member = RemoveNetworkMember.Field(required=True)
