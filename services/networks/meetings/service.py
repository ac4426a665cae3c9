"""Meetings of a network: scheduling (with invitations), RSVPs, minutes and actions.
Only the network's leads and admins change a meeting; its members see it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, func, select

from services.networks.audit import log_action
from services.networks.meetings import messages
from services.networks.meetings.models import Action, Attendance, Meeting, Rsvp
from services.networks.networks.models import Membership, Network
from services.networks.networks.service import may_change, network_or_404, visible_network_ids
from shared.audit import created, diff, snapshot
from shared.clock import LONDON, academic_year_of, as_utc, utcnow
from shared.errors import Conflict, Forbidden, Invalid, NotFound, field_error
from shared.tokens import Identity
from shared.vocabulary import MeetingStatus, Role, RsvpResponse


@dataclass
class MeetingData:
    network_id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    venue: str | None = None
    online_url: str | None = None
    agenda: list | None = None
    programme_id: int | None = None
    outside_term_confirmed: bool = False


def _members(db: Session, network_id: int) -> list[Membership]:
    return list(db.exec(select(Membership).where(Membership.network_id == network_id)
                        .order_by(Membership.id)).all())


def _term_of(db: Session, day: date) -> tuple[str | None, bool]:
    """The term a day falls in (None outside term) and whether it is a school day."""
    from services.networks.terms.service import term_on

    return term_on(db, day)


def schedule(db: Session, identity: Identity, data: MeetingData, meeting_id: int | None = None) -> Meeting:
    network = network_or_404(db, data.network_id)
    if not may_change(identity, network.id):
        raise Forbidden("Only this network's leads and Lighthouse Learning admins can schedule its meetings.")
    problems = []
    if as_utc(data.ends_at) <= as_utc(data.starts_at):
        problems.append(field_error("endsAt", "The meeting must end after it starts."))
    if as_utc(data.starts_at) <= utcnow():
        problems.append(field_error("startsAt", "That time has passed; choose a time in the future."))
    if not data.venue and not data.online_url:
        problems.append(field_error("venue", "Give a venue, an online link, or both."))
    day = as_utc(data.starts_at).astimezone(LONDON).date()
    term, school_day = _term_of(db, day)
    if not problems and not school_day and not data.outside_term_confirmed:
        problems.append(field_error("startsAt", f"{day:%A %-d %B %Y} is not a school day (a weekend, holiday, "
                                                "half term or INSET day). Confirm to hold it anyway."))
    if problems:
        raise Invalid("The meeting was not scheduled; see the field errors.", problems)
    values = dict(title=data.title, starts_at=data.starts_at, ends_at=data.ends_at, venue=data.venue,
                  online_url=data.online_url, agenda=data.agenda or [], programme_id=data.programme_id, term=term)
    if meeting_id is None:
        meeting = Meeting(network_id=network.id, **values)
        db.add(meeting)
        changed, before = False, {}
    else:
        meeting = _meeting_of(db, meeting_id, network.id)
        if meeting.status not in (MeetingStatus.SCHEDULED, MeetingStatus.PROPOSED):
            raise Conflict("This meeting has been held or cancelled; schedule a new one instead.")
        before = _state(meeting)
        for key, value in values.items():
            setattr(meeting, key, value)
        meeting.sequence += 1
        meeting.updated_at = utcnow()
        changed = True
    meeting.status = MeetingStatus.SCHEDULED
    db.flush()
    _log_meeting(db, identity, "meeting.changed" if changed else "meeting.scheduled", meeting,
                 diff(before, _state(meeting)) if changed else created(_state(meeting)))
    for member in _members(db, network.id):
        messages.invitation(db, meeting, network, member, changed)
    return meeting


# What a meeting's audit entries record of it (its agenda by the items' titles).
MEETING_FIELDS = ("title", "starts_at", "ends_at", "venue", "online_url", "programme_id", "status")


def _state(meeting: Meeting) -> dict:
    return {**snapshot(meeting, MEETING_FIELDS), "agenda": [item.get("title") for item in meeting.agenda or []]}


def _log_meeting(db: Session, identity: Identity, action: str, meeting: Meeting, changes: dict) -> None:
    log_action(db, identity, action, ("meeting", meeting.id), changes, parent=("network", meeting.network_id),
               label=meeting.title)


def _meeting_of(db: Session, meeting_id: int, network_id: int | None = None) -> Meeting:
    meeting = db.get(Meeting, meeting_id)
    if meeting is None or (network_id is not None and meeting.network_id != network_id):
        raise NotFound("There is no such meeting.")
    return meeting


def get_meeting(db: Session, identity: Identity, meeting_id: int) -> Meeting:
    """Members, leads and admins see a meeting; for anyone else it does not exist."""
    meeting = db.get(Meeting, meeting_id)
    if meeting is None or meeting.network_id not in visible_network_ids(db, identity, [meeting.network_id]):
        raise NotFound("There is no such meeting, or it is for the network's members only.")
    return meeting


def meetings_by_ids(db: Session, identity: Identity, meeting_ids: list[int]) -> list[Meeting]:
    """Of these meetings, those the caller may see (a batch read)."""
    rows = db.exec(select(Meeting).where(Meeting.id.in_(meeting_ids))).all()
    visible = visible_network_ids(db, identity, sorted({m.network_id for m in rows}))
    return [m for m in rows if m.network_id in visible]


def calendar_meetings(db: Session, identity: Identity) -> list[tuple[Meeting, Network]]:
    """The meetings of the caller's networks, for their calendar: those to come and the
    last year's, not the cancelled."""
    return list(db.exec(select(Meeting, Network).join(Network, Network.id == Meeting.network_id)
                        .join(Membership, Membership.network_id == Meeting.network_id)
                        .where(Membership.person_id == identity.person_id, Meeting.status != MeetingStatus.CANCELLED,
                               Meeting.starts_at > utcnow() - timedelta(days=366))
                        .order_by(Meeting.starts_at)).all())


