"""What the cascade's tests share: people in every role (schools 1 and 3 are the SIP
Sita's, school 2 is Bea's; Lee leads school 1, Lou school 2), school days to plan
on, and a client that sets a programme, plans sprints and records sessions and notes
through the catalogue's API as the gateway would."""
from __future__ import annotations

import threading
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from shared import tokens
from shared.clock import LONDON, utcnow

G = tokens.Grant
ADMIN = tokens.Identity(subject="9", name="Ada Admin", email="ada@lighthouse.test", grants=(G("ll_admin"),))
SIP_A = tokens.Identity(subject="21", name="Sita Sip", email="sita@lighthouse.test",
                        grants=(G("sip", school_id=1), G("sip", school_id=3)))
SIP_A2 = tokens.Identity(subject="23", name="Sam Second", email="sam2@lighthouse.test", grants=(G("sip", school_id=1),))
SIP_B = tokens.Identity(subject="22", name="Bea Sip", email="bea@lighthouse.test", grants=(G("sip", school_id=2),))
LEADER_A = tokens.Identity(subject="31", name="Lee Leader", email="lee@school1.test",
                           grants=(G("school_leader", school_id=1), G("staff", school_id=1)))
LEADER_B = tokens.Identity(subject="32", name="Lou Leader", email="lou@school2.test",
                           grants=(G("school_leader", school_id=2),))
LEADER_C = tokens.Identity(subject="33", name="Cal Leader", email="cal@school3.test",
                           grants=(G("school_leader", school_id=3),))
STAFF_A = tokens.Identity(subject="41", name="Sue Staff", grants=(G("staff", school_id=1),))
GOVERNOR_A = tokens.Identity(subject="42", name="Gus Governor", grants=(G("governor", school_id=1),))
NETWORK_LEAD = tokens.Identity(subject="43", name="Nia Lead", grants=(G("network_lead", network_id=1),))
EXTERNAL = tokens.Identity(subject="44", name="Eve External", organisation_id=5, grants=(G("external_booker"),))
VISITOR = tokens.ANONYMOUS_IDENTITY
# Everyone who must never see a sprint or a note of school 1.
OUTSIDERS = {"leader of school 2": LEADER_B, "SIP of school 2": SIP_B, "staff": STAFF_A, "governor": GOVERNOR_A,
             "network lead": NETWORK_LEAD, "external booker": EXTERNAL, "visitor": VISITOR}


def school_day(weekdays_ahead: int, at: time = time(15, 45)) -> datetime:
    """`weekdays_ahead` weekdays after today, at `at` London time."""
    day = utcnow().astimezone(LONDON).date()
    while weekdays_ahead:
        day += timedelta(days=1)
        if day.weekday() < 5:
            weekdays_ahead -= 1
    return datetime.combine(day, at, LONDON)


def weekend_day() -> date:
    day = utcnow().astimezone(LONDON).date() + timedelta(days=7)
    return day + timedelta(days=(5 - day.weekday()) % 7)


def pausing(monkeypatch, module, name: str):
    """`module.name` made to stop, once called, until `go` is set: (called, go).  A
    request held there while another is sent shows which locks the first one holds."""
    called, go = threading.Event(), threading.Event()
    real = getattr(module, name)

    def paused(*args, **kwargs):
        called.set()
        go.wait(timeout=10)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, paused)
    return called, go


def iso(moment: datetime) -> str:
    return moment.isoformat()


def move_session(session_id: int, when: datetime) -> None:
    """Put a session at `when` directly in the database (the past, for one to record
    as held: the API only plans sessions still to come)."""
    from services.catalogue.cascade.models import SprintSession
    from services.catalogue.db import database

    with database().session() as db:
        db.execute(sa.update(SprintSession).where(SprintSession.id == session_id).values(scheduled_at=when))


