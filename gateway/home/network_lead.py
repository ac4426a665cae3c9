"""The home page's network lead section: for each network the person leads, the next
meeting with the answers so far (and who has not answered), the actions still open,
and attendance by school this academic year as a picture.

Every read is a batch by network ids, so the section costs three calls to the networks
service (four in the weeks when a network's next meeting falls in the next academic
year) and two statements on the gateway's database, however many networks, meetings,
members and actions there are.  The networks service decides which of those rows the
lead may see: the section only asks for the networks their role names."""
from __future__ import annotations

from datetime import date, datetime, timezone

from gateway.backends import BackendError, BackendUnavailable
from gateway.graph.ids import parse_id
from gateway.graph.loaders import ids_param
from gateway.home.sections import Viewer
from gateway.networks.attendance import Seat, by_school, chart, joined_since, missed_two
from shared.clock import LONDON, academic_year_of, utcnow

# Enough to act on from the home page; the network's own page lists every one.
ACTIONS_SHOWN = 8


def section(viewer: Viewer) -> dict | None:
    led = {i: grant["name"] for grant in viewer.scopes("NETWORK_LEAD", "network")
           if (i := parse_id(grant["id"])) is not None}
    if not led:
        return None
    now = utcnow()
    today = now.astimezone(LONDON).date()
    year = academic_year_of(today)
    ids = ids_param(sorted(led))
    try:
        meetings = viewer.call("networks", "/meetings", network_ids=ids, academic_year=year)["items"]
        if any(_next(meetings, i, now) is None for i in led):
            # in the summer a network's next meeting is often in September: next year's
            following = int(year[:4]) + 1
            meetings += viewer.call("networks", "/meetings", network_ids=ids,
                                    academic_year=f"{following}-{(following + 1) % 100:02d}")["items"]
        members = viewer.call("networks", "/memberships", network_ids=ids)["items"]
        actions = viewer.call("networks", "/actions/open", network_ids=ids)["items"]
    except (BackendError, BackendUnavailable):
        return {"unavailable": True, "networks": [], "year": year}

    held_this_year = [m for m in meetings if m["status"] == "HELD"
                      and academic_year_of(_moment(m["starts_at"]).astimezone(LONDON).date()) == year]
    # A person's school is the gateway's to know (as the network page reads it): the
    # attendees and any owner who has left the network, in one read.
    people = viewer.ctx.loader("person")
    people.expect([p for m in held_this_year for p in m["attendee_ids"]] + [a["owner_id"] for a in actions])
    schools = {s.id: s.name for s in viewer.ctx.loader("school").everything()}

    networks = []
    for network_id, name in sorted(led.items(), key=lambda kv: kv[1]):
        roster = [m for m in members if m["network_id"] == network_id]
        names = {m["person_id"]: m["name"] for m in roster}
        rows = _attendance(roster, [m for m in held_this_year if m["network_id"] == network_id], schools, people)
        networks.append({
            "id": network_id, "name": name,
            "next": _answers(_next(meetings, network_id, now), roster),
            **_open_actions([a for a in actions if a["network_id"] == network_id], names, people, today),
            "chart": chart(rows, year, name), "joined_since": joined_since(rows), "missed_two": missed_two(rows),
        })
    return {"unavailable": False, "networks": networks, "year": year}


def _moment(text: str) -> datetime:
    """A service's time: UTC, whether or not its database kept the zone (SQLite does not)."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _next(meetings: list[dict], network_id: int, now: datetime) -> dict | None:
    """The network's next scheduled meeting (one under way still counts)."""
    coming = [m for m in meetings if m["network_id"] == network_id and m["status"] == "SCHEDULED"
              and _moment(m["ends_at"]) > now]
    return min(coming, key=lambda m: m["starts_at"], default=None)


def _answers(meeting: dict | None, roster: list[dict]) -> dict | None:
    """The meeting, with its answers counted and the members yet to answer by name."""
    if meeting is None:
        return None
    said = {r["person_id"]: r["response"] for r in meeting["rsvps"]}
    counts = {response: sum(1 for r in said.values() if r == response) for response in ("YES", "MAYBE", "NO")}
    return {"id": meeting["id"], "title": meeting["title"], "starts_at": meeting["starts_at"],
            "venue": meeting["venue"], "online": bool(meeting["online_url"]), **counts, "invited": len(roster),
            "waiting": sorted(m["name"] for m in roster if m["person_id"] not in said)}


def _open_actions(actions: list[dict], names: dict[int, str], people, today: date) -> dict:
    """Overdue first, then by due date, those with no date last."""
    rows = []
    for a in actions:
        due = date.fromisoformat(a["due_on"]) if a["due_on"] else None
        owner = names.get(a["owner_id"]) or getattr(people.load(a["owner_id"]), "name", None) or "A former member"
        rows.append({"description": a["description"], "owner": owner, "due_on": a["due_on"],
                     "overdue": due is not None and due < today, "meeting_id": a["meeting_id"]})
    rows.sort(key=lambda r: (r["due_on"] is None, r["due_on"] or "", r["description"]))
    return {"actions": rows[:ACTIONS_SHOWN], "more_actions": max(0, len(rows) - ACTIONS_SHOWN),
            "overdue": sum(r["overdue"] for r in rows), "open": len(rows)}


def _attendance(roster: list[dict], held: list[dict], schools: dict[int, str], people) -> list[dict]:
    """attendance.by_school from the service's lists: a member stands for the school the
    network has them under; an attendee came from the school they are at now."""
    seats = [Seat(str(m["school_id"]), schools[m["school_id"]], _moment(m["added_at"]))
             for m in roster if m["school_id"] in schools]
    came = [(_moment(m["starts_at"]), {str(p.school_id) for p in people.load_many(m["attendee_ids"])
                                        if p is not None and p.school_id is not None}) for m in held]
    return by_school(seats, came)