def meetings_of(db: Session, identity: Identity, network_ids: list[int], academic_year: str | None) -> list[Meeting]:
    visible = visible_network_ids(db, identity, network_ids)
    if not visible:
        return []
    rows = db.exec(select(Meeting).where(Meeting.network_id.in_(visible)).order_by(Meeting.starts_at)).all()
    if academic_year:
        rows = [m for m in rows if academic_year_of(as_utc(m.starts_at).astimezone(LONDON).date()) == academic_year]
    return list(rows)


def cancel(db: Session, identity: Identity, meeting_id: int) -> Meeting:
    meeting = _meeting_of(db, meeting_id)
    if not may_change(identity, meeting.network_id):
        raise Forbidden("Only this network's leads and Lighthouse Learning admins can cancel its meetings.")
    if meeting.status != MeetingStatus.SCHEDULED:
        raise Conflict("Only a scheduled meeting can be cancelled.")
    before = _state(meeting)
    meeting.status = MeetingStatus.CANCELLED
    meeting.sequence += 1
    meeting.updated_at = utcnow()
    _log_meeting(db, identity, "meeting.cancelled", meeting, diff(before, _state(meeting)))
    network = network_or_404(db, meeting.network_id)
    for member in _members(db, meeting.network_id):
        messages.cancellation(db, meeting, network, member)
    db.flush()
    return meeting