class Cascade:
    """The catalogue's cascade API, called as the gateway would (`call` is service_call)."""

    def __init__(self, call, deliver=None):
        self.call, self.deliver = call, deliver

    def band(self, school_id: int, band: str | None):
        """The school's risk band, delivered to the catalogue's copy as the gateway does."""
        answer = self.deliver("gateway", "catalogue", f"/copies/school-bands/{school_id}", band=band)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def school_days(self, label: str, days) -> None:
        """A year's school days, delivered to the catalogue's copy as networks does."""
        answer = self.deliver("networks", "catalogue", f"/copies/school-days/{label}",
                              school_days=[d.isoformat() for d in days])
        assert answer.status_code == 200, answer.text

    def course(self) -> int:
        from services.catalogue.courses.schemas import CourseIn
        from services.catalogue.courses.service import save_course
        from services.catalogue.db import database
        from tests.support.fixtures import ADMIN as SEEDER
        from tests.support.fixtures import course_data

        with database().session() as db:
            return save_course(db, SEEDER, CourseIn(**course_data(title="White Rose Maths: Year 1"))).id

    def programme(self, schools=(1, 2, 3), identity=ADMIN, expect: int = 201, **fields) -> dict:
        body = {"title": "White Rose Maths mastery", "source_course_id": fields.pop("course_id", None) or self.course(),
                "source_session_ids": [11, 12], "network_id": 1, "follow_up_meeting_ids": [5],
                "school_scope": "LIST", "school_ids": list(schools), **fields}
        answer = self.call("catalogue", "POST", "/programmes", identity, json=body)
        assert answer.status_code == expect, answer.text
        return answer.json()

    def edit_programme(self, programme: dict, schools, identity=ADMIN):
        """The programme saved again with `schools` taking part."""
        body = {k: programme[k] for k in ("title", "source_course_id", "source_session_ids", "network_id",
                                          "follow_up_meeting_ids", "school_scope")}
        return self.call("catalogue", "PUT", f"/programmes/{programme['id']}", identity,
                         json={**body, "school_ids": list(schools)})

    def plan_body(self, sessions=None, **fields) -> dict:
        sessions = sessions if sessions is not None else [
            {"topic": "Concrete, pictorial, abstract", "scheduled_at": iso(school_day(3))},
            {"topic": "Variation and fluency", "scheduled_at": iso(school_day(8))}]
        return {"lead_id": 31, "lead_name": "Lee Leader", "lead_email": "lee@school1.test",
                "sessions": sessions, **fields}

    def plan(self, programme_id: int, school_id: int = 1, identity=LEADER_A, expect: int | None = None,
             **fields):
        answer = self.call("catalogue", "PUT", f"/programmes/{programme_id}/schools/{school_id}/sprint", identity,
                           json=self.plan_body(**fields))
        if expect is not None:
            assert answer.status_code == expect, answer.text
        return answer

    def record(self, session_id: int, identity=LEADER_A, **body):
        body = {"status": "HELD", "staff_attending": 9, **body}
        return self.call("catalogue", "POST", f"/sprint-sessions/{session_id}/record", identity, json=body)

    def held(self, sprint: dict, index: int = 0, identity=LEADER_A, days_ago: int = 1) -> dict:
        """The sprint's `index`th session moved into the past and recorded as held."""
        session_id = sprint["sessions"][index]["id"]
        move_session(session_id, utcnow() - timedelta(days=days_ago))
        answer = self.record(session_id, identity)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def note(self, session_id: int, identity=SIP_A, **fields):
        body = {"judgement": "DEVELOPING", "strengths": "Clear modelling with manipulatives.",
                "development_points": "More time on reasoning.", "next_session_plan": "Bar models in Year 2.",
                **fields}
        return self.call("catalogue", "PUT", f"/sprint-sessions/{session_id}/qa-note", identity, json=body)

    def get(self, path: str, identity=ADMIN, **params):
        return self.call("catalogue", "GET", path, identity, params=params or None)