def rsvp(db: Session, identity: Identity, meeting_id: int, response: RsvpResponse) -> Meeting:
    meeting = get_meeting(db, identity, meeting_id)
    member = db.exec(select(Membership).where(Membership.network_id == meeting.network_id,
                                              Membership.person_id == identity.person_id)).first()
    if member is None:
        raise Forbidden("Only the network's members answer its invitations.")
    if meeting.status != MeetingStatus.SCHEDULED or as_utc(meeting.starts_at) <= utcnow():
        raise Conflict("This meeting is no longer open for answers.")
    row = db.exec(select(Rsvp).where(Rsvp.meeting_id == meeting_id, Rsvp.person_id == identity.person_id)).first()
    before = None if row is None else row.response
    if row is None:
        row = Rsvp(meeting_id=meeting_id, person_id=identity.person_id, response=response)
        db.add(row)
    else:
        row.response, row.answered_at = response, utcnow()
    db.flush()
    log_action(db, identity, "rsvp.answered", ("rsvp", row.id), diff({"response": before}, {"response": response}),
               parent=("meeting", meeting_id), label=member.name)
    return meeting


@dataclass
class ActionData:
    description: str
    owner_id: int
    due_on: date | None = None


def record_minutes(db: Session, identity: Identity, meeting_id: int, minutes: str, attendee_ids: list[int],
                   actions: list[ActionData]) -> Meeting:
    """After the meeting: the minutes, who came, and the actions agreed.  Recording
    again replaces the minutes and attendance and adds the new actions."""
    meeting = _meeting_of(db, meeting_id)
    if not may_change(identity, meeting.network_id):
        raise Forbidden("Only this network's leads and Lighthouse Learning admins record its minutes.")
    if meeting.status == MeetingStatus.CANCELLED:
        raise Conflict("This meeting was cancelled, so it has no minutes.")
    if as_utc(meeting.starts_at) > utcnow():
        raise Conflict("Minutes can be recorded once the meeting has started.")
    members = {m.person_id: m for m in _members(db, meeting.network_id)}
    problems = [field_error(["attendeeIds"], f"Person {pid} is not a member of this network.")
                for pid in attendee_ids if pid not in members]
    problems += [field_error(["actions", str(i), "ownerId"], "An action's owner must be a member of the network.")
                 for i, a in enumerate(actions) if a.owner_id not in members]
    if problems:
        raise Invalid("The minutes were not saved; see the field errors.", problems)
    first_time = meeting.minutes_recorded_at is None
    came = db.exec(select(Attendance).where(Attendance.meeting_id == meeting_id)).all()
    agreed = [f"{a.description} ({a.owner_name})" for a in actions_of(db, [meeting_id])]
    before = {"minutes": meeting.minutes, "status": meeting.status, "attended": _names(members, came), "actions": agreed}
    meeting.minutes = minutes
    meeting.minutes_recorded_at = utcnow()
    meeting.status = MeetingStatus.HELD
    for old in came:
        db.delete(old)
    db.flush()
    came = [Attendance(meeting_id=meeting_id, person_id=pid, school_id=members[pid].school_id)
            for pid in dict.fromkeys(attendee_ids)]
    db.add_all(came)
    for a in actions:
        owner = members[a.owner_id]
        db.add(Action(meeting_id=meeting_id, network_id=meeting.network_id, description=a.description,
                      owner_id=owner.person_id, owner_name=owner.name, owner_email=owner.email, due_on=a.due_on))
        agreed = [*agreed, f"{a.description} ({owner.name})"]
    db.flush()
    _log_meeting(db, identity, "meeting.minutes_recorded" if first_time else "meeting.minutes_edited", meeting,
                 diff(before, {"minutes": meeting.minutes, "status": meeting.status, "attended": _names(members, came),
                               "actions": agreed}))
    return meeting


def _names(members: dict[int, Membership], came: list[Attendance]) -> list[str]:
    """Who came, by name, in order (someone no longer a member by their id)."""
    return sorted(members[a.person_id].name if a.person_id in members else f"Person {a.person_id}" for a in came)


def complete_action(db: Session, identity: Identity, action_id: int) -> Action:
    action = db.get(Action, action_id)
    if action is None or action.network_id not in visible_network_ids(db, identity, [action.network_id]):
        raise NotFound("There is no such action.")
    if identity.person_id != action.owner_id and not may_change(identity, action.network_id):
        raise Forbidden("Only the action's owner or the network's leads can mark it done.")
    if not action.done:
        action.done, action.done_at = True, utcnow()
        log_action(db, identity, "action.completed", ("action", action.id), {"done": [False, True]},
                   parent=("meeting", action.meeting_id), label=action.description)
    db.flush()
    return action


def open_actions(db: Session, network_ids: list[int]) -> list[Action]:
    return list(db.exec(select(Action).where(Action.network_id.in_(network_ids), Action.done.is_(False))
                        .order_by(Action.due_on, Action.id)).all())


def agendas_with_actions(db: Session, meetings: list[Meeting]) -> dict[int, list[dict]]:
    """Each meeting's agenda; a scheduled meeting's followed by every action still open
    from the network's earlier meetings: they come back until somebody marks them done.
    One query for the open actions of the lot, not one per meeting."""
    agendas = {m.id: list(m.agenda or []) for m in meetings}
    scheduled = [m for m in meetings if m.status == MeetingStatus.SCHEDULED]
    if not scheduled:
        return agendas
    open_ = db.exec(select(Action, Meeting.starts_at).join(Meeting, Meeting.id == Action.meeting_id)
                    .where(Action.network_id.in_(sorted({m.network_id for m in scheduled})), Action.done.is_(False))
                    .order_by(Action.id)).all()
    for m in scheduled:
        starts = as_utc(m.starts_at)
        agendas[m.id] += [{"title": f"Open action: {a.description} ({a.owner_name})", "minutes": None,
                           "presenter": None}
                          for a, raised in open_ if a.network_id == m.network_id and as_utc(raised) < starts]
    return agendas


def rsvps_of(db: Session, meeting_ids: list[int]) -> list[Rsvp]:
    return list(db.exec(select(Rsvp).where(Rsvp.meeting_id.in_(meeting_ids)).order_by(Rsvp.id)).all())


def actions_of(db: Session, meeting_ids: list[int]) -> list[Action]:
    if not meeting_ids:
        return []
    return list(db.exec(select(Action).where(Action.meeting_id.in_(meeting_ids)).order_by(Action.id)).all())


def attendance_of(db: Session, meeting_ids: list[int]) -> list[Attendance]:
    return list(db.exec(select(Attendance).where(Attendance.meeting_id.in_(meeting_ids))).all())



def follow_ups(db: Session, identity: Identity, programme_ids: list[int]) -> list[tuple[int, int]]:
    """(meeting, programme) for the meetings whose lead said they follow up one of these
    programmes, to people of the trust (who follow programmes); one query."""
    if not identity.is_trust_member:
        return []
    return list(db.exec(select(Meeting.id, Meeting.programme_id).where(Meeting.programme_id.in_(programme_ids))
                        .order_by(Meeting.starts_at, Meeting.id)).all())


def attendance_by_school(db: Session, identity: Identity, meeting_ids: list[int]) -> list[tuple[int, int, int]]:
    """How many from each school came to each of these meetings, as the minutes
    recorded them: for following a cascaded programme into the network's follow-up
    meetings.  Admins see every school's, a SIP or a school leader their own schools'
    (as the catalogue shows the rest of the cascade); anyone else nothing.  (meeting,
    school, how many); one query."""
    if identity.is_admin:
        whose = Attendance.school_id.is_not(None)
    elif schools := identity.schools_for(Role.SIP) | identity.schools_for(Role.SCHOOL_LEADER):
        whose = Attendance.school_id.in_(sorted(schools))
    else:
        return []
    return list(db.exec(select(Attendance.meeting_id, Attendance.school_id, func.count())
                        .where(Attendance.meeting_id.in_(meeting_ids), whose)
                        .group_by(Attendance.meeting_id, Attendance.school_id)
                        .order_by(Attendance.meeting_id, Attendance.school_id)).all())
